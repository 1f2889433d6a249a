"""More features: y = b + Σ_j w_j x_j, with features added one at a time, training and validation loss.

Seattle: tomorrow's maximum from the previous k days' maxima (x_1 today, x_2 yesterday, ...), trained on
2012-2014 and validated on 2015. Diabetes: the target from k of its ten features, added in the order of
their correlation with the target on the training part (a seeded two-thirds of the patients). Each model
is fitted exactly by least squares (``torch.linalg.lstsq``), so a model with one more feature can always do
at least as well on the training data: training loss never rises as k grows; validation loss need not fall.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import data, rng
from core.params import choice, clamp, num

SOURCES = ("Seattle temperatures", "diabetes")
K_MAX = {"Seattle temperatures": 28, "diabetes": 10}
TRAIN_DAYS = 1096  # 2012-2014: the training years of the Seattle series (2015 validates)


@dataclass(frozen=True)
class FeatureConfig:
    source: str = choice("Seattle temperatures", SOURCES, widget="radio")  # which data set
    seed: int = num(0, 0, 1_000_000, widget="number")  # diabetes: which patients are held out


@dataclass(frozen=True)
class FeatureView:
    """What the page draws (nothing is refitted)."""
    k: int = num(7, 1, 28)  # the model whose weights are shown (at most the source's number of features)


@dataclass
class Features:
    config: FeatureConfig
    ks: np.ndarray  # (K,) 1..K_MAX
    train: np.ndarray  # (K,) training MSE of the model with k features (in the target's units squared)
    val: np.ndarray  # (K,) validation MSE
    weights: list[np.ndarray]  # per k: (k,) w_1..w_k
    bias: np.ndarray  # (K,) b of each model
    names: list[str]  # the features in the order they are added (day lags "1", "2"... or diabetes columns)
    n_train: int
    n_val: int

    @property
    def best_k(self) -> int:
        """The k with the lowest validation loss."""
        return int(self.ks[int(np.argmin(self.val))])

    @property
    def stops(self) -> bool:
        """The page's "beyond it, more features no longer help": the best k is not the largest."""
        return self.best_k < int(self.ks[-1])

    def shown(self, k: int) -> int:
        """The view's k within this source's number of features."""
        return int(np.clip(k, 1, int(self.ks[-1])))


def design(cfg: FeatureConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(X (n, K_MAX) in the order features are added, y (n,), is_train (n,), names)."""
    if cfg.source == "diabetes":
        X, y, cols = data.diabetes(scaled=False)
        perm = torch.randperm(len(y), generator=rng.generator(cfg.seed, "regression.feature_split")).numpy()
        is_train = np.zeros(len(y), dtype=bool)
        is_train[perm[: 2 * len(y) // 3]] = True
        Xt, yt = X[is_train], y[is_train]
        r = np.abs([np.corrcoef(Xt[:, j], yt)[0, 1] for j in range(X.shape[1])])
        order = np.argsort(-r, kind="stable")
        return X[:, order], y, is_train, [cols[j] for j in order]
    _, temp = data.seattle_temperatures()
    K = K_MAX[cfg.source]
    t = np.arange(K - 1, len(temp) - 1)  # "today" of each example: K days of history exist
    X = np.stack([temp[t - j] for j in range(K)], 1)  # (n, K): today, yesterday, ...
    return X, temp[t + 1], t + 1 < TRAIN_DAYS, [str(j + 1) for j in range(K)]


def features(cfg: FeatureConfig = FeatureConfig()) -> Features:
    cfg = clamp(cfg)
    X, y, tr, names = design(cfg)
    Xt, Xv = torch.from_numpy(X[tr]), torch.from_numpy(X[~tr])  # (n_train, K), (n_val, K)
    yt, yv = torch.from_numpy(y[tr]), torch.from_numpy(y[~tr])
    K = X.shape[1]
    train, val, ws, bs = [], [], [], []
    for k in range(1, K + 1):
        A = torch.cat([Xt[:, :k], torch.ones(len(yt), 1, dtype=torch.float64)], 1)  # (n_train, k + 1)
        sol = torch.linalg.lstsq(A, yt[:, None], driver="gelsd").solution[:, 0]  # (k + 1,)
        w, b = sol[:k], sol[k]
        train.append(float((Xt[:, :k] @ w + b - yt).square().mean()))
        val.append(float((Xv[:, :k] @ w + b - yv).square().mean()))
        ws.append(w.numpy())
        bs.append(float(b))
    return Features(cfg, np.arange(1, K + 1), np.array(train), np.array(val), ws, np.array(bs), names,
                    int(tr.sum()), int((~tr).sum()))
