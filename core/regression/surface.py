"""The error surface of y = b + w x: the loss (MSE or MAE) over a grid of (w, b) in one vectorised pass, its
contour lines (marching squares), the analytic gradient, and the exact optima of both losses.

Everything broadcasts over leading shapes, so many seeds or a whole grid are one tensor computation.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

LOSSES = ("MSE", "MAE")
GRID = 64  # grid points per side of the surface
LEVEL_QUANTILES = (0.004, 0.015, 0.04, 0.09, 0.17, 0.28, 0.42, 0.6, 0.8)  # contour levels: these shares of the box


def loss(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """Mean loss of y = b + w x. w, b (...), x, y (..., N) broadcast -> (...)."""
    e = b[..., None] + w[..., None] * x - y  # (..., N) errors
    return (e.abs() if kind == "MAE" else e.square()).mean(-1)


def gradient(w: torch.Tensor, b: torch.Tensor, x: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """The lecture's hand-derived gradient (dL/dw, dL/db), (..., 2). MSE: 2·mean(e·x), 2·mean(e);
    MAE: mean(sign(e)·x), mean(sign(e)) (sign(0) = 0, as autograd takes for |e| at 0)."""
    e = b[..., None] + w[..., None] * x - y  # (..., N)
    g = 2 * e if kind == "MSE" else torch.sign(e)  # (..., N) dL/de_i times N
    return torch.stack([(g * x).mean(-1), g.mean(-1)], -1)


# torch.linalg.lstsq's CPU default driver, MKL's gelsy, answers in the last bits according to where its inputs and
# workspace happen to lie in memory (19 different answers in 40 calls on the same tensors), so two processes drew
# the same link's surface and lines a hair apart; the SVD driver gives the same bits every time (tests/test_regression).
DRIVER = "gelsd"


def lstsq(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exact least-squares (MSE) optimum (w*, b*) by torch.linalg.lstsq. x, y (..., N) -> (..., 2)."""
    A = torch.stack([x, torch.ones_like(x)], -1)  # (..., N, 2)
    return torch.linalg.lstsq(A, y[..., None], driver=DRIVER).solution[..., 0]  # (..., 2)


def lad(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Exact MAE optimum (w*, b*): scikit-learn's median regression (a linear program, HiGHS)."""
    from sklearn.linear_model import QuantileRegressor

    m = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(np.asarray(x)[:, None], np.asarray(y))
    return float(m.coef_[0]), float(m.intercept_)


def grid_values(x: torch.Tensor, y: torch.Tensor, box: tuple[float, float, float, float], kind: str,
                n: int = GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The loss on an n×n grid over box = (w_lo, w_hi, b_lo, b_hi), in one vectorised pass:
    (ws (n,), bs (n,), values (n_b, n_w))."""
    ws = torch.linspace(box[0], box[1], n, dtype=torch.float64)  # (n,)
    bs = torch.linspace(box[2], box[3], n, dtype=torch.float64)  # (n,)
    W, B = torch.meshgrid(ws, bs, indexing="xy")  # (n_b, n_w) each
    v = loss(W, B, x.double(), y.double(), kind)  # (n_b, n_w)
    return ws.numpy(), bs.numpy(), v.numpy()


def levels(v: np.ndarray) -> np.ndarray:
    """Contour levels: the loss below which these shares of the grid lie (rings that fill the box evenly)."""
    return np.unique(np.quantile(v, LEVEL_QUANTILES))


def contours(ws: np.ndarray, bs: np.ndarray, v: np.ndarray, lv: np.ndarray) -> pd.DataFrame:
    """Contour segments by marching squares, vectorised over cells and levels: columns w, b, w2, b2, loss."""
    c = np.stack([v[:-1, :-1], v[:-1, 1:], v[1:, 1:], v[1:, :-1]], -1)  # (nb-1, nw-1, 4) corners, anticlockwise
    W0, B0 = np.meshgrid(ws[:-1], bs[:-1], indexing="xy")
    W1, B1 = np.meshgrid(ws[1:], bs[1:], indexing="xy")
    cw = np.stack([W0, W1, W1, W0], -1)  # (nb-1, nw-1, 4) corner w
    cb = np.stack([B0, B0, B1, B1], -1)  # corner b
    out = []
    for L in lv:
        a, z = c - L, np.roll(c, -1, axis=-1) - L  # each edge k runs from corner k to k+1
        cross = (a < 0) != (z < 0)  # (.., 4) edges the level crosses
        t = np.where(cross, a / np.where(cross, a - z, 1.0), 0.0)
        pw = cw + t * (np.roll(cw, -1, -1) - cw)  # (.., 4) crossing points
        pb = cb + t * (np.roll(cb, -1, -1) - cb)
        k = cross.sum(-1)
        for i, j in ((0, 1), (1, 2), (2, 3), (0, 2), (0, 3), (1, 3)):
            sel = (k == 2) & cross[..., i] & cross[..., j]  # two crossings: the segment joins them
            if (i, j) in ((0, 1), (2, 3)):
                sel |= k == 4  # four (a saddle cell): edges 0-1 and 2-3
            if sel.any():
                out.append(np.stack([pw[..., i][sel], pb[..., i][sel], pw[..., j][sel], pb[..., j][sel],
                                     np.full(int(sel.sum()), L)], -1))
    rows = np.concatenate(out) if out else np.zeros((0, 5))
    return pd.DataFrame(rows, columns=["w", "b", "w2", "b2", "loss"])


def box(points: np.ndarray, anchors: np.ndarray, reach: float = 1.5, pad: float = 0.15) -> tuple[float, ...]:
    """A window over ``anchors`` (start, optima: always inside) and ``points`` (a path: clipped to ``reach``
    times the anchors' span beyond them, so a diverging run does not shrink everything else)."""
    lo, hi = anchors.min(0), anchors.max(0)
    span = max(float((hi - lo).max()), 1.0)
    p = np.clip(points, lo - reach * span, hi + reach * span) if len(points) else anchors
    lo, hi = np.minimum(lo, p.min(0)), np.maximum(hi, p.max(0))
    side = max(float((hi - lo).max()), 1.0) * (1 + 2 * pad)  # a square window: the surface's shape is true
    mid = (lo + hi) / 2
    return (mid[0] - side / 2, mid[0] + side / 2, mid[1] - side / 2, mid[1] + side / 2)


def surface(x: torch.Tensor, y: torch.Tensor, bx: tuple[float, ...], kind: str, n: int = GRID) -> pd.DataFrame:
    """The contour segments of ``kind``'s surface over ``bx``."""
    ws, bs, v = grid_values(x, y, bx, kind, n)
    return contours(ws, bs, v, levels(v))
