"""Charts of the pooling part: the shift test and the Go board, raw and pooled."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.charts.convolution.grid import SHIFT_COLOURS, STONE_COLOURS, grid_frame
from core.convolution import Board, PoolResult


def shift_chart(res: PoolResult, lang: str = "en"):
    """Relative change of the raw and the pooled features for each shift."""
    tr = i18n.translator(lang)
    h, w = res.pooled.shape  # the pooled map's size, in the legend ("pooled 21×32")
    names = {k: tr(f"convolution.charts.shift.{k}", h=h, w=w) for k in SHIFT_COLOURS}
    rows = [(s, names[k], v) for s, raw, pl in res.shifts for k, v in (("raw", raw), ("pooled", pl))]
    df = pd.DataFrame(rows, columns=["shift", "what", "change"])
    dom = [names[k] for k in SHIFT_COLOURS]
    sc = scale(dom, [COLOURS[c] for c in SHIFT_COLOURS.values()])
    bars = mark(df, {"type": "bar"}, x=n("shift", tr("convolution.charts.shift.x"), axis={"labelAngle": 0}),
                xOffset=n("what", sort=dom), y=q("change", tr("convolution.charts.shift.y"), axis={"format": "%"}),
                color=n("what", None, scale=sc, sort=dom),
                tooltip=[n("what", tr("convolution.charts.shift.legend")), q("change", tr("convolution.charts.shift.y"),
                                                                             format=".0%")])
    # legend on top in one row, untitled: at the bottom with a title it left the bars about 45 px tall
    return styled(bars, tr("convolution.charts.shift.title"), height=290,
                  legend={"orient": "top", "direction": "horizontal", "title": None})


def board_chart(b: Board, pooled: bool, lang: str = "en"):
    """The 19×19 board (a dot per stone) or its 10×10 pooled cells, coloured by the stones they hold."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.stone.{k}") for k in STONE_COLOURS}
    a = b.pooled if pooled else b.stones
    df = grid_frame(a)
    df = df[df.v > 0].copy()
    df["stone"] = df.v.map({1: names["black"], 2: names["white"], 3: names["both"]})
    dom = [names[k] for k in STONE_COLOURS] if pooled else [names["black"], names["white"]]
    sc = scale(dom, [COLOURS[STONE_COLOURS[k]] for k in STONE_COLOURS][: len(dom)])
    side = a.shape[0]
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    grid = pd.DataFrame({"p": np.arange(side) + 0.5})
    rule = {"type": "rule", "color": GREY, "opacity": 0.6}
    lines_v = mark(grid, rule, x=q("p", scale={"domain": [0, side]}, axis=None))
    lines_h = mark(grid, rule, y=q("p", scale={"domain": [side, 0]}, axis=None))
    shape = {"type": "square" if pooled else "circle", "filled": True, "opacity": 1, "size": 260 if pooled else 110}
    stones = mark(df, shape, x=q("xc", scale={"domain": [0, side], "nice": False}, axis=None),
                  y=q("yc", scale={"domain": [side, 0], "nice": False}, axis=None),
                  color=n("stone", tr("convolution.charts.stone.legend"), scale=sc),
                  tooltip=[q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
                           n("stone", tr("convolution.charts.stone.legend"))])
    title = tr("convolution.charts.board_pooled" if pooled else "convolution.charts.board")
    return styled([lines_v, lines_h, stones], title, height=300)
