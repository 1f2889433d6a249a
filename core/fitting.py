"""Fitting curves with sigmoids and ReLUs.

The lecture: a linear model cannot bend; a constant plus a sum of (hard) sigmoids can follow any
piecewise-linear curve, and ``y = b + sum_i c_i sigmoid(b_i + w_i x)`` approximates a smooth one.
Two ReLUs make one hard sigmoid, so 2K ReLUs do the job of K sigmoids. Here a K-sigmoid model and a
2K-ReLU model train side by side, as one batched computation, on the same data and minibatches.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import data, rng, train
from core.params import choice, clamp, num
from core.device import choose_device
from core.export import safetensors_bytes
from core.models import BatchedMLP, n_params
from core.relu_pair import ReluPair, relu_pair  # noqa: F401  (part of this page's API)
from core.fit_units import dead_units, kinks  # noqa: F401  (part of this page's API)

LOSSES = ("MSE", "MAE")
OPTIMIZERS = ("Adam", "SGD")
NAMES = ("sigmoid", "ReLU")
INIT_SCALE = 3.0  # first-layer slopes |w_i| drawn from [0.5, 0.5 + INIT_SCALE]
MEAN_BIAS = True  # the output bias starts at the mean of the training targets
REVIVE = True  # re-initialise units that are dead on the whole training set, after every epoch
SEASONS_VAL_MSE = 0.6  # "Real temperatures": the ReLU fit's validation MSE stays below this on every seed
DEAD_RELU_REMEDY = (  # what this page does about dead ReLUs, one sentence for students
    "A ReLU that outputs 0 on every training point gets no gradient and stays dead, so here each unit's "
    "kink starts in its own slice of the input range facing the wider side (active on at least half the "
    "inputs), the output bias starts at the targets' mean, and after every epoch any ReLU dead on the whole "
    "training set is re-initialised with a new kink at a random training point and a zero output weight, "
    "so the fit does not jump.")


LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1000.0)
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
EPOCHS = (10, 25, 50, 100, 150, 200, 300, 500, 1000)


@dataclass(frozen=True)
class FitConfig:
    target: str = choice("smooth and wiggly", data.CURVES)  # the curve to learn (data.CURVES)
    n: int = num(200, 20, 1000, step=10)  # samples drawn from the target
    noise: float = num(0.05, 0.0, 1.0, step=0.05)  # std of the Gaussian noise added to y (model units)
    val_fraction: float = num(0.25, 0.1, 0.8, step=0.05)  # share of the samples held out for validation
    k: int = num(5, 1, 32)  # sigmoid units per layer; the ReLU model gets 2k
    depth: int = choice(1, (1, 2, 3), widget="radio")  # hidden layers
    loss: str = choice("MSE", LOSSES, widget="radio")  # the loss: mean squared or mean absolute error
    optimizer: str = choice("Adam", OPTIMIZERS, widget="radio")  # Adam, or SGD: plain gradient descent on minibatches
    lr: float = choice(0.05, LRS, widget="select_slider")  # learning rate eta
    batch_size: int = choice(32, BATCHES, widget="select_slider")  # B: one update per minibatch, N/B per epoch
    epochs: int = choice(150, EPOCHS, widget="select_slider")  # passes over the training set
    seed: int = num(0, 0, 1_000_000, widget="number")  # data, split, initialisation and minibatch order


@dataclass
class FitResult:
    config: FitConfig
    curve: data.Curve
    train_idx: torch.Tensor  # (N_train,)
    val_idx: torch.Tensor  # (N_val,)
    grid: np.ndarray  # (G,) x where the fits are drawn
    pred: np.ndarray  # (2, G) fit of each model on the grid
    parts: list[np.ndarray]  # per model (G, units): each last-layer unit's contribution c_i a_i(x)
    bias: np.ndarray  # (2,) output bias b of each model
    history: pd.DataFrame  # epoch, model, split, loss (long format, finite values only)
    log: train.TrainLog
    weights: list[dict[str, torch.Tensor]]  # per model, nn.Sequential layout
    updates_per_epoch: int
    epochs_done: int
    revived: np.ndarray | None = None  # (2,) dead units re-initialised during training, per model
    frames: np.ndarray | None = None  # (F, 2, G) both fits on the grid at the recorded epochs, for the replay
    frame_epochs: np.ndarray | None = None  # (F,) the epoch of each frame (0 = before training)

    @functools.cached_property
    def final(self) -> pd.DataFrame:
        """Last epoch's train and validation loss of each model (computed once: results are shared, read-only)."""
        if self.history.empty:
            return pd.DataFrame(columns=["model", "split", "loss"])
        last = self.history[self.history.epoch == self.history.epoch.max()]
        return last[["model", "split", "loss"]].reset_index(drop=True)

    @functools.cached_property
    def _final_losses(self) -> dict[tuple[str, str], float]:
        return {(m, sp): float(v) for m, sp, v in self.final[["model", "split", "loss"]].itertuples(index=False)}

    def final_loss(self, model: str, split: str) -> float:
        return self._final_losses.get((model, split), float("nan"))


def per_model_loss(pred: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """pred: (M, n, 1), y: (M or 1, n, 1) -> (M,) mean loss of each model."""
    err = pred - y
    return (err.abs() if kind == "MAE" else err.square()).mean(dim=(1, 2))


class _BatchedFit:
    """The same models (``widths``, ``acts``) trained on the data of several seeds, all as one batched
    computation: model ``s * P + j`` is model j on seed s's data, initialisation and minibatch order, so
    each seed's models get exactly the numbers ``fit`` gives that seed alone. Evaluated every epoch,
    when dead ReLUs are re-initialised (``REVIVE``)."""

    def __init__(self, cfg: FitConfig, seeds: list[int], widths: list[int], acts: list[str],
                 full_batch: bool = False):
        dev = choose_device("tiny")
        self.cfg, self.seeds, self.widths, self.P = cfg, list(seeds), widths, len(widths)
        self.curves = [data.curve(cfg.target, cfg.n, cfg.noise, s) for s in seeds]
        self.splits = [data.split(len(c.x), cfg.val_fraction, s) for c, s in zip(self.curves, seeds)]
        self.xt = torch.stack([c.x[tr] for c, (tr, _) in zip(self.curves, self.splits)]).to(dev)  # (S, N_train, 1)
        self.yt = torch.stack([c.y[tr] for c, (tr, _) in zip(self.curves, self.splits)]).to(dev)  # (S, N_train, 1)
        self.xv = torch.stack([c.x[va] for c, (_, va) in zip(self.curves, self.splits)]).to(dev)  # (S, N_val, 1)
        self.yv = torch.stack([c.y[va] for c, (_, va) in zip(self.curves, self.splits)]).to(dev)  # (S, N_val, 1)
        nets = [BatchedMLP(widths, acts, cfg.depth, rng.generator(s, salt=3), init_scale=INIT_SCALE) for s in seeds]
        self.model = BatchedMLP.concat(nets).to(dev)
        if MEAN_BIAS:
            with torch.no_grad():  # output bias b starts at the training targets' mean: no systematic error to chase
                self.model.b.copy_(self.per_model(self.yt.mean(dim=1, keepdim=True)))  # (M, 1, 1)
        n = self.xt.shape[1]
        self.samplers = [train.EpochSampler(n, n if full_batch else cfg.batch_size, rng.generator(s, salt=4))
                         for s in seeds]
        self.per_epoch = self.samplers[0].per_epoch
        self.revive_gens = [rng.generator(s, salt=5) for s in seeds]
        if cfg.optimizer == "Adam":  # fused: one kernel for every parameter (default run: 0.43-0.53 CPU s against 0.51-0.55)
            self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr, fused=True)
        else:
            self.opt = torch.optim.SGD(self.model.parameters(), lr=cfg.lr)
        self.eval_every = 10 if full_batch else 1  # epochs between evaluations (and dead-unit checks)
        self.n_steps = 0
        self.rows: list[tuple[int, int, float, float]] = []  # (epoch, model, train loss, val loss)
        self.revived = np.zeros(len(seeds) * self.P, dtype=int)  # units re-initialised, per model
        self.bad = np.zeros(len(seeds), dtype=bool)  # seeds whose run diverged (never revived again)
        self.frame_epochs = [] if full_batch else sorted({int(round(e)) for e in np.linspace(0, cfg.epochs, FRAMES + 1)})
        self.frames: list[np.ndarray] = []  # per recorded epoch: (M, G) every model's fit on GRID
        self.evaluate(0)

    def per_model(self, t: torch.Tensor) -> torch.Tensor:
        """(S, n, 1) per seed -> (S * P, n, 1) per model."""
        return t.repeat_interleave(self.P, dim=0) if len(self.seeds) > 1 else t

    @torch.no_grad()
    def evaluate(self, epoch: int) -> None:
        xt = self.per_model(self.xt)
        acts = self.model.activations(xt)
        ok = torch.isfinite(acts[-1]).flatten(1).all(1).reshape(len(self.seeds), self.P).all(1).cpu().numpy()
        self.bad |= ~ok  # a diverged seed's units are never revived
        dead = self.model.dead(acts) if REVIVE else None  # (M, depth, H)
        if dead is not None and bool(dead.any()):
            for s, g in enumerate(self.revive_gens):
                if not self.bad[s]:
                    models = list(range(s * self.P, (s + 1) * self.P))
                    if self.model.revive(xt, acts, dead, models, g):
                        self.revived[models] += dead[models].sum(dim=(1, 2)).cpu().numpy()
            acts = self.model.activations(xt)  # the revived units' new activations (the outputs are unchanged)
        out = torch.matmul(acts[-1], self.model.C) + self.model.b  # (M, N_train, 1) = model(xt)
        lt = per_model_loss(out, self.per_model(self.yt), self.cfg.loss).cpu().numpy()
        lv = (per_model_loss(self.model(self.per_model(self.xv)), self.per_model(self.yv), self.cfg.loss).cpu().numpy()
              if self.xv.shape[1] else np.full(len(lt), np.nan))
        self.rows += [(epoch, m, float(lt[m]), float(lv[m])) for m in range(len(lt))]
        if epoch in self.frame_epochs[len(self.frames):len(self.frames) + 1]:  # a replay frame
            self.frames.append(self.model(GRID.to(self.xt.device))[:, :, 0].cpu().numpy())  # (M, G)
        self.bad |= ~np.isfinite(lt.reshape(len(self.seeds), self.P)).all(1)

    def step(self, i: int) -> torch.Tensor:
        idx = torch.stack([smp(i) for smp in self.samplers]).to(self.xt.device)[:, :, None]  # (S, B, 1)
        xb, yb = self.xt.gather(1, idx), self.yt.gather(1, idx)  # (S, B, 1)
        losses = per_model_loss(self.model(self.per_model(xb)), self.per_model(yb), self.cfg.loss)  # (M,)
        train.batched_step(self.opt, losses)
        epoch = self.samplers[0].epoch_of(i)
        if self.samplers[0].ends_epoch(i) and (epoch % self.eval_every == 0 or i == self.n_steps - 1):
            self.evaluate(epoch)
        return losses.detach()

    def train(self, progress: Callable[[train.TrainLog], None] | None = None, steps: int | None = None,
              stop_on: str = "any") -> train.TrainLog:
        n = self.n_steps = self.cfg.epochs * self.per_epoch if steps is None else steps
        return train.run(self.step, n, progress=progress, stop_on=stop_on)

    def result(self, s: int, log: train.TrainLog, final: bool) -> "FitResult":
        """Seed number ``s``'s models as the ``FitResult`` that ``fit`` gives that seed alone."""
        cfg, P, curve, (tr, va) = replace(self.cfg, seed=self.seeds[s]), self.P, self.curves[s], self.splits[s]
        ms = list(range(s * P, (s + 1) * P))
        div = [log.diverged_at[m] for m in ms]
        first = min([d for d in div if d is not None], default=None)
        losses = log.losses[:, ms] if first is None else log.losses[: first - 1, ms]
        stopped = "diverged" if first is not None else ("running" if log.stopped == "running" else log.stopped)
        slog = train.TrainLog(losses, log.planned, div, stopped, log.seconds)
        last_good = None if first is None else (first - 1) // self.per_epoch
        rows = [(e, m - s * P, lt, lv) for e, m, lt, lv in self.rows
                if s * P <= m < (s + 1) * P and (last_good is None or e <= last_good)]
        with torch.no_grad():
            g = GRID.to(self.model.mask.device)
            pred = self.model(g)[ms, :, 0].cpu().numpy()  # (P, G)
            parts_all = self.model.parts(g)[ms].cpu().numpy()  # (P, G, H)
        return FitResult(cfg, curve, tr, va, GRID[:, 0].numpy(), pred,
                         [parts_all[j, :, : self.widths[j]] for j in range(P)],
                         self.model.b.detach()[ms, 0, 0].cpu().numpy(),
                         train.history_frame(rows, NAMES), slog,
                         [self.model.export(m) for m in ms] if final else [], self.per_epoch,
                         rows[-1][0] if rows else 0, self.revived[ms].copy(),
                         np.stack([f[ms] for f in self.frames]) if self.frames else np.zeros((0, P, len(GRID))),
                         np.array(self.frame_epochs[:len(self.frames)], dtype=int))


GRID = torch.linspace(-1, 1, 240)[:, None]  # (G, 1) x where the fits are drawn
FRAMES = 40  # replay frames recorded over a run (the fits at evenly spaced epochs)


def fit(cfg: FitConfig = FitConfig(), progress: Callable[["FitResult"], None] | None = None) -> FitResult:
    """Train K sigmoids against 2K ReLUs on the configured target. Pure function of ``cfg``.

    ``progress`` receives partial results (same type) a few times a second while training runs.
    """
    cfg = clamp(cfg)
    run = _BatchedFit(cfg, [cfg.seed], [cfg.k, 2 * cfg.k], ["sigmoid", "relu"])
    log = run.train(None if progress is None else (lambda lg: progress(run.result(0, lg, final=False))))
    return run.result(0, log, final=True)


def fit_seeds(cfg: FitConfig, seeds) -> list[FitResult]:
    """``fit`` of ``cfg`` on each of ``seeds`` (its ``seed`` field ignored), trained as ONE batched
    computation; element i holds what ``fit(replace(cfg, seed=seeds[i]))`` gives (to float rounding).
    For checking a claim on many seeds at the cost of about one run."""
    cfg = clamp(cfg)
    run = _BatchedFit(cfg, [int(s) for s in seeds], [cfg.k, 2 * cfg.k], ["sigmoid", "relu"])
    log = run.train(stop_on="all")
    return [run.result(s, log, final=True) for s in range(len(run.seeds))]


SWEEP_KS = (1, 2, 3, 4, 6, 8, 12, 16, 24)


def sweep_seeds(cfg: FitConfig, seeds, ks: tuple[int, ...] = SWEEP_KS, steps: int = 2000) -> pd.DataFrame:
    """``sweep`` on each of ``seeds``, all as one batched computation. Columns: seed and sweep's columns."""
    cfg = clamp(cfg)
    widths = [k for k in ks] + [2 * k for k in ks]
    acts = ["sigmoid"] * len(ks) + ["relu"] * len(ks)
    run = _BatchedFit(cfg, [int(s) for s in seeds], widths, acts, full_batch=True)
    log = run.train(steps=int(np.clip(steps, 1, 20000)), stop_on="all")
    last = {}
    for epoch, m, lt, lv in run.rows:  # last finite evaluation of each model
        if np.isfinite(lt) and (log.diverged_at[m] is None):
            last[m] = (lt, lv)
    rows = []
    for m in range(len(run.seeds) * run.P):
        j, w = m % run.P, widths[m % run.P]
        lt, lv = last.get(m, (np.nan, np.nan))
        for split, loss in (("train", lt), ("validation", lv)):
            rows.append((run.seeds[m // run.P], ks[j % len(ks)], NAMES[0] if acts[j] == "sigmoid" else NAMES[1], w,
                         n_params(w, cfg.depth), split, loss, log.diverged_at[m] is not None))
    return pd.DataFrame(rows, columns=["seed", "k", "model", "units", "params", "split", "loss", "diverged"])


def sweep(cfg: FitConfig = FitConfig(), ks: tuple[int, ...] = SWEEP_KS, steps: int = 2000) -> pd.DataFrame:
    """Complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs.

    All 2*len(ks) models train as one batched computation on the page's data, depth, loss,
    optimizer, learning rate and seed, full-batch for ``steps`` updates (long enough to overfit).
    Columns: k, model, units, params, split, loss, diverged.
    """
    cfg = clamp(cfg)
    return sweep_seeds(cfg, [cfg.seed], ks, steps).drop(columns="seed")


def history_csv(result: FitResult) -> bytes:
    """The loss history, one row per epoch, model and split."""
    return result.history.to_csv(index=False).encode()


def weights_safetensors(result: FitResult) -> bytes:
    """Both trained models' weights (``nn.Sequential`` layout) as a ``.safetensors`` file."""
    return safetensors_bytes(dict(zip(NAMES, result.weights)), result.config)
