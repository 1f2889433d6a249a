"""The complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs.

Its work is bounded like a run's (core.fitting.budget): a full-batch step of the 18 models costs a fixed part
(SWEEP_STEP_COST training points' worth) and a part in proportion to the training points, times the hidden
units of all the models (every layer). A sweep makes SWEEP_STEPS steps when that fits in SWEEP_WORK, else as
many as fit: the preset "Overfit" (25 training points, one layer: its claim is checked at SWEEP_STEPS) makes
all of them, the default 789, the largest setting (900 points, three layers) 55. The chart titles say how
many it made.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import data
from core.fitting.batched import BatchedFit
from core.fitting.config import NAMES, FitConfig
from core.models import n_params
from core.params import clamp

SWEEP_KS = (1, 2, 3, 4, 6, 8, 12, 16, 24)
SWEEP_STEPS = 2000  # full-batch updates of every sweep model (long enough to overfit), when the budget allows
SWEEP_WORK = 36_000_000  # example-units one sweep may train: steps × (N_train + SWEEP_STEP_COST) × units
SWEEP_STEP_COST = 50  # a step's fixed cost (every model's update, every 10th an evaluation), in training points
SWEEP_COLUMNS = ["k", "model", "units", "params", "split", "loss", "diverged"]


def sweep_units(depth: int, ks: tuple[int, ...] = SWEEP_KS) -> int:
    """Hidden units of every sweep model together (K sigmoids and 2K ReLUs per K, per layer)."""
    return 3 * sum(ks) * int(depth)


def sweep_steps(cfg: FitConfig, ks: tuple[int, ...] = SWEEP_KS) -> int:
    """The full-batch steps the sweep of ``cfg`` makes: SWEEP_STEPS, or as many as fit in SWEEP_WORK."""
    cfg = clamp(cfg)
    n_train = len(data.split(cfg.n, cfg.val_fraction, cfg.seed)[0])
    per_step = (n_train + SWEEP_STEP_COST) * sweep_units(cfg.depth, ks)
    return max(1, min(SWEEP_STEPS, SWEEP_WORK // per_step))


def sweep_seeds(cfg: FitConfig, seeds, ks: tuple[int, ...] = SWEEP_KS, steps: int = SWEEP_STEPS,
                guarded: bool = False) -> pd.DataFrame:
    """``sweep`` on each of ``seeds``, all as one batched computation. Columns: seed and sweep's columns.
    For a claim's test: not cut by the wall-time guard unless ``guarded`` (the page's sweep is)."""
    cfg = clamp(cfg)
    widths = [k for k in ks] + [2 * k for k in ks]
    acts = ["sigmoid"] * len(ks) + ["relu"] * len(ks)
    run = BatchedFit(cfg, [int(s) for s in seeds], widths, acts, full_batch=True)
    log = run.train(steps=int(np.clip(steps, 1, 20000)), stop_on="all", guarded=guarded)
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
    return pd.DataFrame(rows, columns=["seed"] + SWEEP_COLUMNS)


def sweep(cfg: FitConfig = FitConfig(), ks: tuple[int, ...] = SWEEP_KS, steps: int | None = None) -> pd.DataFrame:
    """Complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs.

    All 2*len(ks) models train as one batched computation on the page's data, depth, loss,
    optimizer, learning rate and seed, full-batch for ``steps`` updates (default: ``sweep_steps(cfg)``,
    SWEEP_STEPS where the work budget allows). Columns: k, model, units, params, split, loss, diverged,
    steps (the updates made, the same on every row).
    """
    cfg = clamp(cfg)
    steps = sweep_steps(cfg, ks) if steps is None else int(np.clip(steps, 1, 20000))
    out = sweep_seeds(cfg, [cfg.seed], ks, steps, guarded=True).drop(columns="seed")
    out["steps"] = steps
    return out
