"""The 2-D data of the softmax page's classifier: two chosen features of scikit-learn's iris or wine (real
measurements, offline) or seeded synthetic blobs, moons and spirals; standardised, split 70/30 into the
training and validation sets."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core import data, rng

REAL = ("iris", "wine")
SYNTHETIC = ("blobs", "moons", "spirals")
DATASETS = REAL + SYNTHETIC
FEATURES = {"iris": 4, "wine": 13}  # features of each real data set (a feature number wraps around)


@dataclass
class Points:
    x: torch.Tensor  # (N, 2) standardised features
    y: torch.Tensor  # (N,) class index
    train: np.ndarray  # (N,) bool: in the training set (the rest is the validation set)
    classes: int
    axes: tuple[str, str]  # feature keys (catalogue: softmax.charts.feature.<key>), or ("x1", "x2")


@lru_cache(maxsize=2)
def _real(name: str) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    d = {"iris": datasets.load_iris, "wine": datasets.load_wine}[name]()
    return d.data.astype(np.float32), d.target.astype(np.int64)


def _synthetic(name: str, n: int, noise: float, g: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Blobs (3 Gaussians), moons (2 half circles) or spirals (3 arms), n points, seeded."""
    if name == "moons":
        y = torch.arange(n) % 2  # (n,)
        t = torch.rand(n, generator=g, dtype=torch.float64) * torch.pi
        x = torch.stack([torch.cos(t) + y, torch.sin(t) * (1 - 2 * y) + 0.5 * y - 0.25], dim=1)  # (n, 2)
        return x + noise * 0.5 * torch.randn(n, 2, generator=g, dtype=torch.float64), y
    y = torch.arange(n) % 3  # (n,)
    if name == "blobs":
        centres = torch.tensor([[0.0, 1.2], [-1.1, -0.7], [1.1, -0.7]], dtype=torch.float64)  # (3, 2)
        return centres[y] + (0.25 + noise) * torch.randn(n, 2, generator=g, dtype=torch.float64), y
    r = torch.rand(n, generator=g, dtype=torch.float64) * 0.9 + 0.1  # spirals: radius along each arm
    a = y * 2 * torch.pi / 3 + 3.5 * r + noise * 0.6 * torch.randn(n, generator=g, dtype=torch.float64)
    return torch.stack([r * torch.cos(a), r * torch.sin(a)], dim=1), y


def points(cfg) -> Points:
    """The configured 2-D data (cfg: a ClassifyConfig), standardised, with a seeded 70/30 split into the
    training and validation sets."""
    g = rng.generator(cfg.seed, "softmax.data")
    if cfg.data in REAL:
        X, y = _real(cfg.data)
        i, j = cfg.fx % FEATURES[cfg.data], cfg.fy % FEATURES[cfg.data]
        x, y = torch.from_numpy(X[:, [i, j]]).double(), torch.from_numpy(y)  # (N, 2), (N,)
        axes = (f"{cfg.data}_{i}", f"{cfg.data}_{j}")
    else:
        x, y = _synthetic(cfg.data, cfg.n, cfg.noise, g)
        axes = ("x1", "x2")
    tr, _ = data.split(len(x), 0.3, cfg.seed)
    is_tr = np.zeros(len(x), dtype=bool)
    is_tr[tr.numpy()] = True
    mu, sd = x[tr].mean(0), x[tr].std(0).clamp_min(1e-6)
    return Points(((x - mu) / sd).float(), y, is_tr, int(y.max()) + 1, axes)
