"""What the fitting page states about one run and about one sweep, decided here (not on the page).

``facts(result)``: the final losses, which model fits the training points more closely, whether a
model's validation loss has turned up (it overfits), and on the piecewise-linear target whether the ReLU fit
reached the corners (its training MSE at the noise floor, at or below the sigmoids'). ``sweep_facts(df)``: each
model's best K and how the validation-train gap changes from the smallest K to the largest.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from core.fitting.config import NAMES, SPLITS
from core.fitting.result import FitResult

OVERFIT_RISE = 1.2  # "it has begun to overfit": the last validation loss is above this times its lowest
OVERFIT_EVALS = 3  # ... judged only on a validation curve of at least this many evaluations
CORNER_TARGET = "piecewise linear"  # the target with corners (core.data)
CORNER_FLOOR = 1.5  # "the ReLUs reach the corners": training MSE within this times noise² (what a perfect fit
# leaves) and at or below the sigmoids' training MSE


@dataclass(frozen=True)
class Turn:
    """A validation curve that turned up: its lowest point and where it is now."""
    best_epoch: int
    best: float
    last: float


@dataclass(frozen=True)
class FitFacts:
    final: dict[tuple[str, str], float]  # (model, split) -> loss at the last epoch (NaN if none)
    relu_better: bool  # the ReLUs' final training loss is below the sigmoids'
    overfit: dict[str, Turn]  # per model whose validation loss turned up (OVERFIT_RISE); others absent
    floor: dict[str, float] | None = None  # piecewise-linear target, MSE, noise > 0: training MSE / noise² per model
    corners: bool = False  # ... the ReLUs reached the corners: within CORNER_FLOOR of noise², at or below the sigmoids

    def loss(self, model: str, split: str) -> float:
        return self.final[(model, split)]


def turn(val: pd.Series, epochs: pd.Series) -> Turn | None:
    """The Turn of one validation curve (loss per evaluation, in epoch order), None if it has not turned up."""
    if len(val) < OVERFIT_EVALS or not val.iloc[-1] > OVERFIT_RISE * val.min():
        return None
    i = val.idxmin()
    return Turn(int(epochs[i]), float(val[i]), float(val.iloc[-1]))


def facts(result: FitResult) -> FitFacts:
    """The facts the page states about ``result`` (a run that did not diverge)."""
    final = {(m, s): result.final_loss(m, s) for m in NAMES for s in SPLITS}
    h = result.history
    val = h[h.split == "validation"]
    overfit = {}
    for m in NAMES:
        v = val[val.model == m]
        t = turn(v.loss, v.epoch)
        if t is not None:
            overfit[m] = t
    cfg, floor, corners = result.config, None, False
    if cfg.target == CORNER_TARGET and cfg.loss == "MSE" and cfg.noise > 0:
        floor = {m: final[(m, "train")] / cfg.noise ** 2 for m in NAMES}
        corners = bool(floor["ReLU"] < CORNER_FLOOR and floor["ReLU"] <= floor["sigmoid"])
    return FitFacts(final, final[("ReLU", "train")] < final[("sigmoid", "train")], overfit, floor, corners)


@dataclass(frozen=True)
class Best:
    """The sweep's lowest validation loss of one model."""
    k: int
    units: int
    params: int
    loss: float


@dataclass(frozen=True)
class Gap:
    """Validation minus training loss at the smallest and the largest K swept (with a finite loss)."""
    k0: int
    g0: float
    k1: int
    g1: float

    @property
    def wider(self) -> bool:
        return self.g1 > self.g0


@dataclass(frozen=True)
class SweepFacts:
    best: dict[str, Best]  # per model with a finite validation loss
    gap: dict[str, Gap]  # per model with both losses at two K or more


def sweep_facts(df: pd.DataFrame) -> SweepFacts:
    """The facts the page states about a sweep (``core.fitting.sweep``'s frame)."""
    val = df[df.split == "validation"].dropna(subset=["loss"])
    best, gap = {}, {}
    for m in NAMES:
        bm = val[val.model == m]
        if len(bm):
            row = bm.loc[bm.loss.idxmin()]
            best[m] = Best(int(row.k), int(row.units), int(row.params), float(row.loss))
        a = df[df.model == m].pivot_table(index="k", columns="split", values="loss")
        if set(SPLITS) <= set(a.columns) and len(a) >= 2:
            g = (a.validation - a.train).dropna()
            if len(g):
                gap[m] = Gap(int(g.index[0]), float(g.iloc[0]), int(g.index[-1]), float(g.iloc[-1]))
    return SweepFacts(best, gap)
