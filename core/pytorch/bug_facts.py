"""What the bugs part states about each bug, decided here with named thresholds (the page writes its sentence
from these; tests/test_pytorch.py checks ``holds`` on ten seeds in both arithmetic modes)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.pytorch.bugs import BugResult

FLOOR = math.log(1 + 9 / math.e)  # softmax before CrossEntropyLoss: the loss can never go below this (10 classes)
ZERO_GRAD_WORSE = 2.0  # forgotten zero_grad(): it diverges, or its last validation loss is this many times worse
SHAPE_STUCK = 0.8  # (N, 1) vs (N,): the broken run's validation loss stays above this share of the baseline
CORRECT_GOOD = 0.3  # ... while the correct run's ends below this share
ACC_GAP = 0.3  # softmax before the loss: validation accuracy this much lower than the correct run's
EVAL_WORSE = 1.15  # forgotten eval(): the loss measured with dropout on is this many times the eval-mode loss
SORTED_ACC = 0.5  # not shuffling sorted digits: validation accuracy under this
SHUFFLED_ACC = 0.8  # ... and the shuffled run's above this


@dataclass(frozen=True)
class BugFacts:
    bug: str
    holds: bool  # the bug's claim holds on this run
    key: str  # the page's sentence for this run: the bug's own, a variant of it, or "other" (plain numbers)
    numbers: dict  # the figures the sentence quotes

    def fields(self) -> dict[str, object]:
        """The figures formatted for the sentence: accuracies as percentages, losses to four digits."""
        return {k: (f"{v:.1%}" if k.startswith("acc") else f"{v:.4g}") if isinstance(v, float) else v
                for k, v in self.numbers.items()}


def _last(v: list[float]) -> float:
    return v[-1] if v else math.nan


def facts(r: BugResult) -> BugFacts:
    b, c, bug = r.broken, r.correct, r.config.bug
    nb, nc = _last(b.val), _last(c.val)
    num: dict = {"broken": nb, "correct": nc, "baseline": r.baseline}
    if bug == "zero_grad":
        d = b.log.first_divergence
        num["diverged_at"] = d
        num["epoch"] = math.ceil(d / r.per_epoch) if d else None
        ok = not c.log.diverged and (d is not None or nb > ZERO_GRAD_WORSE * nc)
    elif bug == "shape":
        ok = nb > SHAPE_STUCK * r.baseline and nc < CORRECT_GOOD * r.baseline
    elif bug == "softmax":
        lowest = float(np.nanmin(b.log.losses))
        num.update(lowest=lowest, floor=FLOOR, acc_broken=b.accuracy, acc_correct=c.accuracy)
        ok = lowest >= FLOOR and (c.accuracy or 0) - (b.accuracy or 0) > ACC_GAP and float(c.log.losses[-1, 0]) < FLOOR
    elif bug == "eval":
        reps = r.repeats
        num.update(spread=float(np.ptp(reps[0])), lo=float(reps[0].min()), hi=float(reps[0].max()),
                   same=float(reps[1][0]), times=reps.shape[1])
        ok = nb > EVAL_WORSE * nc and np.ptp(reps[0]) > 0 and np.ptp(reps[1]) == 0
    elif bug == "no_grad":
        mem = r.memory
        per = mem[0, 0]
        num.update(per_batch=int(per), total=int(mem[-1, 0]), batches=len(mem), tensors=b.extra["tensors"])
        linear = bool(np.all(mem[:-1, 0] == per * np.arange(1, len(mem))))  # every full batch keeps as much
        ok = per > 0 and linear and int(mem[:, 1].max()) == 0 and b.val == c.val
    elif bug == "lr":
        d = b.log.first_divergence
        num["diverged_at"] = d
        ok = d is not None and not c.log.diverged
    else:  # shuffle
        num.update(acc_broken=b.accuracy, acc_correct=c.accuracy)
        ok = (b.accuracy or 0) < SORTED_ACC and (c.accuracy or 0) > SHUFFLED_ACC
    key = bug if ok else "other"
    if ok and bug == "zero_grad" and num["diverged_at"] is None:
        key = "zero_grad_worse"
    return BugFacts(bug, bool(ok), key, num)
