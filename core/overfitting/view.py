"""What the overfitting page draws: settings that choose a part or a curve, never a training."""
from __future__ import annotations

from dataclasses import dataclass

from core.overfitting.cures import CURES
from core.params import choice

PARTS = ("cures", "guide", "depth", "bound", "box", "augment")  # the page's parts, in the picker's order (the default first)


@dataclass(frozen=True)
class OverfitView:
    part: str = choice("cures", PARTS, widget="radio")  # the part of the page shown (only it is computed)
    cure: str = choice("early stopping", CURES, widget="selectbox")  # the cure drawn against no cure
    choose_on: str = choice("validation", ("validation", "test"), widget="radio")  # box: the set that chooses
