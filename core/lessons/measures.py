"""What a lesson's "predict, then run" question is answered by: a function of the page's run, never stored text.

A measure belongs to one page (``stem``), names its possible outcomes (a question offers 2-4 of them) and reads
the outcome from the run of the page's own configs (``cfgs``: {config class: config}, each built from the
page's controls with the session's seed, as the page builds them). It calls the same core function the page
calls, so the answer is what this run shows. The tests check every built-in question on ten seeds.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

ZIGZAG_DEGREES = 10.0  # batches: the most turning path's mean turn beats the runner-up's by this (else "close")


@dataclass(frozen=True)
class Measure:
    stem: str  # the page whose run answers it
    outcomes: tuple[str, ...]  # every answer it can give (catalogue: lessons.outcome.<measure>.<outcome>)
    fn: Callable[[dict], str]  # cfgs -> one of outcomes


def _get(cfgs: dict, cls):
    """The config of class ``cls`` among the page's configs (its defaults where the page has none)."""
    for k, v in cfgs.items():
        if k is cls or getattr(k, "__name__", None) == cls.__name__:
            return v
    return cls()


def regression_descent(cfgs: dict) -> str:
    from core import regression
    f = regression.fit(_get(cfgs, regression.RegConfig)).facts
    if f.overshoot:
        return "diverges"
    if f.reached:
        return "reaches"
    return "zigzags" if f.zigzags else "crawls"


def batches_zigzag(cfgs: dict) -> str:
    from core import batches
    turning = batches.path_facts(batches.paths(_get(cfgs, batches.PathConfig))).turning
    order = sorted(batches.METHODS, key=lambda m: -np.nan_to_num(turning[m], nan=0.0))
    if np.nan_to_num(turning[order[0]] - turning[order[1]], nan=0.0) < ZIGZAG_DEGREES:
        return "close"
    return {"full batch": "full", "mini-batch": "mini", "single example": "single"}[order[0]]


def optimizers_first(cfgs: dict) -> str:
    from core import optimizers as opt
    cfg = replace(_get(cfgs, opt.RaceConfig), lrs=_get(cfgs, opt.RaceLRs))
    target = _get(cfgs, opt.RaceView).target
    reached = opt.race_facts(opt.race(cfg), target).reached
    if not reached:
        return "none"
    if len(reached) > 1 and reached[0][1] == reached[1][1]:
        return "tie"
    return opt.racer(reached[0][0]).key


def softmax_stuck(cfgs: dict) -> str:
    from core import softmax
    f = softmax.surface(_get(cfgs, softmax.SurfaceConfig)).facts()
    mse, ce = f["m1"] > softmax.MSE_KEPT * f["m0"], f["ce1"] > softmax.MSE_KEPT * f["ce0"]
    return "both" if mse and ce else "mse" if mse else "ce" if ce else "neither"


def convolution_field(cfgs: dict) -> str:
    from core import convolution as cv
    return str(cv.field_lab(_get(cfgs, cv.FieldConfig)).r)


def attention_shuffle(cfgs: dict) -> str:
    from core import attention as att
    r = att.calculate(_get(cfgs, att.CalcConfig))
    return "shuffled" if r.equivariance_error < att.SAME else "changed"


def rnn_last_output(cfgs: dict) -> str:
    from core import rnn
    cfg, _ = rnn.checked(_get(cfgs, rnn.LectureConfig))
    return rnn.stepper_facts(rnn.run(cfg)).outputs.split(", ")[-1]


_RACERS = ("sgd", "mom_lecture", "mom_torch", "nesterov", "adagrad_lecture", "adagrad_torch", "rms_lecture",
           "rms_torch", "adam", "adamw")
MEASURES: dict[str, Measure] = {
    "regression.descent": Measure("regression", ("reaches", "crawls", "zigzags", "diverges"), regression_descent),
    "batches.zigzag": Measure("batches", ("full", "mini", "single", "close"), batches_zigzag),
    "optimizers.first": Measure("optimizers", _RACERS + ("none", "tie"), optimizers_first),
    "softmax.stuck": Measure("softmax", ("mse", "ce", "both", "neither"), softmax_stuck),
    "convolution.field": Measure("convolution", tuple(str(r) for r in range(1, 200)), convolution_field),
    "attention.shuffle": Measure("attention", ("shuffled", "changed"), attention_shuffle),
    "rnn.last_output": Measure("rnn", tuple(str(v) for v in range(-9, 10)), rnn_last_output),
}


def answer(measure: str, cfgs: dict[Any, Any]) -> str:
    """The outcome this run shows for ``measure`` (a key of MEASURES)."""
    return MEASURES[measure].fn(cfgs)


def answer_of(measure: str, *cfgs) -> str:
    """``answer`` with the configs as arguments (hashable: the app's shared store keys on them)."""
    return answer(measure, {type(c): c for c in cfgs})
