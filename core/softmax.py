"""Softmax and cross-entropy: the lab (logits in, probabilities, loss and gradient out) and the lecture's
picture of why classification uses cross-entropy rather than mean squared error after softmax.

The lecture (classification as regression with a one-hot target ŷ): the logits y go through softmax,
y'_i = exp(y_i) / Σ_j exp(y_j), which makes them positive, sum to 1 and widens the gaps between them; the
loss is the cross-entropy e = −Σ_i ŷ_i ln y'_i, whose gradient with respect to the logits is y' − ŷ.
With two classes softmax is a sigmoid of the difference: y'_1 = σ(y_1 − y_2). A temperature T divides
the logits first (T = 1 is the lecture's softmax); the gradient then is (y' − ŷ) / T.

Far from the target, mean squared error after softmax is flat (its gradient has a factor y'(1 − y')),
so gradient descent stalls where cross-entropy still has a slope: ``surface`` runs both from one start.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import train
from core.params import choice, clamp, num

TEMPERATURES = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0)
LOSSES = ("cross-entropy", "MSE")  # raw names; pages translate them


# ---------------------------------------------------------------- the formulas, written out

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
    """Σ_i (y'_i − ŷ_i)²: mean squared error after softmax (summed over classes). z: (..., C)."""
    onehot = F.one_hot(target, z.shape[-1]).to(z.dtype)  # (..., C)
    return (softmax(z) - onehot).square().sum(dim=-1)


# ---------------------------------------------------------------- the softmax lab

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


# ---------------------------------------------------------------- MSE against cross-entropy

BAD_LRS = (0.1, 0.3, 1.0, 3.0)
STEPS = (25, 50, 100, 200)
EXTENT = 10.0  # the surfaces are drawn over y1, y2 in [−EXTENT, EXTENT]


@dataclass(frozen=True)
class SurfaceConfig:
    y1: float = num(-6.0, -EXTENT, EXTENT, step=0.5)  # start: logit of class 1 (the true class)
    y2: float = num(6.0, -EXTENT, EXTENT, step=0.5)  # start: logit of class 2
    lr: float = choice(1.0, BAD_LRS, widget="select_slider")  # learning rate of plain gradient descent
    steps: int = choice(50, STEPS, widget="select_slider")  # updates (the same for both losses)


@dataclass
class SurfaceResult:
    config: SurfaceConfig
    grid: pd.DataFrame  # DataFrame y1, y2, cross-entropy, MSE: both error surfaces (class 1 is the true class)
    path: np.ndarray  # (steps + 1, 2, 2): [step, loss (0 CE, 1 MSE), (y1, y2)]
    loss: np.ndarray  # (steps + 1, 2) each loss along its own path
    grad_norm: np.ndarray  # (steps + 1, 2) |∇| at each point of each path

    def moved(self) -> np.ndarray:
        """(2,) how far each path went from the start."""
        return np.linalg.norm(self.path[-1] - self.path[0], axis=-1)

    def stalled(self) -> bool:
        """MSE kept almost all its loss (within 1 %) while cross-entropy lost most of its own (over 90 %)."""
        ce0, mse0 = self.loss[0]
        ce1, mse1 = self.loss[-1]
        return bool(mse1 > 0.99 * mse0 and ce1 < 0.1 * ce0)


def _both_losses(y: torch.Tensor) -> torch.Tensor:
    """y: (2, 2) logits of the CE model and the MSE model -> (2,) their losses, class 1 true."""
    k = torch.zeros(2, dtype=torch.long)
    return torch.stack([F.cross_entropy(y[:1], k[:1]), mse_softmax(y[1:], k[1:])[0]])


def surface_grid(n: int = 41) -> pd.DataFrame:
    a = torch.linspace(-EXTENT, EXTENT, n, dtype=torch.float64)
    y1, y2 = torch.meshgrid(a, a, indexing="xy")  # (n, n)
    z = torch.stack([y1.reshape(-1), y2.reshape(-1)], dim=-1)  # (n², 2)
    k = torch.zeros(len(z), dtype=torch.long)
    return pd.DataFrame({"y1": z[:, 0].numpy(), "y2": z[:, 1].numpy(),
                         "cross-entropy": cross_entropy(z, k).numpy(), "MSE": mse_softmax(z, k).numpy()})


def surface(cfg: SurfaceConfig = SurfaceConfig()) -> SurfaceResult:
    """Plain gradient descent (torch.optim.SGD) on the two logits from the same start, once on each loss."""
    cfg = clamp(cfg)
    y = torch.tensor([[cfg.y1, cfg.y2]] * 2, dtype=torch.float64, requires_grad=True)  # (2 losses, 2 logits)
    opt = torch.optim.SGD([y], lr=cfg.lr)
    path, norms, losses = [y.detach().clone()], [], []

    def step(i: int) -> torch.Tensor:
        ls = _both_losses(y)
        opt.zero_grad(set_to_none=True)
        ls.sum().backward()
        norms.append(y.grad.norm(dim=-1).detach().clone())
        losses.append(ls.detach())
        opt.step()
        path.append(y.detach().clone())
        return ls.detach()

    train.run(step, cfg.steps, blowup=math.inf)
    with torch.enable_grad():
        yl = y.detach().clone().requires_grad_(True)
        last = _both_losses(yl)
        last.sum().backward()
    losses.append(last.detach())
    norms.append(yl.grad.norm(dim=-1))
    return SurfaceResult(cfg, surface_grid(), torch.stack(path).numpy(), torch.stack(losses).numpy(),
                         torch.stack(norms).numpy())
