"""The fitting page's training: the same models on the data of several seeds, as one batched computation."""
from __future__ import annotations

import math
from dataclasses import replace
from typing import Callable

import numpy as np
import torch

from core import data, device, rng, train
from core.device import choose_device
from core.fitting.budget import plan_of
from core.fitting.config import INIT_SCALE, MEAN_BIAS, NAMES, REVIVE, FitConfig
from core.fitting.result import FitResult, per_model_loss
from core.models import BatchedMLP

GRID = torch.linspace(-1, 1, 240)[:, None]  # (G, 1) x where the fits are drawn
FRAMES = 40  # replay frames recorded over a run (the fits at evenly spaced epochs)


class BatchedFit:
    """The same models (``widths``, ``acts``) trained on the data of several seeds, all as one batched
    computation: model ``s * P + j`` is model j on seed s's data, initialisation and minibatch order, so
    each seed's models get exactly the numbers ``fit`` gives that seed alone. Evaluated every epoch,
    when dead ReLUs are re-initialised (``REVIVE``). Minibatch runs do the epochs the budget allows
    (``core.fitting.budget``); full-batch runs (the sweep) the steps they are given."""

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
        nets = [BatchedMLP(widths, acts, cfg.depth, rng.generator(s, "fitting.init"), init_scale=INIT_SCALE) for s in seeds]
        self.model = BatchedMLP.concat(nets).to(dev)
        if MEAN_BIAS:
            with torch.no_grad():  # output bias b starts at the training targets' mean: no systematic error to chase
                self.model.b.copy_(self.per_model(self.yt.mean(dim=1, keepdim=True)))  # (M, 1, 1)
        n = self.xt.shape[1]
        self.samplers = [train.EpochSampler(n, n if full_batch else cfg.batch_size, rng.generator(s, "fitting.batches"))
                         for s in seeds]
        self.per_epoch = self.samplers[0].per_epoch
        # the epochs the work budget allows (hidden units an example passes through: every width, every layer)
        self.plan = plan_of(n, self.samplers[0].batch, cfg.epochs, sum(widths) * cfg.depth)
        self.revive_gens = [rng.generator(s, "fitting.revive") for s in seeds]
        if cfg.optimizer == "Adam":  # fused: one kernel for every parameter (default run: 0.43-0.53 CPU s against 0.51-0.55)
            self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.lr, **device.optimizer_impl("fused"))
        else:
            self.opt = torch.optim.SGD(self.model.parameters(), lr=cfg.lr)
        self.eval_every = 10 if full_batch else 1  # epochs between evaluations (and dead-unit checks)
        self.n_steps = 0
        self.rows: list[tuple[int, int, float, float]] = []  # (epoch, model, train loss, val loss)
        self.revived = np.zeros(len(seeds) * self.P, dtype=int)  # units re-initialised, per model
        self.bad = np.zeros(len(seeds), dtype=bool)  # seeds whose run diverged (never revived again)
        epochs = np.linspace(0, self.plan.epochs, FRAMES + 1)
        self.frame_epochs = [] if full_batch else sorted({int(round(e)) for e in epochs})
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
              stop_on: str = "any", guarded: bool = True) -> train.TrainLog:
        """``guarded=False`` (runs of many seeds for a claim's test, never served): no wall-time guard, since
        a run cut short on a busy machine would be judged as if it had finished."""
        n = self.n_steps = self.plan.updates if steps is None else steps
        return train.run(self.step, n, progress=progress, stop_on=stop_on,
                         max_seconds=None if guarded else math.inf)

    def result(self, s: int, log: train.TrainLog, final: bool) -> FitResult:
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
                         [self.model.export(m) for m in ms] if final else [], self.plan,
                         rows[-1][0] if rows else 0, self.revived[ms].copy(),
                         np.stack([f[ms] for f in self.frames]) if self.frames else np.zeros((0, P, len(GRID))),
                         np.array(self.frame_epochs[:len(self.frames)], dtype=int))
