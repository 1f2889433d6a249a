"""MSE against MAE on the same data: both error surfaces, and how far one outlier moves each exact fit.

The MSE fit (least squares, ``torch.linalg.lstsq``) weighs each error by its square, so one example far from
the line pulls it a lot; the MAE fit (median regression, scikit-learn's ``QuantileRegressor``) weighs each
error by its size only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.regression import surface as rs
from core.regression.examples import examples_config, make_data

UNMOVED = 1e-9  # an MAE slope shift below this is "did not move": MSE moved "infinitely" more


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
        return slope_shift(self.fits, kind)

    @property
    def facts(self) -> "CompareFacts":
        return compare_facts(self.fits, self.has_outlier)


def slope_shift(fits: dict, kind: str) -> float:
    """|w_with − w_without| of ``kind``'s exact fit (``fits`` as ``exact_fits`` gives them)."""
    return abs(fits[(kind, "with")][0] - fits[(kind, "without")][0])


@dataclass(frozen=True)
class CompareFacts:
    """What the page says about the outlier, and the numbers it prints."""
    has_outlier: bool
    mse: float  # how far the outlier moved the MSE slope
    mae: float  # and the MAE slope
    more: bool  # the MSE slope moved more
    ratio: float  # mse / mae; inf when the MAE slope did not move (below UNMOVED)


def compare_facts(fits: dict, has_outlier: bool) -> CompareFacts:
    mse, mae = slope_shift(fits, "MSE"), slope_shift(fits, "MAE")
    return CompareFacts(has_outlier, mse, mae, mse > mae, mse / mae if mae > UNMOVED else float("inf"))


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


def compare(data: str, feature: str, n: int, noise: float, outlier: float, seed: int) -> Compare:
    """Both losses' exact fits and surfaces on the examples these settings draw (what ``make_data`` reads;
    the descent's settings play no part, so every learning rate shares one result)."""
    d = make_data(examples_config(data, feature, n, noise, outlier, seed))
    x, y = d.x.numpy(), d.y.numpy()
    fits = exact_fits(x, y, d.has_outlier)
    pts = np.array(list(fits.values()))
    bx = rs.box(pts, pts, pad=0.35)
    surfaces = {kind: rs.surface(d.x, d.y, bx, kind) for kind in rs.LOSSES}
    return Compare(x, y, d.to_x, d.to_y, d.has_outlier, fits, bx, surfaces)
