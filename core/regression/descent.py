"""Gradient descent down the error surface of y = b + w x: w ← w − η ∂L/∂w, b ← b − η ∂L/∂b, with
``torch.optim.SGD`` on full batches driven by ``train.run`` for a fixed number of updates; the page's run
(data, path, exact optimum, contours) and the facts its sentences state, with their thresholds.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from core import train
from core.params import clamp
from core.regression import surface as rs
from core.regression.examples import Data, RegConfig, make_data, stable_lr

BLOWUP = 1e6  # a loss above this (data are in standard units: about 1 at the start) counts as divergence
ROUNDING = 1e-12  # "every update lowered the loss": no update raised it by more than this (float64 rounding)
REACHED = 1e-3  # "it has reached the exact optimum": w and b within this of it (the page says 0.001)
JITTER_NEAR = 0.2  # MAE: a run whose loss went up, this close to the optimum, jitters around it
CRAWL_LEFT = 0.2  # preset "small", "still far": at least this share of the start's distance to the optimum left
CRAWL_ABOVE = 1.5  # and "the loss well above its minimum": at least this many times the optimum's loss
# (Rescaled, every data set without an outlier has the same MSE Hessian, so from the default start 100 updates
# of η = 0.003 leave at least 0.2053 of the distance and 1.5356 times the minimum, whatever the examples.)
ZIGZAG = 0.9  # preset "large", "zigzags": at least this share of consecutive steps point against each other


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


def oscillation(path: np.ndarray) -> float:
    """Share of consecutive updates that point against each other (dot product < 0): 0 for a smooth descent,
    near 1 for a path that zigzags across the valley. NaN under 3 points."""
    dlt = np.diff(path[np.isfinite(path).all(1)], axis=0)  # (U, 2)
    if len(dlt) < 2:
        return float("nan")
    return float(((dlt[:-1] * dlt[1:]).sum(1) < 0).mean())


@dataclass(frozen=True)
class DescentFacts:
    """What the page says about one run of gradient descent, and the numbers it prints."""
    down: bool  # every update lowered the loss
    dist: float  # max(|w − w*|, |b − b*|) after the last finite update
    left: float  # the distance to the optimum still left, as a share of the start's
    above: float  # the loss after the last update over the optimum's loss
    zigzag: float  # share of consecutive steps that point against each other (``oscillation``)
    diverged: bool
    overshoot: bool  # diverged, or MSE with η above 2/λ_max (it would, given enough updates)
    reached: bool  # within REACHED of the optimum
    jitters: bool  # MAE, not every update lowered the loss, and within JITTER_NEAR of the optimum
    crawls: bool  # preset "small": every update lowered the loss, yet still far and well above the minimum
    zigzags: bool  # preset "large": more than ZIGZAG of consecutive steps point against each other


def descent_facts(path: np.ndarray, losses: np.ndarray, optimum: tuple[float, float, float], diverged: bool,
                  lr: float, kind: str, stable: float) -> DescentFacts:
    """The facts of one run: ``path`` (U + 1, 2) of finite (w, b), ``losses`` (U + 1,) there, ``optimum``
    (w*, b*, L*) of the loss ``kind``, ``stable`` = 2/λ_max of the MSE surface on the same data."""
    down = bool(np.all(np.diff(losses) <= ROUNDING))
    opt = np.array(optimum[:2])
    dist = float(np.abs(path[-1] - opt).max())
    left = float(np.linalg.norm(path[-1] - opt) / max(np.linalg.norm(path[0] - opt), 1e-300))
    above = float(losses[-1] / max(optimum[2], 1e-300))
    overshoot = diverged or (kind == "MSE" and lr > stable)
    reached = not overshoot and dist < REACHED
    zigzag = oscillation(path)
    return DescentFacts(down, dist, left, above, zigzag, diverged, overshoot, reached,
                        jitters=not overshoot and not reached and kind == "MAE" and not down and dist < JITTER_NEAR,
                        crawls=down and left > CRAWL_LEFT and above > CRAWL_ABOVE, zigzags=zigzag > ZIGZAG)


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

    @cached_property
    def facts(self) -> DescentFacts:
        return descent_facts(self.path, self.losses, self.optimum, self.diverged, self.config.lr,
                             self.config.loss, self.stable_lr)


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
