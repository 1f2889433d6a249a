"""Does a schedule tame the lecture's Adagrad? Every (schedule, η, run length) at once, full batch.

The lecture's Adagrad divides η by σ, the root MEAN square of the past gradients. On a long flat stretch σ
shrinks, η/σ grows, and the step can shoot out: the loss then climbs far above the lowest loss it had reached.
A decaying η can stop that, but not at every η and every run length. ``explosions`` runs the racer
"Adagrad (lecture)" (torch.optim.Adagrad with η·sqrt(t+1), written out here so that every combination is one
batched computation; tested equal to the race) and reports where each combination explodes.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import torch

from core.optimizers.racers import LRS
from core.optimizers.race import STEPS
from core.optimizers.schedules import SCHEDULES, schedule_factors
from core.optimizers.surfaces import surface

EXPLOSION = 1e3  # "explodes": the loss climbs at least this many times above the lowest loss reached before
ADAGRAD_EPS = 1e-10  # torch.optim.Adagrad's default eps
TAMING_SURFACE = "long narrow valley"  # where the page's sweep runs


def exploded_at(loss: np.ndarray) -> int | None:
    """(T+1,) loss path -> the first step whose loss is EXPLOSION times the lowest before it (or not finite)."""
    low = np.minimum.accumulate(np.nan_to_num(loss, nan=np.inf))
    bad = ~np.isfinite(loss[1:]) | (loss[1:] > EXPLOSION * low[:-1])
    return int(np.argmax(bad)) + 1 if bad.any() else None


@lru_cache(maxsize=8)
def explosions(surface_name: str = TAMING_SURFACE, lrs: tuple[float, ...] = tuple(v for v in LRS if v > 0),
               steps: tuple[int, ...] = STEPS, schedules: tuple[str, ...] = SCHEDULES) -> pd.DataFrame:
    """One row per (schedule, η, steps): ``exploded_at`` (1-based step, or None), ``final_share`` (final loss /
    starting loss), ``tamed`` (never exploded).

    All combinations run as one (R, 2) tensor, from the surface's start, full batch.
    """
    s = surface(surface_name)
    combos = [(k, lr, T) for k in schedules for T in steps for lr in lrs]
    R, Tmax = len(combos), max(steps)
    fac = np.zeros((R, Tmax))  # (R, Tmax) η_t of each row; 0 after the row's run ends
    for i, (k, lr, T) in enumerate(combos):
        fac[i, :T] = lr * schedule_factors(k, T) * np.sqrt(np.arange(1, T + 1))
    fac_t = torch.from_numpy(fac)
    p = torch.tensor([s.start], dtype=torch.float64).repeat(R, 1).requires_grad_(True)  # (R, 2)
    total = torch.zeros(R, 2, dtype=torch.float64)  # (R, 2) sum of g²
    loss = np.empty((R, Tmax + 1))
    with torch.no_grad():
        loss[:, 0] = s.f(p).numpy()
    for t in range(Tmax):
        (g,) = torch.autograd.grad(s.f(p).sum(), p)  # (R, 2)
        with torch.no_grad():
            total += g * g
            p -= fac_t[:, t:t + 1] * g / (total.sqrt() + ADAGRAD_EPS)
            loss[:, t + 1] = s.f(p).numpy()
    rows = []
    for i, (k, lr, T) in enumerate(combos):
        rows.append((k, lr, T, exploded_at(loss[i, :T + 1]), loss[i, T] / loss[i, 0]))
    df = pd.DataFrame(rows, columns=["schedule", "lr", "steps", "exploded_at", "final_share"])
    df["tamed"] = df.exploded_at.isna()  # no explosion over the whole run
    return df


def tamed(table: pd.DataFrame, schedule: str, lr: float) -> bool:
    """True when the racer never explodes under ``schedule`` at ``lr``, at any run length of the table."""
    hit = table[(table.schedule == schedule) & (table.lr == lr)]
    return bool(len(hit)) and bool(hit.tamed.all())


def exploding_lrs(table: pd.DataFrame) -> dict[str, tuple[float, ...]]:
    """Per schedule: the η at which the racer explodes on at least one run length of the table."""
    return {k: tuple(sorted(set(table[(table.schedule == k) & ~table.tamed].lr))) for k in dict.fromkeys(table.schedule)}


def shortest_exploding_run(table: pd.DataFrame, schedule: str, lr: float) -> int | None:
    """The shortest run length (steps) on which ``schedule`` at ``lr`` explodes; None: it never does."""
    hit = table[(table.schedule == schedule) & (table.lr == lr) & ~table.tamed]
    return int(hit.steps.min()) if len(hit) else None


@dataclass(frozen=True)
class TamingFacts:
    """The schedules' notice as data: at one η, which schedules let the lecture's Adagrad explode."""
    boom: dict[str, int]  # schedule -> the shortest run length on which it explodes
    calm: tuple[str, ...]  # the schedules under which it never explodes, at any run length of the sweep
    verdict: str  # "all" (every schedule explodes), "none" (none does) or "some"
    shortest: int  # the run lengths the sweep tried: from shortest to longest steps
    longest: int


def taming_facts(table: pd.DataFrame, lr: float) -> TamingFacts:
    runs = {k: shortest_exploding_run(table, k, lr) for k in dict.fromkeys(table.schedule)}
    boom = {k: v for k, v in runs.items() if v is not None}
    calm = tuple(k for k, v in runs.items() if v is None)
    verdict = "all" if not calm else "none" if not boom else "some"
    return TamingFacts(boom, calm, verdict, int(table.steps.min()), int(table.steps.max()))


def jumped_at(r, floor: float = 1e-6) -> list[int | None]:
    """Per racer of a race result: the first step whose loss − f* is EXPLOSION times the lowest loss − f* reached
    before it (lows under ``floor`` count as ``floor``), i.e. the loss shooting back up after the racer had got
    close; None if it never does or the racer diverged (its loss is then NaN). With the full batch the loss of a
    racer near the minimum is deterministic, so such a jump is the optimizer's own doing, not minibatch noise."""
    out: list[int | None] = []
    for k in range(len(r.racers)):
        g = np.nan_to_num(r.loss[k] - r.fmin, nan=-np.inf)  # (T+1,) NaN after a divergence: never a jump
        low = np.maximum(np.minimum.accumulate(np.where(np.isfinite(g), g, np.inf)), floor)  # (T+1,)
        bad = g[1:] > EXPLOSION * low[:-1]
        out.append(int(np.argmax(bad)) + 1 if bad.any() else None)
    return out
