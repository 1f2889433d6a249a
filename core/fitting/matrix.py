"""The lecture's matrix form of a trained fit, y = b + cᵀσ(b + W x): one input x pushed through the trained
weights of one model, every vector kept (part "matrix" of the fitting page).

σ is the activation function (激活函数): the sigmoid for the sigmoid model, max(0, ·) for the ReLU model. With
more layers, a⁽ˡ⁾ = σ(b⁽ˡ⁾ + W⁽ˡ⁾ a⁽ˡ⁻¹⁾) and y = b + cᵀ a⁽ᴸ⁾. Computed by hand in float64 from the weights in
``nn.Sequential`` layout (FitResult.weights); a test compares it with the trained model's own forward.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.fitting.config import NAMES
from core.fitting.result import FitResult

SATURATED_R = 4.0  # a sigmoid with |r| above this is saturated: its output within 0.02 of 0 or 1 (σ(4) = 0.982)


@dataclass(frozen=True)
class MatrixForm:
    model: str  # "sigmoid" or "ReLU" (NAMES)
    x: float  # the input
    W: list[np.ndarray]  # per layer l: (K, fan_in) W⁽ˡ⁾ (fan_in 1 for the first layer)
    b: list[np.ndarray]  # per layer: (K,) b⁽ˡ⁾
    r: list[np.ndarray]  # per layer: (K,) r⁽ˡ⁾ = b⁽ˡ⁾ + W⁽ˡ⁾ a⁽ˡ⁻¹⁾ (a⁽⁰⁾ = x)
    a: list[np.ndarray]  # per layer: (K,) a⁽ˡ⁾ = σ(r⁽ˡ⁾)
    c: np.ndarray  # (K,) output weights
    b_out: float  # the constant b
    terms: np.ndarray  # (K,) c_i a_i of the last layer
    y: float  # b + cᵀ a⁽ᴸ⁾

    @property
    def depth(self) -> int:
        return len(self.W)

    @property
    def units(self) -> int:
        return len(self.c)


def activation(model: str, r: np.ndarray) -> np.ndarray:
    """The activation function of ``model``: the sigmoid, or the ReLU max(0, r)."""
    return 1.0 / (1.0 + np.exp(-r)) if model == "sigmoid" else np.maximum(0.0, r)


def matrix_form(weights: dict, model: str, x: float) -> MatrixForm:
    """``x`` through one model's weights (``nn.Sequential`` layout: "0.weight" (K, 1), "0.bias" (K,), ...,
    "<2L>.weight" (1, K), "<2L>.bias" (1,)), every vector kept."""
    if model not in NAMES:
        raise ValueError(f"model must be one of {NAMES}")
    w = {k: v.detach().double().cpu().numpy() for k, v in weights.items()}
    depth = (len(w) - 2) // 2
    a = np.array([float(x)])  # (1,) a⁽⁰⁾ = x
    Ws, bs, rs, acts = [], [], [], []
    for l in range(depth):
        W, b = w[f"{2 * l}.weight"], w[f"{2 * l}.bias"]  # (K, fan_in), (K,)
        r = b + W @ a  # (K,)
        a = activation(model, r)  # (K,)
        Ws.append(W), bs.append(b), rs.append(r), acts.append(a)
    c, b_out = w[f"{2 * depth}.weight"][0], float(w[f"{2 * depth}.bias"][0])  # (K,), scalar
    terms = c * a  # (K,)
    return MatrixForm(model, float(x), Ws, bs, rs, acts, c, b_out, terms, b_out + float(c @ a))


def matrix_of(result: FitResult, model: str, x: float) -> MatrixForm:
    """The matrix form of ``model``'s trained weights in ``result`` (a finished run: its weights are kept)."""
    if not result.weights:
        raise ValueError("this run kept no weights (it diverged or is still running)")
    return matrix_form(result.weights[NAMES.index(model)], model, float(np.clip(x, -1.0, 1.0)))


def torch_forward(weights: dict, model: str, x: float) -> float:
    """The same weights as PyTorch's own ``nn.Sequential`` (nn.Linear, nn.Sigmoid or nn.ReLU), at ``x``: what the
    page shows beside the matrix form's y."""
    depth = (len(weights) - 2) // 2
    k = weights["0.bias"].shape[0]
    act = torch.nn.Sigmoid if model == "sigmoid" else torch.nn.ReLU
    seq = torch.nn.Sequential(*[m for l in range(depth) for m in (torch.nn.Linear(1 if l == 0 else k, k), act())],
                              torch.nn.Linear(k, 1))
    seq.load_state_dict(weights)
    with torch.no_grad():
        return float(seq(torch.tensor([[float(x)]], dtype=weights["0.weight"].dtype))[0, 0])


@dataclass(frozen=True)
class MatrixFacts:
    on: int  # last-layer units passing something on: ReLU r_i > 0; sigmoids: not saturated (|r_i| ≤ SATURATED_R)
    off: int  # the others: ReLUs at 0 (they add nothing to y), saturated sigmoids (near 0 or 1)
    top: int  # 1-based unit with the largest |c_i a_i|
    top_term: float  # its c_i a_i


def matrix_facts(m: MatrixForm) -> MatrixFacts:
    """What the part states about one x: how many last-layer units pass a changing signal on, and the largest term."""
    r = m.r[-1]
    on = int((r > 0).sum()) if m.model == "ReLU" else int((np.abs(r) <= SATURATED_R).sum())
    top = int(np.argmax(np.abs(m.terms)))
    return MatrixFacts(on, m.units - on, top + 1, float(m.terms[top]))
