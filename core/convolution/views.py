"""What the convolution page draws, settings that choose a view and compute nothing new: which part of the
page, and which test digit the race, draw and resize parts look at (and how far it is moved); the resize part's
own view (the size the digit is drawn at) is ``resize.ResizeView``."""
from __future__ import annotations

from dataclasses import dataclass

from core.convolution.digits import N_TEST
from core.convolution.probe import MAX_MOVE
from core.params import choice, num

PARTS = ("race", "filter", "pool", "field", "depth", "go", "draw", "resize")  # the page's parts, the first the default


@dataclass(frozen=True)
class ConvView:
    part: str = choice("race", PARTS, widget="radio")  # which part the page draws (only that one is computed)


@dataclass(frozen=True)
class DrawView:
    pick: int = num(0, 0, N_TEST - 1)  # which test digit the draw part (and the race's feature maps) show
    move: int = num(0, -MAX_MOVE, MAX_MOVE)  # pixels the draw part moves that digit sideways (negative: to the left)
