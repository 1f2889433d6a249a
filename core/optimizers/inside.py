"""Look inside one optimizer: at one update, the gradient step, the carried-over part and the actual move.

What is drawn is what the optimizer really did, read from the race's records:
- racers that carry movement over (momentum kind "carried"): the update is the gradient step -η_t g_t plus a
  carried part, update + η_t g_t. For "Momentum (lecture)" that part is exactly λ m_{t-1}, λ times the last
  movement (tested); PyTorch's momentum under a schedule carries (η_t/η_{t-1}) λ m_{t-1} instead.
- Adam-like racers ("adam"): the momentum arrow is -η_t m-hat, m-hat read from the optimizer's state with its
  own β₁ (not a constant here).
- the others: no momentum arrow.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.optimizers.race import RaceResult
from core.optimizers.racers import racer


def update_at(r: RaceResult, moment: int) -> int:
    """The 1-based update a moment (% of the steps run) points at."""
    return max(1, int(round(moment / 100 * max(1, r.steps_done))))


@dataclass
class Inside:
    """One optimizer at one update: where it is, and the arrows the page draws."""
    racer: str
    t: int  # the update (1-based)
    point: np.ndarray  # (2,) position before the update
    grad_step: np.ndarray  # (2,) -η_t g: where plain gradient descent would go
    momentum_step: np.ndarray  # (2,) carried: update + η_t g (drawn tip to tail); adam: -η_t m-hat; else 0
    update: np.ndarray  # (2,) the actual move θ_t - θ_{t-1}
    eff_lr: np.ndarray  # (2,) η_t / σ per parameter after the update
    grad: np.ndarray  # (2,)
    lr: float  # η_t
    kind: str  # the racer's momentum kind: "none", "carried" or "adam"

    @property
    def window(self) -> tuple[float, float, float, float]:
        """xmin, xmax, ymin, ymax: a square box around the point that holds every arrow."""
        tips = np.stack([self.point, self.point + self.grad_step, self.point + self.momentum_step,
                         self.point + self.update])  # (4, 2)
        tips = tips[np.isfinite(tips).all(1)]
        half = 1.25 * max(float(np.max(np.abs(tips - self.point))) if len(tips) else 0.0, 1e-6)
        return (self.point[0] - half, self.point[0] + half, self.point[1] - half, self.point[1] + half)


def inside(r: RaceResult, k: int, t: int) -> Inside | None:
    """The state of racer k at update t (1-based), or None where it had diverged or never got there."""
    if not (0 <= k < len(r.racers)) or not 1 <= t <= r.steps_done:
        return None
    i = t - 1
    p0, p1 = r.path[k, i], r.path[k, i + 1]
    g, lr = r.grad[k, i], float(r.lr_t[k, i])
    if not (np.isfinite(p0).all() and np.isfinite(p1).all() and np.isfinite(g).all() and np.isfinite(lr)):
        return None
    kind = racer(r.racers[k]).momentum
    if kind == "carried":
        mom = (p1 - p0) + lr * g
    elif kind == "adam":
        mom = r.mom_step[k, i]
    else:
        mom = np.zeros(2)
    return Inside(r.racers[k], t, p0, -lr * g, mom, p1 - p0, r.eff_lr[k, i], g, lr, kind)


def inside_frame(r: RaceResult, k: int) -> pd.DataFrame:
    """Racer k's effective learning rate η_t/σ per parameter at every update (finite, positive)."""
    T = r.steps_done
    if not (0 <= k < len(r.racers)) or T == 0:
        return pd.DataFrame(columns=["step", "parameter", "eff_lr"])
    df = pd.DataFrame({"step": np.tile(np.arange(1, T + 1), 2), "parameter": np.repeat(["x", "y"], T),
                       "eff_lr": np.concatenate([r.eff_lr[k, :, 0], r.eff_lr[k, :, 1]])})
    return df[np.isfinite(df.eff_lr) & (df.eff_lr > 0)].reset_index(drop=True)


@dataclass(frozen=True)
class InsideFacts:
    """The inside view's notice as data."""
    momentum: str  # the sentence on the momentum arrow: "carried_lecture" (exactly λ m_{t-1}), "carried", "adam", ""
    adaptive: bool  # the racer divides η by σ (else η_t/σ is η_t, the same for x and y)
    larger: str  # "x" or "y": the parameter whose η_t/σ is larger at this update


def inside_facts(ins: Inside) -> InsideFacts:
    rc = racer(ins.racer)
    note = {"carried": "carried_lecture" if rc.carry_exact else "carried", "adam": "adam"}.get(ins.kind, "")
    return InsideFacts(note, rc.sigma is not None, "x" if ins.eff_lr[0] > ins.eff_lr[1] else "y")
