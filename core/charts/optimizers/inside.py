"""Inside one optimizer (arrows at one update, η_t/σ per parameter), the schedules, and the digits race."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, styled
from core.charts.optimizers.style import (ARROW_COLOURS, PARAM_COLOURS, SCHEDULE_COLOURS, finite, hex_of,
                                          racer_label, racer_scales, schedule_label, with_labels)
from core.optimizers import SCHEDULES, Inside, RaceResult, RealResult


def inside_chart(r: RaceResult, k: int, ins: Inside, lang: str = "en") -> alt.LayerChart:
    """Zoom on racer k at one update: its path, and arrows for −η_t·g, the momentum part and the actual update.

    Carried-over movement is drawn tip to tail with the gradient step (their sum is the update); Adam's −η_t·m̂
    starts at the point. Every arrow is what the optimizer did (``core.optimizers.inside``)."""
    tr = i18n.translator(lang)
    w, p = ins.window, ins.point
    names = {"gradient": tr("optimizers.charts.arrows.gradient"), "update": tr("optimizers.charts.arrows.update")}
    starts = {"gradient": p, "update": p}
    ends = {"gradient": p + ins.grad_step, "update": p + ins.update}
    if ins.kind in ("carried", "adam"):
        names[ins.kind] = tr(f"optimizers.charts.arrows.{ins.kind}")
        starts[ins.kind], ends[ins.kind] = p, p + ins.momentum_step
        if ins.kind == "carried":  # tip to tail: carried part, then the gradient step from its tip
            starts["gradient"] = p + ins.momentum_step
            ends["gradient"] = starts["gradient"] + ins.grad_step
    order = [a for a in ("update", "carried", "adam", "gradient") if a in names]  # the update underneath
    arrows = pd.DataFrame({"arrow": [names[a] for a in order],
                           "x": [starts[a][0] for a in order], "y": [starts[a][1] for a in order],
                           "x2": [ends[a][0] for a in order], "y2": [ends[a][1] for a in order],
                           "width": [9 if a == "update" else 3 for a in order]})
    arrows = finite(arrows, ["x", "y", "x2", "y2"])
    dom = [names[a] for a in order]
    col = n("arrow", None, scale={"domain": dom, "range": [COLOURS[ARROW_COLOURS[a]] for a in order]},
            legend={"title": None, "columns": 1, "labelLimit": 320})
    span_x, span_y = w[1] - w[0], w[3] - w[2]
    path = finite(pd.DataFrame({"step": np.arange(r.path.shape[1]), "x": r.path[k, :, 0], "y": r.path[k, :, 1]}),
                  ["x", "y"])
    path = path[path.x.between(w[0] - span_x, w[1] + span_x) & path.y.between(w[2] - span_y, w[3] + span_y)]
    xs = q("x", tr("optimizers.charts.x"), scale={"domain": [w[0], w[1]], "nice": False, "zero": False})
    ys = q("y", tr("optimizers.charts.y"), scale={"domain": [w[2], w[3]], "nice": False, "zero": False})
    trail = mark(path, {"type": "line", "color": GREY, "strokeWidth": 1.5, "clip": True,
                        "point": {"color": GREY, "size": 20}}, x=xs, y=ys, order=q("step"))
    here = mark(pd.DataFrame({"x": [p[0]], "y": [p[1]]}), {"type": "point", "size": 90, "shape": "square",
                                                           "filled": True, "fill": GREY, "stroke": "white"}, x=xs, y=ys)
    shafts = mark(arrows, {"type": "rule", "clip": True, "opacity": 0.85}, x=xs, y=ys, x2={"field": "x2"},
                  y2={"field": "y2"}, color=col, strokeWidth={"field": "width", "type": "quantitative", "scale": None})
    heads = mark(arrows, {"type": "point", "shape": "circle", "size": 140, "filled": True, "opacity": 1,
                          "clip": True}, x=q("x2"), y=q("y2"), color=col,
                 tooltip=[n("arrow", ""), q("x2", "x", format=".4g"), q("y2", "y", format=".4g")])
    title = tr("optimizers.charts.title.inside", racer=racer_label(ins.racer, lang), t=ins.t)
    return styled([trail, here, shafts, heads], title, height=440)


def eff_lr_chart(df: pd.DataFrame, racer: str, t: int, lang: str = "en") -> alt.LayerChart:
    """η_t / σ of each parameter against step (log), with the inspected update marked."""
    tr = i18n.translator(lang)
    d = finite(df, ["eff_lr"])
    d = d[d.eff_lr > 0]
    lines = mark(d, {"type": "line", "strokeWidth": 2.5}, x=q("step", tr("optimizers.charts.update")),
                 y=q("eff_lr", tr("optimizers.charts.eff_lr"), scale={"type": "log"}),
                 color=n("parameter", tr("optimizers.charts.parameter"),
                         scale={"domain": list(PARAM_COLOURS), "range": [COLOURS[c] for c in PARAM_COLOURS.values()]}),
                 tooltip=[n("parameter", tr("optimizers.charts.parameter")), q("step", tr("optimizers.charts.update")),
                          q("eff_lr", "ηₜ/σ", format=".4g")])
    rule = mark(pd.DataFrame({"step": [t]}), {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 2},
                x=q("step"))
    return styled([lines, rule], tr("optimizers.charts.title.eff_lr", racer=racer_label(racer, lang)), height=440)


def schedule_chart(frame: pd.DataFrame, chosen: str, lang: str = "en") -> alt.LayerChart:
    """Every schedule's factor η_t / η against step; the one applied to the race drawn thick."""
    tr = i18n.translator(lang)
    df = frame.copy()
    df["applied"] = df.schedule == chosen
    df["schedule"] = df.schedule.map({k: schedule_label(k, lang) for k in SCHEDULES})
    dom = [schedule_label(k, lang) for k in SCHEDULES]
    ch = mark(df, "line", x=q("step", tr("optimizers.charts.update")), y=q("factor", tr("optimizers.charts.factor")),
              color=n("schedule", None, scale={"domain": dom, "range": [hex_of(SCHEDULE_COLOURS[k]) for k in SCHEDULES]},
                      legend={"title": None, "columns": 3}),
              size=n("applied", scale={"domain": [True, False], "range": [5, 1.5]}, legend=None),
              opacity=n("applied", scale={"domain": [True, False], "range": [1.0, 0.45]}, legend=None),
              tooltip=[n("schedule", tr("optimizers.charts.schedule")), q("step", tr("optimizers.charts.update")),
                       q("factor", "ηₜ/η", format=".3f")])
    return styled(ch, tr("optimizers.charts.title.schedule", schedule=schedule_label(chosen, lang)), height=330)


def real_chart(r: RealResult, x: str, lang: str = "en") -> alt.LayerChart:
    """Training loss (a 10-step moving mean) of each racer against step (``x="step"``) or its own compute time
    (``x="seconds"``)."""
    tr = i18n.translator(lang)
    df = r.history.copy()
    df["smooth"] = df.groupby("optimizer").loss.transform(lambda s: s.rolling(10, min_periods=1).mean())
    df = finite(df, ["smooth", "seconds"])
    df = with_labels(df[df.smooth > 0][["step", "optimizer", "smooth", "seconds"]], lang).drop(columns="optimizer")
    colour, dash = racer_scales(r.racers, lang)
    xt = tr("optimizers.charts.step") if x == "step" else tr("optimizers.charts.own_time")
    ch = mark(df, {"type": "line", "strokeWidth": 2.5}, x=q(x, xt),
              y=q("smooth", tr("optimizers.charts.train_loss"), scale={"type": "log"}),
              color=n("who", None, scale=colour, legend=None),  # the legend: ``racer_legend`` (HTML) above it
              strokeDash=n("who", None, scale=dash, legend=None),
              tooltip=[n("who", tr("optimizers.charts.optimizer")), q("step", tr("optimizers.charts.step")),
                       q("seconds", tr("optimizers.charts.own_time"), format=".3f"),
                       q("smooth", tr("optimizers.charts.loss"), format=".3f")])
    return styled(ch, tr("optimizers.charts.title.real", x=xt), height=340)
