"""The PyTorch pitfall: nn.CrossEntropyLoss applies softmax itself, so giving it softmax outputs applies
softmax twice. The same network from the same start, trained both ways on the classifier's data."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from core.params import clamp
from core.softmax.classify import ClassifyConfig, Run, train_models

PITFALL = ("logits", "softmax outputs")  # what nn.CrossEntropyLoss was given
FLOOR_SLACK = 1e-6  # float32 rounding allowed below the wrong loss's floor ln(1 + (C − 1)/e)


def pitfall_seeds(cfg: ClassifyConfig, seeds) -> list[Run]:
    """``pitfall`` on each of ``seeds``, as one batched computation."""
    cfg = replace(clamp(cfg), loss="cross-entropy")
    return train_models(cfg, [int(s) for s in seeds], [cfg.hidden] * 2, ["cross-entropy", "softmax outputs"],
                        PITFALL, None, True)


def pitfall(cfg: ClassifyConfig = ClassifyConfig(), progress: Callable[[Run], None] | None = None) -> Run:
    """The same network, same start, trained by nn.CrossEntropyLoss given logits (right) or softmax outputs
    (wrong). The config's loss is ignored (the key of the cache has it fixed)."""
    cfg = replace(clamp(cfg), loss="cross-entropy")
    return train_models(cfg, [cfg.seed], [cfg.hidden] * 2, ["cross-entropy", "softmax outputs"], PITFALL, progress,
                        True)[0]


def wrong_floor(classes: int) -> float:
    """The lowest loss nn.CrossEntropyLoss can report when given probabilities (inputs in [0, 1]):
    −ln(e / (e + C − 1)) = ln(1 + (C − 1)/e), reached only by a one-hot input."""
    return float(np.log1p((classes - 1) / np.e))


def pitfall_facts(run: Run) -> dict:
    """The numbers the notice states (the floor for C classes; how far each reported loss fell; the true
    cross-entropy and validation accuracy of each after training) and under "holds" whether its claims
    hold on this run: the wrong loss never below its floor ("floor"), and flatter: it fell, by less than
    the right one ("flatter")."""
    right, wrong = PITFALL
    C = run.points.classes
    h = run.history[(run.history.split == "train") & (run.history.model == wrong)]
    dw = run.first(wrong) - run.final(wrong, "train", "trained_on")
    dr = run.first(right) - run.final(right, "train", "trained_on")
    return dict(C=C, floor=wrong_floor(C), dw=dw, dr=dr, ce_right=run.final(right, "train", "loss"),
                ce_wrong=run.final(wrong, "train", "loss"), acc_right=run.final(right, "validation"),
                acc_wrong=run.final(wrong, "validation"),
                holds={"floor": bool(h.trained_on.min() >= wrong_floor(C) - FLOOR_SLACK), "flatter": bool(0 < dw < dr)})
