"""Charts of the optimizer race page: results in, Altair charts out (no compute, no streamlit)."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.charts import PALETTE, style
from core.optimizers import RACERS, SCHEDULES, Inside, LabResult, RaceResult, RealResult, SURFACES

# eight racers, eight colours that stand out on the grey surface in light and dark themes (PALETTE's yellow
# and black swapped for a brown and a purple; Adam, the most used, gets the vermillion)
RACER_COLORS = alt.Scale(domain=list(RACERS), range=PALETTE[:5] + ["#8C564B", PALETTE[5], "#7B3294"])
GAP_FLOOR = 1e-12  # loss gaps below this are drawn at this value (log scales need a floor)


def _finite(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return df[np.isfinite(df[cols].to_numpy(dtype=float)).all(1)]


def _heat(grid: pd.DataFrame, title: str = "loss − f* (log₁₀)") -> alt.Chart:
    return alt.Chart(grid).mark_rect(opacity=0.75).encode(
        x=alt.X("x:Q", title="x", scale=alt.Scale(nice=False, zero=False)), x2="x2:Q",
        y=alt.Y("y:Q", title="y", scale=alt.Scale(nice=False, zero=False)), y2="y2:Q",
        color=alt.Color("level:Q", title=title, scale=alt.Scale(type="quantize", scheme="greys", nice=True),
                        legend=None),
        tooltip=[alt.Tooltip("x:Q", format=".2f"), alt.Tooltip("y:Q", format=".2f"), alt.Tooltip("loss:Q", format=".4g")],
    )


def _minima(r: RaceResult) -> alt.Chart:
    df = pd.DataFrame({"x": r.minima[:, 0], "y": r.minima[:, 1], "what": "global minimum"})
    return alt.Chart(df).mark_point(shape="cross", size=300, filled=True, fill=PALETTE[6], stroke="#000",
                                    strokeWidth=1.2, opacity=1).encode(x="x:Q", y="y:Q", tooltip=["what:N"])


def _in_box(df: pd.DataFrame, box: tuple[float, float, float, float]) -> pd.DataFrame:
    pad_x, pad_y = 0.5 * (box[1] - box[0]), 0.5 * (box[3] - box[2])
    keep = df.x.between(box[0] - pad_x, box[1] + pad_x) & df.y.between(box[2] - pad_y, box[3] + pad_y)
    return df[keep]


def race_map(r: RaceResult, grid: pd.DataFrame, hist: pd.DataFrame) -> alt.TopLevelMixin:
    """Trajectories on the surface; a slider under the chart replays them step by step."""
    box = SURFACES[r.config.surface].box
    T = max(1, int(hist.step.max()) if len(hist) else 1)
    step = alt.param(name="upto", value=T, bind=alt.binding_range(min=0, max=T, step=1, name="replay: step "))
    paths = _in_box(_finite(hist, ["x", "y"]), box)[["step", "optimizer", "x", "y"]]
    enc = dict(x=alt.X("x:Q", scale=alt.Scale(domain=[box[0], box[1]], nice=False)),
               y=alt.Y("y:Q", scale=alt.Scale(domain=[box[2], box[3]], nice=False)),
               color=alt.Color("optimizer:N", scale=RACER_COLORS, title=None, legend=alt.Legend(columns=4)))
    quiet = {**enc, "color": alt.Color("optimizer:N", scale=RACER_COLORS, legend=None)}
    base = alt.Chart(paths).transform_filter(alt.datum.step <= step)
    lines = base.mark_line(strokeWidth=2.5, clip=True).encode(**enc, order="step:Q", detail="optimizer:N")
    dots = base.mark_circle(size=18, clip=True, opacity=0.8).encode(
        **quiet, tooltip=["optimizer:N", "step:Q", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")])
    heads = base.transform_filter(alt.datum.step == step).mark_point(size=160, filled=True, stroke="white",
                                                                      clip=True).encode(**quiet)
    s = SURFACES[r.config.surface].start
    start = alt.Chart(pd.DataFrame({"x": [s[0]], "y": [s[1]], "what": ["start"]})).mark_point(
        shape="square", size=150, color="#000", filled=True).encode(x="x:Q", y="y:Q", tooltip=["what:N"])
    title = f"{r.config.surface}: {r.steps_done} steps, {r.config.schedule} schedule" + (
        f", minibatch B = {r.config.batch}" if r.config.batch < 512 else ", full batch")
    return style(alt.layer(_heat(grid), lines, dots, heads, start, _minima(r)).add_params(step).properties(
        title=title), height=440)


def loss_chart(hist: pd.DataFrame) -> alt.TopLevelMixin:
    """Loss − f* against step, log scale, one line per optimizer (gaps below 1e-12 drawn at 1e-12)."""
    df = _finite(hist, ["gap"]).copy()
    df["gap"] = df.gap.clip(lower=GAP_FLOOR)
    ch = alt.Chart(df[["step", "optimizer", "gap", "loss"]]).mark_line(strokeWidth=2.5).encode(
        x=alt.X("step:Q", title="step"),
        y=alt.Y("gap:Q", title="loss − f* (log)", scale=alt.Scale(type="log")),
        color=alt.Color("optimizer:N", scale=RACER_COLORS, title=None, legend=alt.Legend(columns=4)),
        tooltip=["optimizer:N", "step:Q", alt.Tooltip("loss:Q", format=".4g")],
    )
    return style(ch, height=300)


def schedule_chart(frame: pd.DataFrame, chosen: str, eta_note: str = "") -> alt.TopLevelMixin:
    """Every schedule's factor eta_t / eta against step; the one applied to the race drawn thick."""
    df = frame.copy()
    df["applied"] = np.where(df.schedule == chosen, "applied", "other")
    ch = alt.Chart(df).mark_line().encode(
        x=alt.X("step:Q", title="update t"),
        y=alt.Y("factor:Q", title="η_t / η"),
        color=alt.Color("schedule:N", scale=alt.Scale(domain=list(SCHEDULES), range=["#888888", PALETTE[0], PALETTE[2],
                                                                                       PALETTE[3], PALETTE[5]]),
                        title=None, legend=alt.Legend(columns=5)),
        size=alt.Size("applied:N", scale=alt.Scale(domain=["applied", "other"], range=[5, 1.5]), legend=None),
        opacity=alt.Opacity("applied:N", scale=alt.Scale(domain=["applied", "other"], range=[1.0, 0.45]), legend=None),
        tooltip=["schedule:N", "step:Q", alt.Tooltip("factor:Q", format=".3f")],
    )
    return style(ch.properties(title=f"applied: {chosen}{eta_note}"), height=300)


def inside_chart(r: RaceResult, k: int, ins: Inside) -> alt.TopLevelMixin:
    """Zoom on one optimizer at update t: the path, and arrows for −η·g, −η·m and the actual update."""
    w = ins.window
    p = ins.point
    carried = r.racers[k] in ("Momentum", "Nesterov")
    # Momentum: update = carried-over movement + gradient step, drawn tip to tail; otherwise all from the point
    g0 = p + ins.momentum_step if carried else p
    mom_name = "momentum λ·m (carried over)" if carried else "momentum −η·m̂"
    arrows = pd.DataFrame({
        "arrow": ["gradient step −η·g", mom_name, "actual update"],
        "x": [g0[0], p[0], p[0]], "y": [g0[1], p[1], p[1]],
        "x2": [g0[0] + ins.grad_step[0], p[0] + ins.momentum_step[0], p[0] + ins.update[0]],
        "y2": [g0[1] + ins.grad_step[1], p[1] + ins.momentum_step[1], p[1] + ins.update[1]],
    })
    arrows = arrows[np.isfinite(arrows[["x", "y", "x2", "y2"]].to_numpy()).all(1)]
    if r.racers[k] not in ("Momentum", "Nesterov", "Adam", "AdamW"):
        arrows = arrows[arrows.arrow != mom_name]
    path = pd.DataFrame({"step": np.arange(r.path.shape[1]), "x": r.path[k, :, 0], "y": r.path[k, :, 1]})
    path = _finite(path, ["x", "y"])
    path = path[path.x.between(w[0] - (w[1] - w[0]), w[1] + (w[1] - w[0]))
                & path.y.between(w[2] - (w[3] - w[2]), w[3] + (w[3] - w[2]))]
    xs = alt.X("x:Q", scale=alt.Scale(domain=[w[0], w[1]], nice=False, zero=False), title="x")
    ys = alt.Y("y:Q", scale=alt.Scale(domain=[w[2], w[3]], nice=False, zero=False), title="y")
    dom = ["gradient step −η·g", mom_name, "actual update"]
    col = alt.Color("arrow:N", scale=alt.Scale(domain=dom, range=[PALETTE[5], PALETTE[2], PALETTE[4]]), title=None,
                    legend=alt.Legend(columns=1, labelLimit=320))
    trail = alt.Chart(path).mark_line(color="#888", strokeWidth=1.5, point=alt.OverlayMarkDef(color="#888", size=20),
                                      clip=True).encode(xs, ys, order="step:Q")
    arrows["order"] = arrows.arrow.map({"actual update": 0, mom_name: 1, "gradient step −η·g": 2})
    arrows = arrows.sort_values("order")  # the update underneath (wide, pale), the two parts on top
    shafts = alt.Chart(arrows).mark_rule(clip=True, opacity=0.85).encode(xs, ys, x2="x2:Q", y2="y2:Q", color=col,
                                                                          strokeWidth=alt.StrokeWidth(
                                                                              "arrow:N", scale=alt.Scale(
                                                                                  domain=dom, range=[3, 3, 9]),
                                                                              legend=None))
    heads = alt.Chart(arrows).mark_point(shape="circle", size=140, filled=True, opacity=1, clip=True).encode(
        x="x2:Q", y="y2:Q", color=col, tooltip=["arrow:N", alt.Tooltip("x2:Q", format=".4g"), alt.Tooltip("y2:Q", format=".4g")])
    here = alt.Chart(pd.DataFrame({"x": [p[0]], "y": [p[1]]})).mark_point(size=90, color="#000", shape="square",
                                                                         filled=True).encode(xs, ys)
    return style(alt.layer(trail, here, shafts, heads).properties(
        title=f"{ins.racer}, update {ins.t} (arrows end at dots)"), height=360)


def eff_lr_chart(df: pd.DataFrame, racer: str, t: int) -> alt.TopLevelMixin:
    """eta_t / sigma of each parameter against step (log), with the inspected update marked."""
    d = _finite(df, ["eff_lr"])
    d = d[d.eff_lr > 0]
    lines = alt.Chart(d).mark_line(strokeWidth=2.5).encode(
        x=alt.X("step:Q", title="update t"),
        y=alt.Y("eff_lr:Q", title="η_t / σ (log)", scale=alt.Scale(type="log")),
        color=alt.Color("parameter:N", scale=alt.Scale(domain=["x", "y"], range=[PALETTE[0], PALETTE[5]]),
                        title="parameter"),
        tooltip=["parameter:N", "step:Q", alt.Tooltip("eff_lr:Q", format=".4g")],
    )
    rule = alt.Chart(pd.DataFrame({"step": [t]})).mark_rule(color="#444", strokeDash=[4, 3], strokeWidth=2).encode(x="step:Q")
    return style(alt.layer(lines, rule).properties(title=f"{racer}: η_t/σ per parameter"), height=360)


def ends_chart(r: RaceResult, grid: pd.DataFrame, k: int) -> alt.TopLevelMixin:
    """Where racer k ends from each random start (filled) and where it started (hollow)."""
    box = SURFACES[r.config.surface].box
    racer = r.racers[k]
    starts = pd.DataFrame({"x": r.starts[:, 0], "y": r.starts[:, 1], "where": "start"})
    ends = pd.DataFrame({"x": r.ends[k, :, 0], "y": r.ends[k, :, 1], "where": "end",
                         "reached": np.where(r.reached[k], "global minimum", "elsewhere")})
    ends = _finite(ends, ["x", "y"])
    xs = alt.X("x:Q", scale=alt.Scale(domain=[box[0], box[1]], nice=False))
    ys = alt.Y("y:Q", scale=alt.Scale(domain=[box[2], box[3]], nice=False))
    s = alt.Chart(starts).mark_point(size=40, color="#444", opacity=0.7, clip=True).encode(xs, ys)
    e = alt.Chart(ends).mark_point(size=110, filled=True, opacity=0.9, clip=True, stroke="white", strokeWidth=0.8).encode(
        xs, ys, color=alt.Color("reached:N", title=None, scale=alt.Scale(domain=["global minimum", "elsewhere"],
                                                                       range=[PALETTE[2], PALETTE[3]])),
        tooltip=["reached:N", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f")])
    n = int(r.reached[k].sum())
    return style(alt.layer(_heat(grid), _minima(r), s, e).properties(
        title=f"{racer}: {n} of {len(r.starts)} end at the minimum"), height=380)


def share_chart(board: pd.DataFrame) -> alt.TopLevelMixin:
    """Share of the random starts that end at a global minimum, per optimizer."""
    col = "random starts reaching the global min"
    df = board[["optimizer", col]].rename(columns={col: "share"})
    df = df[np.isfinite(df.share.to_numpy(dtype=float))]
    ch = alt.Chart(df).mark_bar().encode(
        y=alt.Y("optimizer:N", title=None, sort=list(RACERS), axis=alt.Axis(labelLimit=220)),
        x=alt.X("share:Q", title="share of starts reaching the global minimum", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=alt.Color("optimizer:N", scale=RACER_COLORS, legend=None),
        tooltip=["optimizer:N", alt.Tooltip("share:Q", format=".0%")],
    )
    return style(ch, height=380)


def real_chart(r: RealResult, x: str) -> alt.TopLevelMixin:
    """Training loss (a 10-step moving mean) of each optimizer against step or against its own wall time."""
    df = r.history.copy()
    df["smooth"] = df.groupby("optimizer").loss.transform(lambda s: s.rolling(10, min_periods=1).mean())
    df = _finite(df, ["smooth", "seconds"])
    df = df[df.smooth > 0]
    title = "step" if x == "step" else "own compute time (s)"
    ch = alt.Chart(df[["step", "optimizer", "smooth", "seconds"]]).mark_line(strokeWidth=2.5).encode(
        x=alt.X(f"{x}:Q", title=title),
        y=alt.Y("smooth:Q", title="train loss (log)", scale=alt.Scale(type="log")),
        color=alt.Color("optimizer:N", scale=RACER_COLORS, title=None, legend=alt.Legend(columns=4)),
        tooltip=["optimizer:N", "step:Q", alt.Tooltip("seconds:Q", format=".3f"), alt.Tooltip("smooth:Q", format=".3f")],
    )
    return style(ch.properties(title=f"digits: cross-entropy against {title}"), height=340)


def lab_time_chart(r: LabResult) -> alt.TopLevelMixin:
    """Time per update and per epoch against batch size (log-log)."""
    t = r.table
    df = pd.concat([pd.DataFrame({"batch": t.batch, "what": "ms per update", "value": t.ms_per_update}),
                    pd.DataFrame({"batch": t.batch, "what": "ms per epoch", "value": 1e3 * t.s_per_epoch})])
    df = _finite(df, ["value"])
    df = df[df.value > 0]
    ch = alt.Chart(df).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("batch:Q", title="batch size B (log)", scale=alt.Scale(type="log", base=2)),
        y=alt.Y("value:Q", title="ms (log)", scale=alt.Scale(type="log")),
        color=alt.Color("what:N", title=None, scale=alt.Scale(range=[PALETTE[0], PALETTE[5]])),
        tooltip=["batch:Q", "what:N", alt.Tooltip("value:Q", format=".3f")],
    )
    return style(ch.properties(title=f"measured time on {r.device}"), height=300)


def lab_acc_chart(r: LabResult) -> alt.TopLevelMixin:
    """Training and validation accuracy against batch size, after the same number of epochs."""
    t = r.table
    df = pd.concat([pd.DataFrame({"batch": t.batch, "data": "train", "accuracy": t.train_acc}),
                    pd.DataFrame({"batch": t.batch, "data": "validation", "accuracy": t.val_acc})])
    df = _finite(df, ["accuracy"])
    ch = alt.Chart(df).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("batch:Q", title="batch size B (log)", scale=alt.Scale(type="log", base=2)),
        y=alt.Y("accuracy:Q", title="accuracy", axis=alt.Axis(format="%"), scale=alt.Scale(zero=False)),
        color=alt.Color("data:N", title=None, scale=alt.Scale(domain=["train", "validation"], range=[PALETTE[2], PALETTE[5]])),
        strokeDash=alt.StrokeDash("data:N", scale=alt.Scale(domain=["train", "validation"], range=[[1, 0], [6, 4]]),
                                  legend=None),
        tooltip=["batch:Q", "data:N", alt.Tooltip("accuracy:Q", format=".1%")],
    )
    return style(ch.properties(title=f"after {r.config.epochs} epochs of plain SGD, η = {r.config.lr}"), height=300)
