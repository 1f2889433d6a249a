"""A digit drawn with the mouse, turned into what the digit networks were trained on: light ink on dark,
cropped to its ink, padded to a square, scaled to 8×8 and to a peak of 1, and placed on the canvas the
networks read (12×12, at the centre) or kept 8×8.

The drawing board's settings are here too, so every page that offers one draws the same board:
``BOARD_PX`` pixels a side, strokes ``STROKE_PX`` wide, ink ``INK`` on ``PAPER``.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from core.convolution.digits import CANVAS, place

BOARD_PX = 168  # side of the drawing board, in screen pixels
STROKE_PX = 14  # width of a stroke (a digit about 8 strokes tall, as the 8×8 digits are drawn)
INK, PAPER = "#ffffff", "#000000"  # light ink on dark paper, as the training digits are
INK_LEVEL = 0.2  # a pixel at least this bright is ink
MIN_INK = 10  # fewer ink pixels than this: nothing is drawn yet


def from_drawing(rgba: np.ndarray, side: int) -> torch.Tensor | None:
    """A digit drawn on a canvas (H, W, 4) bytes, light ink on dark, as the training digits are: cropped to
    its ink, padded to a square, scaled to 8×8 by area averaging and to a peak of 1, then placed at the
    canvas's centre column (side 12) or as it is (side 8). None when nothing is drawn."""
    a = np.asarray(rgba, dtype=np.float64)
    if a.ndim != 3 or a.shape[2] < 3 or a.size == 0:
        return None
    grey = a[..., :3].mean(axis=2) / 255.0
    if a.shape[2] == 4:
        grey = grey * (a[..., 3] / 255.0)
    ink = grey > INK_LEVEL
    if ink.sum() < MIN_INK:
        return None
    rows, cols = np.nonzero(ink)
    crop = grey[rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    h, w = crop.shape
    n = max(h, w)
    n = n + n // 8 * 2  # a margin, as the scanned digits have
    sq = np.zeros((n, n))
    sq[(n - h) // 2:(n - h) // 2 + h, (n - w) // 2:(n - w) // 2 + w] = crop
    t = torch.tensor(sq, dtype=torch.float32)[None, None]  # (1, 1, n, n)
    t = F.interpolate(t, size=(64, 64), mode="bilinear", align_corners=False)
    d = F.adaptive_avg_pool2d(t, 8)[0, 0]  # (8, 8)
    d = d / d.max().clamp_min(1e-6)
    if side == 8:
        return d
    off = (CANVAS - 8) // 2
    return place(d[None], torch.tensor([off]), torch.tensor([off]))[0]
