"""The small real network of the critical-points page: diabetes progression from 10 measurements.

A ``10 -> H tanh -> 1`` network written on one flat parameter vector, so that M networks train as one
batched computation and their full Hessians come from one vmapped ``torch.func.hessian``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import torch

from core import data, rng, train

DT = torch.float64  # 2-D surfaces and tiny networks: double precision keeps eigenvalues clean


@lru_cache(maxsize=1)
def net_data() -> tuple[torch.Tensor, torch.Tensor, tuple[str, ...]]:
    """The networks' training data: ``core.data.diabetes`` (442 patients, 10 measurements, the disease
    score a year later), every column and the target standardised: X (N, D), y (N,), the feature names."""
    Xs, ys, names = data.diabetes(scaled=True)
    X = torch.tensor(Xs, dtype=DT)  # (N, D)
    y = torch.tensor(ys, dtype=DT)  # (N,)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    return X, y, names


def n_params(d: int, hidden: int) -> int:
    """Parameters of a D -> H tanh -> 1 network: W1 (H, D), b1 (H,), w2 (H,), b2 (1,)."""
    return hidden * d + 2 * hidden + 1


def unpack(theta: torch.Tensor, d: int, hidden: int):
    """Flat parameters (..., P) -> W1 (..., H, D), b1 (..., H), w2 (..., H), b2 (...)."""
    h = hidden
    W1 = theta[..., : h * d].reshape(*theta.shape[:-1], h, d)  # (..., H, D)
    b1 = theta[..., h * d: h * d + h]  # (..., H)
    w2 = theta[..., h * d + h: h * d + 2 * h]  # (..., H)
    b2 = theta[..., h * d + 2 * h]  # (...)
    return W1, b1, w2, b2


def net_loss(theta: torch.Tensor, X: torch.Tensor, y: torch.Tensor, hidden: int) -> torch.Tensor:
    """Mean squared error of ``ŷ = w2ᵀ tanh(W1 x + b1) + b2``, batched over any leading dims of theta.

    theta: (..., P), X: (N, D), y: (N,) -> (...). Equals ``nn.Sequential(Linear, Tanh, Linear)`` with
    ``nn.MSELoss`` on the same weights (tested).
    """
    W1, b1, w2, b2 = unpack(theta, X.shape[1], hidden)
    lead = W1.shape[:-2]
    z = (X @ W1.reshape(-1, X.shape[1]).T).reshape(X.shape[0], *lead, hidden)  # (N, ..., H): one GEMM for all nets
    a = torch.tanh(z.movedim(0, -2) + b1[..., None, :])  # (..., N, H)
    pred = (a * w2[..., None, :]).sum(-1) + b2[..., None]  # (..., N)
    return (pred - y).square().mean(-1)


def init_params(m: int, d: int, hidden: int, gen: torch.Generator) -> torch.Tensor:
    """M networks initialised like ``nn.Linear`` (uniform in ±1/√fan_in): (M, P)."""
    def u(shape, fan):
        return (torch.rand(shape, generator=gen, dtype=DT) * 2 - 1) / fan ** 0.5

    return torch.cat([u((m, hidden * d), d), u((m, hidden), d), u((m, hidden), hidden), u((m, 1), hidden)], 1)


def train_nets(m: int, hidden: int, steps: int, lr: float, seed: int,
               purpose: str = "critical.nets") -> tuple[torch.Tensor, train.TrainLog]:
    """Train M networks on the diabetes data as one batched computation (full-batch Adam, a fixed
    number of steps). Returns the final parameters (M, P) and the training log (per-run losses)."""
    X, _, _ = net_data()
    return fit_nets(init_params(m, X.shape[1], hidden, rng.generator(seed, purpose)), hidden, steps, lr)


def fit_nets(theta: torch.Tensor, hidden: int, steps: int, lr: float, max_seconds: float | None = None,
             **opt_kw) -> tuple[torch.Tensor, train.TrainLog]:
    """Full-batch Adam from the given weights theta (M, P), every network one batched computation (each
    network's update is its own: Adam works element by element). ``max_seconds``: ``train.run``'s wall-time
    guard (None: ``train.GUARD_SECONDS``). Returns the final parameters and the log."""
    X, y, _ = net_data()
    theta = theta.detach().clone().requires_grad_(True)  # (M, P)
    opt = torch.optim.Adam([theta], lr=lr, **opt_kw)

    def step(i: int) -> torch.Tensor:
        return train.batched_step(opt, net_loss(theta, X, y, hidden))  # (M,) one loss per run

    log = train.run(step, steps, stop_on="all", max_seconds=max_seconds)
    return theta.detach(), log


def net_grads(theta: torch.Tensor, hidden: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Each network's training loss (M,) and gradient (M, P) at theta (M, P)."""
    X, y, _ = net_data()
    t = theta.detach().clone().requires_grad_(True)
    loss = net_loss(t, X, y, hidden)  # (M,)
    (g,) = torch.autograd.grad(loss.sum(), t)  # (M, P): the runs share nothing, so each gets its own
    return loss.detach(), g


def net_hessians(theta: torch.Tensor, hidden: int) -> torch.Tensor:
    """Full Hessian of each network's training loss: theta (M, P) -> (M, P, P), one vmapped
    ``torch.func.hessian`` pass (the reference; ``net_hessians_fast`` is what the experiment uses)."""
    X, y, _ = net_data()

    def f(t: torch.Tensor) -> torch.Tensor:
        return net_loss(t, X, y, hidden)

    return torch.func.vmap(torch.func.hessian(f), chunk_size=8)(theta)  # 8 runs at a time bounds the memory


def _unit_index(d: int, hidden: int) -> torch.Tensor:
    """(H, D + 2): flat positions of unit k's own weights [W1[k, :], b1[k], w2[k]]."""
    k = torch.arange(hidden)[:, None]
    return torch.cat([k * d + torch.arange(d), hidden * d + k, hidden * d + hidden + k], 1)


def net_hessians_fast(theta: torch.Tensor, hidden: int) -> torch.Tensor:
    """The same Hessians written out (tested against ``net_hessians``), about 30x faster: for the mean
    squared error, ``H = (2/N) Σ_n (J_nᵀ J_n + r_n ∇²ŷ_n)``, with J_n = ∂ŷ_n/∂θ and r_n = ŷ_n − y_n; ∇²ŷ_n
    only couples the weights of one hidden unit. theta (M, P) -> (M, P, P)."""
    X, y, _ = net_data()
    N, D = X.shape
    W1, b1, w2, b2 = unpack(theta, D, hidden)  # (M, H, D), (M, H), (M, H), (M,)
    s = torch.tanh(torch.einsum("nd,mhd->mnh", X, W1) + b1[:, None, :])  # (M, N, H)
    ds = 1 - s * s  # tanh'
    dds = -2 * s * ds  # tanh''
    r = (s * w2[:, None, :]).sum(-1) + b2[:, None] - y  # (M, N) residuals
    a = ds * w2[:, None, :]  # (M, N, H) ∂ŷ/∂z_k
    Xt = torch.cat([X, torch.ones(N, 1, dtype=X.dtype)], 1)  # (N, D+1) inputs with the bias's 1
    M = theta.shape[0]
    J = torch.cat([(a[..., None] * X[None, :, None, :]).reshape(M, N, hidden * D), a, s,
                   torch.ones(M, N, 1, dtype=theta.dtype)], 2)  # (M, N, P) in the flat layout
    Hs = J.transpose(1, 2) @ J  # (M, P, P) the Gauss-Newton part
    c = r[..., None] * dds * w2[:, None, :]  # (M, N, H) r_n · w2_k · tanh''(z_k)
    B = torch.zeros(M, hidden, D + 2, D + 2, dtype=theta.dtype)  # per unit: [W1[k], b1[k], w2[k]]
    B[:, :, :D + 1, :D + 1] = torch.einsum("mnh,ni,nj->mhij", c, Xt, Xt)
    cross = torch.einsum("mnh,ni->mhi", r[..., None] * ds, Xt)  # (M, H, D+1) r_n · tanh'(z_k) · x̃
    B[:, :, :D + 1, D + 1] = cross
    B[:, :, D + 1, :D + 1] = cross
    idx = _unit_index(D, hidden)  # (H, D+2)
    Hs[:, idx[:, :, None], idx[:, None, :]] += B
    return 2.0 / N * Hs


@dataclass(frozen=True)
class SliceNet:
    theta: torch.Tensor  # (P,) trained weights of the network the slice goes through
    hidden: int
    i: int  # flat index of the first sliced weight: unit k's input weight on "bmi"
    j: int  # flat index of the second: unit k's output weight
    unit: int  # k: the hidden unit whose two weights are varied
    loss: float  # training loss at the trained weights


SLICE_HIDDEN = 4  # hidden units of the sliced network
SLICE_STEPS = 300  # Adam steps that train it


@lru_cache(maxsize=16)
def slice_net(seed: int) -> SliceNet:
    """A 10 -> 4 -> 1 tanh network trained on the diabetes data; the slice varies two weights of its
    most used hidden unit: the input weight on body-mass index and the output weight."""
    X, y, names = net_data()
    theta, _ = train_nets(1, SLICE_HIDDEN, SLICE_STEPS, 0.05, seed, purpose="critical.slice")
    theta = theta[0]  # (P,)
    _, _, w2, _ = unpack(theta, X.shape[1], SLICE_HIDDEN)
    k = int(w2.abs().argmax())
    i = k * X.shape[1] + names.index("bmi")
    j = SLICE_HIDDEN * X.shape[1] + SLICE_HIDDEN + k
    return SliceNet(theta, SLICE_HIDDEN, i, j, k, float(net_loss(theta, X, y, SLICE_HIDDEN)))

