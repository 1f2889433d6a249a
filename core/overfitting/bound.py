"""Why good training data matters: the chance of a bad training set, measured against the bound.

A finite hypothesis set H: |H| thresholds t_k on a grid over [0, 1], h_k(x) = 1 if x > t_k else 0. Data:
x uniform on [0, 1], y = 1[x > BOUNDARY] with each label flipped with probability ``FLIP``; the loss is the
error rate, so every h's real loss is known exactly: L(h_t) = FLIP + (1 - 2 FLIP)|t - BOUNDARY|. BOUNDARY is
1/3, which no grid of SIZES holds: a small H misses the best threshold (its best real loss is FLIP + 0.1/|H|
here), so the trade-off of the lecture shows: a smaller |H| makes a bad training set less likely, but the best
h it holds is worse ("|H| cannot be too small").
A training set of N examples is "bad" when some h in H has a training loss more than ε away from its real
loss. Hoeffding's inequality and the union bound give P(bad) ≤ |H|·2·exp(−2Nε²). Here ``SETS`` training
sets of each size N are drawn and the share of bad ones is measured; at the N drawn below, the same training
sets are measured against every |H| of SIZES (``BoundResult.sizes``).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import torch

from core import rng
from core.params import choice, clamp, num

FLIP = 0.2  # probability that a label is flipped
BOUNDARY = 1 / 3  # y = 1[x > BOUNDARY] before the flips: between grid points for every |H| of SIZES
SETS = 1000  # training sets drawn for each N
NS = (10, 20, 50, 100, 200, 500, 1000)  # training-set sizes measured
SIZES = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)  # |H| choices


@dataclass(frozen=True)
class BoundConfig:
    h_size: int = choice(100, SIZES, widget="select_slider")  # |H|: thresholds evenly spaced over [0, 1]
    eps: float = num(0.1, 0.05, 0.3, step=0.01)  # ε: how far a training loss may be from the real loss
    n: int = choice(50, NS, widget="select_slider")  # the training-set size drawn below the curve
    seed: int = num(0, 0, 1_000_000, widget="number")  # the training sets drawn


@dataclass
class BoundResult:
    config: BoundConfig
    curve: pd.DataFrame  # N, measured (share of bad sets), bound (min(1, |H|·2·exp(−2Nε²))), raw_bound
    thresholds: np.ndarray  # (|H|,) t_k
    real: np.ndarray  # (|H|,) real loss of each h
    example: np.ndarray  # (|H|,) training loss of each h on one training set of size config.n
    example_bad: bool  # is that training set bad?
    sizes: pd.DataFrame  # h_size, measured (share of bad sets at N = config.n), bound, best (lowest real loss in H)


def thresholds(h_size: int) -> np.ndarray:
    """|H| thresholds evenly spaced inside (0, 1) (one: 0.5)."""
    return (np.arange(h_size) + 0.5) / h_size


def real_loss(t: np.ndarray) -> np.ndarray:
    return FLIP + (1 - 2 * FLIP) * np.abs(t - BOUNDARY)


def bound_value(h_size: int, n: int, eps: float) -> float:
    return h_size * 2 * float(np.exp(-2 * n * eps ** 2))


def _train_losses(x: torch.Tensor, y: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Training loss of every threshold on every set: x, y (R, N) -> (R, |H|), by counting per bin.
    ``t`` must be ``thresholds(K)`` (evenly spaced: an example's bin is computed, not searched).

    Examples are put in the bins between consecutive thresholds; h_k errs on y=1 left of t_k and on y=0
    right of it, so its errors are a cumulative count of the bins."""
    R, N = x.shape
    K = len(t)
    b = torch.ceil(x * K - 0.5).clamp_(0, K).long()  # (R, N) bin 0..K: thresholds (k + 0.5)/K below x
    ones = torch.zeros(R, K + 1, dtype=y.dtype).scatter_add_(1, b, y)  # (R, K+1) y=1 examples per bin
    zeros = torch.zeros(R, K + 1, dtype=y.dtype).scatter_add_(1, b, 1 - y)  # (R, K+1) y=0 per bin
    left_ones = ones.cumsum(1)[:, :K]  # (R, K) y=1 with x <= t_k: h_k says 0, wrong
    right_zeros = zeros.sum(1, keepdim=True) - zeros.cumsum(1)[:, :K]  # (R, K) y=0 with x > t_k: wrong
    return (left_ones + right_zeros) / N


def draw(n: int, sets: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """``sets`` training sets of ``n`` examples: x (sets, n), y (sets, n) in {0., 1.}."""
    x = torch.rand(sets, n, generator=gen, dtype=torch.float64)  # (R, N)
    flip = torch.rand(sets, n, generator=gen, dtype=torch.float64) < FLIP  # (R, N)
    y = ((x > BOUNDARY) ^ flip).double()  # (R, N)
    return x, y


@lru_cache(maxsize=32)
def _gaps(h_size: int, seed: int) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per N in NS: every training set's largest |L_train(h) − L(h)| over H, (SETS,), and the first set's
    training loss of each h, (|H|,). Independent of ε and of the N shown, so moving those costs nothing."""
    t_np = thresholds(h_size)
    t, real = torch.tensor(t_np), torch.tensor(real_loss(t_np))  # (|H|,) each
    out = {}
    for n in NS:
        x, y = draw(n, SETS, rng.generator(seed, f"overfitting.bound_sets:{n}"))
        losses = _train_losses(x, y, t)  # (R, |H|)
        out[n] = ((losses - real).abs().amax(1).numpy(), losses[0].numpy())
    return out


@lru_cache(maxsize=32)
def _size_gaps(n: int, seed: int) -> np.ndarray:
    """(len(SIZES), SETS): every training set's largest |L_train(h) − L(h)| over H, for each |H| of SIZES, on
    the same training sets of size n (those ``_gaps`` draws for n): independent of ε and of the |H| chosen."""
    x, y = draw(n, SETS, rng.generator(seed, f"overfitting.bound_sets:{n}"))
    out = []
    for k in SIZES:
        t_np = thresholds(k)
        out.append((_train_losses(x, y, torch.tensor(t_np)) - torch.tensor(real_loss(t_np))).abs().amax(1).numpy())
    return np.stack(out)


def bound(cfg: BoundConfig = BoundConfig()) -> BoundResult:
    """Measured share of bad training sets for each N in NS, and the bound. Pure function of ``cfg``."""
    cfg = clamp(cfg)
    t_np = thresholds(cfg.h_size)
    gaps = _gaps(cfg.h_size, cfg.seed)
    rows = []
    for n in NS:
        raw = bound_value(cfg.h_size, n, cfg.eps)
        rows.append((n, float((gaps[n][0] > cfg.eps).mean()), min(1.0, raw), raw))
    example, example_bad = gaps[cfg.n][1].copy(), bool(gaps[cfg.n][0][0] > cfg.eps)
    curve = pd.DataFrame(rows, columns=["N", "measured", "bound", "raw_bound"])
    sizes = pd.DataFrame({"h_size": SIZES, "measured": (_size_gaps(cfg.n, cfg.seed) > cfg.eps).mean(1),
                          "bound": [min(1.0, bound_value(k, cfg.n, cfg.eps)) for k in SIZES],
                          "best": [float(real_loss(thresholds(k)).min()) for k in SIZES]})
    return BoundResult(cfg, curve, t_np, real_loss(t_np), example, example_bad, sizes)
