"""Part ``vanishing``: how much gradient each layer of a deep stack gets, sigmoid against ReLU.

Two stacks of ``depth`` hidden layers of ``width`` neurons, then one linear output, at initialisation (each with
its usual init: Xavier/Glorot for the sigmoid, N(0, 1/width); He/Kaiming for ReLU, N(0, 2/width); biases 0), on
a batch of random examples with random targets (MSE). The backward pass multiplies ∂L/∂z by Wᵀ and by σ′(z) at
every layer on its way down; σ′ ≤ 1/4 for the sigmoid, so the sigmoid stack's gradient shrinks layer after
layer, while ReLU′ is 1 on the active half.

The size drawn for layer l: the gradient one example gives its weights, ‖∂L/∂W_l‖ = ‖a_{l−1}‖·‖∂L/∂z_l‖ (an outer
product), averaged over the batch. (Summed over a batch the gradients of examples partly cancel, by chance more
in one layer than another; one example's is the quantity the chain rule makes.)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import rng
from core.params import choice, clamp, num

BATCH = 64  # examples the per-example gradient sizes are averaged over
WIDTHS = (16, 32, 64)
SEEDS_SHOWN = (1, 5, 10)  # runs drawn (seeds seed, seed+1, ...)
QUARTER = 0.25  # σ′(z) = σ(z)(1 − σ(z)) ≤ 1/4, at z = 0
CLAIM_SEEDS = 10  # the claim is checked on this many seeds (tests: seeds 0-9, every width and depth)
DEEP = 6  # the claim is made from this depth on
SIGMOID_MAX = 1e-2  # at depth ≥ DEEP the sigmoid stack's first layer gets under this share of the output layer's
RELU_MIN = 2e-2  # at every depth the ReLU stack's first layer gets more than this share of the output layer's
# measured on seeds 0-29, every width and depth: sigmoid at depth ≥ 6 at most 7.1e-4; ReLU at least 0.08 (width 16,
# depth 16), at most 3.5


@dataclass(frozen=True)
class VanishConfig:
    depth: int = num(8, 2, 16)  # hidden layers in each stack
    width: int = choice(32, WIDTHS, widget="select_slider")  # neurons per hidden layer (and inputs)
    seeds: int = choice(5, SEEDS_SHOWN, widget="radio")  # runs drawn, seeds seed, seed + 1, ...
    seed: int = num(0, 0, 1_000_000, widget="number")  # the first run's weights and batch


@dataclass
class Stack:
    """One stack's gradient sizes: (runs, depth + 1) per layer; layer depth + 1 is the output layer."""
    grad: np.ndarray  # mean over the batch of one example's ‖∂L/∂W_l‖
    slope: np.ndarray  # (runs, depth) mean σ′(z) (ReLU: share of active neurons) per hidden layer


@dataclass
class VanishResult:
    config: VanishConfig
    stacks: dict[str, Stack]  # "sigmoid", "relu"

    def ratio(self, kind: str) -> np.ndarray:
        """(runs,) first layer's gradient size / output layer's."""
        g = self.stacks[kind].grad
        return g[:, 0] / g[:, -1]


def one_stack(kind: str, depth: int, width: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(depth + 1,) per-layer mean per-example ‖∂L/∂W_l‖ and (depth,) mean activation slope, float64."""
    g = rng.generator(seed, f"backprop.vanish:{kind}")
    x = torch.randn(BATCH, width, generator=g, dtype=torch.float64)  # (B, width)
    y = torch.randn(BATCH, generator=g, dtype=torch.float64)  # (B,)
    f = torch.sigmoid if kind == "sigmoid" else torch.relu
    gain = 1.0 if kind == "sigmoid" else 2.0
    a, ins, zs, slopes = x, [], [], []
    for layer in range(depth + 1):
        out = 1 if layer == depth else width
        var = (gain if layer < depth else 1.0) / width
        w = torch.randn(width, out, generator=g, dtype=torch.float64) * var ** 0.5  # (width, out)
        z = (a @ w).requires_grad_(True) if layer == 0 else a @ w  # (B, out)
        z.retain_grad()
        ins.append(a.detach())
        zs.append(z)
        if layer < depth:
            a = f(z)
            s = a * (1 - a) if kind == "sigmoid" else (z > 0).double()
            slopes.append(float(s.detach().mean()))
        else:
            a = z
    ((a[:, 0] - y) ** 2).sum().backward()  # one example's loss each: ∂L/∂z per example
    grad = np.array([float((i.norm(dim=1) * z.grad.norm(dim=1)).mean()) for i, z in zip(ins, zs)])
    return grad, np.array(slopes)


def stacks(cfg: VanishConfig = VanishConfig()) -> VanishResult:
    """Both stacks on ``seeds`` runs. Pure function of ``cfg``."""
    cfg = clamp(cfg)
    out = {}
    for kind in ("sigmoid", "relu"):
        runs = [one_stack(kind, cfg.depth, cfg.width, cfg.seed + k) for k in range(cfg.seeds)]
        out[kind] = Stack(np.stack([r[0] for r in runs]), np.stack([r[1] for r in runs]))
    return VanishResult(cfg, out)


@dataclass(frozen=True)
class VanishFacts:
    """The numbers behind the vanishing part's sentences (over the runs drawn)."""
    sigmoid_worst: float  # largest first/output ratio of the sigmoid stack
    relu_low: float  # smallest and largest first/output ratio of the ReLU stack
    relu_high: float
    slope_mean: float  # the sigmoid stack's σ′ averaged over its layers and runs
    slope_product: float  # the product of the sigmoid stack's per-layer mean σ′ (first run)
    deep: bool  # depth ≥ DEEP: the claim is made here


def facts(r: VanishResult) -> VanishFacts:
    s, rl = r.ratio("sigmoid"), r.ratio("relu")
    slope = r.stacks["sigmoid"].slope
    return VanishFacts(float(s.max()), float(rl.min()), float(rl.max()), float(slope.mean()),
                       float(np.prod(slope[0])), r.config.depth >= DEEP)


def claim_holds(r: VanishResult) -> dict[str, bool]:
    """The page's claim on the runs of ``r``: at depth ≥ DEEP every sigmoid run's first layer gets under
    SIGMOID_MAX of its output layer's gradient; at every depth every ReLU run's first layer more than RELU_MIN."""
    return {"sigmoid": r.config.depth < DEEP or bool((r.ratio("sigmoid") < SIGMOID_MAX).all()),
            "relu": bool((r.ratio("relu") > RELU_MIN).all())}
