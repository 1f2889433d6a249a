"""What the backpropagation page shows: the part picked (only that part is computed and drawn)."""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice

PARTS = ("step", "cost", "vanishing")  # the page's parts


@dataclass(frozen=True)
class BackpropView:
    part: str = choice("step", PARTS, widget="radio")  # the part of the page shown (only it is computed)
