"""Part ``step``: backpropagation by hand on a network small enough to read, neuron by neuron.

The network: 2 inputs (nodes 1 and 2, a₁ = x1, a₂ = x2), one or two hidden layers of 2-3 neurons (sigmoid or
ReLU), one linear output ŷ; one example with its target y; the loss L = (ŷ − y)² (PyTorch's MSE on one
example). Nodes are numbered layer by layer from 1, so w₃₅ is the weight from node 3 to node 5.

Forward pass, for each neuron j in order: z_j = Σ_i w_ij a_i + b_j, a_j = σ(z_j) (the output: a = z).
Backward pass, from the output back: ∂L/∂z_out = 2(ŷ − y); for a hidden neuron
∂L/∂z_j = σ′(z_j) · Σ_k w_jk ∂L/∂z_k (the chain rule over every path out of j); for each weight into j,
∂L/∂w_ij = ∂z_j/∂w_ij · ∂L/∂z_j = a_i · ∂L/∂z_j, and ∂L/∂b_j = ∂L/∂z_j.

Everything is float64. ``autograd`` computes the same gradients with PyTorch's autograd (``.grad``), on the
same weights, for the page's side-by-side table and the tests (equal to 1e-10).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from core import rng
from core.params import choice, clamp, num

ACTIVATIONS = ("sigmoid", "relu")
HIDDEN = ("2", "3", "2-2", "2-3", "3-2", "3-3")  # hidden layers' widths
SCALES = (0.5, 1.0, 2.0, 4.0, 8.0)  # the weights' standard deviation
DECIMALS = 2  # weights are drawn, then rounded to this many decimals: the numbers shown are the ones used
SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class StepConfig:
    activation: str = choice("sigmoid", ACTIVATIONS, widget="radio")  # the hidden neurons' activation σ
    hidden: str = choice("2-2", HIDDEN, widget="radio")  # widths of the hidden layers ("2-2": two layers of 2)
    x1: float = num(1.0, -3.0, 3.0, step=0.1)  # the example's first input
    x2: float = num(-0.5, -3.0, 3.0, step=0.1)  # the example's second input
    y: float = num(1.0, -3.0, 3.0, step=0.1)  # the example's target
    scale: float = choice(1.0, SCALES, widget="select_slider")  # weights drawn from N(0, scale²)
    b3: float = num(0.0, -6.0, 6.0, step=0.5)  # bias of node 3 (the first hidden neuron); every other bias is 0
    seed: int = num(0, 0, 1_000_000, widget="number")  # the weights


def sub(i: int | str) -> str:
    """A node number as subscript digits: sub(35) = '₃₅'."""
    return str(i).translate(SUB)


def sizes_of(hidden: str) -> tuple[int, ...]:
    return (2, *(int(h) for h in hidden.split("-")), 1)


def nodes_of(sizes: tuple[int, ...]) -> list[list[int]]:
    """The node numbers of each layer: (2, 2, 1) -> [[1, 2], [3, 4], [5]]."""
    out, k = [], 1
    for n in sizes:
        out.append(list(range(k, k + n)))
        k += n
    return out


def act(kind: str, z: float) -> float:
    if kind == "relu":
        return z if z > 0 else 0.0
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def slope(kind: str, z: float) -> float:
    """σ′(z): a(1 − a) for the sigmoid (at most 1/4), 1 or 0 for ReLU (0 at z = 0, as PyTorch takes it)."""
    if kind == "relu":
        return 1.0 if z > 0 else 0.0
    a = act(kind, z)
    return a * (1.0 - a)


@dataclass
class Net:
    """The weights: ``w[(i, j)]`` from node i to node j, ``b[j]`` the bias of node j (floats)."""
    sizes: tuple[int, ...]
    layers: list[list[int]]  # node numbers per layer
    w: dict[tuple[int, int], float]
    b: dict[int, float]

    def incoming(self, j: int) -> list[int]:
        lj = self.layer_of(j)
        return self.layers[lj - 1] if lj > 0 else []

    def outgoing(self, j: int) -> list[int]:
        lj = self.layer_of(j)
        return self.layers[lj + 1] if lj + 1 < len(self.layers) else []

    def layer_of(self, j: int) -> int:
        return next(l for l, ns in enumerate(self.layers) if j in ns)

    @property
    def output(self) -> int:
        return self.layers[-1][0]

    @property
    def neurons(self) -> list[int]:
        return [j for ns in self.layers[1:] for j in ns]


def make_net(cfg: StepConfig) -> Net:
    """Weights from N(0, scale²) rounded to DECIMALS; biases 0 except b₃ (the config's)."""
    cfg = clamp(cfg)
    sizes = sizes_of(cfg.hidden)
    layers = nodes_of(sizes)
    g = rng.generator(cfg.seed, "backprop.step_weights")
    w = {}
    for lo, hi in zip(layers[:-1], layers[1:]):
        draw = torch.randn(len(lo), len(hi), generator=g, dtype=torch.float64) * cfg.scale  # (n_in, n_out)
        for a, i in enumerate(lo):
            for c, j in enumerate(hi):
                w[(i, j)] = round(float(draw[a, c]), DECIMALS) + 0.0  # + 0.0: no "-0.00"
    b = {j: 0.0 for ns in layers[1:] for j in ns}
    b[layers[1][0]] = float(cfg.b3)
    return Net(sizes, layers, w, b)


@dataclass
class Pass:
    """One forward and backward pass by hand: every z, a, ∂L/∂z, ∂L/∂w, ∂L/∂b (floats, float64)."""
    z: dict[int, float]
    a: dict[int, float]
    yhat: float
    loss: float
    dz: dict[int, float]
    dw: dict[tuple[int, int], float]
    db: dict[int, float]


def by_hand(net: Net, kind: str, x: tuple[float, float], y: float) -> Pass:
    """The forward pass neuron by neuron, then the backward pass from the output back (the chain rule)."""
    a = {1: float(x[0]), 2: float(x[1])}
    z: dict[int, float] = {}
    out = net.output
    for j in net.neurons:  # forward, layer by layer
        z[j] = sum(net.w[(i, j)] * a[i] for i in net.incoming(j)) + net.b[j]
        a[j] = z[j] if j == out else act(kind, z[j])
    yhat = a[out]
    loss = (yhat - y) ** 2
    dz = {out: 2.0 * (yhat - y)}
    for j in reversed(net.neurons[:-1]):  # backward: every path out of j, times σ′(z_j)
        dz[j] = slope(kind, z[j]) * sum(net.w[(j, k)] * dz[k] for k in net.outgoing(j))
    dw = {(i, j): a[i] * dz[j] for (i, j) in net.w}  # ∂z_j/∂w_ij = a_i
    db = dict(dz)
    return Pass(z, a, yhat, loss, dz, dw, db)


def autograd(net: Net, kind: str, x: tuple[float, float], y: float) -> tuple[dict, dict, float]:
    """The same gradients by PyTorch's autograd on the same weights: ({(i, j): .grad}, {j: .grad}, loss)."""
    f = torch.sigmoid if kind == "sigmoid" else torch.relu
    ws, bs = [], []
    for lo, hi in zip(net.layers[:-1], net.layers[1:]):
        ws.append(torch.tensor([[net.w[(i, j)] for j in hi] for i in lo], dtype=torch.float64,
                               requires_grad=True))  # (n_in, n_out)
        bs.append(torch.tensor([net.b[j] for j in hi], dtype=torch.float64, requires_grad=True))  # (n_out,)
    h = torch.tensor([x], dtype=torch.float64)  # (1, 2)
    for l, (w, b) in enumerate(zip(ws, bs)):
        h = h @ w + b  # (1, n_out)
        if l < len(ws) - 1:
            h = f(h)
    loss = torch.nn.functional.mse_loss(h[:, 0], torch.tensor([y], dtype=torch.float64))
    loss.backward()
    gw, gb = {}, {}
    for lo, hi, w, b in zip(net.layers[:-1], net.layers[1:], ws, bs):
        for c, j in enumerate(hi):
            gb[j] = float(b.grad[c])
            for r, i in enumerate(lo):
                gw[(i, j)] = float(w.grad[r, c])
    return gw, gb, float(loss.detach())
