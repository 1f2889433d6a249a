"""RNN and LSTM gates: what the page draws, and the public API of its parts in one place.

The page has five parts ("labs"); only the chosen one is computed and drawn, so a view costs one part:

- ``stepper``: the lecture's hand-made LSTM (core.rnn_lecture), stepped through time. No training.
- ``inspector``: the race's trained LSTM, its gates over one held-out sequence (core.rnn_inspect).
- ``race``: simple RNN, LSTM and GRU recalling a symbol across a gap of T (core.rnn_race).
- ``gradient``: ‖∂h_T/∂x_t‖ against distance at initialisation (core.rnn_gradient).
- ``variants``: slot filling with feed-forward, Elman, Jordan and bidirectional taggers (core.rnn_slots).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice, flag, num
from core.rnn_gradient import GradConfig, GradResult, gradients  # noqa: F401
from core.rnn_inspect import PARTS, Inspection, inspect  # noqa: F401
from core.rnn_lecture import LECTURE_OUTPUTS, LectureConfig, LectureTrace, SequenceError, run  # noqa: F401
from core.rnn_race import RaceConfig, RaceResult, race, sweep  # noqa: F401
from core.rnn_slots import EXAMPLES, SlotConfig, SlotResult, tag  # noqa: F401

LABS = ("stepper", "inspector", "race", "gradient", "variants")

# What the claim tests (tests/test_rnn.py) check on ten seeds, read by the page's text.
CLAIM_GAP = 30  # T of the race's default
CLAIM_UPDATES = 200  # updates of the race's default
CLAIM_BIAS = 3.0  # forget-gate bias of the race's default
CLAIM_SEEDS = 10
CLAIM_LSTM_SOLVED = 9  # the LSTM reached SOLVED (90%) on at least this many of the seeds
CLAIM_RNN_SOLVED = 2  # the simple RNN on at most this many


@dataclass(frozen=True)
class RnnView:
    """What the page shows; no result depends on it except through the part it picks."""
    lab: str = choice("stepper", LABS, widget="radio")  # the part of the page shown (only it is computed)
    sample: int = num(0, 0, 15)  # the held-out sequence the inspector runs the trained LSTM over
    longer: bool = flag(False)  # run the longer race: every gap T at this budget, with live progress
    example: str = choice("arrive Taipei", EXAMPLES, widget="radio")  # the sentence the taggers are shown on
