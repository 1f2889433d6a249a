"""The work budget of one run: at most MAX_UPDATES updates and MAX_WORK example-units, in whole epochs.

Epochs × ⌈N_train/B⌉ updates can reach 900,000 (N = 1,000, 10 % held out, B = 1, 1,000 epochs): minutes of
CPU. Two things cost: every update has a fixed cost (MAX_UPDATES bounds it), and every example an update
trains on costs in proportion to the hidden units it passes through (K sigmoids and 2K ReLUs per layer, times
the layers): MAX_WORK bounds updates × B × units. A run does the epochs asked for when they fit in both, else
as many whole epochs as fit (at least one), and the page says so next to the epochs control. A budget of
work, never of seconds: the same link gives the same numbers on a busy server. Sized with bench/fitting.py
and ``scripts/bench.py --worst`` (the heaviest settings the controls reach: up to three layers of K = 32 at
every batch size, the sweep on: the page within about 10 s of CPU); the presets and the default run stay
inside it (the presets "Corners need ReLUs", "Real temperatures" and "Overfit" make exactly MAX_UPDATES,
"Real temperatures" uses 72 % of MAX_WORK).
"""
from __future__ import annotations

from dataclasses import dataclass

from core import data
from core.params import clamp

MAX_UPDATES = 1000  # updates one run may make (each trains both models on one minibatch)
MAX_WORK = 20_000_000  # example-units one run may train: updates × B × hidden units of both models


def units_of(k: int, depth: int) -> int:
    """Hidden units an example passes through: K sigmoids and 2K ReLUs in each of ``depth`` layers."""
    return 3 * int(k) * int(depth)


@dataclass(frozen=True)
class Plan:
    n_train: int  # training points
    batch: int  # points per update: B, or all of them when B is larger
    per_epoch: int  # updates per epoch, ⌈N_train/B⌉
    asked: int  # epochs asked for
    epochs: int  # epochs this run does
    updates: int  # updates this run makes: epochs × per_epoch ≤ budget
    budget: int  # the most updates a run of this batch size and model may make (MAX_UPDATES, MAX_WORK)
    units: int = 1  # hidden units of both models (units_of)

    @property
    def capped(self) -> bool:
        return self.epochs < self.asked

    @property
    def asked_updates(self) -> int:
        return self.asked * self.per_epoch

    @property
    def work(self) -> int:
        """Example-units this run trains: updates × B × units (at most MAX_WORK)."""
        return self.updates * self.batch * self.units


def updates_within(batch: int, units: int) -> int:
    """The most updates a run of minibatches of ``batch`` through ``units`` hidden units may make: MAX_UPDATES,
    fewer where MAX_WORK binds (at least one)."""
    return max(1, min(MAX_UPDATES, MAX_WORK // max(1, int(batch) * int(units))))


def epochs_within(epochs: int, per_epoch: int, budget: int | None = None) -> int:
    """The epochs a run does: ``epochs``, or as many whole epochs of ``per_epoch`` updates as fit in
    ``budget`` updates (default MAX_UPDATES; at least one)."""
    budget = MAX_UPDATES if budget is None else budget
    return max(1, min(int(epochs), int(budget) // max(1, int(per_epoch))))


def plan_of(n_train: int, batch_size: int, epochs: int, units: int = 1) -> Plan:
    """The Plan of ``epochs`` asked for, on ``n_train`` training points in minibatches of ``batch_size``,
    through ``units`` hidden units (units_of)."""
    batch = max(1, min(int(batch_size), int(n_train)))
    per_epoch = -(-int(n_train) // batch)
    budget = updates_within(batch, units)
    done = epochs_within(epochs, per_epoch, budget)
    return Plan(int(n_train), batch, per_epoch, int(epochs), done, done * per_epoch, budget, int(units))


def plan(cfg) -> Plan:
    """The updates and epochs a run of ``cfg`` (a FitConfig) makes, known before it trains."""
    cfg = clamp(cfg)
    return plan_of(len(data.split(cfg.n, cfg.val_fraction, cfg.seed)[0]), cfg.batch_size, cfg.epochs,
                   units_of(cfg.k, cfg.depth))
