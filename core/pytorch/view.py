"""What the PyTorch-basics page shows: the part picked (only that part is computed and drawn), and the replay's
frames of the script part: one per section, the training loop one per epoch."""
from __future__ import annotations

from dataclasses import dataclass

from core.params import choice
from core.pytorch.template import SECTIONS

PARTS = ("script", "shapes", "autograd", "data", "bugs")  # the page's parts, the default first


@dataclass(frozen=True)
class PytorchView:
    part: str = choice("script", PARTS, widget="radio")  # the part of the page shown (only it is computed)


def frames(epochs: int) -> list[tuple[str, int]]:
    """The replay's frames: (section, epochs done) — the sections before the loop, then the loop once per epoch,
    then evaluation and save/load."""
    i = SECTIONS.index("loop")
    return ([(s, 0) for s in SECTIONS[:i]] + [("loop", e) for e in range(1, epochs + 1)]
            + [(s, epochs) for s in SECTIONS[i + 1:]])
