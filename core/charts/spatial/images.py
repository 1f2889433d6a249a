"""The spatial transformer charts' shared pieces: their colours, images drawn as pixel rects at any place and
size of a chart, and a sampling grid drawn over an input (its lines, its outline, its top-left corner).

Images and grids share one coordinate system per chart: input pixel units, y growing downward. A chart has
no axes; ``height_for`` sizes it so that, at the width the right-hand column has on a 1280-pixel screen, a
pixel is about square (a turned grid must not look sheared)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.charts import COLOURS, GREY, mark, n, q
from core.charts.convolution import IMAGE_RANGE

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


def image_layer(images: list[tuple[np.ndarray, float, float, float]], dom_x: list, dom_y: list, value: str):
    """Images (h, w) in [0, 1] as grey rects in ONE layer: each (a, dx, dy, k) with its top-left at (dx, dy),
    each pixel k units a side."""
    cols = []
    for a, dx, dy, k in images:
        r, c = np.mgrid[0:a.shape[0], 0:a.shape[1]]
        x, y = c.ravel() * k + dx, r.ravel() * k + dy
        cols.append(np.stack([x, y, x + k, y + k, a.ravel()], 1))
    df = pd.DataFrame(np.concatenate(cols).astype(np.float32), columns=["x", "y", "x2", "y2", "v"])
    colour = {"field": "v", "type": "quantitative", "scale": {"range": IMAGE_RANGE, "domain": [0, 1]},
              "legend": None}
    return mark(df, {"type": "rect", "strokeWidth": 0.5}, **xy(dom_x, dom_y), x2={"field": "x2"},
                y2={"field": "y2"}, color=colour, stroke=colour, tooltip=[q("v", value, format=".2f")])


def outline_layer(boxes: list[tuple[float, float, float]], dom: tuple[list, list]):
    """A thin grey square around each image (x0, y0, size): its edge stays visible where a black image meets a
    dark theme."""
    df = pd.DataFrame([(x0, y0, x0 + size, y0 + size) for x0, y0, size in boxes], columns=["x", "y", "x2", "y2"])
    return mark(df, {"type": "rect", "fillOpacity": 0, "stroke": GREY, "strokeWidth": 1.5}, **xy(*dom),
                x2={"field": "x2"}, y2={"field": "y2"})


def _lines(parts: list[tuple[np.ndarray, float, float]], clip: tuple | None) -> pd.DataFrame:
    """Polylines: each part (lines, points, 2) clamped into ``clip`` (where given), then moved by (dx, dy). One row
    per point: line (numbered over all parts), order (its place along its line), x, y."""
    rows, first = [], 0
    for pts, dx, dy in parts:
        k, m = pts.shape[:2]
        p = pts.reshape(-1, 2) if clip is None else pts.reshape(-1, 2).clip(*clip)
        rows.append(np.column_stack([np.repeat(np.arange(first, first + k), m), np.tile(np.arange(m), k),
                                     p + [dx, dy]]))
        first += k
    a = np.concatenate(rows)
    return pd.DataFrame({"line": a[:, 0].astype(np.int32), "order": a[:, 1].astype(np.int32),
                         "x": a[:, 2].astype(np.float32), "y": a[:, 3].astype(np.float32)})


def grid_layers(grids: list[tuple[np.ndarray, np.ndarray, float, float]], every: int, dom: tuple[list, list],
                clip: tuple | None = None):
    """Sampling grids, each (grid (S, S, 2), outline (5, 2), dx, dy): lines through every ``every``-th row and
    column of its points, its outline thicker, and a dot at its top-left corner (where the output's top-left
    pixel comes from); moved by (dx, dy); points clamped into ``clip`` = (lo, hi) where given. Three layers for
    all the grids."""
    lines, edges = [], []
    for grid, outline, dx, dy in grids:
        keep = sorted(set(range(0, grid.shape[0], every)) | {grid.shape[0] - 1})
        lines.append((np.concatenate([grid[keep], grid[:, keep].transpose(1, 0, 2)]), dx, dy))  # rows, columns
        edges.append((outline[None], dx, dy))
    df, edge = _lines(lines, clip), _lines(edges, clip)
    hexc = COLOURS[GRID_COLOUR]
    enc = dict(**xy(*dom), detail=n("line"), order=q("order"))
    return [mark(df, {"type": "line", "color": hexc, "strokeWidth": 1, "opacity": 0.8}, **enc),
            mark(edge, {"type": "line", "color": hexc, "strokeWidth": 3}, **enc),
            mark(edge[edge.order == 0], {"type": "point", "filled": True, "size": 90, "color": hexc, "opacity": 1},
                 **xy(*dom))]


def label_layer(df: pd.DataFrame, dom: tuple[list, list], size: int = 15):
    """Words at (x, y) (column ``text``), centred, in grey (legible on both themes)."""
    return mark(df, {"type": "text", "fontSize": size, "color": GREY, "baseline": "middle"}, **xy(*dom),
                text={"field": "text"})
