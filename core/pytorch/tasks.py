"""The script part's three small real tasks, prepared exactly as the downloadable script prepares them.

Every tensor operation here is the one the script's "data" section writes (core/pytorch/template.py), in the
same order and dtype, so the page's numbers and the script's printed numbers are the same on one machine
(tests/test_pytorch.py runs the script as a separate process and compares). The raw arrays come from
``core.data`` (Seattle temperatures, diabetes) and scikit-learn (digits), all shipped offline.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import data, rng

TASKS = ("seattle", "diabetes", "digits")  # the script part's tasks (the last one a classifier)
WINDOW = 7  # Seattle: the days before a day that its maximum temperature is predicted from
SPLIT = (0.6, 0.2)  # training and validation shares of the examples; the rest is the test set
SHOWN = 6  # test examples whose predictions the page follows epoch by epoch (the first of the test split)
UNITS = {"seattle": "°C", "diabetes": "", "digits": ""}  # units of a prediction as the page shows it


def sizes(n: int) -> tuple[int, int]:
    """(end of the training part, end of the validation part) in a shuffled order of ``n`` examples."""
    n_train = int(n * SPLIT[0])
    return n_train, n_train + int(n * SPLIT[1])


@dataclass(frozen=True)
class Task:
    name: str  # one of TASKS
    x: torch.Tensor  # (N, D) inputs, standardised for the regressions (pixels in [0, 1] for digits)
    y: torch.Tensor  # (N,) targets: standardised float for the regressions, class index for digits
    train: torch.Tensor  # (N_train,) example indices
    val: torch.Tensor  # (N_val,)
    test: torch.Tensor  # (N_test,)
    y_scale: tuple[float, float]  # display value = a + b * y (°C for Seattle; the score for diabetes)
    classes: int  # 0 for a regression, else the number of classes

    @property
    def d_in(self) -> int:
        return int(self.x.shape[1])

    @property
    def d_out(self) -> int:
        return self.classes or 1

    def shown(self, y: torch.Tensor) -> np.ndarray:
        """Targets or predictions of a regression in display units (classes as they are)."""
        a, b = self.y_scale
        return (a + b * y.double()).numpy() if not self.classes else y.numpy()


def raw(name: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The task's inputs and targets before the split, as the script's first lines make them."""
    if name == "seattle":
        temps = torch.tensor(data.seattle_temperatures()[1]).float()  # (1461,)
        return temps.unfold(0, WINDOW, 1)[:-1], temps[WINDOW:]  # (1454, 7) the days before, (1454,) the day
    if name == "diabetes":
        X, y, _ = data.diabetes()
        return torch.tensor(X).float(), torch.tensor(y).float()  # (442, 10), (442,)
    if name == "digits":
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        return torch.tensor(X / 16).float(), torch.tensor(y)  # (1797, 64) in [0, 1], (1797,)
    raise ValueError(f"unknown task {name!r}; choose one of {TASKS}")


def prepare(name: str, seed: int, purpose: str = "pytorch.script.split") -> Task:
    """Shuffle once with the seeded split generator, cut 60 / 20 / 20 %, standardise on the training part."""
    x, y = raw(name)
    perm = torch.randperm(len(x), generator=rng.generator(seed, purpose))
    a, b = sizes(len(x))
    train, val, test = perm[:a], perm[a:b], perm[b:]
    scale, classes = (0.0, 1.0), 0
    if name == "digits":
        classes = 10
    else:
        mu, sd = x[train].mean(0), x[train].std(0)  # standardise with the training part only
        ym, ys = y[train].mean(), y[train].std()
        x, y = (x - mu) / sd, (y - ym) / ys
        scale = (float(ym), float(ys))
    return Task(name, x, y, train, val, test, scale, classes)
