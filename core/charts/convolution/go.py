"""Charts of the Go part: the board with what one 3×3 filter finds at every point (each lone stone's liberties,
the stones in atari ringed, the points that capture them marked), and the capture points after 2 × 2 max
pooling (each cell written with how many empty points it holds: where to play is no longer said)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.charts.convolution.grid import GO_COLOURS, STONE_COLOURS, grid_frame
from core.convolution import GoResult


def _lines(side: int) -> list:
    grid = pd.DataFrame({"p": np.arange(side) + 0.5})
    rule = {"type": "rule", "color": GREY, "opacity": 0.6}
    return [mark(grid, rule, x=q("p", scale={"domain": [0, side]}, axis=None)),
            mark(grid, rule, y=q("p", scale={"domain": [side, 0]}, axis=None))]


def _xy(side: int) -> dict:
    return {"x": q("xc", scale={"domain": [0, side], "nice": False}, axis=None),
            "y": q("yc", scale={"domain": [side, 0], "nice": False}, axis=None)}


def go_chart(res: GoResult, lang: str = "en"):
    """The 19×19 board: stones (a dot each), the chosen colour's lone stones labelled with their liberties, the
    stones in atari ringed and the points that capture them crossed."""
    tr = i18n.translator(lang)
    side = res.stones.shape[0]
    df = grid_frame(res.stones)
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    df["libs"] = res.liberties.ravel()
    names = {k: tr(f"convolution.charts.stone.{k}") for k in ("black", "white")}
    marks = {k: tr(f"convolution.charts.go.{k}") for k in GO_COLOURS}
    dom = [names["black"], names["white"], marks["atari"], marks["capture"]]
    sc = scale(dom, [COLOURS[STONE_COLOURS["black"]], COLOURS[STONE_COLOURS["white"]],
                     COLOURS[GO_COLOURS["atari"]], COLOURS[GO_COLOURS["capture"]]])
    stones = df[df.v > 0].assign(what=lambda d: d.v.map({1: names["black"], 2: names["white"]}))
    libs = tr("convolution.charts.go.libs")
    tips = [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
            n("what", tr("convolution.charts.stone.legend")), q("libs", libs)]
    xy = _xy(side)
    dots = mark(stones, {"type": "circle", "filled": True, "opacity": 1, "size": 190}, **xy,
                color=n("what", None, scale=sc, sort=dom), tooltip=tips)
    lone = df[res.lone.ravel()]
    label = mark(lone, {"type": "text", "fontSize": 12, "fontWeight": "bold"}, **xy,
                 text={"field": "libs", "type": "quantitative"},  # light on the dark (blue) stones, dark on the orange
                 color={"condition": {"test": "datum.v == 1", "value": "#ffffff"}, "value": "#111111"})
    ring = df[res.atari.ravel()].assign(what=marks["atari"])
    rings = mark(ring, {"type": "point", "filled": False, "size": 520, "strokeWidth": 3, "opacity": 1}, **xy,
                 color=n("what", None, scale=sc, sort=dom), tooltip=tips)
    cap = df[res.attack.ravel()].assign(what=marks["capture"])
    crosses = mark(cap, {"type": "point", "shape": "cross", "filled": True, "size": 200, "opacity": 1}, **xy,
                   color=n("what", None, scale=sc, sort=dom), tooltip=tips[:3])
    return styled(_lines(side) + [dots, label, rings, crosses], tr("convolution.charts.go.board"), height=420,
                  legend={"orient": "top", "direction": "horizontal", "title": None, "columns": 2})


def go_pooled_chart(res: GoResult, lang: str = "en"):
    """The capture points after 2 × 2 max pooling: a cell per 2 × 2 points, those holding a capture point
    filled and written with how many empty points they hold."""
    tr = i18n.translator(lang)
    a = res.pooled
    side = a.shape[0]
    df = grid_frame(a)
    df = df[df.v > 0].copy()
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    df["what"] = tr("convolution.charts.go.capture")
    xy = _xy(side)
    empty = tr("convolution.charts.go.empty")
    tips = [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")), q("v", empty)]
    cells = mark(df, {"type": "square", "filled": True, "opacity": 1, "size": 520}, **xy,
                 color=n("what", None, scale=scale([df["what"].iloc[0] if len(df) else ""],
                                                    [COLOURS[GO_COLOURS["capture"]]])), tooltip=tips)
    text = mark(df, {"type": "text", "fontSize": 13, "fontWeight": "bold", "color": "#111111"}, **xy,
                text={"field": "v", "type": "quantitative"})
    return styled(_lines(side) + [cells, text], tr("convolution.charts.go.pooled"), height=390,
                  legend={"orient": "top", "direction": "horizontal", "title": None})
