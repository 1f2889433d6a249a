"""Learning-rate schedules: the factor eta_t / eta in closed form, and the same as ``torch.optim.lr_scheduler``."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import torch
from torch.optim import lr_scheduler

SCHEDULES = ("constant", "step", "exponential", "cosine", "warm-up then decay")
STEP_GAMMA = 0.5  # step decay: eta halves every quarter of the run
EXP_FINAL = 0.01  # exponential decay: eta_T / eta
WARMUP_START = 0.05  # warm-up: the first factor
WARMUP_SHARE = 0.1  # warm-up: share of the run spent growing


def _warmup(T: int) -> int:
    return max(1, int(round(WARMUP_SHARE * T)))


def schedule_factors(kind: str, steps: int) -> np.ndarray:
    """(steps,) the factor multiplying eta at each update t = 0..steps-1, in closed form.

    constant: 1 · step: 0.5^floor(t / (T/4)) · exponential: gamma^t with gamma^T = 0.01 ·
    cosine: (1 + cos(pi t / T)) / 2 · warm-up then decay: linear from 0.05 to 1 over the first 10 % of
    the steps, then a cosine down to 0. ``make_scheduler`` builds the same with ``torch.optim.lr_scheduler``
    (tested equal).
    """
    T = max(1, int(steps))
    t = np.arange(T, dtype=np.float64)
    if kind == "constant":
        return np.ones(T)
    if kind == "step":
        return STEP_GAMMA ** np.floor(t / max(1, T // 4))
    if kind == "exponential":
        return (EXP_FINAL ** (1.0 / T)) ** t
    if kind == "cosine":
        return (1 + np.cos(np.pi * t / T)) / 2
    if kind == "warm-up then decay":
        w = _warmup(T)
        up = WARMUP_START + (1 - WARMUP_START) * np.minimum(t, w) / w
        down = (1 + np.cos(np.pi * (t - w) / max(1, T - w))) / 2
        return np.where(t < w, up, down)
    raise ValueError(f"unknown schedule {kind!r}; choose one of {SCHEDULES}")


@lru_cache(maxsize=32)
def schedule_frame(steps: int) -> pd.DataFrame:
    """Every schedule's factor at every update, long format: step (1-based), schedule, factor."""
    T = max(1, int(steps))
    return pd.concat([pd.DataFrame({"step": np.arange(1, T + 1), "schedule": k, "factor": schedule_factors(k, T)})
                      for k in SCHEDULES], ignore_index=True)


def make_scheduler(opt: torch.optim.Optimizer, kind: str, steps: int) -> lr_scheduler.LRScheduler:
    """The schedule as a PyTorch scheduler (call ``.step()`` after each ``opt.step()``)."""
    T = max(1, int(steps))
    if kind == "constant":
        return lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=max(1, T // 4), gamma=STEP_GAMMA)
    if kind == "exponential":
        return lr_scheduler.ExponentialLR(opt, gamma=EXP_FINAL ** (1.0 / T))
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=0.0)
    if kind == "warm-up then decay":
        w = _warmup(T)
        warm = lr_scheduler.LinearLR(opt, start_factor=WARMUP_START, end_factor=1.0, total_iters=w)
        decay = lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, T - w), eta_min=0.0)
        return lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[w])
    raise ValueError(f"unknown schedule {kind!r}; choose one of {SCHEDULES}")
