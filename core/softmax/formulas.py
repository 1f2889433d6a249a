"""The lecture's formulas, written out: softmax (with a temperature), cross-entropy, its gradient with respect
to the logits, and mean squared error after softmax (tests compare each with PyTorch)."""
from __future__ import annotations

import torch
import torch.nn.functional as F

LOSSES = ("cross-entropy", "MSE")  # raw names; pages translate them


def softmax(z: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """y' = exp(z/T) / Σ exp(z/T) over the last axis (shifted by the max: no overflow). z: (..., C)."""
    s = z / temperature
    e = torch.exp(s - s.max(dim=-1, keepdim=True).values)
    return e / e.sum(dim=-1, keepdim=True)


def cross_entropy(z: torch.Tensor, target: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """−ln y'_k for logits z (..., C) and class indices target (...): −Σ ŷ_i ln y'_i with a one-hot ŷ."""
    s = z / temperature
    log_p = s - s.max(dim=-1, keepdim=True).values
    log_p = log_p - torch.log(torch.exp(log_p).sum(dim=-1, keepdim=True))
    return -log_p.gather(-1, target[..., None])[..., 0]


def ce_gradient(z: torch.Tensor, target: torch.Tensor, temperature: float = 1.0) -> torch.Tensor:
    """∂e/∂z = (y' − ŷ) / T, by hand: (..., C)."""
    onehot = F.one_hot(target, z.shape[-1]).to(z.dtype)  # (..., C)
    return (softmax(z, temperature) - onehot) / temperature


def mse_softmax(z: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(1/C) Σ_i (y'_i − ŷ_i)²: mean squared error after softmax (the mean over the C classes). z: (..., C)."""
    onehot = F.one_hot(target, z.shape[-1]).to(z.dtype)  # (..., C)
    return (softmax(z) - onehot).square().mean(dim=-1)
