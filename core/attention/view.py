"""What the self-attention page shows below its calculator: the part picked (only it is computed and drawn)."""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice

PARTS = ("steps", "heads", "position", "masks", "cnn", "train", "rnn", "images", "parallel")  # in the lecture's order
CALCULATOR_PARTS = PARTS[:5]  # the parts drawn from the calculator's sentence (the others train their own models)
WINDOW_PARTS = ("masks", "cnn")  # parts that use the window width w whatever the mask


@dataclass(frozen=True)
class AttentionView:
    """Which part of the lecture the page shows below the calculator."""
    part: str = choice("steps", PARTS, widget="segmented")  # only the chosen part is computed and drawn
