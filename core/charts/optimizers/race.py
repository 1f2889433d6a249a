"""The race map (with replay up to a step), the loss curves, the random starts' ends and their share."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, grid32, mark, n, q, styled
from core.charts.optimizers.style import (ENDS_COLOURS, GAP_FLOOR, MINIMUM_COLOUR, finite, racer_scales,
                                          schedule_label, surface_label, with_labels)
from core.optimizers import N_EXAMPLES, SURFACES, RaceResult, ends_facts


def _axes(box, tr) -> tuple[dict, dict]:
    return (q("x", tr("optimizers.charts.x"), scale={"domain": [box[0], box[1]], "nice": False, "zero": False}),
            q("y", tr("optimizers.charts.y"), scale={"domain": [box[2], box[3]], "nice": False, "zero": False}))


def _heat(grid: pd.DataFrame, xs: dict, ys: dict, tr) -> alt.Chart:
    return mark(grid32(grid), {"type": "rect", "opacity": 0.75}, x=xs, x2={"field": "x2"}, y=ys, y2={"field": "y2"},
                color=q("level", tr("optimizers.charts.level"), scale={"type": "quantize", "scheme": "greys"},
                        legend=None),
                tooltip=[q("x", format=".2f"), q("y", format=".2f"), q("loss", tr("optimizers.charts.loss"),
                                                                       format=".4g")])


def _marks(r: RaceResult, xs: dict, ys: dict, tr) -> list[alt.Chart]:
    """The global minima (yellow crosses, grey outline) and the start (grey square, white outline)."""
    s = SURFACES[r.config.surface].start
    mins = pd.DataFrame({"x": r.minima[:, 0], "y": r.minima[:, 1], "what": tr("optimizers.charts.minimum")})
    start = pd.DataFrame({"x": [s[0]], "y": [s[1]], "what": [tr("optimizers.charts.start")]})
    return [mark(mins, {"type": "point", "shape": "cross", "size": 300, "filled": True,
                        "fill": COLOURS[MINIMUM_COLOUR], "stroke": GREY, "strokeWidth": 1.2, "opacity": 1},
                 x=xs, y=ys, tooltip=[n("what", "")]),
            mark(start, {"type": "point", "shape": "square", "size": 150, "filled": True, "fill": GREY,
                         "stroke": "white", "strokeWidth": 1.5, "opacity": 1}, x=xs, y=ys, tooltip=[n("what", "")])]


def _batch(r: RaceResult, tr) -> str:
    b = r.config.batch
    return tr("optimizers.charts.title.full_batch") if b >= N_EXAMPLES else tr("optimizers.charts.title.minibatch", b=b)


def race_map(r: RaceResult, grid: pd.DataFrame, hist: pd.DataFrame, upto: int | None = None,
             lang: str = "en") -> alt.LayerChart:
    """Trajectories on the surface up to step ``upto`` (None: the whole run), a dot at each racer's head. Its legend
    is ``racer_legend`` (HTML, drawn by the page above the map).

    The paths up to ``upto`` are the chart's one top-level dataset, shared by the line and the point layers;
    the surface grid is sent once. A replay's frames differ only in their data: the spec (title, scales,
    legend) is the same at every step, so the browser redraws the chart in place."""
    tr = i18n.translator(lang)
    box = SURFACES[r.config.surface].box
    T = r.steps_done
    upto = T if upto is None else int(np.clip(upto, 0, T))
    xs, ys = _axes(box, tr)
    pad_x, pad_y = 0.5 * (box[1] - box[0]), 0.5 * (box[3] - box[2])
    paths = finite(hist, ["x", "y"])
    paths = paths[paths.x.between(box[0] - pad_x, box[1] + pad_x) & paths.y.between(box[2] - pad_y, box[3] + pad_y)]
    paths = paths[paths.step <= upto]
    paths = with_labels(paths[["step", "optimizer", "x", "y"]], lang)[["step", "who", "x", "y"]]
    colour, dash = racer_scales(r.racers, lang)
    # no legend in the chart: the page draws ``racer_legend`` above it, which wraps at any width
    who = n("who", None, scale=colour, legend=None)
    lines = alt.Chart(mark={"type": "line", "strokeWidth": 2.5, "clip": True},
                      encoding=alt.FacetedEncoding(x=xs, y=ys, color=who, order=q("step"),
                                                   strokeDash=n("who", None, scale=dash, legend=None)))
    dots = alt.Chart(mark={"type": "circle", "size": 16, "clip": True, "opacity": 0.7},
                     encoding=alt.FacetedEncoding(
                         x=xs, y=ys, color=who,
                         tooltip=[n("who", tr("optimizers.charts.optimizer")), q("step", tr("optimizers.charts.step")),
                                  q("x", format=".3f"), q("y", format=".3f")]))
    last = paths.groupby("who", sort=False).tail(1)
    heads = mark(last, {"type": "point", "size": 160, "filled": True, "stroke": "white", "clip": True, "opacity": 1},
                 x=xs, y=ys, color=who)
    # the run's settings only, never the step shown: a replay keeps one spec from frame to frame
    title = tr("optimizers.charts.title.race", surface=surface_label(r.config.surface, lang),
               schedule=schedule_label(r.config.schedule, lang), batch=_batch(r, tr))
    # 340 in all: the racers' legend (HTML, above it) and the whole map with its x axis on the first screen at 1280×720
    ch = styled([_heat(grid, xs, ys, tr), lines, dots, heads, *_marks(r, xs, ys, tr)], title, height=340)
    ch.data = paths
    return ch


def loss_chart(hist: pd.DataFrame, racers: list[str], lang: str = "en") -> alt.LayerChart:
    """Loss − f* against step, log scale, one line per racer (gaps below 1e-12 drawn at 1e-12)."""
    tr = i18n.translator(lang)
    df = finite(hist, ["gap"]).copy()
    df["gap"] = df.gap.clip(lower=GAP_FLOOR)
    df = with_labels(df[["step", "optimizer", "gap", "loss"]], lang).drop(columns="optimizer")
    colour, dash = racer_scales(racers, lang)
    ch = mark(df, {"type": "line", "strokeWidth": 2.5},
              x=q("step", tr("optimizers.charts.step")),
              y=q("gap", tr("optimizers.charts.gap_log"), scale={"type": "log"}),
              color=n("who", None, scale=colour, legend=None),  # the legend: ``racer_legend`` (HTML) above it
              strokeDash=n("who", None, scale=dash, legend=None),
              tooltip=[n("who", tr("optimizers.charts.optimizer")), q("step", tr("optimizers.charts.step")),
                       q("loss", tr("optimizers.charts.loss"), format=".4g")])
    return styled(ch, height=300)


def ends_chart(r: RaceResult, grid: pd.DataFrame, k: int, lang: str = "en") -> alt.LayerChart:
    """Where racer k ends from each random start (filled) and where it started (hollow grey)."""
    tr = i18n.translator(lang)
    from core.charts.optimizers.style import racer_label

    box = SURFACES[r.config.surface].box
    xs, ys = _axes(box, tr)
    starts = pd.DataFrame({"x": r.starts[:, 0], "y": r.starts[:, 1]})
    # on a surface with no other minimum a run not at the global one has not converged: never "elsewhere"
    lab = {True: tr("optimizers.charts.reached"),
           False: tr("optimizers.charts.unconverged" if ends_facts(r).unconverged else "optimizers.charts.elsewhere")}
    ends = finite(pd.DataFrame({"x": r.ends[k, :, 0], "y": r.ends[k, :, 1],
                                "reached": [lab[bool(v)] for v in r.reached[k]]}), ["x", "y"])
    s = mark(starts, {"type": "point", "size": 40, "color": GREY, "opacity": 0.8, "clip": True}, x=xs, y=ys)
    e = mark(ends, {"type": "point", "size": 110, "filled": True, "opacity": 0.9, "clip": True, "stroke": "white",
                    "strokeWidth": 0.8}, x=xs, y=ys,
             color=n("reached", None, scale={"domain": [lab[True], lab[False]],
                                             "range": [COLOURS[ENDS_COLOURS["reached"]],
                                                       COLOURS[ENDS_COLOURS["elsewhere"]]]}, legend={"title": None}),
             tooltip=[n("reached", ""), q("x", format=".3f"), q("y", format=".3f")])
    title = tr("optimizers.charts.title.ends", racer=racer_label(r.racers[k], lang), n=int(r.reached[k].sum()),
               total=len(r.starts))
    return styled([_heat(grid, xs, ys, tr), *_marks(r, xs, ys, tr)[:1], s, e], title, height=380)


def share_chart(board: pd.DataFrame, lang: str = "en") -> alt.LayerChart:
    """Share of the random starts that end at a global minimum, per racer (a board from ``leaderboard``)."""
    tr = i18n.translator(lang)
    df = board[["optimizer", "share of starts at the minimum"]].rename(columns={"share of starts at the minimum":
                                                                                 "share"})
    df = with_labels(df[np.isfinite(df.share.to_numpy(dtype=float))], lang).drop(columns="optimizer")
    colour, dash = racer_scales(list(board.optimizer), lang)
    ch = mark(df, {"type": "bar", "stroke": GREY, "strokeWidth": 2}, y=n("who", None, sort=colour["domain"],
                                                                        axis={"labelLimit": 200, "title": None}),
              strokeDash=n("who", None, scale=dash, legend=None),
              x=q("share", tr("optimizers.charts.share"), scale={"domain": [0, 1]}, axis={"format": "%"}),
              color=n("who", None, scale=colour, legend=None),
              tooltip=[n("who", tr("optimizers.charts.optimizer")), q("share", "", format=".0%")])
    return styled(ch, height=300)
