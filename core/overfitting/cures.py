"""Overfitting and its cures, on one overfitting setup: a network of 32 ReLUs trained on 40 patients of
scikit-learn's diabetes data (full batch, ``torch.optim.SGD`` with momentum) fits its training set almost
exactly while its validation loss climbs. Each cure is one more model in the same batched computation,
on the same initial weights' distribution and the same validation set:

- more data: the same network on a larger training set (the small one plus more patients);
- augmentation: Gaussian noise added to the standardised features at every step (made-up patients near
  the real ones: what we know about the data is that a slightly different patient has a similar outcome);
- fewer units: a narrower network;
- early stopping: the plain model, stopped when the validation loss has not improved for ``patience``
  steps, its best weights restored;
- L2 regularisation: ``weight_decay`` of ``torch.optim.SGD`` (the penalty λ/2·||θ||² added to the loss);
- dropout: each hidden unit dropped with probability p during training, none in evaluation mode (``Module.train(False)``, what ``Module.eval`` does).

What the page states about them is decided in ``core.overfitting.facts`` and checked on many seeds.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import rng, train
from core.overfitting.data import POOL, linear_losses, split
from core.overfitting.net import BatchedNet
from core.params import choice, clamp, num

CURES = ("more data", "augmentation", "fewer units", "early stopping", "L2", "dropout")
MODELS = ("no cure",) + CURES  # model m of the batch
WIDTH = 32  # hidden units of the overfitting setup
STEPS = 300  # full-batch updates of every run (fixed: the result never depends on time)
EVAL_EVERY = 5  # steps between two measurements of the training and validation loss
LR, MOMENTUM = 0.03, 0.9  # torch.optim.SGD settings of every model
DECAYS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
PATIENCES = (10, 20, 30, 50, 100)


@dataclass(frozen=True)
class CuresConfig:
    n: int = num(40, 20, 120, step=10)  # training examples of the overfitting setup
    n_more: int = num(POOL, 60, POOL, step=1)  # training examples of the "more data" model
    noise: float = num(0.7, 0.1, 2.0, step=0.1)  # augmentation: std of the noise added to the features
    units: int = num(2, 1, 16)  # hidden units of the "fewer units" model (the setup has WIDTH)
    patience: int = choice(30, PATIENCES, widget="select_slider")  # early stopping: steps without a new best
    weight_decay: float = choice(0.1, DECAYS, widget="select_slider")  # L2: λ, SGD's weight_decay
    dropout: float = num(0.5, 0.1, 0.8, step=0.1)  # dropout: probability of dropping a hidden unit
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, initial weights, noise and dropout masks


@dataclass
class CuresResult:
    config: CuresConfig
    history: pd.DataFrame  # step, model, split ("train", "validation", "penalty"), loss: long format
    final: pd.DataFrame  # model, validation, test, train: each model's losses at the end (early stopping: restored)
    best_step: int  # early stopping: the step whose validation loss was lowest (before the stop)
    stop_step: int  # early stopping: the step training stopped at (best_step + patience, or STEPS)
    best_val: float  # early stopping: that lowest validation loss (the restored weights give it)
    restored_val: float  # validation loss of the restored weights, measured again
    dropout_demo: np.ndarray  # (4, 3): the dropout model on 3 validation patients: training mode twice, evaluation mode twice
    log: train.TrainLog
    steps_done: int
    lin_train: float = float("nan")  # least squares on the same N patients: training MSE
    lin_val: float = float("nan")  # and validation MSE

    @property
    def overfits(self) -> bool:
        """The plain network fits its training set better than least squares but new patients worse."""
        return bool(self.final.train[0] < self.lin_train and self.val("no cure") > self.lin_val)

    @functools.cached_property
    def _val(self) -> dict[str, float]:
        return {m: float(v) for m, v in zip(self.final.model, self.final.validation)}

    def val(self, model: str) -> float:
        return self._val[model]


class _Run:
    """The seven models on the data of each of ``seeds``, all as one batched computation: model
    s * 7 + j is MODELS[j] on seed s's split, initial weights, noise and dropout masks (each seed draws from
    its own generators, so it gets the numbers ``cures`` gives that seed alone)."""

    def __init__(self, cfg: CuresConfig, seeds: list[int]):
        self.cfg, self.seeds, self.splits = cfg, seeds, [split(s) for s in seeds]
        P, S = len(MODELS), len(seeds)
        M = self.M = P * S
        ns = [cfg.n, max(cfg.n, cfg.n_more)] + [cfg.n] * 5
        self.nmax = max(ns)
        widths = [WIDTH, WIDTH, WIDTH, min(cfg.units, WIDTH), WIDTH, WIDTH, WIDTH]
        ps = [0.0] * 6 + [cfg.dropout]
        self.gens = [rng.generator(s, "overfitting.cures") for s in seeds]  # per seed: initial weights, noise, dropout
        nets = [self._net(widths, ps, g) for g in self.gens]
        self.net = nets[0]
        if S > 1:
            self.net = BatchedNet(10, widths * S, [1] * M, "relu", rng.generator(0, "overfitting.cures"), p=ps * S, per_model=True)
            self.net.drop.gens = self.gens
            with torch.no_grad():
                for k, one in enumerate(nets):
                    for m in range(P):
                        for a, b in zip(self.net.params_of(k * P + m), one.params_of(m)):
                            a.copy_(b)
        decay = [cfg.weight_decay if name == "L2" else 0.0 for name in MODELS] * S
        self.opt = torch.optim.SGD([{"params": self.net.params_of(m), "weight_decay": decay[m]} for m in range(M)],
                                   lr=LR, momentum=MOMENTUM)
        self.lam = torch.tensor(decay)  # (M,)
        rep = lambda ts: torch.stack(ts).repeat_interleave(P, 0)  # noqa: E731 - per seed -> per model
        self.x = rep([sp.x_pool[: self.nmax] for sp in self.splits])  # (M, nmax, D); each weighs its own first n
        self.y = rep([sp.y_pool[: self.nmax] for sp in self.splits])  # (M, nmax)
        self.xv, self.yv = rep([sp.x_val for sp in self.splits]), rep([sp.y_val for sp in self.splits])  # (M, N_VAL, D), (M, N_VAL)
        self.xt, self.yt = rep([sp.x_test for sp in self.splits]), rep([sp.y_test for sp in self.splits])
        self.w = torch.zeros(M, self.nmax)  # (M, nmax) 1/n on a model's own training examples
        for m in range(M):
            self.w[m, : ns[m % P]] = 1.0 / ns[m % P]
        self.sigma = torch.zeros(M, 1, 1)  # (M, 1, 1) augmentation noise per model
        self.sigma[MODELS.index("augmentation")::P] = cfg.noise
        self.rows: list[tuple] = []  # (step, model, train, validation, penalty)
        self.es = MODELS.index("early stopping")
        self.best = [(np.inf, 0, None) for _ in seeds]  # per seed: (validation loss, step, weights) so far
        self.stop: list[int | None] = [None] * S
        self.measure(0)

    @staticmethod
    def _net(widths: list[int], ps: list[float], gen: torch.Generator) -> BatchedNet:
        net = BatchedNet(10, widths, [1] * len(widths), "relu", gen, p=ps, per_model=True)
        with torch.no_grad():  # every full-width model starts from the plain model's weights: only the cure differs
            for m in range(1, len(widths)):
                if widths[m] == WIDTH:
                    for a, b in zip(net.params_of(m), net.params_of(0)):
                        a.copy_(b)
        return net

    @torch.no_grad()
    def losses(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(M,) mean squared error of every model on its (x, y), in evaluation mode."""
        self.net.train(False)
        out = (self.net(x) - y).square().mean(1)
        self.net.train()
        return out

    @torch.no_grad()
    def measure(self, step: int) -> None:
        self.net.train(False)
        tr = ((self.net(self.x) - self.y).square() * self.w).sum(1).numpy()  # (M,) on each model's own set
        self.net.train()
        va = self.losses(self.xv, self.yv).numpy()
        pen = (self.lam / 2 * self.net.l2()).numpy()  # (M,) λ/2·||θ||²
        P = len(MODELS)
        for m in range(self.M):
            if m % P == self.es and self.stop[m // P] is not None:
                continue
            self.rows.append((step, m, float(tr[m]), float(va[m]), float(pen[m]) if self.lam[m] > 0 else np.nan))
        for k in range(len(self.seeds)):  # early stopping: keep the best weights, stop after `patience` without better
            m = k * P + self.es
            if self.stop[k] is None:
                if va[m] < self.best[k][0]:
                    self.best[k] = (float(va[m]), step, [p.detach().clone() for p in self.net.params_of(m)])
                elif step - self.best[k][1] >= self.cfg.patience:
                    self.stop[k] = step

    def step(self, i: int) -> torch.Tensor:
        P = len(MODELS)
        noise = torch.cat([torch.randn((P, *self.x.shape[1:]), generator=g) for g in self.gens])  # (M, nmax, D)
        loss = ((self.net(self.x + self.sigma * noise) - self.y).square() * self.w).sum(1)  # (M,) data losses
        train.batched_step(self.opt, loss)
        if (i + 1) % EVAL_EVERY == 0:
            self.measure(i + 1)
        return loss.detach()

    def result(self, k: int, log: train.TrainLog) -> CuresResult:
        P, es = len(MODELS), self.es
        cfg, s = replace(self.cfg, seed=self.seeds[k]), self.splits[k]
        ms = slice(k * P, (k + 1) * P)
        hist = pd.DataFrame([r for r in self.rows if k * P <= r[1] < (k + 1) * P],
                            columns=["step", "m", "train", "validation", "penalty"])
        hist["model"] = [MODELS[m - k * P] for m in hist.m]
        long = hist.melt(id_vars=["step", "model"], value_vars=["train", "validation", "penalty"],
                         var_name="split", value_name="loss")
        long = long[np.isfinite(long.loss.to_numpy(dtype=float))].reset_index(drop=True)
        stop = self.stop[k] if self.stop[k] is not None else log.steps
        best_val, best_step, best_w = self.best[k]
        restored = _restored(self.net, best_w, k * P + es)
        va = self.losses(self.xv, self.yv).numpy()[ms]
        te = self.losses(self.xt, self.yt).numpy()[ms]
        self.net.train(False)
        with torch.no_grad():
            tr = ((self.net(self.x) - self.y).square() * self.w).sum(1).numpy()[ms]
        rv, rt, rtr = (_one(restored, s.x_val, s.y_val), _one(restored, s.x_test, s.y_test),
                       _one(restored, s.x_pool[: cfg.n], s.y_pool[: cfg.n]))
        va[es], te[es], tr[es] = rv, rt, rtr
        final = pd.DataFrame({"model": MODELS, "validation": va, "test": te, "train": tr})
        demo = _dropout_demo(self.net, self.xv[:, :3], k * P + MODELS.index("dropout"))
        self.net.train()
        return CuresResult(cfg, long, final, best_step, stop, best_val, rv, demo, log, log.steps,
                           *linear_losses(s, cfg.n))


def _restored(net: BatchedNet, weights: list[torch.Tensor] | None, m: int) -> torch.nn.Sequential:
    """Model m with the early-stopping weights put back, as a plain ``nn.Sequential`` in evaluation mode."""
    seq = net.as_sequential(m)
    if weights is not None:
        W, B, C, c0 = weights
        with torch.no_grad():
            seq[0].weight.copy_(W[:, :WIDTH].T)
            seq[0].bias.copy_(B[:WIDTH])
            seq[-1].weight.copy_(C[:WIDTH].T)
            seq[-1].bias.copy_(c0)
    return seq.train(False)


@torch.no_grad()
def _one(seq: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return float((seq(x)[:, 0] - y).square().mean())


@torch.no_grad()
def _dropout_demo(net: BatchedNet, x: torch.Tensor, m: int) -> np.ndarray:
    """The dropout model's prediction for the same patients: twice in train() mode, twice in evaluation mode.

    Its masks come from a generator of its own: the demo is also made for every live frame, and drawing from the
    training's generators would make the result depend on how many frames a run happened to draw (on the clock)."""
    out, gens = [], net.drop.gens
    net.drop.gens = [rng.generator(0, "overfitting.dropout_demo") for _ in gens]
    try:
        for mode in ("train", "train", "eval", "eval"):
            net.train(mode == "train")
            out.append(net(x)[m].numpy())  # x: (M, n, D)
    finally:
        net.drop.gens = gens
        net.train()
    return np.stack(out)  # (4, n)


def cures(cfg: CuresConfig = CuresConfig(), progress: Callable[[CuresResult], None] | None = None) -> CuresResult:
    """Train the overfitting setup and each cure as one batched computation. Pure function of ``cfg``."""
    cfg = clamp(cfg)
    run = _Run(cfg, [cfg.seed])
    log = train.run(run.step, STEPS, progress=None if progress is None else (lambda lg: progress(run.result(0, lg))))
    return run.result(0, log)


def cures_seeds(cfg: CuresConfig, seeds) -> list[CuresResult]:
    """``cures`` on each of ``seeds`` (its seed field ignored), all as ONE batched computation; element i
    holds what ``cures(replace(cfg, seed=seeds[i]))`` gives (the dropout demo's masks aside). For claims:
    never shown by a page, so never cut by the wall-time guard (a claim must not depend on the machine)."""
    cfg = clamp(cfg)
    run = _Run(cfg, [int(s) for s in seeds])
    log = train.run(run.step, STEPS, max_seconds=math.inf)
    return [run.result(k, log) for k in range(len(run.seeds))]


def history_csv(r: CuresResult) -> bytes:
    return r.history.to_csv(index=False).encode()
