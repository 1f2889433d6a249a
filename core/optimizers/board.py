"""The race's leaderboard and what its notice says, decided from the run with the thresholds named here.

``leaderboard`` ranks the racers by the steps they needed to get within a target of the lowest loss f*;
``race_facts`` is every sentence of the race's "What to notice" as data (who, which step), so the page only
words it and the tests check the same function on many seeds.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.optimizers.race import RaceResult
from core.optimizers.racers import racer
from core.optimizers.surfaces import N_EXAMPLES, surface
from core.optimizers.taming import jumped_at

VALLEY_UPDATES = 20  # the valley sentence: η/σ larger along x than across y at each of the first this many updates
HILL_TOL = 0.05  # the hill sentence: a racer ended at a minimum when its x is within this of the minimizer's x

BOARD_COLUMNS = ["optimizer", "η", "steps to target", "final loss", "diverged at", "share of starts at the minimum"]


def steps_to_target(r: RaceResult, gap: float) -> list[int | None]:
    """Per racer: the first step whose loss is within ``gap`` of the global minimum (None if never)."""
    out = []
    for k in range(len(r.racers)):
        hit = np.nonzero(np.nan_to_num(r.loss[k] - r.fmin, nan=np.inf) <= gap)[0]
        out.append(int(hit[0]) if len(hit) else None)
    return out


def leaderboard(r: RaceResult, gap: float) -> pd.DataFrame:
    """One row per racer: steps to reach f* + gap (None: never), final loss, step of divergence (None: did not),
    share of the random starts that end at a global minimum. Sorted by steps to target, then final loss."""
    reach = steps_to_target(r, gap)
    rows = []
    for k, name in enumerate(r.racers):
        d = r.diverged_at(k)
        fin = r.loss[k][np.isfinite(r.loss[k])]
        share = float(r.reached[k].mean()) if r.reached.shape[1] else float("nan")
        rows.append([name, r.lrs[k], reach[k], float(fin[-1]) if d is None and len(fin) else None, d, share])
    df = pd.DataFrame(rows, columns=BOARD_COLUMNS)
    if len(df):
        df["_r"] = pd.to_numeric(df["steps to target"]).fillna(np.inf).astype(float)
        df["_l"] = pd.to_numeric(df["final loss"]).fillna(np.inf).astype(float)
        df = df.sort_values(["_r", "_l"], kind="stable").drop(columns=["_r", "_l"]).reset_index(drop=True)
        df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


@dataclass(frozen=True)
class RaceFacts:
    """The race's notice as data: each field is one sentence (empty: the page does not say it)."""
    reached: tuple[tuple[str, int], ...]  # (racer, steps) within the target, fastest first
    slow: tuple[str, ...]  # not within the target and not diverged (said only when someone got there)
    diverged: tuple[str, ...]
    jumps: tuple[tuple[str, int], ...]  # (racer, step) the loss shot back up (full batch only, not diverged)
    valley: tuple[str, ...]  # long valley: adaptive racers whose η/σ is larger along x than across y
    stuck: tuple[str, ...]  # small hill: ended in the dip in front of the hill (said with ``over`` only)
    over: tuple[str, ...]  # small hill: went on over it to the global minimum


def race_facts(r: RaceResult, target: float) -> RaceFacts:
    """What the race's "What to notice" says about run ``r`` at the leaderboard's ``target`` (loss − f*)."""
    dead = [n for k, n in enumerate(r.racers) if r.diverged_at(k) is not None]
    reach = dict(zip(r.racers, steps_to_target(r, target)))
    got = sorted((s, n) for n, s in reach.items() if s is not None)
    slow = [n for n, s in reach.items() if s is None and n not in dead] if got else []
    jumps = [(n, j) for n, j in zip(r.racers, jumped_at(r)) if j is not None and n not in dead]
    if r.config.batch < N_EXAMPLES:  # with minibatches the loss near the minimum is noise: no jump is said
        jumps = []
    s = surface(r.config.surface)
    early = r.eff_lr[:, :VALLEY_UPDATES]  # (K, ≤VALLEY_UPDATES, 2)
    valley = [n for k, n in enumerate(r.racers) if s.key == "valley" and racer(n).sigma is not None
              and n not in dead and early.shape[1] and bool((early[k, :, 0] > early[k, :, 1]).all())]
    end_x = {n: r.path[k, -1, 0] for k, n in enumerate(r.racers) if n not in dead}
    stuck = [n for n, x in end_x.items() if s.local and abs(x - s.local[0][0]) < HILL_TOL]
    over = [n for n, x in end_x.items() if s.local and abs(x - s.minima[0][0]) < HILL_TOL]
    if s.key != "hill" or not (stuck and over):
        stuck, over = [], []
    return RaceFacts(tuple((n, st) for st, n in got), tuple(slow), tuple(dead), tuple(jumps), tuple(valley),
                     tuple(stuck), tuple(over))
