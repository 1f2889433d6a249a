"""Critical points: local minimum, local maximum or saddle point?

The lecture: where the gradient g is zero, training stalls. Near such a point θ' the loss is
``L(θ) ≈ L(θ') + (θ−θ')ᵀg + ½(θ−θ')ᵀH(θ−θ')``; with g = 0 the Hessian H decides: all eigenvalues
positive, a local minimum; all negative, a local maximum; mixed signs, a saddle point; an eigenvalue
near zero, the Hessian cannot decide (degenerate). At a saddle, an eigenvector u with eigenvalue
λ < 0 points downhill: ``L(θ' + u) ≈ L(θ') + ½λ‖u‖²``. Here:

- five 2-D surfaces (the lecture's one-neuron network ``(1 − w1·w2)²``, x² − y², a monkey saddle,
  Rosenbrock, and a slice through the loss of a small network trained on real data);
- the gradient, Hessian (``torch.autograd.functional.hessian``), eigenvalues and verdict at a point;
- every critical point in view, found at once by a batched Newton iteration from a grid of starts;
- escaping a saddle: plain gradient descent against one step along the negative eigenvector;
- the "minimum ratio" of many small networks trained from different seeds as one batched computation.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import rng, train
from core.export import safetensors_bytes

SURFACES = ("one-neuron network", "x² − y²", "monkey saddle", "Rosenbrock", "network slice")
LO, HI = -2.0, 2.0  # the view: both coordinates in [LO, HI]
PAD = 0.5  # gradient descent paths are clamped to the view widened by this much
DT = torch.float64  # 2-D surfaces and tiny networks: double precision keeps eigenvalues clean
EIG_TOL = 1e-4  # |λ| below EIG_TOL·max(1, max|λ|) counts as "near zero" (degenerate)
GRAD_TOL = 1e-6  # ‖g‖ below GRAD_TOL·max(1, ‖H‖) counts as a critical point

Surface = Callable[[torch.Tensor], torch.Tensor]  # (..., 2) -> (...)


# ---------- the small real network: diabetes progression from 10 measurements ----------

@lru_cache(maxsize=1)
def diabetes() -> tuple[torch.Tensor, torch.Tensor, tuple[str, ...]]:
    """scikit-learn's diabetes data (442 patients, 10 measurements, shipped offline), standardized."""
    from sklearn.datasets import load_diabetes

    d = load_diabetes()
    X = torch.tensor(d.data, dtype=DT)  # (N, D)
    y = torch.tensor(d.target, dtype=DT)  # (N,)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    return X, y, tuple(d.feature_names)


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


def train_nets(m: int, hidden: int, steps: int, lr: float, seed: int, salt: int = 11,
               max_seconds: float = 30.0) -> tuple[torch.Tensor, train.TrainLog]:
    """Train M networks on the diabetes data as one batched computation (full-batch Adam).

    Returns the final parameters (M, P) and the training log (per-run losses).
    """
    X, y, _ = diabetes()
    theta = init_params(m, X.shape[1], hidden, rng.generator(seed, salt)).requires_grad_(True)  # (M, P)
    opt = torch.optim.Adam([theta], lr=lr)

    def step(i: int) -> torch.Tensor:
        losses = net_loss(theta, X, y, hidden)  # (M,)
        opt.zero_grad(set_to_none=True)
        losses.sum().backward()  # the runs share no parameter: the sum trains each on its own loss
        opt.step()
        return losses.detach()

    log = train.run(step, steps, max_seconds=max_seconds, stop_on="all")
    return theta.detach(), log


def net_hessians(theta: torch.Tensor, hidden: int) -> torch.Tensor:
    """Full Hessian of each network's training loss: theta (M, P) -> (M, P, P), one vmapped pass."""
    X, y, _ = diabetes()

    def f(t: torch.Tensor) -> torch.Tensor:
        return net_loss(t, X, y, hidden)

    return torch.func.vmap(torch.func.hessian(f), chunk_size=8)(theta)  # 8 runs at a time bounds the memory


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
    X, y, names = diabetes()
    theta, _ = train_nets(1, SLICE_HIDDEN, SLICE_STEPS, 0.05, seed, salt=13)
    theta = theta[0]  # (P,)
    _, _, w2, _ = unpack(theta, X.shape[1], SLICE_HIDDEN)
    k = int(w2.abs().argmax())
    i = k * X.shape[1] + names.index("bmi")
    j = SLICE_HIDDEN * X.shape[1] + SLICE_HIDDEN + k
    return SliceNet(theta, SLICE_HIDDEN, i, j, k, float(net_loss(theta, X, y, SLICE_HIDDEN)))


# ---------- the surfaces ----------

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
    X, y, _ = diabetes()
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


# ---------- verdicts ----------

KINDS = ("minimum", "maximum", "saddle", "degenerate", "not critical")


def classify(eigvals: np.ndarray, gnorm: float) -> tuple[str, str]:
    """(kind, reason) from the Hessian's eigenvalues and the gradient's norm at a point."""
    lam = np.asarray(eigvals, dtype=float)
    scale = max(1.0, float(np.abs(lam).max()))
    tol = EIG_TOL * scale
    ls = ", ".join(f"{v:.3g}" for v in lam)
    if gnorm > GRAD_TOL * scale:
        shape = ("curves up in every direction" if (lam > tol).all() else "curves down in every direction"
                 if (lam < -tol).all() else "curves up one way and down the other" if (lam > tol).any() and (lam < -tol).any()
                 else "is flat in some direction")
        return "not critical", (f"‖g‖ = {gnorm:.3g} ≠ 0: the loss still falls along −g, so training does not stall here "
                                f"(the surface {shape}; λ = {ls}).")
    if (np.abs(lam) < tol).any():
        return "degenerate", (f"g = 0 but an eigenvalue is ≈ 0 (λ = {ls}): the quadratic term is flat in that direction, "
                              "so the Hessian cannot decide; higher-order terms do.")
    if (lam > 0).all():
        return "minimum", f"g = 0 and every eigenvalue is positive (λ = {ls}): vᵀHv > 0 in every direction."
    if (lam < 0).all():
        return "maximum", f"g = 0 and every eigenvalue is negative (λ = {ls}): vᵀHv < 0 in every direction."
    return "saddle", (f"g = 0 and the eigenvalues have mixed signs (λ = {ls}): up along one eigenvector, down along "
                      "the other.")


def probe(f: Surface, x: float, y: float, radius: float = 1e-2, n: int = 72) -> str:
    """Higher-order check for a degenerate point: how the true loss on a small circle compares with
    the centre. Returns "minimum", "maximum", "saddle" or "flat"."""
    ang = torch.linspace(0, 2 * np.pi, n + 1, dtype=DT)[:-1]  # (n,)
    c = torch.tensor([x, y], dtype=DT)
    ring = c + radius * torch.stack([ang.cos(), ang.sin()], 1)  # (n, 2)
    with torch.no_grad():
        d = (f(ring) - f(c)).numpy()  # (n,)
    eps = 1e-12 * max(1.0, float(abs(f(c))))
    up, down = (d > eps).any(), (d < -eps).any()
    return "saddle" if up and down else "minimum" if up else "maximum" if down else "flat"


# ---------- the surface in view: grid, contour lines, every critical point ----------

@dataclass(frozen=True)
class SurfaceConfig:
    name: str = "one-neuron network"  # one of SURFACES
    seed: int = 0  # which network the "network slice" goes through (unused by the other surfaces)
    grid: int = 48  # grid points per axis of the contour map
    starts: int = 12  # Newton starts per axis (starts² in all, run as one batch)
    newton_steps: int = 40  # Newton iterations from every start


@dataclass
class SurfaceResult:
    config: SurfaceConfig
    cells: pd.DataFrame  # x, x2, y, y2, loss, band: one rectangle of the heat map each
    lines: pd.DataFrame  # x, y, x2, y2, level: contour-line segments
    critical: pd.DataFrame  # x, y, loss, kind, higher_order, lambda1, lambda2, grad_norm
    trained: tuple[float, float] | None  # network slice: where training left the two weights
    zlim: tuple[float, float]  # robust colour range of the loss in view


def clamp_surface(cfg: SurfaceConfig) -> SurfaceConfig:
    name = cfg.name if cfg.name in SURFACES else SurfaceConfig.name
    return replace(cfg, name=name, seed=int(cfg.seed) % (2**31) if name == "network slice" else 0,
                   grid=int(np.clip(cfg.grid, 8, 160)), starts=int(np.clip(cfg.starts, 2, 40)),
                   newton_steps=int(np.clip(cfg.newton_steps, 1, 200)))


def isolines(xs: np.ndarray, ys: np.ndarray, Z: np.ndarray, levels) -> pd.DataFrame:
    """Contour-line segments by marching squares. Z[i, j] is the value at (xs[j], ys[i]).

    Returns columns x, y, x2, y2, level (one straight segment per row)."""
    X0, X1 = xs[:-1][None, :], xs[1:][None, :]  # (1, nx-1)
    Y0, Y1 = ys[:-1][:, None], ys[1:][:, None]  # (ny-1, 1)
    out = []
    for lv in levels:
        a, b = Z[:-1, :-1] - lv, Z[:-1, 1:] - lv  # corners: bottom-left, bottom-right  (ny-1, nx-1)
        c, d = Z[1:, 1:] - lv, Z[1:, :-1] - lv  # top-right, top-left

        def t(u, v):
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where((u > 0) != (v > 0), u / (u - v), np.nan)

        tb, tr, tt, tl = t(a, b), t(b, c), t(d, c), t(a, d)
        shape = a.shape
        px = np.stack([X0 + tb * (X1 - X0), np.broadcast_to(X1, shape), X0 + tt * (X1 - X0), np.broadcast_to(X0, shape)], -1)
        py = np.stack([np.broadcast_to(Y0, shape), Y0 + tr * (Y1 - Y0), np.broadcast_to(Y1, shape), Y0 + tl * (Y1 - Y0)], -1)
        hit = np.isfinite(np.stack([tb, tr, tt, tl], -1))  # (ny-1, nx-1, 4)
        n = hit.sum(-1)
        two = n == 2
        if two.any():
            idx = np.argsort(~hit[two], axis=-1, kind="stable")[:, :2]  # the two crossed edges
            sx, sy = np.take_along_axis(px[two], idx, -1), np.take_along_axis(py[two], idx, -1)
            out.append(np.column_stack([sx[:, 0], sy[:, 0], sx[:, 1], sy[:, 1], np.full(len(sx), lv)]))
        four = n == 4
        if four.any():
            for e0, e1 in ((0, 1), (2, 3)):
                out.append(np.column_stack([px[four][:, e0], py[four][:, e0], px[four][:, e1], py[four][:, e1],
                                            np.full(int(four.sum()), lv)]))
    cols = ["x", "y", "x2", "y2", "level"]
    return pd.DataFrame(np.concatenate(out) if out else np.zeros((0, 5)), columns=cols)


def _levels(Z: np.ndarray, k: int = 12) -> np.ndarray:
    q = np.quantile(Z[np.isfinite(Z)], np.linspace(0.02, 0.98, k))
    return np.unique(np.round(q, 12))


def find_critical(f: Surface, starts: int = 12, steps: int = 40, lo: float = LO, hi: float = HI) -> pd.DataFrame:
    """Every critical point in view: Newton's method on g = 0 from a starts x starts grid, all starts
    as one batch (``θ ← θ − H⁺g``, step length capped), then converged points deduplicated and classified."""
    s = torch.linspace(lo, hi, starts, dtype=DT)
    P = torch.cartesian_prod(s, s) + 1e-3  # (S, 2) starts, nudged off exact symmetry lines
    for _ in range(steps):
        _, g, H = grad_hess(f, P)
        step = (torch.linalg.pinv(H) @ g[:, :, None])[:, :, 0]  # (S, 2)
        norm = step.norm(dim=1, keepdim=True).clamp_min(1e-300)
        step = step * torch.clamp(0.5 / norm, max=1.0)  # at most half a unit per iteration
        P = torch.where(torch.isfinite(step), P - step, P)
    v, g, H = grad_hess(f, P)
    lam = torch.linalg.eigvalsh(H)  # (S, 2) ascending
    scale = lam.abs().amax(1).clamp_min(1.0)
    ok = (g.norm(dim=1) < 1e-7 * scale) & (P.abs() <= hi + 1e-9).all(1) & torch.isfinite(v)
    keep: list[int] = []
    pts = P.numpy()
    span = hi - lo
    for k in np.flatnonzero(ok.numpy()):
        if all(np.linalg.norm(pts[k] - pts[j]) > 0.04 * span for j in keep):
            keep.append(int(k))
    rows = []
    for k in keep:
        x, y = float(pts[k, 0]), float(pts[k, 1])
        gn = float(g[k].norm())
        kind, _ = classify(lam[k].numpy(), 0.0)
        rows.append(dict(x=x, y=y, loss=float(v[k]), kind=kind,
                         higher_order=probe(f, x, y) if kind == "degenerate" else kind,
                         lambda1=float(lam[k, 0]), lambda2=float(lam[k, 1]), grad_norm=gn))
    cols = ["x", "y", "loss", "kind", "higher_order", "lambda1", "lambda2", "grad_norm"]
    return pd.DataFrame(rows, columns=cols).sort_values(["kind", "x", "y"]).reset_index(drop=True)


def surface(cfg: SurfaceConfig = SurfaceConfig()) -> SurfaceResult:
    """The loss over the view as a heat map with contour lines, and every critical point in view."""
    cfg = clamp_surface(cfg)
    f = surface_fn(cfg.name, cfg.seed)
    n = cfg.grid
    edges = np.linspace(LO, HI, n + 1)
    mids = (edges[:-1] + edges[1:]) / 2  # (n,) cell centres
    cx, cy = np.meshgrid(mids, mids)  # (n, n), [i, j] at (mids[j], mids[i])
    Z = evaluate(f, torch.tensor(np.stack([cx, cy], -1), dtype=DT)).numpy()  # (n, n)
    lo, hi = np.quantile(Z[np.isfinite(Z)], [0.02, 0.98])
    levels = _levels(Z)
    band = np.searchsorted(levels, Z.ravel())  # which pair of contour levels a cell lies between
    cells = pd.DataFrame({"x": np.tile(edges[:-1], n), "x2": np.tile(edges[1:], n), "y": np.repeat(edges[:-1], n),
                          "y2": np.repeat(edges[1:], n), "loss": Z.ravel(), "band": band})
    cells = cells[np.isfinite(cells.loss)].reset_index(drop=True)
    lines = isolines(mids, mids, Z, levels)
    crit = find_critical(f, cfg.starts, cfg.newton_steps)
    trained = None
    if cfg.name == "network slice":
        net = slice_net(cfg.seed)
        trained = (float(net.theta[net.i]), float(net.theta[net.j]))
    return SurfaceResult(cfg, cells, lines, crit, trained, (float(lo), float(hi)))


# ---------- one point: gradient, Hessian, eigenvectors, verdict, local quadratic ----------

@dataclass(frozen=True)
class PointConfig:
    name: str = "one-neuron network"  # one of SURFACES
    x: float = 0.0  # first coordinate of the chosen point θ'
    y: float = 0.0  # second coordinate
    window: float = 0.5  # half-width of the local view where the quadratic approximation is drawn
    seed: int = 0  # which network the "network slice" goes through
    grid: int = 32  # grid points per axis of the local view


@dataclass
class PointResult:
    config: PointConfig
    loss: float
    grad: np.ndarray  # (2,) g
    hessian: np.ndarray  # (2, 2) H from torch.autograd.functional.hessian
    eigvals: np.ndarray  # (2,) ascending
    eigvecs: np.ndarray  # (2, 2) column k is the unit eigenvector of eigvals[k]
    kind: str  # one of KINDS
    reason: str  # why, in one sentence
    higher_order: str | None  # degenerate points: what the true loss does on a small circle
    local: pd.DataFrame  # x, x2, y, y2, surface ("true loss" / "quadratic approximation"), loss
    slices: pd.DataFrame  # t, direction, curve ("true loss" / "quadratic"), loss: along each eigenvector


def clamp_point(cfg: PointConfig) -> PointConfig:
    name = cfg.name if cfg.name in SURFACES else PointConfig.name
    x = float(cfg.x) if np.isfinite(cfg.x) else 0.0
    y = float(cfg.y) if np.isfinite(cfg.y) else 0.0
    w = float(cfg.window) if np.isfinite(cfg.window) else 0.5
    return replace(cfg, name=name, x=float(np.clip(x, LO, HI)), y=float(np.clip(y, LO, HI)),
                   window=float(np.clip(w, 0.01, 4.0)), seed=int(cfg.seed) % (2**31) if name == "network slice" else 0,
                   grid=int(np.clip(cfg.grid, 4, 120)))


def quadratic(loss: float, g: np.ndarray, H: np.ndarray, d: np.ndarray) -> np.ndarray:
    """L(θ') + dᵀg + ½ dᵀHd for offsets d (..., 2)."""
    return loss + d @ g + 0.5 * np.einsum("...i,ij,...j->...", d, H, d)


def point(cfg: PointConfig = PointConfig()) -> PointResult:
    """Everything the lecture computes at one point θ'."""
    cfg = clamp_point(cfg)
    f = surface_fn(cfg.name, cfg.seed)
    p = torch.tensor([cfg.x, cfg.y], dtype=DT, requires_grad=True)  # (2,)
    v = f(p)
    (g,) = torch.autograd.grad(v, p)  # (2,)
    H = hessian_at(f, cfg.x, cfg.y)  # (2, 2)
    lam, U = torch.linalg.eigh(H)  # (2,), (2, 2) columns are eigenvectors
    loss, g, H, lam, U = float(v.detach()), g.numpy(), H.numpy(), lam.numpy(), U.numpy()
    kind, reason = classify(lam, float(np.linalg.norm(g)))
    higher = probe(f, cfg.x, cfg.y) if kind == "degenerate" else None
    if higher is not None:
        reason += {"minimum": " On a small circle around it the true loss never goes below: a minimum (a flat valley).",
                   "maximum": " On a small circle around it the true loss never goes above: a maximum.",
                   "saddle": " On a small circle around it the true loss goes both above and below: a saddle.",
                   "flat": " On a small circle around it the loss does not change at all: a flat region."}[higher]
    w, n = cfg.window, cfg.grid
    edges = np.linspace(-w, w, n + 1)
    mids = (edges[:-1] + edges[1:]) / 2  # (n,)
    dx, dy = np.meshgrid(mids, mids)  # (n, n)
    d = np.stack([dx, dy], -1)  # (n, n, 2) offsets from θ'
    true = evaluate(f, torch.tensor(d + [cfg.x, cfg.y], dtype=DT)).numpy()  # (n, n)
    quad = quadratic(loss, g, H, d)  # (n, n)
    base = dict(x=np.tile(edges[:-1], n) + cfg.x, x2=np.tile(edges[1:], n) + cfg.x,
                y=np.repeat(edges[:-1], n) + cfg.y, y2=np.repeat(edges[1:], n) + cfg.y)
    local = pd.concat([pd.DataFrame({**base, "surface": "true loss", "loss": true.ravel()}),
                       pd.DataFrame({**base, "surface": "quadratic approximation", "loss": quad.ravel()})],
                      ignore_index=True)
    local = local[np.isfinite(local.loss)].reset_index(drop=True)
    t = np.linspace(-w, w, 81)  # (T,)
    frames = []
    for k in range(2):
        u = U[:, k]
        dd = t[:, None] * u[None, :]  # (T, 2)
        tr = evaluate(f, torch.tensor(dd + [cfg.x, cfg.y], dtype=DT)).numpy()
        name = f"u{k + 1} (λ = {lam[k]:.3g})"
        frames += [pd.DataFrame({"t": t, "direction": name, "curve": "true loss", "loss": tr}),
                   pd.DataFrame({"t": t, "direction": name, "curve": "quadratic", "loss": quadratic(loss, g, H, dd)})]
    slices = pd.concat(frames, ignore_index=True)
    slices = slices[np.isfinite(slices.loss)].reset_index(drop=True)
    return PointResult(cfg, loss, g, H, lam, U, kind, reason, higher, local, slices)


# ---------- escaping a saddle ----------

@dataclass(frozen=True)
class EscapeConfig:
    name: str = "one-neuron network"  # one of SURFACES
    sx: float = 0.0  # the saddle point θ' (found by find_critical)
    sy: float = 0.0
    offset: float = 0.01  # gradient descent starts this far from the saddle, in a random direction
    lr: float = 0.05  # learning rate η of both runs
    steps: int = 150  # gradient-descent steps of each run
    jump: float = 0.5  # length of the one step along the negative-eigenvalue eigenvector u
    seed: int = 0  # the random direction of the offset (and the network of the slice)


@dataclass
class EscapeResult:
    config: EscapeConfig
    saddle_loss: float
    lam: float  # the negative eigenvalue λ at the saddle
    u: np.ndarray  # (2,) its unit eigenvector, signed so that the jump goes downhill
    predicted_drop: float  # ½ λ jump²
    actual_drop: float  # L(θ' + jump·u) − L(θ')
    history: pd.DataFrame  # step, run, loss (finite only)
    paths: pd.DataFrame  # step, run, x, y
    log: train.TrainLog
    escape_steps: dict[str, int | None]  # steps until each run's loss is halfway down


RUNS = ("plain gradient descent", "escape step, then descent")


def clamp_escape(cfg: EscapeConfig) -> EscapeConfig:
    name = cfg.name if cfg.name in SURFACES else EscapeConfig.name

    def fin(v, default):
        return float(v) if np.isfinite(v) else default

    return replace(cfg, name=name, sx=float(np.clip(fin(cfg.sx, 0.0), LO, HI)), sy=float(np.clip(fin(cfg.sy, 0.0), LO, HI)),
                   offset=float(np.clip(fin(cfg.offset, 0.01), 0.0, 1.0)), lr=float(np.clip(fin(cfg.lr, 0.05), 1e-6, 1e4)),
                   steps=int(np.clip(cfg.steps, 1, 5000)), jump=float(np.clip(fin(cfg.jump, 0.5), 0.0, 2.0)),
                   seed=int(cfg.seed) % (2**31))


def escape(cfg: EscapeConfig = EscapeConfig()) -> EscapeResult:
    """Plain gradient descent started ``offset`` from a saddle, against the same start moved ``jump``
    along the eigenvector of the negative eigenvalue. Both runs train as one batch of two points."""
    cfg = clamp_escape(cfg)
    f = surface_fn(cfg.name, cfg.seed)
    s = torch.tensor([cfg.sx, cfg.sy], dtype=DT)  # (2,)
    H = hessian_at(f, cfg.sx, cfg.sy)
    lam, U = torch.linalg.eigh(H)
    if not float(lam[0]) < 0:
        raise ValueError("the Hessian has no negative eigenvalue here, so no eigenvector points downhill")
    u = U[:, 0]
    with torch.no_grad():
        fs = float(f(s))
        if float(f(s - cfg.jump * u)) < float(f(s + cfg.jump * u)):
            u = -u
        actual = float(f(s + cfg.jump * u)) - fs
    ang = float(torch.rand(1, generator=rng.generator(cfg.seed, salt=31), dtype=DT)) * 2 * np.pi
    start = s + cfg.offset * torch.tensor([np.cos(ang), np.sin(ang)], dtype=DT)  # (2,)
    P = torch.stack([start, start + cfg.jump * u]).requires_grad_(True)  # (2 runs, 2)
    opt = torch.optim.SGD([P], lr=cfg.lr)
    path = [P.detach().clone()]

    def step(i: int) -> torch.Tensor:
        losses = f(P)  # (2,)
        opt.zero_grad(set_to_none=True)
        losses.sum().backward()
        opt.step()
        with torch.no_grad():
            P.clamp_(LO - PAD, HI + PAD)  # leaving the view: the walk stops at its edge
        path.append(P.detach().clone())
        return losses.detach()

    log = train.run(step, cfg.steps, max_seconds=10.0)
    L = log.losses  # (steps_done, 2)
    hist = pd.DataFrame({"step": np.tile(np.arange(len(L)), 2), "run": np.repeat(RUNS, len(L)),
                         "loss": np.concatenate([L[:, 0], L[:, 1]])})
    hist = hist[np.isfinite(hist.loss)].reset_index(drop=True)
    pts = torch.stack(path[: len(L) + 1]).numpy()  # (steps_done + 1, 2, 2)
    paths = pd.DataFrame({"step": np.tile(np.arange(len(pts)), 2), "run": np.repeat(RUNS, len(pts)),
                          "x": np.concatenate([pts[:, 0, 0], pts[:, 1, 0]]),
                          "y": np.concatenate([pts[:, 0, 1], pts[:, 1, 1]])})
    paths = paths[np.isfinite(paths.x) & np.isfinite(paths.y)].reset_index(drop=True)
    esc: dict[str, int | None] = {}
    finite = L[np.isfinite(L)]
    target = fs - 0.5 * (fs - float(finite.min())) if finite.size else fs
    for m, run in enumerate(RUNS):
        below = np.flatnonzero(np.isfinite(L[:, m]) & (L[:, m] <= target)) if fs - target > 1e-12 else np.array([])
        esc[run] = int(below[0]) if below.size else None
    return EscapeResult(cfg, fs, float(lam[0]), u.numpy(), 0.5 * float(lam[0]) * cfg.jump**2, actual, hist, paths,
                        log, esc)


def nearest_saddle(crit: pd.DataFrame, x: float, y: float) -> tuple[float, float] | None:
    """The critical point with a negative eigenvalue nearest to (x, y), or None."""
    s = crit[crit.lambda1 < -EIG_TOL * np.maximum(1.0, crit[["lambda1", "lambda2"]].abs().max(axis=1))]
    if s.empty:
        return None
    k = ((s.x - x) ** 2 + (s.y - y) ** 2).idxmin()
    return float(s.x[k]), float(s.y[k])


# ---------- the minimum-ratio experiment ----------

@dataclass(frozen=True)
class RatioConfig:
    runs: int = 16  # networks trained from different seeds, as one batched computation
    hidden: int = 8  # hidden tanh units of each 10 -> H -> 1 network
    steps: int = 300  # full-batch Adam steps on the training loss
    lr: float = 0.05  # Adam's learning rate
    seed: int = 0  # initial weights of all runs
    max_seconds: float = 8.0  # wall-time cap of the training


@dataclass
class RatioResult:
    config: RatioConfig
    table: pd.DataFrame  # run, loss, grad_norm, positive, negative, near_zero, lambda_min, min_ratio
    eigvals: np.ndarray  # (runs, P) every network's Hessian eigenvalues, ascending
    history: pd.DataFrame  # step, run, loss
    log: train.TrainLog
    weights: torch.Tensor  # (runs, P) trained parameters
    n_params: int


def clamp_ratio(cfg: RatioConfig) -> RatioConfig:
    return replace(cfg, runs=int(np.clip(cfg.runs, 1, 256)), hidden=int(np.clip(cfg.hidden, 1, 32)),
                   steps=int(np.clip(cfg.steps, 1, 20000)),
                   lr=float(np.clip(cfg.lr, 1e-6, 1e3)) if np.isfinite(cfg.lr) else 0.05, seed=int(cfg.seed) % (2**31),
                   max_seconds=float(np.clip(cfg.max_seconds, 0.1, 600.0)) if np.isfinite(cfg.max_seconds) else 8.0)


def min_ratio(cfg: RatioConfig = RatioConfig()) -> RatioResult:
    """Train ``runs`` networks, then at each end point: the full Hessian, its eigenvalues, and
    the minimum ratio = (number of positive eigenvalues) / (number of eigenvalues)."""
    cfg = clamp_ratio(cfg)
    X, y, _ = diabetes()
    theta, log = train_nets(cfg.runs, cfg.hidden, cfg.steps, cfg.lr, cfg.seed, max_seconds=cfg.max_seconds)
    P = theta.shape[1]
    alive = np.array([d is None for d in log.diverged_at])
    with torch.no_grad():
        loss = net_loss(theta, X, y, cfg.hidden)  # (M,)
    t = theta.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(net_loss(t, X, y, cfg.hidden).sum(), t)  # (M, P)
    H = net_hessians(theta, cfg.hidden)  # (M, P, P)
    ok = torch.isfinite(H).flatten(1).all(1).numpy() & alive & np.isfinite(loss.numpy())
    lam = np.full((cfg.runs, P), np.nan)
    if ok.any():
        lam[ok] = torch.linalg.eigvalsh(H[torch.from_numpy(ok)]).numpy()  # (M_ok, P) ascending
    scale = np.nanmax(np.abs(lam), axis=1, keepdims=True) if ok.any() else np.ones((cfg.runs, 1))
    near = np.abs(lam) < EIG_TOL * np.maximum(1.0, scale)
    table = pd.DataFrame({"run": np.arange(cfg.runs), "loss": loss.numpy(), "grad_norm": g.norm(dim=1).numpy(),
                          "positive": (lam > 0).sum(1), "negative": (lam < 0).sum(1), "near_zero": near.sum(1),
                          "lambda_min": lam[:, 0], "min_ratio": (lam > 0).sum(1) / P})
    table = table[ok].reset_index(drop=True)
    L = log.losses  # (steps_done, M)
    hist = pd.DataFrame({"step": np.tile(np.arange(len(L)), cfg.runs), "run": np.repeat(np.arange(cfg.runs), len(L)),
                         "loss": L.T.ravel()})
    hist = hist[np.isfinite(hist.loss)].reset_index(drop=True)
    return RatioResult(cfg, table, lam[ok], hist, log, theta, P)


# ---------- exports ----------

def escape_csv(r: EscapeResult) -> bytes:
    """Both runs' loss and position at every step."""
    df = r.paths.merge(r.history, on=["step", "run"], how="left")
    return df.to_csv(index=False).encode()


def ratio_csv(r: RatioResult) -> bytes:
    """One row per trained network: final loss, gradient norm, eigenvalue signs, minimum ratio."""
    return r.table.to_csv(index=False).encode()


def ratio_safetensors(r: RatioResult) -> bytes:
    """Every network's trained weights (W1, b1, w2, b2 per run) as a ``.safetensors`` file."""
    X, _, names = diabetes()
    W1, b1, w2, b2 = unpack(r.weights, X.shape[1], r.config.hidden)
    return safetensors_bytes({"": {"W1": W1, "b1": b1, "w2": w2, "b2": b2}}, r.config, {"features": ",".join(names)})
