"""The race's start on many seeds at once: one computation whose row i is ``race(replace(cfg, seed=i, starts=0))``,
and the noisy presets' claims decided from it.

Used to check the page's claims on many seeds (minibatch noise differs per seed). Row i has its own examples
(``examples(surface, seed_i)``) and its own minibatch order, drawn exactly as the race draws it for that seed,
so each row equals the race on that seed (tested).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import rng
from core.optimizers.race import RaceConfig, clamp_race
from core.optimizers.racers import RACERS, lr_factor, lrs_of
from core.optimizers.schedules import make_scheduler
from core.optimizers.surfaces import N_EXAMPLES, examples, surface

SETTLE_TAIL = 50  # how close a racer settled: its mean loss − f* over the last this many updates
SETTLE_FACTOR = 0.5  # "at least twice as close": the tail gap with the schedule is at most this times without it
MOST_SEEDS = 0.7  # "on most seeds": on at least this share of the seeds


@dataclass
class SeedsResult:
    config: RaceConfig  # the race's settings (its seed and starts ignored)
    seeds: tuple[int, ...]
    racers: list[str]
    path: np.ndarray  # (K, n, T+1, 2) racer k's path on seed i
    loss: np.ndarray  # (K, n, T+1) full-batch loss along it (inf where it blew up)
    fmin: float


def race_seeds(cfg: RaceConfig, seeds: tuple[int, ...]) -> SeedsResult:
    """Every racer (lr > 0) from the surface's start on each seed, as one batched computation."""
    cfg = clamp_race(cfg)
    s = surface(cfg.surface)
    on = [(rc, lr) for rc, lr in zip(RACERS, lrs_of(cfg.lrs)) if lr > 0]
    n, T, N = len(seeds), cfg.steps, N_EXAMPLES
    x0 = torch.tensor([s.start], dtype=torch.float64).repeat(n, 1)  # (n, 2)
    ps = [x0.clone().requires_grad_(True) for _ in on]  # K x (n, 2)
    opts = [rc.make([p], lr, cfg.beta) for (rc, lr), p in zip(on, ps)]
    scheds = [make_scheduler(o, cfg.schedule, T) for o in opts]
    a = torch.stack([examples(cfg.surface, sd) for sd in seeds])  # (n, N, 2)
    gens = [rng.generator(sd, "optimizers.batches") for sd in seeds]
    rows = torch.arange(n)[:, None]  # (n, 1)
    per_epoch = -(-N // cfg.batch)
    order = torch.empty(0, dtype=torch.long)
    path = [torch.stack(ps).detach().clone()]  # list of (K, n, 2)
    for t in range(T if on else 0):
        P = torch.stack(ps)  # (K, n, 2)
        total = s.f(P).sum()
        if cfg.batch < N:
            j = t % per_epoch
            if j == 0:
                order = torch.cat([torch.rand(1, N, generator=g) for g in gens]).argsort(1)  # (n, N)
            pick = order[:, j * cfg.batch:(j + 1) * cfg.batch]  # (n, B)
            total = total + (P * a[rows, pick].mean(1)).sum()  # a[rows, pick]: (n, B, 2)
        for o in opts:
            o.zero_grad(set_to_none=True)
        total.backward()
        with torch.no_grad():
            for o, (rc, _) in zip(opts, on):
                k = lr_factor(rc, t)
                saved = o.param_groups[0]["lr"]
                o.param_groups[0]["lr"] = saved * k
                o.step()
                o.param_groups[0]["lr"] = saved
            for sc in scheds:
                sc.step()
            path.append(torch.stack(ps).detach().clone())
    P = torch.stack(path, 2).numpy() if on else np.zeros((0, n, 1, 2))  # (K, n, T+1, 2)
    with torch.no_grad():
        L = s.f(torch.from_numpy(P)).numpy()  # (K, n, T+1)
    L = np.where(np.isfinite(L), L, np.inf)
    return SeedsResult(cfg, tuple(seeds), [rc.name for rc, _ in on], P, L, s.fmin)


def tail_gap(res: SeedsResult, n: int = SETTLE_TAIL) -> np.ndarray:
    """(K, seeds) each racer's mean loss − f* over the last ``n`` updates on each seed."""
    return (res.loss[:, :, -n:] - res.fmin).mean(-1)


def settle_facts(constant: SeedsResult, scheduled: SeedsResult, full: SeedsResult) -> dict[str, np.ndarray]:
    """The noisy presets' sentences, per seed, from the same racers on the same seeds with a constant η and
    with a schedule, and with the full batch (one seed: it has no noise):
    - "wanders": (seeds,) no racer settles as close with minibatches and a constant η as with the full batch;
    - "settles": (K, seeds) the schedule brings the racer at least 1/SETTLE_FACTOR times as close."""
    c, s, f = tail_gap(constant), tail_gap(scheduled), tail_gap(full)[:, :1]  # (K, n), (K, n), (K, 1)
    return {"wanders": (c > f).all(0), "settles": s <= SETTLE_FACTOR * c}


def on_most(holds: np.ndarray) -> bool:
    """True when ``holds`` (one bool per seed) is true on at least MOST_SEEDS of the seeds."""
    return bool(np.mean(holds) >= MOST_SEEDS)
