"""Recurrent cells written out by hand, so a page can show what happens inside them.

Each function takes PyTorch's own weight layout (``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh`` of
``nn.RNNCell`` / ``nn.LSTMCell`` / ``nn.GRUCell``) and gives the same numbers as that module (tested), plus
the gates the module keeps to itself. Weights may carry leading batch dimensions (models stacked: ``weight_ih``
(M, G*H, D), biases (M, 1, G*H), x (M, B, D)), so M models of one kind run as one computation (core/rnn/overfit.py).
The lecture's LSTM (``c′ = g(z)·f(z_i) + c·f(z_f)``,
``a = h(c′)·f(z_o)``) is ``lstm_cell`` with g = h = tanh, PyTorch's choice; the hand-made LSTM of the
lecture uses g = h = identity (core/rnn/lecture.py).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

KINDS = ("RNN", "LSTM", "GRU")  # the three recurrent layers of the page (Keras: SimpleRNN, LSTM, GRU)
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}  # weight blocks per layer: an LSTM has 4 inputs (z, z_i, z_f, z_o)


def recurrent_params(kind: str, d_in: int, hidden: int) -> int:
    """Parameters of one recurrent layer (PyTorch's layout: two bias vectors per block)."""
    return GATES[kind] * (hidden * d_in + hidden * hidden + 2 * hidden)


@dataclass
class Weights:
    """One cell's weights in PyTorch's layout; blocks stacked along dim 0 (LSTM: i, f, g, o; GRU: r, z, n)."""
    weight_ih: torch.Tensor  # (G*H, D)
    weight_hh: torch.Tensor  # (G*H, H)
    bias_ih: torch.Tensor  # (G*H,)
    bias_hh: torch.Tensor  # (G*H,)

    @classmethod
    def of(cls, module: torch.nn.Module, layer: int = 0, suffix: str = "") -> "Weights":
        """From an ``nn.*Cell`` or layer ``layer`` of an ``nn.RNN/LSTM/GRU`` (``suffix="_reverse"``: its
        backward direction)."""
        if isinstance(module, torch.nn.RNNCellBase):
            return cls(module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh)
        g = lambda n: getattr(module, f"{n}_l{layer}{suffix}")  # noqa: E731
        return cls(g("weight_ih"), g("weight_hh"), g("bias_ih"), g("bias_hh"))


def elman_cell(x: torch.Tensor, h: torch.Tensor, w: Weights) -> torch.Tensor:
    """Elman step: h′ = tanh(W_ih x + b_ih + W_hh h + b_hh). x (B, D), h (B, H) -> (B, H)."""
    return torch.tanh(x @ w.weight_ih.mT + w.bias_ih + h @ w.weight_hh.mT + w.bias_hh)


@dataclass
class LstmStep:
    """Everything of one LSTM step, each (B, H)."""
    z: torch.Tensor  # the input to memory, g(z) = tanh(z)
    input_gate: torch.Tensor  # f(z_i)
    forget_gate: torch.Tensor  # f(z_f)
    output_gate: torch.Tensor  # f(z_o)
    c: torch.Tensor  # memory after the step, c′
    h: torch.Tensor  # output a = h(c′)·f(z_o)


def lstm_cell(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, w: Weights) -> LstmStep:
    """One LSTM step with its gates. x (B, D), h and c (B, H)."""
    zi, zf, z, zo = (x @ w.weight_ih.mT + w.bias_ih + h @ w.weight_hh.mT + w.bias_hh).chunk(4, dim=-1)  # 4 x (B, H)
    i, f, o = torch.sigmoid(zi), torch.sigmoid(zf), torch.sigmoid(zo)
    c2 = torch.tanh(z) * i + c * f
    return LstmStep(z, i, f, o, c2, torch.tanh(c2) * o)


@dataclass
class GruStep:
    """Everything of one GRU step, each (B, H). The page writes the update gate u (PyTorch's z, which the lecture's
    LSTM already uses for the value offered to memory): r = f(W_r x + U_r h), u = f(W_u x + U_u h),
    n = tanh(W_n x + r·(U_n h)), h′ = (1 − u)·n + u·h."""
    reset_gate: torch.Tensor  # r (B, H)
    update_gate: torch.Tensor  # u (B, H): share of the old state kept
    candidate: torch.Tensor  # n (B, H)
    h: torch.Tensor  # h′ = (1 − u)·n + u·h


def gru_cell(x: torch.Tensor, h: torch.Tensor, w: Weights) -> GruStep:
    """One GRU step with its two gates, as ``nn.GRUCell``. x (B, D), h (B, H)."""
    ir, iz, inn = (x @ w.weight_ih.mT + w.bias_ih).chunk(3, dim=-1)  # 3 x (B, H)
    hr, hz, hn = (h @ w.weight_hh.mT + w.bias_hh).chunk(3, dim=-1)
    r, z = torch.sigmoid(ir + hr), torch.sigmoid(iz + hz)
    n = torch.tanh(inn + r * hn)
    return GruStep(r, z, n, (1 - z) * n + z * h)


def lstm_trace(x: torch.Tensor, w: Weights) -> dict[str, torch.Tensor]:
    """An LSTM run over x (B, T, D) from zero state: every gate, memory and output, each (B, T, H)."""
    b, t_len = x.shape[:2]
    hid = w.weight_hh.shape[1]
    h = c = x.new_zeros(b, hid)  # (B, H)
    keep: dict[str, list[torch.Tensor]] = {k: [] for k in ("z", "input_gate", "forget_gate", "output_gate", "c", "h")}
    for t in range(t_len):
        s = lstm_cell(x[:, t], h, c, w)
        h, c = s.h, s.c
        for k in keep:
            keep[k].append(getattr(s, k))
    return {k: torch.stack(v, dim=1) for k, v in keep.items()}
