"""The 2-D surfaces of the critical-points page, and their derivatives.

Five losses of two coordinates: the lecture's one-neuron network ``(1 − w1·w2)²``, x² − y², a monkey
saddle, Rosenbrock, and a slice through the loss of a small network trained on real data (two of its
weights varied, the others kept at their trained values). Gradients and Hessians come from autograd:
batched double backward for many points, ``torch.autograd.functional.hessian`` for one.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch

from core.critical.network import DT, net_data, slice_net, unpack

SURFACES = ("one-neuron network", "x² − y²", "monkey saddle", "Rosenbrock", "network slice")
LO, HI = -2.0, 2.0  # the view: both coordinates in [LO, HI]

Surface = Callable[[torch.Tensor], torch.Tensor]  # (..., 2) -> (...)


def _one_neuron(p: torch.Tensor) -> torch.Tensor:
    return (1.0 - p[..., 0] * p[..., 1]).square()  # ŷ = w1·w2·x on the pair (x=1, y=1)


def _saddle(p: torch.Tensor) -> torch.Tensor:
    return p[..., 0].square() - p[..., 1].square()


def _monkey(p: torch.Tensor) -> torch.Tensor:
    return p[..., 0] ** 3 - 3.0 * p[..., 0] * p[..., 1].square()


def _rosenbrock(p: torch.Tensor) -> torch.Tensor:
    return (1.0 - p[..., 0]).square() + 100.0 * (p[..., 1] - p[..., 0].square()).square()


_ANALYTIC = {"one-neuron network": _one_neuron, "x² − y²": _saddle, "monkey saddle": _monkey, "Rosenbrock": _rosenbrock}

AXES = {"one-neuron network": ("w1", "w2"), "x² − y²": ("x", "y"), "monkey saddle": ("x", "y"), "Rosenbrock": ("x", "y"),
        "network slice": ("input weight on bmi", "output weight")}
FORMULAS = {
    "one-neuron network": r"L(w_1, w_2) = (1 - w_1 w_2)^2",
    "x² − y²": r"L(x, y) = x^2 - y^2",
    "monkey saddle": r"L(x, y) = x^3 - 3xy^2",
    "Rosenbrock": r"L(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
    "network slice": r"L(a, b) = \tfrac{1}{N}\sum_n \big(\hat y_n(\theta^*\ \text{with}\ w_{k,\mathrm{bmi}}=a,\ v_k=b) - y_n\big)^2",
}


def surface_fn(name: str, seed: int = 0) -> Surface:
    """The loss of a named surface as a function of a point, batched: (..., 2) -> (...)."""
    if name in _ANALYTIC:
        return _ANALYTIC[name]
    if name != "network slice":
        raise ValueError(f"unknown surface {name!r}; choose one of {SURFACES}")
    net = slice_net(int(seed))
    X, y, _ = net_data()
    W1, b1, w2, b2 = unpack(net.theta, X.shape[1], net.hidden)
    k, col = net.unit, net.i - net.unit * X.shape[1]
    a = torch.tanh(X @ W1.T + b1)  # (N, H) the trained network's hidden units
    rest = a @ w2 - a[:, k] * w2[k] + b2  # (N,) the output without unit k
    z = X @ W1[k] + b1[k] - X[:, col] * W1[k, col]  # (N,) unit k's input without the bmi term
    xb = X[:, col]  # (N,)

    def f(p: torch.Tensor) -> torch.Tensor:
        # the same network with unit k's bmi weight set to p[..., 0] and its output weight to p[..., 1]
        pred = rest + p[..., 1:2] * torch.tanh(p[..., 0:1] * xb + z)  # (..., N)
        return (pred - y).square().mean(-1)

    f.cost = len(y)  # elements per point: evaluate(f) keeps each op under torch's parallel grain
    return f


def analytic_grad_hess(name: str, x: float, y: float) -> tuple[np.ndarray, np.ndarray]:
    """The gradient and Hessian worked out by hand, for the four analytic surfaces (tests use them)."""
    if name == "one-neuron network":
        r = 1 - x * y
        return np.array([-2 * r * y, -2 * r * x]), np.array([[2 * y * y, 4 * x * y - 2], [4 * x * y - 2, 2 * x * x]])
    if name == "x² − y²":
        return np.array([2 * x, -2 * y]), np.array([[2.0, 0.0], [0.0, -2.0]])
    if name == "monkey saddle":
        return np.array([3 * x * x - 3 * y * y, -6 * x * y]), np.array([[6 * x, -6 * y], [-6 * y, -6 * x]])
    if name == "Rosenbrock":
        return (np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]),
                np.array([[2 - 400 * (y - x * x) + 800 * x * x, -400 * x], [-400 * x, 200.0]]))
    raise ValueError(f"no analytic Hessian for {name!r}")


PARALLEL_GRAIN = 16384  # elements per op; torch splits bigger ops across threads


def _rows(f: Surface) -> int:
    """Points per chunk for ``f``. With several intra-op threads (a notebook; the app runs one, see
    ``core.device.configure_threads``), ops over ~32k elements are split across threads, and on a busy
    2-core machine each such op waits for a descheduled thread (measured: 17 ms instead of 0.7 ms for a
    (16, 442, 8) tanh and its backward); chunks of fewer elements run on one thread, no waiting."""
    if torch.get_num_threads() == 1:
        return 1 << 62
    return max(1, PARALLEL_GRAIN // int(getattr(f, "cost", 1)))


def evaluate(f: Surface, P: torch.Tensor) -> torch.Tensor:
    """f at many points (..., 2) -> (...), in chunks that stay under the parallel grain."""
    flat = P.reshape(-1, 2)  # (M, 2)
    k = _rows(f)
    with torch.no_grad():
        out = torch.cat([f(flat[i:i + k]) for i in range(0, len(flat), k)]) if len(flat) else flat[:, 0]
    return out.reshape(P.shape[:-1])


def grad_hess(f: Surface, P: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Value (N,), gradient (N, 2) and Hessian (N, 2, 2) at N points at once (the points are
    independent, so derivatives of the summed loss give each point's own)."""
    k = _rows(f)
    if len(P) > k:
        parts = [grad_hess(f, P[i:i + k]) for i in range(0, len(P), k)]
        return tuple(torch.cat(t) for t in zip(*parts))  # type: ignore[return-value]
    P = P.detach().to(DT).requires_grad_(True)  # (N, 2)
    v = f(P)  # (N,)
    (g,) = torch.autograd.grad(v.sum(), P, create_graph=True)  # (N, 2)
    rows = [torch.autograd.grad(g[:, k].sum(), P, retain_graph=True)[0] for k in range(2)]  # 2 x (N, 2)
    H = torch.stack(rows, 1)  # (N, 2, 2)
    return v.detach(), g.detach(), H.detach()


def hessian_at(f: Surface, x: float, y: float) -> torch.Tensor:
    """The Hessian at one point with PyTorch's own ``torch.autograd.functional.hessian``: (2, 2)."""
    return torch.autograd.functional.hessian(f, torch.tensor([x, y], dtype=DT))

