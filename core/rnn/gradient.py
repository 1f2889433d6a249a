"""Vanishing gradient: how much the last output of a recurrent layer still depends on inputs far back.

For each layer (simple RNN, LSTM, GRU; PyTorch's modules, freshly initialised as in the race) the
gradient of the last hidden state's sum with respect to the input at each earlier step, ‖∂h_T/∂x_t‖, is
averaged over a batch of random sequences and drawn against the distance T − t. One backward per layer.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core import rng
from core.params import choice, clamp, num
from core.rnn.cells import KINDS
from core.rnn.race import GATE_BIASES, Net, sequences

LENGTHS = (20, 30, 40, 60, 80)
BATCH = 64  # random sequences the gradient is averaged over
FAR = 20  # the distance the claim compares at
CLAIM_BIASES = (1.0, 3.0)  # gate biases the claim is made for (every length T)
RNN_KEEPS = 1e-2  # FAR steps back the simple RNN keeps less than this share of its gradient...
LSTM_TIMES = 10  # ...and at least this many times less than the LSTM (seeds 0-19, bias +1: 45 to 19,000)


@dataclass(frozen=True)
class GradConfig:
    length: int = choice(40, LENGTHS, widget="select_slider")  # T: steps back from the last output
    gate_bias: float = choice(1.0, GATE_BIASES, widget="radio")  # added to the LSTM's forget and GRU's update gate bias
    seed: int = num(0, 0, 1_000_000, widget="number")  # the initial weights and the sequences


@dataclass
class GradResult:
    config: GradConfig
    distance: np.ndarray  # (T,) 0 = the last step
    grad: dict[str, np.ndarray]  # kind -> (T,) mean ‖∂h_T/∂x_t‖ at each distance

    def ratio(self, kind: str, far: int = FAR) -> float:
        """The gradient at distance ``far`` relative to the gradient at distance 0."""
        g = self.grad[kind]
        return float(g[min(far, len(g) - 1)] / max(g[0], 1e-30))

    def per_step(self, kind: str, far: int = FAR) -> float:
        """The average factor the gradient is multiplied by per step back, over the first ``far`` steps."""
        return float(self.ratio(kind, far) ** (1.0 / min(far, len(self.grad[kind]) - 1)))


def gradients(cfg: GradConfig = GradConfig(), kinds=KINDS) -> GradResult:
    """‖∂h_T/∂x_t‖ against distance for the layers ``kinds`` (the page: all three) at initialisation. Pure function
    of ``cfg``: a layer's numbers do not depend on which other layers are computed."""
    cfg = clamp(cfg)
    x, _ = sequences(BATCH, cfg.length - 1, rng.generator(cfg.seed, "rnn.gradient_data"))  # (B, T, V)
    out = {}
    for kind in kinds:
        net = Net(kind, rng.generator(cfg.seed, f"rnn.gradient_init:{kind}"), cfg.gate_bias)
        xi = x.clone().requires_grad_(True)
        h, _ = net.rnn(xi)  # (B, T, H)
        (g,) = torch.autograd.grad(h[:, -1].sum(), xi)  # (B, T, V)
        norms = g.norm(dim=-1).mean(0).numpy()[::-1].copy()  # (T,) from distance 0 back
        out[kind] = np.maximum(norms, 1e-30)
    return GradResult(cfg, np.arange(cfg.length), out)


@dataclass(frozen=True)
class GradFacts:
    """The numbers behind the gradient's sentences for one run."""
    far: int  # the distance compared at: FAR, or the longest there is
    per_step: dict[str, float]  # kind -> average factor per step back over the first ``far`` steps
    ratio: dict[str, float]  # kind -> share of the last step's gradient left ``far`` steps back
    bias0: bool  # PyTorch's default gate biases: the LSTM's memory (and the GRU's state) halves every step


def facts(g: GradResult) -> GradFacts:
    far = min(FAR, g.config.length - 1)
    return GradFacts(far, {k: g.per_step(k, far) for k in g.grad}, {k: g.ratio(k, far) for k in g.grad},
                     g.config.gate_bias == 0)


def ratios_on_seeds(cfg: GradConfig, seeds, kinds=("RNN", "LSTM")) -> dict[str, np.ndarray]:
    """``ratio`` of each layer of ``kinds`` (those the claim compares) on each seed: kind -> (S,)."""
    res = [gradients(GradConfig(cfg.length, cfg.gate_bias, int(s)), kinds) for s in seeds]
    return {k: np.array([r.ratio(k) for r in res]) for k in kinds}


def claim_holds(ratios: dict[str, np.ndarray]) -> dict[str, bool]:
    """The claim on many seeds (``ratios_on_seeds``): FAR steps back the simple RNN keeps under RNN_KEEPS of
    its gradient on every seed, and at least LSTM_TIMES times less than the LSTM."""
    return {"rnn_vanishes": bool((ratios["RNN"] < RNN_KEEPS).all()),
            "lstm_keeps": bool((ratios["LSTM"] >= LSTM_TIMES * ratios["RNN"]).all())}
