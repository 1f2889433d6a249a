"""The page's settings and its examples (x, y): Seattle's daily maximum today and tomorrow, one feature of
scikit-learn's diabetes data against its target, or a synthetic line with noise; an optional outlier is one
extra example far below the line.

The model works in rescaled units, x' = 1 + (x − mean x)/sd x and y' = (y − mean y)/sd y (the outlier
excluded from the means): every data set then gives the same curvature of the MSE surface, so one learning
rate means the same on each (largest stable η for MSE: ``stable_lr``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import data, rng
from core.params import choice, clamp, num
from core.regression import surface as rs

DATASETS = ("Seattle temperatures", "diabetes", "synthetic")
FEATURES = ("bmi", "bp", "s5", "s4", "s3", "age")  # diabetes columns offered (scikit-learn's names)
LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 1.0)
STEPS = (20, 50, 100, 200, 400)
TRUE_LINE = (3.0, 0.5)  # synthetic data: y = 3 + 0.5 x + noise, x uniform on [0, 10]


@dataclass(frozen=True)
class RegConfig:
    data: str = choice("Seattle temperatures", DATASETS, widget="radio")  # which (x, y) pairs
    feature: str = choice("bmi", FEATURES)  # diabetes: the feature used as x (the target is y)
    n: int = num(60, 10, 400, step=10)  # examples drawn (days, patients or points)
    noise: float = num(1.0, 0.0, 3.0, step=0.25)  # synthetic: std of the noise around the true line
    outlier: float = num(0.0, 0.0, 10.0, step=0.5)  # one extra example this many sd of y below the line (0: none)
    loss: str = choice("MSE", rs.LOSSES, widget="radio")  # the loss L: mean squared or mean absolute error
    lr: float = choice(0.1, LRS, widget="select_slider")  # learning rate eta
    steps: int = choice(100, STEPS, widget="select_slider")  # updates of gradient descent (fixed)
    start_w: float = num(-2.0, -3.0, 3.0, step=0.25)  # where gradient descent starts: w
    start_b: float = num(-1.0, -3.0, 3.0, step=0.25)  # and b
    seed: int = num(0, 0, 1_000_000, widget="number")  # which examples are drawn, the synthetic noise


@dataclass
class Data:
    x: torch.Tensor  # (N,) x' in model units (float64); the outlier, when there is one, is last
    y: torch.Tensor  # (N,) y'
    to_x: tuple[float, float]  # display x = a + c·x'
    to_y: tuple[float, float]  # display y = a + c·y'
    has_outlier: bool


def examples_config(data: str, feature: str, n: int, noise: float, outlier: float, seed: int) -> RegConfig:
    """The (clamped) config of these examples, every other setting at its default."""
    return clamp(RegConfig(data=data, feature=feature, n=n, noise=noise, outlier=outlier, seed=seed))


def raw_pairs(cfg: RegConfig) -> tuple[np.ndarray, np.ndarray]:
    """The n drawn (x, y) pairs in their own units, without the outlier: (n,), (n,)."""
    g = rng.generator(cfg.seed, "regression.data")
    if cfg.data == "synthetic":
        x = torch.rand(cfg.n, generator=g, dtype=torch.float64).numpy() * 10  # (n,)
        e = torch.randn(cfg.n, generator=g, dtype=torch.float64).numpy()  # (n,)
        return x, TRUE_LINE[0] + TRUE_LINE[1] * x + cfg.noise * e
    if cfg.data == "diabetes":
        X, t, names = data.diabetes(scaled=False)
        xs, ys = X[:, names.index(cfg.feature)], t
    else:
        _, temp = data.seattle_temperatures()
        xs, ys = temp[:-1], temp[1:]  # today's maximum, tomorrow's
    idx = torch.randperm(len(xs), generator=g)[: min(cfg.n, len(xs))].sort().values.numpy()
    return xs[idx], ys[idx]


def make_data(cfg: RegConfig) -> Data:
    x, y = raw_pairs(cfg)
    mx, sx = float(x.mean()), max(float(x.std()), 1e-9)
    my, sy = float(y.mean()), max(float(y.std()), 1e-9)
    xm = 1 + (x - mx) / sx  # (n,) mean 1, sd 1
    ym = (y - my) / sy  # (n,) mean 0, sd 1
    xt, yt = torch.from_numpy(xm), torch.from_numpy(ym)
    if cfg.outlier > 0:  # at the largest x, `outlier` sd below the least-squares line of the others
        w, b = rs.lstsq(xt, yt).tolist()
        xo = float(xm.max())
        xt = torch.cat([xt, torch.tensor([xo], dtype=torch.float64)])
        yt = torch.cat([yt, torch.tensor([b + w * xo - cfg.outlier], dtype=torch.float64)])
    return Data(xt, yt, (mx - sx, sx), (my, sy), cfg.outlier > 0)


def stable_lr(x: torch.Tensor) -> float:
    """The largest η for which gradient descent on the MSE surface does not diverge: 2 / λ_max of its
    Hessian 2·[[mean x², mean x], [mean x, 1]] (the surface is a quadratic bowl)."""
    m1, m2 = float(x.mean()), float(x.square().mean())
    H = 2 * np.array([[m2, m1], [m1, 1.0]])
    return float(2 / np.linalg.eigvalsh(H).max())
