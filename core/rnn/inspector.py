"""Cell inspector: the race's trained LSTM run by hand (core.rnn.cells.lstm_trace, equal to nn.LSTM) over
one held-out sequence, so its gates, memory and hidden state can be drawn unit by unit, step by step."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.rnn.cells import Weights, lstm_trace
from core.rnn.race import SYMBOLS, RaceResult

QUANTITIES = ("input_gate", "forget_gate", "output_gate", "c", "h")  # what the inspector draws: a row group each
SHOWN_UNITS = 4  # units drawn: the ones whose memory moves most over the sequence


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


def token_names(ids) -> list[str]:
    return [chr(ord("A") + int(i)) if i < SYMBOLS else "·" for i in ids]


def inspect(r: RaceResult, sample: int = 0) -> Inspection:
    """The LSTM of race ``r`` on held-out sequence ``sample`` (taken modulo the test set)."""
    sd = r.weights["LSTM"]
    w = Weights(sd["rnn.weight_ih_l0"], sd["rnn.weight_hh_l0"], sd["rnn.bias_ih_l0"], sd["rnn.bias_hh_l0"])
    k = int(sample) % len(r.test_y)
    x = r.test_x[k:k + 1]  # (1, T, V)
    with torch.no_grad():
        tr = lstm_trace(x, w)  # each (1, T, H)
        logits = tr["h"][:, -1] @ sd["head.weight"].T + sd["head.bias"]  # (1, SYMBOLS)
    c = tr["c"][0].T.numpy()  # (H, T)
    units = np.sort(np.argsort(-np.abs(c).max(1))[:SHOWN_UNITS])
    values = {p: tr[p][0].T.numpy()[units] for p in QUANTITIES}
    ids = x[0].argmax(-1).tolist()
    forget = float(values["forget_gate"][:, 1:].mean())
    return Inspection(token_names(ids), token_names([int(r.test_y[k])])[0], token_names([int(logits.argmax())])[0],
                      units, values, forget, r.config.gap, forget ** r.config.gap)
