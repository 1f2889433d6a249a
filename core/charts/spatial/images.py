"""The spatial transformer charts' shared pieces: their colours, images drawn as pixel rects at any place and
size of a chart, and a sampling grid drawn over an input (its lines, its outline, its top-left corner).

Images and grids share one coordinate system per chart: input pixel units, y growing downward. A chart has
no axes; ``height_for`` sizes it so that, at the width the right-hand column has on a 1280-pixel screen, a
pixel is about square (a turned grid must not look sheared)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.charts import COLOURS, GREY, mark, n, q
from core.charts.convolution import IMAGE_RANGE, grid_frame

RACER_COLOURS = {"CNN": "vermillion", "ST": "blue", "augmented": "green"}  # each racer's colour in every chart
GRID_COLOUR = "orange"  # the sampling grid drawn over an input
ANSWER_COLOURS = {"right": "blue", "wrong": "vermillion"}  # a point where the CNN's answer is right or wrong
FIT_COLOUR = "vermillion"  # the learned part's fitted line
WIDTH = 575  # the right-hand column's width in pixels at 1280×720 (sidebar open), for ``height_for``
TITLED = 62  # pixels of a chart's height the title and padding take (measured in the browser at 1280×720)


def height_for(width_units: float, height_units: float, lo: int = 160, hi: int = 520, width: int = WIDTH) -> int:
    """The chart height at which a unit is as tall as it is wide, ``width`` pixels wide (title included)."""
    return int(min(hi, max(lo, width * height_units / max(1e-9, width_units) + TITLED)))


def xy(dom_x: list, dom_y: list, fx: str = "x", fy: str = "y") -> dict:
    """x and y channels of every layer of an image chart: fixed domains (y downward), no axes."""
    return {"x": q(fx, scale={"domain": dom_x, "nice": False, "zero": False}, axis=None),
            "y": q(fy, scale={"domain": dom_y, "nice": False, "zero": False}, axis=None)}


def image_layer(a: np.ndarray, dx: float, dy: float, k: float, dom_x: list, dom_y: list, value: str):
    """Image ``a`` (h, w) in [0, 1] as grey rects, its top-left at (dx, dy), each pixel k units a side."""
    df = grid_frame(a)
    for c, base, d in (("x", "col", dx), ("y", "row", dy)):
        df[c] = (df[base] * k + d).astype(np.float32)
        df[c + "2"] = (df[c] + k).astype(np.float32)
    colour = {"field": "v", "type": "quantitative", "scale": {"range": IMAGE_RANGE, "domain": [0, 1]},
              "legend": None}
    return mark(df, {"type": "rect", "strokeWidth": 0.5}, **xy(dom_x, dom_y), x2={"field": "x2"},
                y2={"field": "y2"}, color=colour, stroke=colour, tooltip=[q("v", value, format=".2f")])


def grid_layers(grid: np.ndarray, outline: np.ndarray, dx: float, dy: float, every: int, dom: tuple[list, list],
                clip: tuple | None = None):
    """The sampling grid (S, S, 2) as lines through every ``every``-th row and column of its points, its outline
    (5, 2) thicker, and a dot at its top-left corner (where the output's top-left pixel comes from); moved by
    (dx, dy); points clamped into ``clip`` = (lo, hi) where given."""
    side = grid.shape[0]
    keep = sorted(set(range(0, side, every)) | {side - 1})
    rows = []
    for i in keep:
        rows += [(f"r{i}", j, *grid[i, j]) for j in range(side)]
        rows += [(f"c{i}", j, *grid[j, i]) for j in range(side)]
    df = pd.DataFrame(rows, columns=["line", "order", "x", "y"])
    edge = pd.DataFrame({"line": "outline", "order": range(len(outline)), "x": outline[:, 0], "y": outline[:, 1]})
    for d in (df, edge):
        if clip is not None:
            d["x"], d["y"] = d.x.clip(*clip), d.y.clip(*clip)
        d["x"], d["y"] = (d.x + dx).astype(np.float32), (d.y + dy).astype(np.float32)
    hexc = COLOURS[GRID_COLOUR]
    enc = dict(**xy(*dom), detail=n("line"), order=q("order"))
    return [mark(df, {"type": "line", "color": hexc, "strokeWidth": 1, "opacity": 0.8}, **enc),
            mark(edge, {"type": "line", "color": hexc, "strokeWidth": 3}, **enc),
            mark(edge.iloc[:1], {"type": "point", "filled": True, "size": 90, "color": hexc, "opacity": 1},
                 **xy(*dom))]


def label_layer(df: pd.DataFrame, dom: tuple[list, list], size: int = 15):
    """Words at (x, y) (column ``text``), centred, in grey (legible on both themes)."""
    return mark(df, {"type": "text", "fontSize": size, "color": GREY, "baseline": "middle"}, **xy(*dom),
                text={"field": "text"})
