"""Test accuracy against training-set size: a generative model (Gaussians per class, covariance as chosen)
against logistic regression by gradient descent, on the same random training sets (many resamples).

Data: two Gaussians sharing one covariance (the generative model's own assumption), a mixture (class 1 is two
Gaussians: the assumption broken, by ``mismatch``), or two features of a real data set (wine, classes 0/1;
breast cancer). Pure function of the config; every resample draws from ``core.rng``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import torch

from core import rng
from core.generative import COVARIANCES, fit_gaussian, logistic_gd
from core.params import choice, clamp, num

DATA = ("two Gaussians", "mixture", "wine", "breast cancer")
SIZES = (4, 8, 16, 32, 64, 128, 256)  # training-set sizes of the curve
MODELS = ("generative", "logistic regression")
LR_STEPS = 300  # Adam steps of logistic regression (fixed)
TEST_N = 2000  # synthetic test set size


@dataclass(frozen=True)
class CurveConfig:
    data: str = choice("two Gaussians", DATA)  # where the examples come from
    mismatch: float = num(1.0, 0.0, 1.0, step=0.1)  # mixture: how far class 1 is from one Gaussian (0: not at all)
    covariance: str = choice("shared", COVARIANCES, widget="radio")  # what the generative model estimates
    resamples: int = choice(20, (20, 50, 100), widget="select_slider")  # random training sets per size
    seed: int = num(0, 0, 1_000_000, widget="number")  # data and resamples


@lru_cache(maxsize=2)
def _real(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if name == "wine":
        X, y = datasets.load_wine(return_X_y=True)
        keep = y < 2
        X, y = X[keep][:, [0, 6]], y[keep]  # alcohol, flavanoids
    else:
        X, y = datasets.load_breast_cancer(return_X_y=True)
        X = X[:, [0, 1]]  # mean radius, mean texture
    return ((X - X.mean(0)) / X.std(0)).astype(np.float64), y.astype(np.int64)


def _synthetic(cfg: CurveConfig, n: int, g: torch.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n examples, half per class: class 0 ~ N((−1, 0), Σ); class 1 ~ N((1, 0), Σ) or, for the mixture, a
    mix of that and a far second component at (1 + 4m, 3m) with m = mismatch."""
    L = torch.tensor([[1.0, 0.0], [0.6, 0.8]], dtype=torch.float64)  # Σ = L Lᵀ, correlated features
    y = torch.arange(n) % 2  # (n,)
    z = torch.randn(n, 2, generator=g, dtype=torch.float64) @ L.T  # (n, 2)
    mu = torch.tensor([[-1.0, 0.0], [1.0, 0.0]], dtype=torch.float64)[y]  # (n, 2)
    if cfg.data == "mixture":
        far = (torch.rand(n, generator=g) < 0.5) & (y == 1)
        mu = mu + far[:, None] * torch.tensor([4.0, 3.0], dtype=torch.float64) * cfg.mismatch
    return (mu + z).numpy(), y.numpy()


def _draw(X: np.ndarray, y: np.ndarray, n: int, g: torch.Generator) -> np.ndarray:
    """Indices of a random training set of n examples with at least one of each class."""
    while True:
        idx = torch.randperm(len(X), generator=g)[:n].numpy()
        if len(set(y[idx].tolist())) == 2:
            return idx


@dataclass
class CurveResult:
    config: CurveConfig
    curve: pd.DataFrame  # size, model, mean, lo, hi (10th and 90th percentile of test accuracy), wins
    raw: np.ndarray  # (len(SIZES), resamples, 2) test accuracy of each model on each training set


def learning_curve(cfg: CurveConfig = CurveConfig()) -> CurveResult:
    """Test accuracy of both models on ``resamples`` random training sets of each size in SIZES."""
    cfg = clamp(cfg)
    g = rng.generator(cfg.seed, salt=21)
    if cfg.data in ("wine", "breast cancer"):
        X, y = _real(cfg.data)
        pool, test = X, None
    else:
        X, y = _synthetic(cfg, max(SIZES) * 4, g)
        Xt, yt = _synthetic(cfg, TEST_N, g)
        test = (Xt, yt)
    sizes = [s for s in SIZES if s < len(X) - 10]
    raw = np.full((len(SIZES), cfg.resamples, 2), np.nan)
    sets = [[_draw(X, y, n, g) for _ in range(cfg.resamples)] for n in sizes]
    flat = [s for per in sets for s in per]
    top = max(sizes)
    pad = np.stack([np.pad(s, (0, top - len(s))) for s in flat])  # (sizes × resamples, top) indices, padded
    mask = np.arange(top)[None, :] < np.array([len(s) for s in flat])[:, None]  # (M, top)
    W, B = logistic_gd(X[pad], y[pad], steps=LR_STEPS, mask=mask)  # every size and resample at once
    for i, n in enumerate(sizes):
        w, b = W[i * cfg.resamples:(i + 1) * cfg.resamples], B[i * cfg.resamples:(i + 1) * cfg.resamples]
        for r, s in enumerate(sets[i]):
            if test is None:  # real data: test on every example not in the training set
                mask = np.ones(len(X), dtype=bool)
                mask[s] = False
                Xt, yt = X[mask], y[mask]
            else:
                Xt, yt = test
            gen = fit_gaussian(X[s], y[s], cfg.covariance)
            raw[i, r, 0] = ((gen.proba(Xt) > 0.5) == yt).mean()
            raw[i, r, 1] = (((Xt @ w[r] + b[r]) > 0) == yt).mean()
    rows = []
    for i, n in enumerate(SIZES):
        if np.isnan(raw[i]).all():
            continue
        for m, name in enumerate(MODELS):
            a = raw[i, :, m]
            rows.append((n, name, a.mean(), np.percentile(a, 10), np.percentile(a, 90),
                         float((a > raw[i, :, 1 - m]).mean())))
    return CurveResult(cfg, pd.DataFrame(rows, columns=["size", "model", "mean", "lo", "hi", "wins"]), raw)
