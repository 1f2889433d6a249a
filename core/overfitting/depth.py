"""Model bias or optimisation? Networks of 1 to 5 hidden layers of the same width, trained on the same
diabetes patients as one batched computation. A deeper network can represent everything a shallower
one can (its extra layers could pass their input on), so when its *training* loss is higher, the
optimisation failed: that is not overfitting (overfitting is a low training loss with a high validation
loss) and not model bias.

Measured (``core.overfitting.facts``, on ``CLAIM_SEEDS``): with sigmoid units and plain SGD, the 4- and
5-layer networks train worse than the 1-layer one on every seed; with ReLU and Adam, the 5-layer
network reaches a lower training loss than the 1-layer one on every seed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import rng, train
from core.overfitting.data import split
from core.overfitting.net import BatchedNet
from core.params import choice, clamp, num

DEPTHS = (1, 2, 3, 4, 5)  # hidden layers of the models trained side by side
WIDTH = 16  # units per hidden layer
STEPS = 400  # full-batch updates (fixed)
EVAL_EVERY = 10
LRS = {"SGD": 0.1, "Adam": 0.01}  # learning rate of each optimizer (plain SGD: no momentum)
WORSE_BY = 0.02  # a deeper network "trains worse" when its training MSE exceeds a shallower one's by this


@dataclass(frozen=True)
class DepthConfig:
    act: str = choice("sigmoid", ("sigmoid", "ReLU"), widget="radio")  # activation of every hidden unit
    optimizer: str = choice("SGD", ("SGD", "Adam"), widget="radio")  # plain SGD or Adam (learning rates LRS)
    n: int = num(242, 40, 242, step=1)  # training examples
    seed: int = num(0, 0, 1_000_000, widget="number")  # split and initial weights


@dataclass
class DepthResult:
    config: DepthConfig
    history: pd.DataFrame  # step, model ("1 layer"...), split ("train", "validation"), loss
    final: pd.DataFrame  # depth, train, validation: losses at the end
    worse: list[tuple[int, int]]  # (deeper, shallower) pairs whose deeper network trains worse
    log: train.TrainLog


def name(d: int) -> str:
    return f"{d} layer" + ("s" if d > 1 else "")


def worse_pairs(train_loss: np.ndarray) -> list[tuple[int, int]]:
    """(deeper, shallower) depth pairs where the deeper one's training loss is higher by WORSE_BY."""
    return [(DEPTHS[j], DEPTHS[i]) for j in range(len(DEPTHS)) for i in range(j)
            if train_loss[j] > train_loss[i] + WORSE_BY]


class _Run:
    """The five depths on the data of each of ``seeds``, as one batched computation: model s * 5 + j is
    depth DEPTHS[j] on seed s's split and initial weights (the numbers ``depth`` gives that seed alone)."""

    def __init__(self, cfg: DepthConfig, seeds: list[int]):
        P = len(DEPTHS)
        self.cfg, self.seeds, self.splits = cfg, seeds, [split(s) for s in seeds]
        self.net = BatchedNet(10, [WIDTH] * P * len(seeds), list(DEPTHS) * len(seeds), cfg.act.lower(),
                              rng.generator(seeds[0], "overfitting.depth"))
        if len(seeds) > 1:  # seed s's models get the initial weights `depth` draws for that seed alone
            with torch.no_grad():
                for k, s in enumerate(seeds):
                    one = BatchedNet(10, [WIDTH] * P, list(DEPTHS), cfg.act.lower(), rng.generator(s, "overfitting.depth"))
                    for big, small in zip(self.net.parameters(), one.parameters()):
                        big[k * P:(k + 1) * P].copy_(small)
        opt = torch.optim.SGD if cfg.optimizer == "SGD" else torch.optim.Adam
        self.opt = opt(self.net.parameters(), lr=LRS[cfg.optimizer])
        rep = lambda ts: torch.stack(ts).repeat_interleave(P, 0)  # noqa: E731 - per seed -> per model
        self.x = rep([sp.x_pool[: cfg.n] for sp in self.splits])  # (M, n, D)
        self.y = rep([sp.y_pool[: cfg.n] for sp in self.splits])  # (M, n)
        self.xv = rep([sp.x_val for sp in self.splits])  # (M, N_VAL, D)
        self.yv = rep([sp.y_val for sp in self.splits])  # (M, N_VAL)
        self.rows: list[tuple] = []  # (step, model index, train, validation)
        self.measure(0)

    @torch.no_grad()
    def measure(self, step: int) -> None:
        tr = (self.net(self.x) - self.y).square().mean(1).numpy()
        va = (self.net(self.xv) - self.yv).square().mean(1).numpy()
        self.rows.extend((step, m, float(tr[m]), float(va[m])) for m in range(len(tr)))

    def step(self, i: int) -> torch.Tensor:
        loss = (self.net(self.x) - self.y).square().mean(1)  # (M,)
        train.batched_step(self.opt, loss)
        if (i + 1) % EVAL_EVERY == 0:
            self.measure(i + 1)
        return loss.detach()

    def result(self, k: int, log: train.TrainLog) -> DepthResult:
        P = len(DEPTHS)
        df = pd.DataFrame([r for r in self.rows if k * P <= r[1] < (k + 1) * P],
                          columns=["step", "m", "train", "validation"])
        df["model"] = [name(DEPTHS[m - k * P]) for m in df.m]
        long = df.melt(id_vars=["step", "model"], value_vars=["train", "validation"], var_name="split",
                       value_name="loss")
        long = long[np.isfinite(long.loss.to_numpy(dtype=float))].reset_index(drop=True)
        last = df[df.step == df.step.max()] if len(df) else df
        final = pd.DataFrame({"depth": list(DEPTHS)[: len(last)], "train": last.train.to_numpy(),
                              "validation": last.validation.to_numpy()})
        ok = len(final) == P and np.isfinite(final.train).all()
        cfg = replace(self.cfg, seed=self.seeds[k])
        return DepthResult(cfg, long, final, worse_pairs(final.train.to_numpy()) if ok else [], log)


def depth(cfg: DepthConfig = DepthConfig(), progress: Callable[[DepthResult], None] | None = None) -> DepthResult:
    """Train the five depths as one batched computation. Pure function of ``cfg``."""
    return train.one_or_many(_Run, STEPS, clamp(cfg), progress=progress)


def depth_seeds(cfg: DepthConfig, seeds) -> list[DepthResult]:
    """``depth`` on each of ``seeds`` (its seed field ignored), all as ONE batched computation. For claims:
    never cut by the wall-time guard."""
    return train.one_or_many(_Run, STEPS, clamp(cfg), seeds)
