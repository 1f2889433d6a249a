"""The work budget of one run: at most MAX_UPDATES updates, in whole epochs.

Epochs × ⌈N_train/B⌉ updates can reach 900,000 (N = 1,000, 10 % held out, B = 1, 1,000 epochs): minutes of
CPU. A run does the epochs asked for when they fit in the budget, else as many whole epochs as fit (at
least one), and the page says so next to the epochs control. A budget of updates, never of seconds: the
same link gives the same numbers on a busy server. Sized in bench/fitting.py (the heaviest settings the
controls reach, one to three layers); the presets and the default run stay well inside it.
"""
from __future__ import annotations

from dataclasses import dataclass

from core import data
from core.params import clamp

MAX_UPDATES = 5000  # updates one run may make (each trains both models on one minibatch)


@dataclass(frozen=True)
class Plan:
    n_train: int  # training points
    batch: int  # points per update: B, or all of them when B is larger
    per_epoch: int  # updates per epoch, ⌈N_train/B⌉
    asked: int  # epochs asked for
    epochs: int  # epochs this run does
    updates: int  # updates this run makes: epochs × per_epoch ≤ budget
    budget: int  # the most updates a run may make (MAX_UPDATES)

    @property
    def capped(self) -> bool:
        return self.epochs < self.asked

    @property
    def asked_updates(self) -> int:
        return self.asked * self.per_epoch


def epochs_within(epochs: int, per_epoch: int) -> int:
    """The epochs a run does: ``epochs``, or as many whole epochs of ``per_epoch`` updates as fit in
    MAX_UPDATES (at least one)."""
    return max(1, min(int(epochs), MAX_UPDATES // max(1, int(per_epoch))))


def plan_of(n_train: int, batch_size: int, epochs: int) -> Plan:
    """The Plan of ``epochs`` asked for, on ``n_train`` training points in minibatches of ``batch_size``."""
    batch = max(1, min(int(batch_size), int(n_train)))
    per_epoch = -(-int(n_train) // batch)
    done = epochs_within(epochs, per_epoch)
    return Plan(int(n_train), batch, per_epoch, int(epochs), done, done * per_epoch, MAX_UPDATES)


def plan(cfg) -> Plan:
    """The updates and epochs a run of ``cfg`` (a FitConfig) makes, known before it trains."""
    cfg = clamp(cfg)
    return plan_of(len(data.split(cfg.n, cfg.val_fraction, cfg.seed)[0]), cfg.batch_size, cfg.epochs)
