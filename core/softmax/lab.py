"""The softmax lab: logits in, probabilities, the cross-entropy and its gradient out, and the two-class case
(softmax of two logits is the sigmoid of their difference)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core.params import choice, clamp, num
from core.softmax.formulas import ce_gradient, cross_entropy, softmax

TEMPERATURES = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)


@dataclass(frozen=True)
class LabConfig:
    classes: int = choice(3, (3, 4, 5), widget="radio")  # how many logits (classes)
    z1: float = num(2.0, -6.0, 6.0, step=0.1)  # logit of class 1
    z2: float = num(1.0, -6.0, 6.0, step=0.1)  # logit of class 2
    z3: float = num(-1.0, -6.0, 6.0, step=0.1)  # logit of class 3
    z4: float = num(0.5, -6.0, 6.0, step=0.1)  # logit of class 4 (shown when classes >= 4)
    z5: float = num(-2.0, -6.0, 6.0, step=0.1)  # logit of class 5 (shown when classes = 5)
    temperature: float = choice(1.0, TEMPERATURES, widget="select_slider")  # T: softmax(z / T)
    target: int = choice(1, (1, 2, 3, 4, 5), widget="radio")  # the true class (beyond `classes`: the last)


@dataclass
class LabResult:
    config: LabConfig
    logits: np.ndarray  # (C,)
    probs: np.ndarray  # (C,) y' = softmax(z / T)
    onehot: np.ndarray  # (C,) ŷ
    gradient: np.ndarray  # (C,) ∂e/∂z = (y' − ŷ) / T
    loss: float  # e = −ln y'_k
    target: int  # 0-based true class
    pair_d: float  # z1 − z2: the two-class case
    pair_p: float  # softmax([z1, z2] / T)[0] = σ((z1 − z2) / T)

    @property
    def p_target(self) -> float:
        """y'_k: the probability of the true class."""
        return float(self.probs[self.target])


def lab(cfg: LabConfig = LabConfig()) -> LabResult:
    """Softmax, cross-entropy and its gradient for the configured logits (a few microseconds)."""
    cfg = clamp(cfg)
    z = torch.tensor([cfg.z1, cfg.z2, cfg.z3, cfg.z4, cfg.z5][: cfg.classes], dtype=torch.float64)  # (C,)
    k = torch.tensor(min(cfg.target, cfg.classes) - 1)
    p = softmax(z, cfg.temperature)
    pair = softmax(z[:2], cfg.temperature)
    return LabResult(cfg, z.numpy(), p.numpy(), F.one_hot(k, cfg.classes).double().numpy(),
                     ce_gradient(z, k, cfg.temperature).numpy(), float(cross_entropy(z, k, cfg.temperature)),
                     int(k), float(z[0] - z[1]), float(pair[0]))


def sigmoid_curve(temperature: float = 1.0, lo: float = -12.0, hi: float = 12.0, n: int = 121) -> pd.DataFrame:
    """σ(d / T) over d = z1 − z2 in [lo, hi], and softmax([d, 0] / T)[0] at every 8th point: the same curve."""
    d = torch.linspace(lo, hi, n, dtype=torch.float64)  # (n,)
    pair = softmax(torch.stack([d, torch.zeros_like(d)], dim=-1), temperature)[:, 0]  # (n,)
    return pd.DataFrame({"d": d.numpy(), "sigmoid": torch.sigmoid(d / temperature).numpy(),
                         "softmax": pair.numpy(), "on": np.arange(n) % 8 == 0})
