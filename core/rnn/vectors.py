"""Words as vectors (part ``variants`` with ``inputs="embedding"``): each tagger of core/rnn/slots.py learns its own
word vectors (``nn.Embedding``, EMBED = 2 numbers a word, drawn as they are) instead of reading one-hot vectors.

``facts`` decides what the page states about the drawn taggers (SHOWN): whether the four cities point the same
way, and the three days too (the smallest cosine between two words of one kind at least SAME_KIND), and how far
apart ``arrive`` and ``leave`` lie, measured in the mean length of the tagger's word vectors. Checked on 10 seeds
in both arithmetic modes (tests/test_rnn.py): the cities and the days lie together for both taggers, and the
feed-forward tagger, for which both verbs are just "other", keeps ``arrive`` and ``leave`` within TOGETHER. Where
the Elman tagger puts the two verbs depends on the run (most runs far apart, since it needs the verb to tag the
city; another summation order left them close on some seeds), so the page says it of this run only.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.rnn.slots import CITIES, DAYS, VERBS, WORDS, SlotResult

SHOWN = ("feed-forward", "Elman")  # the taggers whose word vectors the page draws and states facts about
KINDS = {w: "city" if w in CITIES else "day" if w in DAYS else "verb" if w in VERBS else "other" for w in WORDS}
SAME_KIND = 0.8  # "point the same way": every two cities (and every two days) have a cosine of at least this
TOGETHER = 0.6  # "together": |arrive − leave| at most this many mean word-vector lengths
APART = 1.0  # "far apart" (this run only): |arrive − leave| at least this many mean word-vector lengths


def _min_cos(v: np.ndarray, group) -> float:
    u = v[[WORDS.index(w) for w in group]]  # (k, EMBED)
    u = u / np.linalg.norm(u, axis=1, keepdims=True)
    c = u @ u.T
    return float(c[np.triu_indices(len(group), 1)].min())


@dataclass(frozen=True)
class VectorFacts:
    cities: dict[str, float]  # tagger -> smallest cosine between two cities' vectors
    days: dict[str, float]  # tagger -> smallest cosine between two days' vectors
    verbs: dict[str, float]  # tagger -> |arrive − leave| / mean length of its word vectors
    same_kind: dict[str, bool]  # tagger -> cities and days each point the same way (>= SAME_KIND)
    verbs_at: dict[str, str]  # tagger -> "together" (<= TOGETHER), "apart" (>= APART) or "between"


def facts(s: SlotResult) -> VectorFacts | None:
    """What the page states about the learned word vectors of ``s``; None for one-hot inputs."""
    if s.vectors is None:
        return None
    cities, days, verbs = {}, {}, {}
    for m in SHOWN:
        v = s.vectors[m]  # (V, EMBED)
        cities[m], days[m] = _min_cos(v, CITIES), _min_cos(v, DAYS)
        verbs[m] = float(np.linalg.norm(v[WORDS.index("arrive")] - v[WORDS.index("leave")])
                         / np.linalg.norm(v, axis=1).mean())
    same = {m: min(cities[m], days[m]) >= SAME_KIND for m in SHOWN}
    at = {m: "together" if d <= TOGETHER else "apart" if d >= APART else "between" for m, d in verbs.items()}
    return VectorFacts(cities, days, verbs, same, at)


def claim_holds(f: VectorFacts) -> dict[str, bool]:
    """The page's claim on one run: both taggers keep the cities and the days together; the feed-forward tagger
    keeps arrive and leave together."""
    return {"same_kind": all(f.same_kind.values()), "ff_verbs_together": f.verbs_at["feed-forward"] == "together"}
