"""What the page draws: which part. (Each part's own view settings sit beside its compute: ``WeakView``,
``WarpConfig``, ``LearnedView``.)"""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice

PARTS = ("train", "weakness", "warp", "learned")  # the page's parts, the first the default


@dataclass(frozen=True)
class SpatialView:
    part: str = choice("train", PARTS, widget="radio")  # which part the page draws (only that one is computed)
