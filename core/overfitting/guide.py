"""The lecture's guide for when results are bad, followed on a live experiment.

1. Is the training loss high? Compare with the simplest model: least squares on the same patients.
   - Yes, and a shallower network (1 hidden layer, same width) trains better: optimisation failed.
   - Yes, and no shallower network does better: model bias (the model is too simple).
2. Training loss low, but validation loss high (above what least squares reaches on validation, and above
   the training loss): overfitting.
3. Both low: keep this model; report its loss on the test set, once.

The chosen network and its 1-layer twin train as one batched computation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import rng, train
from core.overfitting.data import POOL, linear_losses, split
from core.overfitting.net import BatchedNet
from core.params import choice, clamp, num

STEPS = 400  # full-batch updates (fixed)
EVAL_EVERY = 10
LRS = {"SGD": 0.1, "Adam": 0.01}
MARGIN = 0.02  # "higher" means higher by more than this (MSE of the standardised target)
VERDICTS = ("optimisation", "model bias", "overfitting", "good")
MODELS = ("your network", "1 layer")


@dataclass(frozen=True)
class GuideConfig:
    layers: int = num(4, 1, 5)  # hidden layers of the network
    width: int = choice(16, (1, 2, 4, 8, 16, 32, 64), widget="select_slider")  # units per hidden layer
    act: str = choice("sigmoid", ("sigmoid", "ReLU"), widget="radio")  # activation of the hidden units
    optimizer: str = choice("SGD", ("SGD", "Adam"), widget="radio")  # plain SGD or Adam
    n: int = num(POOL, 20, POOL, step=1)  # training examples
    seed: int = num(0, 0, 1_000_000, widget="number")  # split and initial weights


@dataclass
class GuideResult:
    config: GuideConfig
    history: pd.DataFrame  # step, model, split, loss
    train: float  # the network's final training MSE
    val: float  # its validation MSE
    test: float  # its test MSE (to report when the verdict is "good")
    ref_train: float  # the 1-layer twin's training MSE
    lin_train: float  # least squares: training MSE
    lin_val: float  # least squares: validation MSE
    verdict: str  # one of VERDICTS
    log: train.TrainLog


def verdict(train_loss: float, val: float, ref_train: float, lin_train: float, lin_val: float, layers: int) -> str:
    """The branch of the guide these numbers take."""
    if not np.isfinite(train_loss) or train_loss > lin_train + MARGIN:
        return "optimisation" if layers > 1 and ref_train + MARGIN < train_loss else "model bias"
    if val > lin_val + MARGIN and val > train_loss + MARGIN:
        return "overfitting"
    return "good"


def guide(cfg: GuideConfig = GuideConfig(), progress: Callable[[GuideResult], None] | None = None) -> GuideResult:
    cfg = clamp(cfg)
    s = split(cfg.seed)
    net = BatchedNet(s.x_pool.shape[1], [cfg.width] * 2, [cfg.layers, 1], cfg.act.lower(),
                     rng.generator(cfg.seed, "overfitting.guide"))
    opt = (torch.optim.SGD if cfg.optimizer == "SGD" else torch.optim.Adam)(net.parameters(), lr=LRS[cfg.optimizer])
    x, y = s.x_pool[: cfg.n], s.y_pool[: cfg.n]  # (n, D), (n,)
    lin_train, lin_val = linear_losses(s, cfg.n)
    rows: list[tuple] = []

    @torch.no_grad()
    def measure(step: int) -> None:
        tr = (net(x) - y).square().mean(1).numpy()
        va = (net(s.x_val) - s.y_val).square().mean(1).numpy()
        rows.extend((step, MODELS[m], float(tr[m]), float(va[m])) for m in range(2))

    def step(i: int) -> torch.Tensor:
        loss = (net(x) - y).square().mean(1)  # (2,)
        train.batched_step(opt, loss)
        if (i + 1) % EVAL_EVERY == 0:
            measure(i + 1)
        return loss.detach()

    def result(log: train.TrainLog) -> GuideResult:
        df = pd.DataFrame(rows, columns=["step", "model", "train", "validation"])
        long = df.melt(id_vars=["step", "model"], value_vars=["train", "validation"], var_name="split",
                       value_name="loss")
        long = long[np.isfinite(long.loss.to_numpy(dtype=float))].reset_index(drop=True)
        last = df[df.step == df.step.max()].set_index("model")
        tr, va, ref = (float(last.loc[MODELS[0], "train"]), float(last.loc[MODELS[0], "validation"]),
                       float(last.loc[MODELS[1], "train"]))
        with torch.no_grad():
            te = float((net(s.x_test)[0] - s.y_test).square().mean())
        return GuideResult(cfg, long, tr, va, te, ref, lin_train, lin_val,
                           verdict(tr, va, ref, lin_train, lin_val, cfg.layers), log)

    measure(0)
    log = train.run(step, STEPS, progress=None if progress is None else (lambda lg: progress(result(lg))),
                    stop_on="all")
    return result(log)
