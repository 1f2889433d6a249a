"""A real race: each racer trains its own copy of one small network on scikit-learn's digits.

Same initial weights, same minibatches (``train.EpochSampler``), a fixed number of updates. Each racer's own
compute time (forward, backward, update) is measured for the loss-against-time chart; it is a measurement
shown as such, never a cap: the steps are fixed.
"""
from __future__ import annotations

import copy
import time
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from core import data, params, rng, train
from core.export import safetensors_bytes
from core.models import mlp
from core.optimizers.racers import NAMES, racer, step_racer
from core.params import choice, flag, num

SCALES = (0.1, 0.3, 1.0, 3.0, 10.0)  # options of the learning-rate multiplier
FIRST_UPDATES = 100  # the notice ranks the racers by their mean training loss over the first this many updates


@dataclass(frozen=True)
class RealConfig:
    racers: tuple[str, ...] = NAMES  # which racers train (the page passes those racing on the surface)
    lr_scale: float = choice(1.0, SCALES, widget="select_slider")  # every racer's Racer.net_lr times this
    steps: int = num(300, 10, 1000, step=10)  # updates (minibatches)
    batch: int = choice(32, (8, 16, 32, 64, 128), widget="select_slider")  # minibatch size
    hidden: int = choice(32, (16, 32, 64), widget="select_slider")  # hidden units of the 64-hidden-10 network
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, initial weights (shared), minibatch order


@dataclass(frozen=True)
class RealView:
    """Whether the page runs the real race: it trains one network per racer (seconds), so it is off by default."""
    show: bool = flag(False)  # train the networks on the digits


@dataclass
class RealResult:
    config: RealConfig
    racers: list[str]
    history: pd.DataFrame  # step, optimizer, loss, seconds (cumulative own compute time)
    val_acc: dict[str, float]  # validation accuracy at the end (NaN if diverged)
    log: train.TrainLog
    weights: dict[str, dict[str, torch.Tensor]]  # per racer, nn.Sequential state dict


def real_race(cfg: RealConfig = RealConfig(), progress: Callable[[train.TrainLog], None] | None = None) -> RealResult:
    """Each chosen racer trains its own copy of one network on the digits, on the same minibatches."""
    cfg = params.clamp(cfg)
    cfg = replace(cfg, racers=tuple(n for n in NAMES if n in set(cfg.racers)))
    rcs = [racer(n) for n in cfg.racers]
    ds = data.classification("digits", 0.25, cfg.seed)
    base = mlp(ds.x_train.shape[1], cfg.hidden, ds.n_classes, rng.generator(cfg.seed, "optimizers.digits_init"))
    nets = [copy.deepcopy(base) for _ in rcs]
    opts = [rc.make(list(n.parameters()), rc.net_lr * cfg.lr_scale, 0.9) for rc, n in zip(rcs, nets)]
    sampler = train.EpochSampler(len(ds.x_train), cfg.batch, rng.generator(cfg.seed, "optimizers.digits_batches"))
    spent = np.zeros(len(rcs))
    rows: list[tuple[int, str, float, float]] = []
    lossf = nn.CrossEntropyLoss()

    def step(t: int) -> torch.Tensor:
        ib = sampler(t)  # (B,)
        xb, yb = ds.x_train[ib], ds.y_train[ib]  # (B, 64), (B,)
        out = []
        for k, (rc, net, opt) in enumerate(zip(rcs, nets, opts)):
            t0 = time.perf_counter()
            loss = lossf(net(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            step_racer(opt, rc, t)
            spent[k] += time.perf_counter() - t0
            v = float(loss.detach())
            rows.append((t + 1, rc.name, v, spent[k]))
            out.append(v)
        return torch.tensor(out)

    log = train.run(step, cfg.steps if rcs else 0, progress=progress, stop_on="all")
    hist = pd.DataFrame(rows, columns=["step", "optimizer", "loss", "seconds"])
    dead = {n: d for n, d in zip(cfg.racers, log.diverged_at) if d is not None}
    for n, d in dead.items():
        hist = hist[~((hist.optimizer == n) & (hist.step >= d))]
    hist = hist[np.isfinite(hist.loss) & (hist.loss < 1e6)].reset_index(drop=True)
    with torch.no_grad():
        acc = {n: float("nan") if n in dead else float((net(ds.x_val).argmax(1) == ds.y_val).float().mean())
               for n, net in zip(cfg.racers, nets)}
    weights = {n: {k: v.detach().clone() for k, v in net.state_dict().items()}
               for n, net in zip(cfg.racers, nets) if n not in dead}
    return RealResult(cfg, list(cfg.racers), hist, acc, log, weights)


def weights_safetensors(r: RealResult) -> bytes:
    """The trained networks (``nn.Sequential`` keys, prefixed by optimizer) as ``.safetensors``."""
    return safetensors_bytes(r.weights, r.config)


@dataclass(frozen=True)
class RealFacts:
    """The real race's notice as data."""
    first: int  # the updates the loss is averaged over: min(FIRST_UPDATES, steps)
    by_loss: tuple[tuple[str, float], ...]  # (racer, mean training loss over the first updates), lowest first
    by_time: tuple[tuple[str, float], ...]  # (racer, its own compute seconds for the whole run), fastest first
    accuracy: dict[str, float | None]  # validation accuracy at the end (None: it diverged)


def real_facts(r: RealResult) -> RealFacts:
    h = r.history
    first = min(FIRST_UPDATES, r.config.steps)
    mean = h[h.step <= first].groupby("optimizer").loss.mean()
    secs = h.groupby("optimizer").seconds.max()
    by_loss = tuple((n, float(mean[n])) for n in sorted(mean.index, key=mean.get) if n in r.racers)
    by_time = tuple((n, float(secs[n])) for n in sorted(secs.index, key=secs.get))
    acc = {n: float(v) if np.isfinite(v) else None for n, v in r.val_acc.items()}
    return RealFacts(first, by_loss, by_time, acc)
