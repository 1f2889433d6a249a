"""The lecture's hand-made LSTM: one memory cell whose weights are set by hand, stepped through time.

x = (x1, x2, x3). z = x1 (the value), z_i = s·x2 − s/10, z_f = s·x2 + s/10, z_o = s·x3 − s/10 with the
sharpness s = 100 in the lecture; g and h are the identity and every gate is a sigmoid f:

    c′ = g(z)·f(z_i) + c·f(z_f),   y = h(c′)·f(z_o)

So x2 = 1 adds x1 into memory, x2 = −1 resets it, x3 = 1 lets the memory out. The sequence is free text
("1,0,0; 3,1,0; ..."): parsed and checked here, never evaluated.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from core.params import choice, clamp, text

LECTURE_TEXT = "1,0,0; 3,1,0; 2,0,0; 4,1,0; 2,0,0; 1,0,1; 3,-1,0; 6,1,0; 1,0,1"
LECTURE_OUTPUTS = (0, 0, 0, 0, 0, 7, 0, 0, 6)
MAX_STEPS = 16  # longest sequence accepted
MAX_VALUE = 1000.0  # largest |x| accepted
SHARPNESS = (1.0, 3.0, 10.0, 100.0)
LECTURE_SHARPNESS = 100.0  # the lecture's s: its gates are 0 or 1
ROWS = ("x1", "x2", "x3", "z", "input_gate", "forget_gate", "output_gate", "c", "y")  # what a step shows


@dataclass(frozen=True)
class LectureConfig:
    sequence: str = text(LECTURE_TEXT, max_chars=200)  # x1,x2,x3 per step, steps separated by ';'
    sharpness: float = choice(LECTURE_SHARPNESS, SHARPNESS, widget="select_slider")  # s: weight on x2, x3 (bias ±s/10)


class SequenceError(ValueError):
    """The text is not a sequence of (x1, x2, x3). ``reason`` is a catalogue key's last word."""

    def __init__(self, reason: str, step: int = 0):
        super().__init__(reason)
        self.reason, self.step = reason, step


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,3})?$")


def parse(sequence: str) -> np.ndarray:
    """``"1,0,0; 3,1,0"`` -> (T, 3). Steps are separated by ';' or new lines, numbers by ',' or spaces.
    Raises ``SequenceError`` with reason ``empty``, ``too_long``, ``not_three``, ``not_number`` or ``too_big``."""
    s = (sequence or "").replace("，", ",").replace("；", ";").replace("\n", ";")[:400]
    steps = [p.strip() for p in s.split(";") if p.strip()]
    if not steps:
        raise SequenceError("empty")
    if len(steps) > MAX_STEPS:
        raise SequenceError("too_long", len(steps))
    rows = []
    for i, p in enumerate(steps, 1):
        parts = [v for v in re.split(r"[,\s]+", p.strip("()[] ")) if v]
        if len(parts) != 3:
            raise SequenceError("not_three", i)
        if not all(_NUMBER.match(v) for v in parts):
            raise SequenceError("not_number", i)
        vals = [float(v) for v in parts]
        if not all(math.isfinite(v) and abs(v) <= MAX_VALUE for v in vals):
            raise SequenceError("too_big", i)
        rows.append(vals)
    return np.array(rows, dtype=float)  # (T, 3)


def checked(cfg: LectureConfig) -> tuple[LectureConfig, SequenceError | None]:
    """The config to run and the error in its text, if any: a bad sequence is replaced by the lecture's
    (same sharpness), so the page says what is wrong and still shows the lecture."""
    try:
        parse(cfg.sequence)
    except SequenceError as e:
        return LectureConfig(sharpness=cfg.sharpness), e
    return cfg, None


@dataclass
class LectureTrace:
    config: LectureConfig
    x: np.ndarray  # (T, 3) the inputs
    values: dict[str, np.ndarray]  # ROWS -> (T,): inputs, the four inputs of the cell and its gates, c, y

    @property
    def steps(self) -> int:
        return len(self.x)

    @property
    def y(self) -> np.ndarray:
        return self.values["y"]


def _sigmoid(v: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * v))  # stable for large |v|


def run(cfg: LectureConfig = LectureConfig()) -> LectureTrace:
    """Step the hand-made LSTM through ``cfg.sequence`` from c = 0. Raises ``SequenceError`` on bad text."""
    cfg = clamp(cfg)
    x = parse(cfg.sequence)
    s = cfg.sharpness
    c = 0.0
    out: dict[str, list[float]] = {k: [] for k in ROWS}
    for x1, x2, x3 in x:
        z, zi, zf, zo = x1, s * x2 - s / 10, s * x2 + s / 10, s * x3 - s / 10
        i, f, o = (float(_sigmoid(np.float64(v))) for v in (zi, zf, zo))
        c = z * i + c * f  # g = identity
        y = c * o  # h = identity
        for k, v in zip(ROWS, (x1, x2, x3, z, i, f, o, c, y)):
            out[k].append(float(v))
    return LectureTrace(cfg, x, {k: np.array(v) for k, v in out.items()})


@dataclass(frozen=True)
class StepperFacts:
    """What the stepper's sentences state about a run."""
    outputs: str  # the outputs y at every step, short: "0, 0, 0, 0, 0, 7, 0, 0, 6"
    closed: float  # what a closed gate still lets through: f(−s/10)
    kept: float  # what the forget gate keeps without a write or a reset: f(s/10)
    lecture: bool  # the lecture's sequence and sharpness, so the lecture's outputs


def _short(v: float) -> str:
    return f"{v:.2f}".rstrip("0").rstrip(".").replace("-0", "0")


def facts(trace: LectureTrace) -> StepperFacts:
    s = trace.config.sharpness
    return StepperFacts(", ".join(_short(v) for v in trace.y), float(_sigmoid(np.float64(-s / 10))),
                        float(_sigmoid(np.float64(s / 10))), trace.config == LectureConfig())
