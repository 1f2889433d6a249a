"""Cell inspector: the race's trained LSTM run by hand (core.rnn.cells.lstm_trace, equal to nn.LSTM) over
one held-out sequence, so its gates, memory and hidden state can be drawn unit by unit, step by step; and the
facts the inspector's note states about what the drawing shows (``facts``, with its thresholds).

Measured on the page's default race (10 seeds, every held-out sequence the page offers): the trained LSTM does
not write its memory once and then hold it. In the units whose memory moves most, |c| starts near 0.1 at step
1 and grows at about nine steps in ten, to 7-15 at the last step, while the forget gate stays near 0.97; the
first symbol decides the sign each unit's memory grows to, and tanh(c) of so large a c is ±1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.rnn.cells import Weights, lstm_trace
from core.rnn.race import SYMBOLS, RaceResult

QUANTITIES = ("input_gate", "forget_gate", "output_gate", "c", "h")  # what the inspector draws: a row group each
SHOWN_UNITS = 4  # units drawn: the ones whose memory moves most over the sequence
PATTERNS = ("grows", "held", "drifts")  # what the drawn memory does after step 1 (``facts``)
GROWS = 10.0  # "grows": |c| at the last step is at least this many times |c| at step 1 (drawn units, mean)...
GROWING = 0.8  # ...and |c| grows at at least this share of the steps (drawn units, steps 2..T+1)
HELD = 0.1  # "held": after step 1 no drawn unit's c moves by more than this share of its largest size
SIGN_SET = 0.95  # "the symbol sets the sign": this share of held-out sequences end with their symbol's sign
SATURATED = 3.0  # every drawn unit ends with |c| at least this: tanh(c) is ±1 to within 0.005


@dataclass
class Inspection:
    tokens: list[str]  # (T,) the symbols of the sequence: "A".."D" to recall, "·" distractors
    answer: str  # the first symbol
    guess: str  # the LSTM's answer
    units: np.ndarray  # (U,) the units drawn (indices into the hidden layer)
    values: dict[str, np.ndarray]  # QUANTITIES -> (U, T)
    mean_forget: float  # forget gate averaged over the drawn units and the steps after the first
    gap: int  # T: the distractors the memory must be carried across
    kept: float  # mean_forget ** gap: what a forget gate that stays at its mean keeps over the gap
    sign_agree: float  # drawn units, all held-out sequences: share whose last c has the sign of its symbol's majority
    sequences: int  # held-out sequences ``sign_agree`` is measured on


def token_names(ids) -> list[str]:
    return [chr(ord("A") + int(i)) if i < SYMBOLS else "·" for i in ids]


def inspect(r: RaceResult, sample: int = 0) -> Inspection:
    """The LSTM of race ``r`` on held-out sequence ``sample`` (taken modulo the test set)."""
    sd = r.weights["LSTM"]
    w = Weights(sd["rnn.weight_ih_l0"], sd["rnn.weight_hh_l0"], sd["rnn.bias_ih_l0"], sd["rnn.bias_hh_l0"])
    k = int(sample) % len(r.test_y)
    with torch.no_grad():
        tr = lstm_trace(r.test_x, w)  # each (N, T, H): every held-out sequence (the sign facts need them all)
        logits = tr["h"][k, -1] @ sd["head.weight"].T + sd["head.bias"]  # (SYMBOLS,)
    c = tr["c"][k].T.numpy()  # (H, T)
    units = np.sort(np.argsort(-np.abs(c).max(1))[:SHOWN_UNITS])
    values = {p: tr[p][k].T.numpy()[units] for p in QUANTITIES}
    ids = r.test_x[k].argmax(-1).tolist()
    forget = float(values["forget_gate"][:, 1:].mean())
    return Inspection(token_names(ids), token_names([int(r.test_y[k])])[0], token_names([int(logits.argmax())])[0],
                      units, values, forget, r.config.gap, forget ** r.config.gap,
                      _sign_agree(tr["c"][:, -1, units].numpy(), r.test_y.numpy()), len(r.test_y))


def _sign_agree(last: np.ndarray, symbol: np.ndarray) -> float:
    """``last`` (N, U) memory at the last step, ``symbol`` (N,): the share of (sequence, unit) pairs whose sign is
    the sign most sequences with the same first symbol end with in that unit."""
    signs = np.sign(last)  # (N, U)
    agree = 0
    for s in np.unique(symbol):
        rows = signs[symbol == s]  # (n_s, U)
        major = np.where(rows.sum(0) >= 0, 1.0, -1.0)  # (U,)
        agree += int((rows == major).sum())
    return agree / signs.size


@dataclass(frozen=True)
class InspectFacts:
    """What the inspector's note states about the drawing (the drawn units' memory c)."""
    pattern: str  # PATTERNS: "grows" (GROWS, GROWING), "held" (HELD), else "drifts"
    first: float  # mean |c| at step 1
    last: float  # mean |c| at the last step
    growing: float  # share of the steps after the first at which |c| grew
    moved: float  # the largest move of c after step 1, as a share of its unit's largest |c|
    sign_set: bool  # the first symbol sets the sign of the last c (SIGN_SET)
    saturated: bool  # every drawn unit ends with |c| >= SATURATED


def facts(ins: Inspection) -> InspectFacts:
    c = ins.values["c"].astype(float)  # (U, T)
    size = np.abs(c)
    first, last = float(size[:, 0].mean()), float(size[:, -1].mean())
    growing = float((np.diff(size, axis=1) > 0).mean())
    moved = float((np.abs(c - c[:, :1]).max(1) / np.maximum(size.max(1), 1e-9)).max())
    if last >= GROWS * max(first, 1e-9) and growing >= GROWING:
        pattern = "grows"
    elif moved <= HELD:
        pattern = "held"
    else:
        pattern = "drifts"
    return InspectFacts(pattern, first, last, growing, moved, ins.sign_agree >= SIGN_SET,
                        bool(size[:, -1].min() >= SATURATED))
