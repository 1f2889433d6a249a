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
    shrink: float = num(0.2, 0.0, 1.0, step=0.1)  # shrinkage only: how far the shared Σ is pulled toward its diagonal
    resamples: int = choice(20, (20, 50, 100), widget="select_slider")  # random training sets per size
    n_train: int = choice(16, SIZES, widget="select_slider")  # the one training set drawn with its boundaries
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


def _data(cfg: CurveConfig, g: torch.Generator):
    """(X, y) to draw training sets from, and the test set (None for real data: the examples not drawn)."""
    if cfg.data in ("wine", "breast cancer"):
        X, y = _real(cfg.data)
        return X, y, None
    X, y = _synthetic(cfg, max(SIZES) * 4, g)
    return X, y, _synthetic(cfg, TEST_N, g)


def learning_curve(cfg: CurveConfig = CurveConfig()) -> CurveResult:
    """Test accuracy of both models on ``resamples`` random training sets of each size in SIZES
    (``n_train`` is not used: pass the same value always to share the result)."""
    cfg = clamp(cfg)
    g = rng.generator(cfg.seed, salt=21)
    X, y, test = _data(cfg, g)
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
            gen = fit_gaussian(X[s], y[s], cfg.covariance, shrink=cfg.shrink)
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


@dataclass
class Boundary:
    config: CurveConfig
    train: pd.DataFrame  # x1, x2, cls of the training set
    test: pd.DataFrame  # x1, x2, cls of (at most 400) test examples, for drawing
    grid: pd.DataFrame  # model, x1, x2, x1e, x2e, p: P(C1 | x) of each model on a grid
    lines: dict  # model -> (w (2,), b) where the boundary is the line w·x + b = 0, else None
    accuracy: dict  # model -> test accuracy


def boundary(cfg: CurveConfig = CurveConfig(), n_grid: int = 50) -> Boundary:
    """One training set of ``n_train`` examples: both models fitted, their P(C1|x) on a grid, w and b."""
    cfg = clamp(cfg)
    g = rng.generator(cfg.seed, salt=22)
    X, y, test = _data(cfg, g)
    n = min(cfg.n_train, len(X) - 10)
    s = _draw(X, y, n, g)
    if test is None:
        mask = np.ones(len(X), dtype=bool)
        mask[s] = False
        test = (X[mask], y[mask])
    gen = fit_gaussian(X[s], y[s], cfg.covariance, shrink=cfg.shrink)
    w, b = logistic_gd(X[s][None], y[s][None], steps=LR_STEPS)
    lo, hi = X.min(0) - 0.5, X.max(0) + 0.5
    a, c = np.linspace(lo[0], hi[0], n_grid), np.linspace(lo[1], hi[1], n_grid)
    gx, gy = np.meshgrid(a, c)
    G = np.stack([gx.ravel(), gy.ravel()], axis=1)  # (n_grid², 2)
    probs = {"generative": gen.proba(G), "logistic regression": 1 / (1 + np.exp(-(G @ w[0] + b[0])))}
    grid = pd.concat([pd.DataFrame({"model": m, "x1": G[:, 0], "x2": G[:, 1], "x1e": G[:, 0] + a[1] - a[0],
                                    "x2e": G[:, 1] + c[1] - c[0], "p": p}) for m, p in probs.items()],
                     ignore_index=True)
    linear = np.allclose(gen.covs[0], gen.covs[1])
    lines = {"generative": gen.linear() if linear else None, "logistic regression": (w[0], float(b[0]))}
    Xt, yt = test
    acc = {"generative": float(((gen.proba(Xt) > 0.5) == yt).mean()),
           "logistic regression": float((((Xt @ w[0] + b[0]) > 0) == yt).mean())}
    k = min(400, len(Xt))
    return Boundary(cfg, pd.DataFrame({"x1": X[s, 0], "x2": X[s, 1], "cls": y[s]}),
                    pd.DataFrame({"x1": Xt[:k, 0], "x2": Xt[:k, 1], "cls": yt[:k]}), grid, lines, acc)
