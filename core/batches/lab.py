"""The batch-size lab: one small network trained with plain SGD at several batch sizes, same epochs.

A 64-hidden-10 ReLU network (``core.models.mlp``) learns scikit-learn's digits with ``torch.optim.SGD``,
the same learning rate, the same initial weights and the same number of epochs at every batch size B.
Each run goes through ``train.run`` with a ``train.EpochSampler``: an epoch is exactly ceil(N/B) updates
and uses every training example once. The sizes are derived from the data: powers of 4 from
``smallest`` while B <= N/4, then the full batch B = N, the length of the training split (never a typed
number: a "full batch" one example short would make a second update on one example every epoch).

Two kinds of figures come out, and the page must say which is which (``core.batches.facts``):
- accuracies and losses: a pure function of the config and seed (on a given device type);
- times per update and per epoch: measured live on the device the run used
  (``choose_device("large")``: the GPU where there is one). They vary from machine to machine and from
  run to run with the server's load. Start-up costs are paid in a warm-up before timing; the time spent
  evaluating after each epoch and drawing progress is left out.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn

from core import data, rng, train
from core.device import choose_device
from core.models import mlp
from core.params import choice, clamp, flag, num

LRS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
HIDDEN = (8, 16, 32, 64, 128)
SMALLEST = (1, 2, 4, 8, 16)
VAL_FRACTION = 0.25  # share of digits held out for validation


@dataclass(frozen=True)
class LabConfig:
    smallest: int = choice(4, SMALLEST, widget="select_slider")  # smallest B; then x4 while B <= N/4, then B = N
    epochs: int = num(2, 1, 5)  # passes over the training set, the same at every batch size (2: ~1 s on 2 cores)
    lr: float = choice(0.05, LRS, widget="select_slider")  # plain SGD's learning rate eta, the same for every B
    hidden: int = choice(32, HIDDEN, widget="select_slider")  # hidden units of the 64-hidden-10 network
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, initial weights (shared by every B), batch order


@dataclass(frozen=True)
class LabView:
    """Settings that only choose what to draw."""
    show: bool = flag(False)  # run the lab at all (seconds of training: the page keeps it off until asked)
    loss_x: str = choice("epoch", ("epoch", "update"), widget="radio")  # lab loss chart against epochs or updates


@dataclass(frozen=True)
class LabProgress:
    """How far the lab is, over every batch size: ``steps`` of ``planned`` updates (what a progress bar reads)."""
    steps: int  # updates made so far, all batch sizes together
    planned: int  # updates of the whole lab
    batch: int  # the batch size training now


@dataclass
class LabResult:
    config: LabConfig
    n_train: int  # N, examples in the training split (the full batch)
    n_val: int
    table: pd.DataFrame  # one row per B: batch, per_epoch, updates, epochs, diverged_at, ms_per_update,
                         # s_per_epoch (measured), train_loss, train_acc, val_acc (after the last epoch)
    history: pd.DataFrame  # one row per B and epoch (0 = before training): batch, epoch, updates,
                           # train_loss, train_acc, val_acc
    curve: pd.DataFrame  # one row per B and update: batch, update (1-based), epoch (update / per_epoch), loss
                         # (the minibatch loss the update was computed from)
    device: str  # where it ran and was timed, e.g. "cpu" or "cuda"
    logs: dict[int, train.TrainLog]

    def message(self) -> str | None:
        parts = [log.message([f"B = {b}"]) for b, log in self.logs.items() if log.diverged]
        return " ".join(parts) if parts else None


def lab_batches(n_train: int, smallest: int) -> tuple[int, ...]:
    """Batch sizes of the lab: smallest, x4, ... while B <= N/4, then N itself (the full batch)."""
    n_train = max(1, int(n_train))
    b, out = max(1, int(smallest)), []
    while b <= n_train // 4:
        out.append(b)
        b *= 4
    return tuple(out) + (n_train,)


def _evaluate(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of ``net`` on (x, y)."""
    with torch.no_grad():
        out = net(x)  # (n, 10)
        loss = float(nn.functional.cross_entropy(out, y))
        acc = float((out.argmax(1) == y).float().mean())
    return loss, acc


def _warm_up(base: nn.Module, xt: torch.Tensor, yt: torch.Tensor) -> None:
    """A few throwaway updates on a copy, small and full batch, so no timing holds start-up costs
    (lazy imports, kernel selection, the GPU's first launches)."""
    import copy

    net = copy.deepcopy(base)
    opt = torch.optim.SGD(net.parameters(), lr=0.0)
    for b in (8, len(xt)):
        for _ in range(3):
            opt.zero_grad(set_to_none=True)
            nn.functional.cross_entropy(net(xt[:b]), yt[:b]).backward()
            opt.step()
    _evaluate(net, xt, yt)


def _sync(dev: torch.device) -> None:
    if dev.type == "cuda":
        torch.cuda.synchronize(dev)


def batch_lab(cfg: LabConfig = LabConfig(), progress: Callable[[LabProgress], None] | None = None) -> LabResult:
    """Train the same network with plain SGD at each batch size for the same epochs; measure time per
    update and per epoch; record training and validation accuracy. ``progress(LabProgress)`` while it runs."""
    cfg = clamp(cfg)
    dev = choose_device("large")
    ds = data.classification("digits", VAL_FRACTION, cfg.seed)
    xt, yt, xv, yv = (t.to(dev) for t in (ds.x_train, ds.y_train, ds.x_val, ds.y_val))  # (N, 64), (N,), ...
    N = len(xt)
    sizes = lab_batches(N, cfg.smallest)
    _warm_up(mlp(xt.shape[1], cfg.hidden, ds.n_classes, rng.generator(cfg.seed, "batches.lab_init")).to(dev), xt, yt)
    rows, hist, curves, logs = [], [], [], {}
    planned = cfg.epochs * sum(-(-N // B) for B in sizes)  # updates of the whole lab
    before = 0  # updates of the batch sizes already trained
    for B in sizes:
        # the same start at every batch size
        net = mlp(xt.shape[1], cfg.hidden, ds.n_classes, rng.generator(cfg.seed, "batches.lab_init")).to(dev)
        opt = torch.optim.SGD(net.parameters(), lr=cfg.lr)
        sampler = train.EpochSampler(N, B, rng.generator(cfg.seed, "batches.lab_batches"), device=dev)
        untimed = 0.0  # seconds spent evaluating and drawing progress, left out of the timing

        def record(epoch: int, updates: int) -> None:
            nonlocal untimed
            t = time.perf_counter()
            tl, ta = _evaluate(net, xt, yt)
            hist.append((B, epoch, updates, tl, ta, _evaluate(net, xv, yv)[1]))
            untimed += time.perf_counter() - t

        def step(i: int) -> torch.Tensor:
            idx = sampler(i)  # (B,) or fewer: never fewer here unless B does not divide N
            loss = nn.functional.cross_entropy(net(xt[idx]), yt[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if sampler.ends_epoch(i):
                record(sampler.epoch_of(i), i + 1)
            return loss.detach()

        def report(log: train.TrainLog) -> None:
            nonlocal untimed
            t = time.perf_counter()
            progress(LabProgress(before + log.steps, planned, B))
            untimed += time.perf_counter() - t

        record(0, 0)
        untimed = 0.0
        _sync(dev)
        t0 = time.perf_counter()
        log = train.run(step, sampler.per_epoch * cfg.epochs, progress=report if progress else None)
        _sync(dev)
        sec = max(time.perf_counter() - t0 - untimed, 1e-9)
        logs[B] = log
        done = log.steps
        before += sampler.per_epoch * cfg.epochs
        epochs_done = max(done // sampler.per_epoch, 0)
        tl, ta = _evaluate(net, xt, yt)
        rows.append({"batch": B, "per_epoch": sampler.per_epoch, "updates": done, "epochs": epochs_done,
                     "diverged_at": log.first_divergence, "ms_per_update": 1e3 * sec / max(done, 1),
                     "s_per_epoch": sec * sampler.per_epoch / max(done, 1), "train_loss": tl, "train_acc": ta,
                     "val_acc": _evaluate(net, xv, yv)[1]})
        losses = log.losses[:, 0]
        curves.append(pd.DataFrame({"batch": B, "update": np.arange(1, done + 1),
                                    "epoch": np.arange(1, done + 1) / sampler.per_epoch, "loss": losses}))
    history = pd.DataFrame(hist, columns=["batch", "epoch", "updates", "train_loss", "train_acc", "val_acc"])
    curve = pd.concat(curves, ignore_index=True)
    curve = curve[np.isfinite(curve.loss.to_numpy(dtype=float))].reset_index(drop=True)
    return LabResult(cfg, N, len(xv), pd.DataFrame(rows), history, curve, dev.type, logs)
