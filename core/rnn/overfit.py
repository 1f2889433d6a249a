"""Does the GRU overfit less than the LSTM? The course notes say so ("GRU ... 比较不容易 overfitting"). Here both
cells (PyTorch's ``nn.LSTM`` and ``nn.GRU``, the race's ``Net``: one layer of HIDDEN units and a linear read-out
of the last state, PyTorch's default gate biases) read scikit-learn's 8×8 digits row by row (8 steps of 8
pixels), trained on a small training set (full batch, Adam, a fixed number of updates) and measured on a fixed
validation set of VAL digits never trained on. Both cells (and, for the claims, every seed: element i of
``overfit_seeds`` equals ``overfit`` of seed i) train as one computation: one Adam, one backward.

What it showed on the seeds checked (``seed_facts``, tests/test_rnn.py): both cells fit their training digits
and stay far lower on new ones (both overfit), and which of the two does better on new digits changes from seed
to seed: "the GRU overfits less" is not a rule on this task. The page says what each run shows.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch.nn import functional as F

from core import device, rng, train
from core.data import _sklearn
from core.params import choice, clamp, num
from core.rnn.cells import Weights, gru_cell, lstm_cell
from core.rnn.race import Net

CELLS = ("LSTM", "GRU")  # the two gated cells compared (Keras: LSTM, GRU)
SIZES = (50, 100, 200, 400)  # training-set sizes offered
HIDDEN = 16  # units of each recurrent layer
STEPS = 60  # full-batch Adam updates (fixed: the result never depends on time)
LR = 0.03  # Adam's learning rate
VAL = 400  # validation digits (never trained on)
EVALS = 20  # accuracy measurements over a run (the curves)
ROWS = PIXELS = 8  # a digit read as 8 steps (its rows) of 8 pixels


@dataclass(frozen=True)
class OverfitConfig:
    n: int = choice(100, SIZES, widget="select_slider")  # training digits (the same ones for both cells)
    seed: int = num(0, 0, 1_000_000, widget="number")  # the split, the initial weights


@lru_cache(maxsize=1)
def _digits() -> tuple[torch.Tensor, torch.Tensor]:
    """The 1,797 digits as sequences: x (1797, ROWS, PIXELS) in [0, 1], y (1797,). Read-only."""
    X, y = _sklearn("digits")
    return torch.from_numpy(X / 16).reshape(-1, ROWS, PIXELS), torch.from_numpy(y)


def data(n: int, seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The seed's split: n training digits and VAL validation digits (a larger n only adds digits)."""
    x, y = _digits()
    perm = torch.randperm(len(x), generator=rng.generator(seed, "rnn.overfit_split"))
    va, tr = perm[:VAL], perm[VAL:VAL + n]
    return x[tr], y[tr], x[va], y[va]  # (n, 8, 8), (n,), (VAL, 8, 8), (VAL,)


@dataclass
class OverfitResult:
    config: OverfitConfig
    history: pd.DataFrame  # update, model, split ("train", "validation"), accuracy
    train_acc: dict[str, float]  # cell -> final training accuracy
    val_acc: dict[str, float]  # cell -> final validation accuracy
    params: dict[str, int]  # cell -> parameters (layer and read-out)
    log: train.TrainLog

    def gap(self, cell: str) -> float:
        """Training accuracy minus validation accuracy: how much the cell overfits."""
        return self.train_acc[cell] - self.val_acc[cell]

    def shown(self) -> dict[str, float]:
        """What the part writes, in percent with one decimal: each cell's "<cell> train" and "<cell> validation"
        accuracy, its "<cell> gap" and the cells' validation "difference", both computed from the shown accuracies,
        so that a student who subtracts the shown numbers gets the stated ones (rounded apart, 100 % and 88 % once
        came with a gap of "11 points"; 400 validation digits give steps of 0.25 %)."""
        out = {f"{k} {s}": round(100 * a[k], 1) for k in CELLS for s, a in (("train", self.train_acc),
                                                                           ("validation", self.val_acc))}
        out.update({f"{k} gap": round(out[f"{k} train"] - out[f"{k} validation"], 1) for k in CELLS})
        out["difference"] = round(abs(out["GRU validation"] - out["LSTM validation"]), 1)
        return out


class _Run:
    """Both cells for each seed, trained as one computation: each cell's weights for every seed stacked along a
    first dimension (S, ...) and run through the hand-written cells (core/rnn/cells.py, equal to PyTorch's), so one
    step is a few batched matrix products instead of 2·S module calls. Seed s's weights start as the race's ``Net``
    of that seed (tests/test_rnn.py checks the stacked run against ``Net`` on the same weights)."""

    def __init__(self, cfg: OverfitConfig, seeds: list[int]):
        self.cfg, self.seeds = cfg, seeds
        parts = [data(cfg.n, s) for s in seeds]
        self.xt, self.yt, self.xv, self.yv = (torch.stack([p[i] for p in parts]) for i in range(4))  # (S, n|VAL, ...)
        self.weights = {k: stacked([net_of(k, s) for s in seeds]) for k in CELLS}  # cell -> name -> (S, ...)
        self.opt = torch.optim.Adam([p for w in self.weights.values() for p in w.values()], lr=LR,
                                    **device.optimizer_impl("foreach"))
        self.every = max(1, STEPS // EVALS)
        self.rows: list[tuple[int, int, int, float, float]] = []  # (update, seed index, cell, train, validation)
        self.evaluate(0)

    @torch.no_grad()
    def evaluate(self, update: int) -> None:
        acc = {k: [(forward(k, self.weights[k], x).argmax(-1) == y).float().mean(1) for x, y in
                   ((self.xt, self.yt), (self.xv, self.yv))] for k in CELLS}  # cell -> [(S,), (S,)]
        for s in range(len(self.seeds)):
            for m, k in enumerate(CELLS):
                self.rows.append((update, s, m, float(acc[k][0][s]), float(acc[k][1][s])))

    def step(self, i: int) -> torch.Tensor:
        losses = [F.cross_entropy(forward(k, self.weights[k], self.xt).flatten(0, 1), self.yt.flatten(),
                                  reduction="none").view(len(self.seeds), -1).mean(1) for k in CELLS]  # 2 × (S,)
        out = train.batched_step(self.opt, torch.stack(losses, 1).flatten())  # (S × cells,) seed-major
        if (i + 1) % self.every == 0 or i + 1 == STEPS:
            self.evaluate(i + 1)
        return out

    def result(self, s: int, log: train.TrainLog) -> OverfitResult:
        rows = [(u, CELLS[m], a, v) for u, ss, m, a, v in self.rows if ss == s]
        wide = pd.DataFrame(rows, columns=["update", "model", "train", "validation"])
        last = wide[wide["update"] == wide["update"].max()].set_index("model")
        hist = wide.melt(id_vars=["update", "model"], value_vars=["train", "validation"], var_name="split",
                         value_name="accuracy")
        return OverfitResult(replace(self.cfg, seed=self.seeds[s]), hist,
                             {k: float(last.train[k]) for k in CELLS}, {k: float(last.validation[k]) for k in CELLS},
                             {k: sum(p[s].numel() for p in self.weights[k].values()) for k in CELLS}, log)


def net_of(kind: str, seed: int) -> Net:
    """Seed ``seed``'s starting ``kind`` cell as the race's ``Net`` (PyTorch's default gate biases)."""
    return Net(kind, rng.generator(seed, f"rnn.overfit_init:{kind}"), 0.0, PIXELS, HIDDEN, 10)


def stacked(nets: list[Net]) -> dict[str, torch.Tensor]:
    """The nets' parameters stacked along a new first dimension, each a leaf to train: name -> (S, ...)."""
    return {n: torch.stack([net.state_dict()[n] for net in nets]).requires_grad_(True) for n in nets[0].state_dict()}


def forward(kind: str, w: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """S stacked nets over x (S, B, ROWS, PIXELS) -> logits at the last row (S, B, 10), with the hand-written cells."""
    cell = Weights(w["rnn.weight_ih_l0"], w["rnn.weight_hh_l0"], w["rnn.bias_ih_l0"][:, None], w["rnn.bias_hh_l0"][:, None])
    h = c = x.new_zeros(x.shape[0], x.shape[1], HIDDEN)  # (S, B, H)
    for t in range(x.shape[2]):
        if kind == "LSTM":
            st = lstm_cell(x[:, :, t], h, c, cell)
            h, c = st.h, st.c
        else:
            h = gru_cell(x[:, :, t], h, cell).h
    return h @ w["head.weight"].mT + w["head.bias"][:, None]  # (S, B, 10)


def overfit(cfg: OverfitConfig = OverfitConfig(),
            progress: Callable[[OverfitResult], None] | None = None) -> OverfitResult:
    """Both cells on ``cfg``'s training set. Pure function of ``cfg``."""
    cfg = clamp(cfg)
    r = _Run(cfg, [cfg.seed])
    log = train.run(r.step, STEPS, progress=None if progress is None else (lambda lg: progress(r.result(0, lg))),
                    stop_on="all")
    return r.result(0, log)


def overfit_seeds(cfg: OverfitConfig, seeds) -> list[OverfitResult]:
    """``overfit`` on each seed (its ``seed`` ignored) in one training loop; for the claims (never cut by the guard)."""
    cfg = clamp(cfg)
    r = _Run(cfg, [int(s) for s in seeds])
    log = train.run(r.step, STEPS, stop_on="all", max_seconds=math.inf)
    return [r.result(s, log) for s in range(len(r.seeds))]


# ---------------------------------------------------------------- what the page states as fact
CLAIM = OverfitConfig()  # the claims are made at the page's default: 100 training digits
CLAIM_SEEDS = 10  # seeds the claims are checked on (tests/test_rnn.py)
FIT = 0.98  # both cells reach at least this training accuracy on every seed...
OVERFIT_GAP = 0.12  # ...and their validation accuracy stays at least this far below it (both overfit)
CLOSE = 0.06  # the two cells' mean validation accuracies over the seeds differ by less than this (seeds 0-9: 0.017)
EACH_AHEAD = 2  # each cell has the higher validation accuracy on at least this many of the seeds (no rule)
TIE = 0.01  # a run's validation accuracies this close (4 of VAL digits) are called level
RUN_VERDICTS = ("gru", "lstm", "level")  # what one run shows: the GRU better on new digits, the LSTM, neither


@dataclass(frozen=True)
class OverfitFacts:
    """The numbers behind the part's sentences for one run."""
    verdict: str  # RUN_VERDICTS
    by: float  # |GRU − LSTM| validation accuracy
    both_overfit: bool  # both cells at least FIT on training and at least OVERFIT_GAP lower on validation
    claimed: bool  # this run is at the claim's settings


def facts(r: OverfitResult) -> OverfitFacts:
    d = r.val_acc["GRU"] - r.val_acc["LSTM"]
    verdict = "level" if abs(d) < TIE else "gru" if d > 0 else "lstm"
    both = all(r.train_acc[k] >= FIT and r.gap(k) >= OVERFIT_GAP for k in CELLS)
    return OverfitFacts(verdict, abs(d), both, r.config.n == CLAIM.n)


def seed_facts(results: list[OverfitResult]) -> dict:
    """The claims over runs on many seeds: "both_fit" (every run: both cells at least FIT on training),
    "both_overfit" (every run: both at least OVERFIT_GAP lower on validation), "close" (the cells' mean validation
    accuracies differ by less than CLOSE), "no_rule" (the GRU has the higher
    validation accuracy on at least EACH_AHEAD runs and the LSTM on at least EACH_AHEAD)."""
    tr = {k: np.array([r.train_acc[k] for r in results]) for k in CELLS}
    va = {k: np.array([r.val_acc[k] for r in results]) for k in CELLS}
    gru_ahead, lstm_ahead = int((va["GRU"] > va["LSTM"]).sum()), int((va["LSTM"] > va["GRU"]).sum())
    holds = {"both_fit": all(bool((tr[k] >= FIT).all()) for k in CELLS),
             "both_overfit": all(bool((tr[k] - va[k] >= OVERFIT_GAP).all()) for k in CELLS),
             "close": abs(float(va["GRU"].mean() - va["LSTM"].mean())) < CLOSE,
             "no_rule": gru_ahead >= EACH_AHEAD and lstm_ahead >= EACH_AHEAD}
    return {"train": tr, "validation": va, "gru_ahead": gru_ahead, "lstm_ahead": lstm_ahead, "holds": holds}
