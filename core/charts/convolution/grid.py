"""The convolution charts' shared pieces: their colours, and a 2-D array drawn as coarse heatmap rects (one
rect per pixel, at most 64 × 64), y growing downward as in an image."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.charts import COLOURS, mark, q

IMAGE_RANGE = ["#000000", "#ffffff"]  # a grey photo: dark is dark
SIGN_COLOURS = {"negative": "blue", "positive": "orange"}  # feature maps with both signs: below and above 0
SIGNED = [COLOURS[SIGN_COLOURS["negative"]], "#eeeeee", COLOURS[SIGN_COLOURS["positive"]]]  # the range, 0 pale
UNSIGNED = "viridis"  # non-negative maps (after ReLU, pooled, gradients)
SHIFT_COLOURS = {"raw": "vermillion", "pooled": "blue"}  # the shift test's bars
STONE_COLOURS = {"black": "blue", "white": "orange", "both": "pink"}  # the Go board's stones (no black: dark theme)
FIELD_COLOURS = {"formula": "vermillion"}  # the receptive field by the formula (outline)
SHARE_COLOURS = {"convolution": "blue", "fully connected": "vermillion"}
DEPTH_COLOURS = {"deep": "sky blue", "wide": "orange"}  # the depth part: the 3×3 stack (deep), the 7×7 (wide)
GO_COLOURS = {"atari": "vermillion", "capture": "green"}  # the Go part: stones in atari (ring), capture points
RESIZE_COLOURS = {"before": "sky blue", "cnn": "green", "fc": "vermillion"}  # CNN as it is; both rescaled


def grid_frame(a: np.ndarray, dx: int = 0, dy: int = 0, tile: int | str | None = None) -> pd.DataFrame:
    """A 2-D array as one row per cell: col, row (from the top), the value, and its rect's corners."""
    h, w = a.shape
    r, c = np.mgrid[0:h, 0:w]
    df = pd.DataFrame({"row": r.ravel().astype(np.int16), "col": c.ravel().astype(np.int16),
                       "v": a.ravel().astype(np.float32)})
    df["x"], df["y"] = (df.col + dx).astype(np.int16), (df.row + dy).astype(np.int16)
    df["x2"], df["y2"] = (df.x + 1).astype(np.int16), (df.y + 1).astype(np.int16)
    if tile is not None:
        df["tile"] = tile
    return df


def heat(df: pd.DataFrame, colour: dict, tooltip: list, shape: tuple[int, int], value_title: str,
         legend: bool = True):
    """Rects of a grid frame; y grows downward as in an image; no axes (hover shows row, column, value)."""
    h, w = shape
    fill = {"field": "v", "type": "quantitative", "title": value_title, **colour,
            **({} if legend else {"legend": None})}
    stroke = dict(fill)  # each rect outlined in its own colour (no hairline gaps); the same legend, drawn once
    return mark(df, {"type": "rect", "strokeWidth": 0.6},
                x=q("x", scale={"domain": [0, w], "nice": False, "zero": True}, axis=None),
                x2={"field": "x2"}, y=q("y", scale={"domain": [h, 0], "nice": False}, axis=None), y2={"field": "y2"},
                color=fill, stroke=stroke, tooltip=tooltip)


def tips(tr, value: str = "v") -> list:
    return [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
            q(value, tr("convolution.charts.value"), format=".3f")]


def height_of(shape: tuple[int, int], width: int = 300, cap: int = 300) -> int:
    h, w = shape
    return int(max(120, min(cap, width * h / max(1, w))))
