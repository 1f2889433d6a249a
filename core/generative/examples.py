"""The page's settings and where its examples come from: two Gaussians sharing one covariance (the generative
model's own assumption), a mixture (class 1 is two Gaussians: the assumption broken, by ``mismatch``), or two
features of a real data set (wine, classes 0/1; breast cancer); random training sets drawn from them.
Pure functions of the config; every draw from ``core.rng``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core.generative.gaussian import COVARIANCES
from core.params import choice, num

DATA = ("two Gaussians", "mixture", "wine", "breast cancer")
SIZES = (4, 8, 16, 32, 64, 128, 256)  # training-set sizes of the curve
MODELS = ("generative", "logistic regression")
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
def real(name: str) -> tuple[np.ndarray, np.ndarray]:
    """Two standardised features of a real data set: wine (alcohol, flavanoids; classes 0 and 1) or breast
    cancer (mean radius, mean texture). X (n, 2) float64, y (n,) int64."""
    from sklearn import datasets

    if name == "wine":
        X, y = datasets.load_wine(return_X_y=True)
        keep = y < 2
        X, y = X[keep][:, [0, 6]], y[keep]  # alcohol, flavanoids
    else:
        X, y = datasets.load_breast_cancer(return_X_y=True)
        X = X[:, [0, 1]]  # mean radius, mean texture
    return ((X - X.mean(0)) / X.std(0)).astype(np.float64), y.astype(np.int64)


def synthetic(cfg: CurveConfig, n: int, g: torch.Generator) -> tuple[np.ndarray, np.ndarray]:
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


def draw(X: np.ndarray, y: np.ndarray, n: int, g: torch.Generator) -> np.ndarray:
    """Indices of a random training set of n examples with at least one of each class."""
    while True:
        idx = torch.randperm(len(X), generator=g)[:n].numpy()
        if len(set(y[idx].tolist())) == 2:
            return idx


def pool(cfg: CurveConfig, g: torch.Generator):
    """(X, y) to draw training sets from, and the test set (None for real data: the examples not drawn)."""
    if cfg.data in ("wine", "breast cancer"):
        X, y = real(cfg.data)
        return X, y, None
    X, y = synthetic(cfg, max(SIZES) * 4, g)
    return X, y, synthetic(cfg, TEST_N, g)


def held_out(X: np.ndarray, y: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Real data's test set: every example not in the training set ``s``."""
    mask = np.ones(len(X), dtype=bool)
    mask[s] = False
    return X[mask], y[mask]
