"""What the batches page states as fact, decided here (the page and the multi-seed tests both call these).

Each claim is a sentence of the page's "What to notice"; ``holds[name]`` says whether it holds on a run,
by the thresholds below (named once: the tests import them, never copy them). Where a claim does not hold
the page says the plain numbers instead.

Two kinds of figures: the paths' and the lab's accuracies are pure functions of the config and seed; the
lab's times are measured on the machine that ran it, so a sentence built on them is written from the
numbers ("here, ...") and never checked as a fixed claim (``bench/batches.py`` prints them).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.batches.lab import LabResult
from core.batches.paths import METHODS, PathResult

STRAIGHT_BELOW = 10.0  # degrees: the full-batch path "heads straight" when its mean turn is under this
ZIGZAG_ABOVE = 60.0  # degrees: the single-example path "zigzags" when its mean turn is over this
OFTEN_UP = 0.2  # "often goes up": the single example's loss rose after at least this share of its updates
CLOSER_THAN_MINI = 20.0  # "much closer": full batch's excess loss over this many times the mini-batch's
CLOSER_THAN_SINGLE = 2.0  # ... and over this many times the single example's
SMALL_WINS_BY = 0.3  # lab: the smallest batch's training and validation accuracy above the full batch's by this
SUBLINEAR = 4.0  # lab: a full-batch update "far less than N/B times longer": under (N/B) / SUBLINEAR times


@dataclass(frozen=True)
class PathFacts:
    updates: dict[str, int]  # method -> updates made in the run's epochs
    turning: dict[str, float]  # method -> mean angle (degrees) between consecutive steps; NaN under 2 steps
    rises: dict[str, int]  # method -> updates after which the training loss went up
    gap: dict[str, float]  # method -> final training loss above the minimum
    closest: str  # the method whose final training loss is nearest the minimum
    holds: dict[str, bool]  # more_updates, zigzag, falls, closer


def path_facts(r: PathResult) -> PathFacts:
    """The measured numbers behind the paths' sentences, and which sentences hold on this run."""
    updates, turning, rises, gap = {}, {}, {}, {}
    for m in METHODS:
        loss = r.path(m).loss.to_numpy()
        updates[m], turning[m] = r.updates(m), r.turning(m)
        rises[m], gap[m] = int((loss[1:] > loss[:-1]).sum()), float(loss[-1] - r.optimum[2])
    (u0, u1, u2), (a0, a1, a2), (g0, g1, g2) = (tuple(d[m] for m in METHODS) for d in (updates, turning, gap))
    holds = {"more_updates": u0 < u1 < u2,
             "zigzag": bool(a0 < STRAIGHT_BELOW and a2 > ZIGZAG_ABOVE and a0 < a1 < a2),
             "falls": rises[METHODS[0]] == 0 and rises[METHODS[2]] >= OFTEN_UP * u2,
             "closer": bool(g0 > CLOSER_THAN_MINI * g1 and g0 > CLOSER_THAN_SINGLE * g2)}
    return PathFacts(updates, turning, rises, gap, min(METHODS, key=gap.__getitem__), holds)


@dataclass(frozen=True)
class LabFacts:
    smallest: int  # the smallest batch size B
    full: int  # the full batch, N
    train_acc: tuple[float, float]  # (smallest, full) training accuracy after the last epoch
    val_acc: tuple[float, float]  # (smallest, full) validation accuracy
    ms_per_epoch: tuple[float, float]  # (smallest, full), measured
    examples: float  # examples per update, full over smallest: N / B
    per_update: float  # time per update, full over smallest (measured)
    per_epoch: float  # time per epoch, full over smallest (measured)
    holds: dict[str, bool]  # small_wins; and, measured on this run: epoch_faster, update_sublinear


def lab_facts(r: LabResult) -> LabFacts:
    """The smallest batch against the full batch: accuracies (a claim, checked on many seeds) and the
    measured time ratios (sentences written from this run's numbers, never a fixed claim)."""
    small, full = r.table.iloc[0], r.table.iloc[-1]
    examples = float(full.batch / small.batch)
    per_update = float(full.ms_per_update / small.ms_per_update)
    per_epoch = float(full.s_per_epoch / small.s_per_epoch)
    holds = {"small_wins": bool(small.train_acc > full.train_acc + SMALL_WINS_BY
                                and small.val_acc > full.val_acc + SMALL_WINS_BY),
             "epoch_faster": per_epoch < 1.0,
             "update_sublinear": 1.0 < per_update < examples / SUBLINEAR}
    return LabFacts(int(small.batch), int(full.batch), (float(small.train_acc), float(full.train_acc)),
                    (float(small.val_acc), float(full.val_acc)),
                    (1e3 * float(small.s_per_epoch), 1e3 * float(full.s_per_epoch)), examples, per_update, per_epoch,
                    holds)
