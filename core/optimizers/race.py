"""The race: every racer on one surface, from the same start and from random starts, as one computation;
its config, its view (what to draw of it) and its history.

The parameter of racer k is a ``(S, 2)`` tensor (S starting points, row 0 the race's start); every optimizer
used here updates element by element, so each row moves exactly as a separate run would (tested). Every run
has a fixed number of steps (``RaceConfig.steps``): nothing depends on wall time.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import params, rng, train
from core.optimizers.racers import (NAMES, RACERS, RaceLRs, effective_lr, lr_factor, lrs_of, momentum_step,
                                    step_racer)
from core.optimizers.schedules import SCHEDULES, make_scheduler
from core.optimizers.surfaces import N_EXAMPLES, SURFACES, examples, random_starts, reached_minimum, surface
from core.params import choice, num

STEPS = (25, 50, 100, 200, 300, 500, 1000)  # run lengths the page offers
BATCHES = (1, 2, 4, 8, 16, 32, 64, 128, 256, N_EXAMPLES)  # minibatch sizes; N_EXAMPLES = full batch
TARGETS = (1e-1, 1e-2, 1e-3, 1e-4, 1e-6, 1e-8)  # leaderboard targets: loss - f* below this


@dataclass(frozen=True)
class RaceConfig:
    surface: str = choice("long narrow valley", tuple(SURFACES))  # the loss surface (SURFACES)
    lrs: RaceLRs = field(default_factory=RaceLRs)  # η of each racer (declared per racer); 0 leaves it out
    schedule: str = choice("constant", SCHEDULES, widget="radio")  # applied to every racer's η
    # updates per run (fixed: nothing depends on wall time); any whole number 1..1000, drawn as a select_slider
    steps: int = choice(200, tuple(range(1, 1001)), widget="select_slider")
    beta: float = num(0.9, 0.0, 0.99, step=0.01)  # λ: momentum of the momentum racers
    batch: int = choice(N_EXAMPLES, BATCHES, widget="select_slider")  # minibatch size B (N_EXAMPLES: exact)
    starts: int = num(100, 0, 200, step=10)  # extra random starting points, batched with the race
    seed: int = num(0, 0, 1_000_000, widget="number")  # noise examples, minibatch draws, random starts


@dataclass(frozen=True)
class RaceView:
    """Settings that only choose what to draw from a race (no computation)."""
    target: float = choice(1e-3, TARGETS, widget="select_slider")  # the leaderboard's target gap loss - f*
    inspect: str = choice("Momentum (lecture)", NAMES)  # which racer to look inside
    moment: int = num(10, 1, 100)  # which update to inspect, in % of the steps run
    ends_of: str = choice("Adam", NAMES)  # whose ends from the random starts to draw
    upto: int = num(1000, 0, 1000)  # the race map shows the paths up to this step (replay)


def clamp_race(cfg: RaceConfig) -> RaceConfig:
    """``params.clamp`` on the config and on its learning rates (a tuple in RACERS order is accepted)."""
    lrs = cfg.lrs
    if not isinstance(lrs, RaceLRs):
        vals = tuple(lrs)[: len(RACERS)] + (0.0,) * max(0, len(RACERS) - len(tuple(lrs)))
        lrs = RaceLRs(**{r.key: v for r, v in zip(RACERS, vals)})
    return replace(params.clamp(cfg), lrs=params.clamp(lrs))


@dataclass
class RaceResult:
    config: RaceConfig
    racers: list[str]  # the racers that ran (lr > 0), in RACERS order
    lrs: list[float]  # their learning rates
    path: np.ndarray  # (K, T+1, 2) the race's trajectory of each racer (NaN after divergence)
    loss: np.ndarray  # (K, T+1) full-batch loss along it (NaN after divergence)
    grad: np.ndarray  # (K, T, 2) minibatch gradient at each update
    mom_step: np.ndarray  # (K, T, 2) -η_t m-hat after each update for Adam-like racers (zeros otherwise)
    eff_lr: np.ndarray  # (K, T, 2) η_t / σ per parameter after each update
    lr_t: np.ndarray  # (K, T) the learning rate used at each update (schedule and racer factor included)
    starts: np.ndarray  # (S, 2) the random starting points
    ends: np.ndarray  # (K, S, 2) where each racer ended from each of them (NaN if it diverged)
    end_loss: np.ndarray  # (K, S)
    reached: np.ndarray  # (K, S) bool: ended at a global minimum
    fmin: float
    minima: np.ndarray  # (n, 2)
    log: train.TrainLog

    @property
    def steps_done(self) -> int:
        return int(self.grad.shape[1])

    def diverged_at(self, k: int) -> int | None:
        return self.log.diverged_at[k] if k < len(self.log.diverged_at) else None


def race(cfg: RaceConfig = RaceConfig(), progress: Callable[[train.TrainLog], None] | None = None) -> RaceResult:
    """Run every racer (lr > 0) from the surface's start and from ``cfg.starts`` random starts, all at once.

    The loss is the sum over racers and rows, so one backward pass gives every row its own gradient. With
    B < N each row's gradient is that of a minibatch of B of the N examples (the same minibatches for every
    racer): each epoch shuffles the examples and cuts them into ceil(N/B) minibatches, without replacement.
    """
    cfg = clamp_race(cfg)
    surf = surface(cfg.surface)
    f = surf.f
    on = [(rc, lr) for rc, lr in zip(RACERS, lrs_of(cfg.lrs)) if lr > 0]
    rcs, lrs = [rc for rc, _ in on], [lr for _, lr in on]
    K = len(rcs)
    starts = random_starts(cfg.surface, cfg.starts, cfg.seed)  # (S-1, 2)
    x0 = torch.cat([torch.tensor([surf.start], dtype=torch.float64), starts])  # (S, 2)
    S, T = x0.shape[0], cfg.steps
    ps = [x0.clone().requires_grad_(True) for _ in range(K)]  # K x (S, 2)
    opts = [rc.make([p], lr, cfg.beta) for rc, p, lr in zip(rcs, ps, lrs)]
    scheds = [make_scheduler(o, cfg.schedule, T) for o in opts]
    a = examples(cfg.surface, cfg.seed)  # (N, 2)
    g_batch = rng.generator(cfg.seed, "optimizers.batches")
    path = [x0[0].expand(K, 2).clone()]  # list of (K, 2)
    losses = [f(x0[0]).expand(K).clone()]  # list of (K,)
    grads, moms, effs, lr_used = [], [], [], []
    per_epoch = -(-N_EXAMPLES // cfg.batch)  # ceil(N / B) minibatches per epoch
    order = torch.empty(0, dtype=torch.long)

    def step(t: int) -> torch.Tensor:
        nonlocal order
        P = torch.stack(ps)  # (K, S, 2)
        total = f(P).sum()
        if cfg.batch < N_EXAMPLES:
            j = t % per_epoch
            if j == 0:  # a new epoch: every start shuffles the N examples
                order = torch.rand(S, N_EXAMPLES, generator=g_batch).argsort(1)  # (S, N)
            pick = order[:, j * cfg.batch:(j + 1) * cfg.batch]  # (S, B) this minibatch, without replacement
            total = total + (P * a[pick].mean(1)).sum()  # a[pick].mean(1): (S, 2) minibatch mean offset
        for o in opts:
            o.zero_grad(set_to_none=True)
        total.backward()
        grads.append(torch.stack([p.grad[0] for p in ps]).clone())  # (K, 2)
        lr_used.append(torch.tensor([o.param_groups[0]["lr"] * lr_factor(rc, t) for o, rc in zip(opts, rcs)],
                                    dtype=torch.float64))  # (K,)
        with torch.no_grad():
            for o, rc in zip(opts, rcs):
                step_racer(o, rc, t)
            moms.append(torch.stack([momentum_step(o, rc, p, t)[0] for o, rc, p in zip(opts, rcs, ps)]))  # (K, 2)
            effs.append(torch.stack([effective_lr(o, rc, p, t)[0] for o, rc, p in zip(opts, rcs, ps)]))  # (K, 2)
            for s in scheds:
                s.step()
            now = torch.stack([p[0] for p in ps])  # (K, 2)
            path.append(now.clone())
            fl = f(now)  # (K,)
            losses.append(fl)
        return fl

    log = train.run(step, T if K else 0, progress=progress, stop_on="all", check_every=32)
    done = log.steps
    if K:
        P = torch.stack(path[: done + 1], 1).numpy()  # (K, T+1, 2)
        L = torch.stack(losses[: done + 1], 1).numpy()  # (K, T+1)
        G, M, E = (torch.stack(x[:done], 1).numpy() if done else np.zeros((K, 0, 2)) for x in (grads, moms, effs))
        LR = torch.stack(lr_used[:done], 1).numpy() if done else np.zeros((K, 0))
    else:
        P, L, G, M, E, LR = np.zeros((0, 1, 2)), np.zeros((0, 1)), *(np.zeros((0, 0, 2)),) * 3, np.zeros((0, 0))
    for k in range(K):
        d = log.diverged_at[k]
        if d is not None:  # step d's loss was not finite: positions from then on are meaningless
            P[k, d:], L[k, d:] = np.nan, np.nan
            G[k, d - 1:], M[k, d - 1:], E[k, d - 1:] = np.nan, np.nan, np.nan
    with torch.no_grad():
        ends = torch.stack([p[1:] for p in ps]).numpy() if K else np.zeros((0, S - 1, 2))  # (K, S-1, 2)
        end_loss = f(torch.from_numpy(ends)).numpy() if K else np.zeros((0, S - 1))  # (K, S-1)
    bad = ~np.isfinite(end_loss) | ~np.isfinite(ends).all(-1) | (np.abs(end_loss) > 1e12)
    ends = np.where(bad[..., None], np.nan, ends)
    end_loss = np.where(bad, np.nan, end_loss)
    return RaceResult(cfg, [rc.name for rc in rcs], lrs, P, L, G, M, E, LR, starts.numpy(), ends, end_loss,
                      reached_minimum(ends, cfg.surface), surf.fmin, np.array(surf.minima), log)


def history(r: RaceResult) -> pd.DataFrame:
    """Long format for the loss chart and the CSV: step, optimizer, loss, gap (loss - f*), x, y; finite only."""
    K, T1 = r.loss.shape
    df = pd.DataFrame({
        "step": np.tile(np.arange(T1), K),
        "optimizer": np.repeat(np.array(r.racers, dtype=object), T1),
        "loss": r.loss.ravel(), "gap": (r.loss - r.fmin).ravel(),
        "x": r.path[..., 0].ravel(), "y": r.path[..., 1].ravel(),
    })
    ok = np.isfinite(df[["loss", "x", "y"]].to_numpy()).all(1)
    return df[ok].reset_index(drop=True)


def history_csv(r: RaceResult) -> bytes:
    return history(r).to_csv(index=False).encode()
