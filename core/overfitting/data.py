"""The overfitting page's data: scikit-learn's diabetes data (442 patients, 10 features, a disease
progression score one year later), shipped offline, split once per seed into a training pool, a
validation set and a test set; features and target standardised on the training pool.

The training pool is a seeded order: a training set of N examples is its first N, so a larger N only
adds examples (the "more data" cure keeps the small set inside the large one).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core import rng
from core.data import diabetes

N_VAL = 100  # validation examples (choose with these)
N_TEST = 100  # test examples (report on these, never choose)
POOL = 442 - N_VAL - N_TEST  # 242 examples the training sets are taken from


@lru_cache(maxsize=1)
def _patients() -> tuple[np.ndarray, np.ndarray]:
    """The 442 patients as float32: X (442, 10) scaled as scikit-learn ships it, y (442,)."""
    X, y, _ = diabetes(scaled=True)
    return X.astype(np.float32), y.astype(np.float32)


@dataclass(frozen=True)
class Split:
    x_pool: torch.Tensor  # (POOL, 10) training pool in a seeded order, standardised
    y_pool: torch.Tensor  # (POOL,) standardised target
    x_val: torch.Tensor  # (N_VAL, 10)
    y_val: torch.Tensor  # (N_VAL,)
    x_test: torch.Tensor  # (N_TEST, 10)
    y_test: torch.Tensor  # (N_TEST,)


@lru_cache(maxsize=64)
def split(seed: int) -> Split:
    """Seeded split of the 442 patients (tensors shared: read-only)."""
    X, y = _patients()
    perm = torch.randperm(len(X), generator=rng.generator(seed, "overfitting.split")).numpy()
    te, va, tr = perm[:N_TEST], perm[N_TEST:N_TEST + N_VAL], perm[N_TEST + N_VAL:]
    mu, sd = X[tr].mean(0), X[tr].std(0) + 1e-6
    ym, ys = y[tr].mean(), y[tr].std()
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    return Split(t((X[tr] - mu) / sd), t((y[tr] - ym) / ys), t((X[va] - mu) / sd), t((y[va] - ym) / ys),
                 t((X[te] - mu) / sd), t((y[te] - ym) / ys))


def linear_losses(s: Split, n: int) -> tuple[float, float]:
    """Least squares (``torch.linalg.lstsq``, with a bias) on the first ``n`` pool examples:
    (training MSE, validation MSE): what the simplest model reaches."""
    n = int(np.clip(n, 2, POOL))
    A = torch.cat([s.x_pool[:n], torch.ones(n, 1)], 1).double()  # (n, 11)
    w = torch.linalg.lstsq(A, s.y_pool[:n, None].double(), driver="gelsd").solution  # (11, 1)
    Av = torch.cat([s.x_val, torch.ones(len(s.x_val), 1)], 1).double()  # (N_VAL, 11)
    tr = float(((A @ w)[:, 0] - s.y_pool[:n]).square().mean())
    va = float(((Av @ w)[:, 0] - s.y_val).square().mean())
    return tr, va
