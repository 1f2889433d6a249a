"""What the softmax page shows below its lab: the part picked (only that part is computed and drawn)."""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice

PARTS = ("gaps", "surface", "classify", "pitfall")  # softmax against y/Σy, MSE against cross-entropy, the live
# classifier, the PyTorch pitfall


@dataclass(frozen=True)
class SoftmaxView:
    """Which part of the page is shown below the softmax lab; no result depends on it."""
    part: str = choice("surface", PARTS, widget="segmented")  # the part shown (only it is computed)
