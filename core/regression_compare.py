"""MSE against MAE on the same data: both error surfaces, and how far one outlier moves each exact fit.

The MSE fit (least squares, ``torch.linalg.lstsq``) weighs each error by its square, so one example far from
the line pulls it a lot; the MAE fit (median regression, scikit-learn's ``QuantileRegressor``) weighs each
error by its size only.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core import regression_surface as rs
from core.params import clamp


@dataclass
class Compare:
    x: np.ndarray  # (N,) x' (the outlier last when there is one)
    y: np.ndarray  # (N,) y'
    to_x: tuple[float, float]  # display x = a + c·x'
    to_y: tuple[float, float]  # display y = a + c·y'
    has_outlier: bool
    fits: dict  # (loss, "with" | "without") -> (w, b): exact optimum with and without the outlier
    box: tuple[float, float, float, float]  # both surfaces' window
    surfaces: dict  # loss -> contour segments (w, b, w2, b2, loss) on the data with the outlier

    def slope_shift(self, kind: str) -> float:
        """How far the outlier moved the fit's slope, in model units: |w_with − w_without|."""
        return abs(self.fits[(kind, "with")][0] - self.fits[(kind, "without")][0])


def key(cfg):
    """The settings ``compare`` depends on (the rest at their defaults, so it is shared between them)."""
    from core.regression import RegConfig

    d = RegConfig()
    return replace(clamp(cfg), loss=d.loss, lr=d.lr, steps=d.steps, start_w=d.start_w, start_b=d.start_b)


def optima(x: np.ndarray, y: np.ndarray, kind: str) -> tuple[float, float]:
    if kind == "MSE":
        w, b = rs.lstsq(torch.from_numpy(x), torch.from_numpy(y)).tolist()
        return float(w), float(b)
    return rs.lad(x, y)


def exact_fits(x: np.ndarray, y: np.ndarray, has_outlier: bool) -> dict:
    """(loss, "with" | "without") -> the exact optimum (w, b), with and without the last example (the outlier)."""
    fits = {}
    for kind in rs.LOSSES:
        fits[(kind, "with")] = optima(x, y, kind)
        fits[(kind, "without")] = optima(x[:-1], y[:-1], kind) if has_outlier else fits[(kind, "with")]
    return fits


def compare(cfg) -> Compare:
    from core.regression import make_data

    cfg = clamp(cfg)
    d = make_data(cfg)
    x, y = d.x.numpy(), d.y.numpy()
    fits = exact_fits(x, y, d.has_outlier)
    pts = np.array(list(fits.values()))
    bx = rs.box(pts, pts, pad=0.35)
    surfaces = {kind: rs.surface(d.x, d.y, bx, kind) for kind in rs.LOSSES}
    return Compare(x, y, d.to_x, d.to_y, d.has_outlier, fits, bx, surfaces)


def frame(c: Compare) -> pd.DataFrame:
    """The four fits as rows: loss, which (with/without), w, b."""
    return pd.DataFrame([(k, wh, w, b) for (k, wh), (w, b) in c.fits.items()], columns=["loss", "which", "w", "b"])
