"""The complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core.fitting.batched import BatchedFit
from core.fitting.config import NAMES, FitConfig
from core.models import n_params
from core.params import clamp

SWEEP_KS = (1, 2, 3, 4, 6, 8, 12, 16, 24)
SWEEP_STEPS = 2000  # full-batch updates of every sweep model (long enough to overfit)
SWEEP_COLUMNS = ["k", "model", "units", "params", "split", "loss", "diverged"]


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


def sweep(cfg: FitConfig = FitConfig(), ks: tuple[int, ...] = SWEEP_KS, steps: int = SWEEP_STEPS) -> pd.DataFrame:
    """Complexity sweep: final train and validation loss against K, for K sigmoids and 2K ReLUs.

    All 2*len(ks) models train as one batched computation on the page's data, depth, loss,
    optimizer, learning rate and seed, full-batch for ``steps`` updates (long enough to overfit).
    Columns: k, model, units, params, split, loss, diverged.
    """
    cfg = clamp(cfg)
    return sweep_seeds(cfg, [cfg.seed], ks, steps, guarded=True).drop(columns="seed")
