"""The same network at every step (part ``unrolled``): the slot tagger's trained Elman network (core/rnn/slots.py)
unrolled over one sentence, as the course notes draw it ("三次为同一个network"): T copies of one cell side by side,
each with the SAME W_x, W_h and b, the hidden layer h_t of one step handed to the next.

``unroll`` runs the hand-written ``elman_cell`` (equal to ``nn.RNN`` on the same weights, tested) word by word
with one ``Weights`` object for every step, and keeps what each step used, so the drawing shows the weights
each step really computed with. ``facts`` decides what the page states: at the city, "arrive Taipei" and
"leave Taipei" give the cell the same word and the same weights; only h_{t-1} differs, and whether h_t at the
city differs by at least DIFFER (the Elman tagger can then tag the two cities differently).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.rnn.cells import Weights, elman_cell, recurrent_params
from core.rnn.slots import TAGS, WORDS, SlotResult, encode, example

PAIR = ("arrive Taipei", "leave Taipei")  # the two sentences the facts compare: the same city, the verb before it
DIFFER = 0.5  # "h_t at the city differs": the largest unit of |h_arrive − h_leave| at the city is at least this


@dataclass
class Unrolled:
    """One sentence through the Elman cell, step by step."""
    words: list[str]  # (T,) the sentence
    tags: list[str]  # (T,) the Elman tagger's tag for each word
    used: list[Weights]  # (T,) the weights step t computed with: one object, the same at every step
    h: np.ndarray  # (T, H) the hidden layer after each step (h_0 = 0 before the first word)
    params: int  # parameters of the cell: one copy, whatever T


def run(w: Weights, x: torch.Tensor) -> tuple[torch.Tensor, list[Weights]]:
    """The Elman cell over x (B, T, V) from h_0 = 0 with the same weights at every step: (B, T, H) and the
    weights each step used."""
    h = x.new_zeros(x.shape[0], w.weight_hh.shape[0])  # (B, H)
    out, used = [], []
    for t in range(x.shape[1]):
        h = elman_cell(x[:, t], h, w)
        out.append(h)
        used.append(w)
    return torch.stack(out, dim=1), used


def unroll(s: SlotResult, name: str) -> Unrolled:
    """The trained Elman tagger of ``s`` over the example sentence ``name`` (core.rnn.slots.EXAMPLES)."""
    words = example(name)[0]
    x = encode([words])  # (1, T, V) one-hot words
    if s.vectors is not None:  # learned word vectors: the Elman tagger's own, looked up
        x = torch.from_numpy(s.vectors["Elman"])[[WORDS.index(w) for w in words]][None]  # (1, T, EMBED)
    with torch.no_grad():
        h, used = run(s.elman, x)
    probs = s.examples[name][1]  # (L, tags): the Elman tagger (MODELS[1])
    tags = [TAGS[int(k)] for k in probs.argmax(-1)]
    d_in, hidden = s.elman.weight_ih.shape[1], s.elman.weight_hh.shape[0]
    return Unrolled(words, tags, used, h[0].numpy(), recurrent_params("RNN", d_in, hidden))


@dataclass(frozen=True)
class UnrolledFacts:
    city_step: int  # the city's step (1-based) in both sentences of PAIR
    differ: float  # largest unit of |h_arrive − h_leave| at the city
    differs: bool  # differ >= DIFFER
    tags: tuple[str, str]  # the Elman tagger's tag for the city in the two sentences


def facts(s: SlotResult) -> UnrolledFacts:
    a, b = (unroll(s, name) for name in PAIR)
    t = a.words.index("Taipei")
    d = float(np.abs(a.h[t] - b.h[t]).max())
    return UnrolledFacts(t + 1, d, d >= DIFFER, (a.tags[t], b.tags[t]))
