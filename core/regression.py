"""Regression and loss: the lecture's three steps on y = b + w x.

1. A model with unknown parameters, y = b + w x. 2. A loss L(w, b): MSE or MAE over the data; drawn over a
grid of (w, b) it is the error surface. 3. Gradient descent from a start, w ← w − η ∂L/∂w, b ← b − η ∂L/∂b,
with ``torch.optim.SGD`` on full batches driven by ``train.run`` for a fixed number of updates.

Data (x, y): Seattle's daily maximum today and tomorrow, one feature of scikit-learn's diabetes data against
its target, or a synthetic line with noise. An optional outlier is one extra example far below the line.
The model works in rescaled units, x' = 1 + (x − mean x)/sd x and y' = (y − mean y)/sd y (the outlier
excluded from the means): every data set then gives the same curvature of the MSE surface, so one learning
rate means the same on each (largest stable η for MSE: ``stable_lr``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core import data, rng, train
from core import regression_surface as rs
from core.params import choice, clamp, num

DATASETS = ("Seattle temperatures", "diabetes", "synthetic")
FEATURES = ("bmi", "bp", "s5", "s4", "s3", "age")  # diabetes columns offered (scikit-learn's names)
LOSSES = rs.LOSSES
LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 1.0)
STEPS = (20, 50, 100, 200, 400)
BLOWUP = 1e6  # a loss above this (data are in standard units: about 1 at the start) counts as divergence
TRUE_LINE = (3.0, 0.5)  # synthetic data: y = 3 + 0.5 x + noise, x uniform on [0, 10]


@dataclass(frozen=True)
class RegConfig:
    data: str = choice("Seattle temperatures", DATASETS, widget="radio")  # which (x, y) pairs
    feature: str = choice("bmi", FEATURES)  # diabetes: the feature used as x (the target is y)
    n: int = num(60, 10, 400, step=10)  # examples drawn (days, patients or points)
    noise: float = num(1.0, 0.0, 3.0, step=0.25)  # synthetic: std of the noise around the true line
    outlier: float = num(0.0, 0.0, 10.0, step=0.5)  # one extra example this many sd of y below the line (0: none)
    loss: str = choice("MSE", LOSSES, widget="radio")  # the loss L: mean squared or mean absolute error
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


@lru_cache(maxsize=1)
def _diabetes() -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    from sklearn.datasets import load_diabetes

    d = load_diabetes(scaled=False)
    return d.data.astype(np.float64), d.target.astype(np.float64), tuple(d.feature_names)


def raw_pairs(cfg: RegConfig) -> tuple[np.ndarray, np.ndarray]:
    """The n drawn (x, y) pairs in their own units, without the outlier: (n,), (n,)."""
    g = rng.generator(cfg.seed, salt=160)
    if cfg.data == "synthetic":
        x = torch.rand(cfg.n, generator=g, dtype=torch.float64).numpy() * 10  # (n,)
        e = torch.randn(cfg.n, generator=g, dtype=torch.float64).numpy()  # (n,)
        return x, TRUE_LINE[0] + TRUE_LINE[1] * x + cfg.noise * e
    if cfg.data == "diabetes":
        X, t, names = _diabetes()
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


def descend(x: torch.Tensor, y: torch.Tensor, start: tuple[float, float], lr: float, kind: str, steps: int,
            progress=None) -> tuple[np.ndarray, train.TrainLog]:
    """Gradient descent on S data sets at once: x, y (S, N). Each row's (w, b) is its own model; one
    ``torch.optim.SGD`` step on the sum of their losses gives each its own gradient (train.batched_step).
    Returns where each model was, (steps + 1, S, 2), NaN from the update after it diverged, and the log."""
    S = x.shape[0]
    theta = torch.tensor([start], dtype=torch.float64).repeat(S, 1).requires_grad_(True)  # (S, 2) = (w, b)
    opt = torch.optim.SGD([theta], lr=lr)
    where = torch.full((steps + 1, S, 2), float("nan"), dtype=torch.float64)  # (steps+1, S, 2)
    where[0] = theta.detach()

    def step(i: int) -> torch.Tensor:
        losses = rs.loss(theta[:, 0], theta[:, 1], x, y, kind)  # (S,) loss where the models are now
        out = train.batched_step(opt, losses)
        where[i + 1] = theta.detach()
        return out

    log = train.run(step, steps, stop_on="all", blowup=BLOWUP, progress=progress)
    path = where[: log.steps + 1].numpy().copy()
    for s, d in enumerate(log.diverged_at):
        if d is not None:
            path[d - 1:, s] = np.nan  # the update whose loss exploded, and everything after it
    return path, log


@dataclass
class RegResult:
    config: RegConfig
    data: Data
    path: np.ndarray  # (U + 1, 2) (w, b) at the start and after each update, finite only
    losses: np.ndarray  # (U + 1,) the loss at each point of the path
    log: train.TrainLog
    optimum: tuple[float, float, float]  # (w*, b*, L*) exact optimum of the chosen loss
    lstsq: tuple[float, float]  # least-squares optimum by torch.linalg.lstsq (the MSE optimum)
    box: tuple[float, float, float, float]  # the surface's window (w_lo, w_hi, b_lo, b_hi)
    contours: "object"  # pandas frame of contour segments: w, b, w2, b2, loss
    stable_lr: float  # 2 / λ_max of the MSE surface on these data

    @property
    def diverged(self) -> bool:
        return self.log.diverged

    @property
    def last(self) -> int:
        return len(self.path) - 1


def exact_optimum(d: Data, kind: str) -> tuple[float, float, float]:
    w, b = rs.lstsq(d.x, d.y).tolist() if kind == "MSE" else rs.lad(d.x.numpy(), d.y.numpy())
    L = float(rs.loss(torch.tensor(w, dtype=torch.float64), torch.tensor(b, dtype=torch.float64), d.x, d.y, kind))
    return float(w), float(b), L


def fit(cfg: RegConfig = RegConfig(), progress=None) -> RegResult:
    """The page's run: the data, gradient descent from the start, the exact optimum, the error surface."""
    cfg = clamp(cfg)
    d = make_data(cfg)
    path, log = descend(d.x[None], d.y[None], (cfg.start_w, cfg.start_b), cfg.lr, cfg.loss, cfg.steps, progress)
    path = path[:, 0]
    path = path[np.isfinite(path).all(1)]
    pt = torch.from_numpy(path)
    losses = rs.loss(pt[:, 0], pt[:, 1], d.x, d.y, cfg.loss).numpy()  # (U+1,) one pass over the path
    opt = exact_optimum(d, cfg.loss)
    ls = tuple(rs.lstsq(d.x, d.y).tolist())
    bx = rs.box(path, np.array([[cfg.start_w, cfg.start_b], opt[:2], ls]), reach=0.6)
    return RegResult(cfg, d, path, losses, log, opt, ls, bx, rs.surface(d.x, d.y, bx, cfg.loss), stable_lr(d.x))


def oscillation(path: np.ndarray) -> float:
    """Share of consecutive updates that point against each other (dot product < 0): 0 for a smooth descent,
    near 1 for a path that zigzags across the valley. NaN under 3 points."""
    dlt = np.diff(path[np.isfinite(path).all(1)], axis=0)  # (U, 2)
    if len(dlt) < 2:
        return float("nan")
    return float(((dlt[:-1] * dlt[1:]).sum(1) < 0).mean())


from core.regression_compare import Compare, compare  # noqa: E402,F401  (MSE against MAE, with an outlier)
from core.regression_features import FeatureConfig, FeatureView, Features, features  # noqa: E402,F401
