"""Data sets: generated curves and real data shipped inside installed packages (offline)."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from core import rng

CURVES = ("piecewise linear", "smooth and wiggly", "step", "noisy sample", "Seattle temperatures")


@dataclass
class Curve:
    x: torch.Tensor  # (N, 1) inputs scaled to [-1, 1]
    y: torch.Tensor  # (N, 1) targets in model units
    x_true: np.ndarray  # (G,) a fine grid over [-1, 1] for drawing the true curve
    y_true: np.ndarray | None  # (G,) the noiseless curve, None for real data
    x_label: str
    y_label: str
    to_x: tuple[float, float]  # display x = a + b * x
    to_y: tuple[float, float]  # display y = a + b * y


def _piecewise(x: np.ndarray) -> np.ndarray:
    # the lecture's red curve: flat, up, down, flat
    return np.interp(x, [-1.0, -0.5, 0.0, 0.4, 1.0], [0.2, 0.2, 1.2, 0.4, 0.4])


def _smooth(x: np.ndarray) -> np.ndarray:
    return 0.6 * np.sin(3.0 * x) + 0.35 * np.cos(7.0 * x) + 0.3 * x


def _step(x: np.ndarray) -> np.ndarray:
    return np.where(x < 0.0, -0.5, 0.5) + 0.0 * x


def _noisy(x: np.ndarray) -> np.ndarray:
    return 0.8 * np.sin(2.5 * x)


_FUNCS = {"piecewise linear": _piecewise, "smooth and wiggly": _smooth, "step": _step, "noisy sample": _noisy}


@lru_cache(maxsize=1)
def seattle_temperatures() -> tuple[np.ndarray, np.ndarray]:
    """Daily maximum temperature in Seattle, 2012-2015 (1461 days), from vega_datasets' local copy."""
    from vega_datasets import local_data

    df = local_data.seattle_weather()
    return np.arange(len(df), dtype=np.float64), df["temp_max"].to_numpy(dtype=np.float64)


def curve(name: str, n: int, noise: float, seed: int) -> Curve:
    """``n`` samples of a named 1-D target, with Gaussian noise of std ``noise`` (model units)."""
    if name not in CURVES:
        raise ValueError(f"unknown curve {name!r}; choose one of {CURVES}")
    n = int(np.clip(n, 4, 5000))
    g = rng.generator(seed, "data.split")
    grid = np.linspace(-1, 1, 400)
    if name == "Seattle temperatures":
        day, temp = seattle_temperatures()
        idx = torch.randperm(len(day), generator=g)[: min(n, len(day))].sort().values.numpy()
        mu, sd = float(temp.mean()), float(temp.std())
        x = 2 * day[idx] / (len(day) - 1) - 1
        y = (temp[idx] - mu) / sd
        y = y + noise * torch.randn(len(idx), generator=g, dtype=torch.float64).numpy()
        return Curve(torch.tensor(x, dtype=torch.float32)[:, None], torch.tensor(y, dtype=torch.float32)[:, None],
                     grid, None, "day since 1 Jan 2012", "daily max temperature (°C)",
                     ((len(day) - 1) / 2, (len(day) - 1) / 2), (mu, sd))
    f = _FUNCS[name]
    x = np.sort(torch.rand(n, generator=g, dtype=torch.float64).numpy() * 2 - 1)
    if name == "noisy sample":
        noise = max(noise, 0.25)  # this preset is about noise: at least a fair amount of it
    y = f(x) + noise * torch.randn(n, generator=g, dtype=torch.float64).numpy()
    return Curve(torch.tensor(x, dtype=torch.float32)[:, None], torch.tensor(y, dtype=torch.float32)[:, None],
                 grid, f(grid), "x", "y", (0.0, 1.0), (0.0, 1.0))


def split(n: int, val_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded train/validation index split; both parts keep at least one sample where n >= 2."""
    g = rng.generator(seed, "data.split_b")
    perm = torch.randperm(n, generator=g)
    n_val = int(round(n * float(np.clip(val_fraction, 0.0, 0.9))))
    n_val = min(max(n_val, 1 if n >= 2 and val_fraction > 0 else 0), n - 1)
    return perm[n_val:].sort().values, perm[:n_val].sort().values


@dataclass
class Tabular:
    x_train: torch.Tensor  # (N_train, D) standardized features
    y_train: torch.Tensor  # (N_train,) class index
    x_val: torch.Tensor  # (N_val, D)
    y_val: torch.Tensor  # (N_val,)
    n_classes: int
    name: str


@lru_cache(maxsize=2)
def diabetes(scaled: bool = True) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """scikit-learn's diabetes data (442 patients, 10 measurements, a disease score a year later; shipped
    offline): X (442, 10) float64 as scikit-learn gives it (``scaled``: centred, each column of norm 1;
    else in its own units), y (442,) float64, and the feature names. Read-only: copy before changing."""
    from sklearn.datasets import load_diabetes

    d = load_diabetes(scaled=scaled)
    X, y = d.data.astype(np.float64), d.target.astype(np.float64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y, tuple(d.feature_names)


@lru_cache(maxsize=4)
def _sklearn(name: str):
    from sklearn import datasets

    loader = {"digits": datasets.load_digits, "iris": datasets.load_iris, "wine": datasets.load_wine}[name]
    d = loader()
    return d.data.astype(np.float32), d.target.astype(np.int64)


def classification(name: str = "digits", val_fraction: float = 0.25, seed: int = 0) -> Tabular:
    """A real classification data set shipped with scikit-learn, standardized on its training part."""
    X, y = _sklearn(name)
    tr, va = split(len(X), val_fraction, seed)
    X = torch.from_numpy(X)
    mu, sd = X[tr].mean(0), X[tr].std(0).clamp_min(1e-6)
    X = (X - mu) / sd
    y = torch.from_numpy(y)
    return Tabular(X[tr], y[tr], X[va], y[va], int(y.max()) + 1, name)
