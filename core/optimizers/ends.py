"""Many starts: where each racer ends from the random starts, and what the page says about it.

The random starts run in the race's own batched computation (``race.race``); ``ends_facts`` reads their ends.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.optimizers.race import RaceResult
from core.optimizers.racers import RACERS
from core.optimizers.surfaces import surface

PLAIN = RACERS[0].name  # plain gradient descent (SGD): the racer the others are compared with


@dataclass(frozen=True)
class EndsFacts:
    """The many-starts notice as data."""
    reached: dict[str, int]  # per racer: random starts it ended at a global minimum from
    best: tuple[str, ...]  # the racers with the most such starts
    top: int  # that most
    total: int  # random starts
    over: dict[str, int]  # per other racer: starts it reached the minimum from where PLAIN ended elsewhere (> 0)
    unconverged: bool  # the surface has no local minimum but its global ones: a run not at one has not converged


def ends_facts(r: RaceResult) -> EndsFacts:
    """Who ended at a global minimum from how many random starts; who got there where plain gradient descent
    did not (said only when PLAIN races and did not diverge). On a surface without other local minima (its record's
    ``local``, checked against a numerical search in the tests) a run that is not at a global minimum has not
    converged yet: there is nowhere else to stop, so the page must not say it stopped "elsewhere"."""
    n_at = {n: int(r.reached[k].sum()) for k, n in enumerate(r.racers)}
    top = max(n_at.values(), default=0)
    over: dict[str, int] = {}
    if PLAIN in r.racers and r.diverged_at(r.racers.index(PLAIN)) is None:
        g = r.reached[r.racers.index(PLAIN)]
        over = {n: int((r.reached[k] & ~g).sum()) for k, n in enumerate(r.racers) if n != PLAIN}
        over = {n: v for n, v in over.items() if v > 0}
    return EndsFacts(n_at, tuple(n for n, v in n_at.items() if v == top), top, len(r.starts), over,
                     not surface(r.config.surface).local)
