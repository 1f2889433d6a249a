"""What the RNN page shows: the part picked and the settings that only choose what to draw."""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice, flag, num
from core.rnn.slots import EXAMPLES

PARTS = ("stepper", "inspector", "race", "gradient", "variants", "unrolled", "overfit")  # the page's parts; only the chosen one is computed


@dataclass(frozen=True)
class RnnView:
    """What the page shows; no result depends on it except through the part it picks."""
    part: str = choice("stepper", PARTS, widget="radio")  # the part of the page shown (only it is computed)
    sample: int = num(0, 0, 15)  # the held-out sequence the inspector runs the trained LSTM over
    longer: bool = flag(False)  # run the longer race: every gap T at this budget, with live progress
    example: str = choice("arrive Taipei", EXAMPLES, widget="radio")  # the sentence the taggers are shown on
