"""Adam's bias correction in the first updates of a race, from the racer's own gradients.

Adam keeps m_t = β₁ m_{t-1} + (1 - β₁) g_t and v_t = β₂ v_{t-1} + (1 - β₂) g_t² (both start at 0) and steps
θ_t = θ_{t-1} - η_t m̂_t / (√v̂_t + ε), with m̂_t = m_t / (1 - β₁^t) and v̂_t = v_t / (1 - β₂^t). Uncorrected,
m and v start far too small (m₁ = 0.1 g₁, v₁ = 0.001 g₁²), v more so: the step m / √v would be
(1 - β₁^t) / √(1 - β₂^t) times the corrected one, 3.2 times at t = 1 and about 6.5 at t = 10. Corrected, the
first step moves every coordinate by exactly η₁ (m̂₁ / √v̂₁ = g₁ / |g₁|).

``first_steps`` recomputes m, v, m̂ and v̂ from the gradients the race recorded (tested against the race's
path and against ``torch.optim.Adam`` fed the same gradients) and puts both steps side by side: the corrected
one is what Adam did; the uncorrected one is what the same m and v would have stepped without the correction.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.optimizers.race import RaceResult
from core.optimizers.racers import ADAM_BETAS, ADAM_EPS, racer

ADAM_FIRST = 20  # updates shown: the correction matters most in the first few tens
EXACT_TOL = 1e-6  # the first step's |Δθ| / η₁ per coordinate is 1 within this (ε = 1e-8 against |g|)


def adam_racer(r: RaceResult) -> int:
    """Index of the racer whose correction is shown: Adam if it races, else AdamW; -1 when neither races."""
    for name in ("Adam", "AdamW"):
        if name in r.racers:
            return r.racers.index(name)
    return -1


def moments(grad: np.ndarray, betas: tuple[float, float] = ADAM_BETAS) -> tuple[np.ndarray, np.ndarray]:
    """Adam's raw moments after each update: m, v, both (T, 2), from the gradients (T, 2)."""
    b1, b2 = betas
    m, v = np.zeros_like(grad), np.zeros_like(grad)
    mt, vt = np.zeros(grad.shape[1:]), np.zeros(grad.shape[1:])
    for t, g in enumerate(grad):
        mt = b1 * mt + (1 - b1) * g
        vt = b2 * vt + (1 - b2) * g * g
        m[t], v[t] = mt, vt
    return m, v


def correction(t: np.ndarray, betas: tuple[float, float] = ADAM_BETAS) -> tuple[np.ndarray, np.ndarray]:
    """1 - β₁^t and 1 - β₂^t at updates t (1-based): m̂ = m / the first, v̂ = v / the second."""
    t = np.asarray(t, dtype=np.float64)
    return 1 - betas[0] ** t, 1 - betas[1] ** t


def first_steps(r: RaceResult, k: int, n: int = ADAM_FIRST) -> pd.DataFrame:
    """Racer k (Adam or AdamW) in its first ``n`` updates: per update t (1-based) and coordinate, m, v, m̂, v̂,
    the step with the correction (Adam's own, before AdamW's decay) and without it, and the step lengths.

    Columns: t, lr, m_x, m_y, v_x, v_y, mhat_x, mhat_y, vhat_x, vhat_y, step_x, step_y, raw_x, raw_y,
    length (‖corrected step‖), raw_length (‖uncorrected step‖), ratio (raw_length / length). Empty when racer k
    is not Adam-like or has no finite update."""
    cols = ["t", "lr", *(f"{q}_{c}" for q in ("m", "v", "mhat", "vhat", "step", "raw") for c in "xy"),
            "length", "raw_length", "ratio"]
    if not (0 <= k < len(r.racers)) or racer(r.racers[k]).momentum != "adam":
        return pd.DataFrame(columns=cols)
    T = min(n, r.steps_done)
    g, lr = r.grad[k, :T], r.lr_t[k, :T]  # (T, 2), (T,)
    ok = np.isfinite(g).all(1) & np.isfinite(lr)
    T = int(np.argmin(ok)) if not ok.all() else T  # up to the first non-finite update
    g, lr = g[:T], lr[:T]
    m, v = moments(g)
    t = np.arange(1, T + 1)
    c1, c2 = correction(t)
    mhat, vhat = m / c1[:, None], v / c2[:, None]
    step = -lr[:, None] * mhat / (np.sqrt(vhat) + ADAM_EPS)  # (T, 2) what Adam did (before any weight decay)
    raw = -lr[:, None] * m / (np.sqrt(v) + ADAM_EPS)  # (T, 2) the same m and v, uncorrected
    out = {"t": t, "lr": lr}
    for name, a in (("m", m), ("v", v), ("mhat", mhat), ("vhat", vhat), ("step", step), ("raw", raw)):
        out[f"{name}_x"], out[f"{name}_y"] = a[:, 0], a[:, 1]
    length, raw_length = np.linalg.norm(step, axis=1), np.linalg.norm(raw, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(length > 0, raw_length / length, np.nan)
    return pd.DataFrame({**out, "length": length, "raw_length": raw_length, "ratio": ratio}, columns=cols)


@dataclass(frozen=True)
class AdamFacts:
    """The bias-correction notice as data (every number from the run's own first updates)."""
    racer: str  # "Adam" or "AdamW"
    shown: int  # updates shown (≤ ADAM_FIRST)
    lr1: float  # η₁, the first update's learning rate
    first_exact: bool  # the first step moved every coordinate with a non-zero gradient by η₁ (within EXACT_TOL)
    ratio1: float  # uncorrected / corrected step length at t = 1
    peak: float  # the largest such ratio over the updates shown
    peak_t: int  # where it is


def adam_facts(r: RaceResult, steps: pd.DataFrame) -> AdamFacts | None:
    """What the notice says about ``first_steps``; None when there is nothing to say."""
    k = adam_racer(r)
    if k < 0 or steps.empty:
        return None
    first = steps.iloc[0]
    moved = np.array([first.step_x, first.step_y])
    g1 = r.grad[k, 0]
    exact = bool(np.all(np.abs(np.abs(moved[g1 != 0]) / first.lr - 1) < EXACT_TOL)) if first.lr > 0 else False
    ratio = steps.ratio.to_numpy(dtype=float)
    i = int(np.nanargmax(ratio)) if np.isfinite(ratio).any() else 0
    return AdamFacts(r.racers[k], len(steps), float(first.lr), exact, float(ratio[0]), float(ratio[i]),
                     int(steps.t.iloc[i]))
