"""What the race part states as fact, decided here for the page and for the tests on many seeds alike.

The page adds its placement's sentence only where that sentence holds on the run shown:
- "unseen" (test digits at positions no training digit had): the CNN ahead of the fully connected network
  by more than ``MARGIN``, and the fully connected network near chance (under ``NEAR_CHANCE``);
- "random" (digits anywhere): the CNN ahead by more than ``MARGIN``;
- "centred" (the 8×8 digits as shipped): the two within ``CLOSE`` of each other.
The tests check on ``SEEDS_CHECKED`` seeds that each sentence holds on every one, and also that the CNN does recognise
digits at unseen positions (over ``RECOGNISES``) and that both networks learn centred digits (over
``BOTH_LEARN``).
"""
from __future__ import annotations

from dataclasses import dataclass

from core.convolution.race import RaceResult

MARGIN = 0.30  # "unseen", "random": the CNN's test accuracy above the fully connected network's by more
NEAR_CHANCE = 0.30  # "unseen": the fully connected network's test accuracy below this (chance is 10 %)
CLOSE = 0.07  # "centred": the two test accuracies within this of each other
RECOGNISES = 0.50  # "unseen": the CNN's test accuracy above this
BOTH_LEARN = 0.85  # "centred": both test accuracies above this
SEEDS_CHECKED = 10  # the tests check each sentence on seeds 0 .. SEEDS_CHECKED - 1, as the sentences say
SAID = {"close": round(CLOSE * 100), "margin": round(MARGIN * 100), "seeds": SEEDS_CHECKED}  # as the text writes them


@dataclass(frozen=True)
class RaceFacts:
    placement: str
    cnn: float  # the CNN's final test accuracy
    fc: float  # the fully connected network's
    holds: dict[str, bool]  # "ahead", "near_chance", "recognises", "close", "both_learn" on this run
    note: str | None  # the placement whose sentence the page adds (None: it does not hold on this run)


def facts(placement: str, cnn: float, fc: float) -> RaceFacts:
    """The race's claims for one run: final test accuracies ``cnn`` and ``fc`` on ``placement``."""
    cnn, fc = float(cnn), float(fc)
    holds = {"ahead": cnn > fc + MARGIN, "near_chance": fc < NEAR_CHANCE, "recognises": cnn > RECOGNISES,
             "close": abs(cnn - fc) < CLOSE, "both_learn": min(cnn, fc) > BOTH_LEARN}
    said = {"unseen": holds["ahead"] and holds["near_chance"], "random": holds["ahead"], "centred": holds["close"]}
    return RaceFacts(placement, cnn, fc, holds, placement if said.get(placement, False) else None)


def race_facts(res: RaceResult, m: int = 0) -> RaceFacts:
    """``facts`` of seed m of a run (the page shows seed 0; the tests read every seed)."""
    return facts(res.config.placement, res.accuracy[m, 0], res.accuracy[m, 1])


def every_seed(res: RaceResult) -> list[RaceFacts]:
    """``facts`` of each seed of a batched run."""
    return [race_facts(res, m) for m in range(res.accuracy.shape[0])]
