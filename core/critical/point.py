"""One point θ': gradient, Hessian (``torch.autograd.functional.hessian``), eigenvectors, the verdict,
and the local quadratic approximation ``L(θ') + dᵀg + ½dᵀHd`` beside the true loss."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core.critical.network import DT
from core.critical.surfaces import HI, LO, SURFACES, evaluate, hessian_at, surface_fn
from core.critical.verdicts import HIGHER_ORDER, classify, probe, shape
from core.params import choice, clamp, num

WINDOWS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)  # half-widths of the local view
STEEP = 10  # the page states max|λ| / min|λ| from this ratio up ("one eigenvalue is N times the other")
TAYLOR = (r"\begin{gathered}L(\theta) \approx L(\theta') + (\theta-\theta')^{\top} g"  # the page's formula
          r" + \tfrac{1}{2}(\theta-\theta')^{\top} H\,(\theta-\theta')\\"
          r"g = \nabla L(\theta'),\quad H_{ij} = \frac{\partial^2 L}{\partial\theta_i\,\partial\theta_j}(\theta'),"
          r"\quad u^{\top} H u = \lambda\lVert u\rVert^2\end{gathered}")


@dataclass(frozen=True)
class PointConfig:
    name: str = choice("one-neuron network", SURFACES)  # the loss to explore
    x: float = num(0.0, LO, HI, step=0.05)  # first coordinate of the chosen point θ'
    y: float = num(0.0, LO, HI, step=0.05)  # second coordinate
    window: float = choice(0.5, WINDOWS, widget="select_slider")  # half-width of the local view
    seed: int = num(0, 0, 1_000_000, widget="number")  # which network the "network slice" goes through (others: 0)
    grid: int = num(32, 4, 120)  # grid points per axis of the local view


@dataclass
class PointResult:
    config: PointConfig
    loss: float
    grad: np.ndarray  # (2,) g
    hessian: np.ndarray  # (2, 2) H from torch.autograd.functional.hessian
    eigvals: np.ndarray  # (2,) ascending
    eigvecs: np.ndarray  # (2, 2) column k is the unit eigenvector of eigvals[k]
    kind: str  # "minimum", "maximum", "saddle", "degenerate" or "not critical"
    reason: str  # why, in one sentence
    higher_order: str | None  # degenerate points: what the true loss does on a small circle
    local: pd.DataFrame  # x, x2, y, y2, surface ("true loss" / "quadratic approximation"), loss
    slices: pd.DataFrame  # t, direction, curve ("true loss" / "quadratic"), loss: along each eigenvector

    @property
    def condition(self) -> float:
        """max|λ| / min|λ|: how many times steeper the curvature is one way than the other (inf if a λ = 0)."""
        a = np.abs(self.eigvals)
        return float(a.max() / a.min()) if a.min() > 0 else float("inf")

    @property
    def grad_norm(self) -> float:
        """‖g‖ at θ'."""
        return float(np.linalg.norm(self.grad))

    @property
    def steep(self) -> bool:
        """Whether the curvature is at least STEEP times steeper one way than the other (and finite)."""
        return bool(np.isfinite(self.condition) and self.condition >= STEEP)

    @property
    def shape(self) -> str:
        """How the surface curves at θ' (one of ``verdicts.SHAPES``)."""
        return shape(self.eigvals)

    def tex(self) -> list[str]:
        """g, H and each eigenvector with its eigenvalue, one LaTeX formula each (language-neutral, like
        ``surfaces.FORMULAS``)."""
        g, H, U, lam, t = self.grad, self.hessian, self.eigvecs, self.eigvals, tex_number
        return [rf"g = \begin{{pmatrix}}{t(g[0])}\\ {t(g[1])}\end{{pmatrix}}",
                rf"H = \begin{{pmatrix}}{t(H[0, 0])} & {t(H[0, 1])}\\ {t(H[1, 0])} & {t(H[1, 1])}\end{{pmatrix}}"] + [
                rf"u_{k + 1} = \begin{{pmatrix}}{U[0, k]:.3f}\\ {U[1, k]:.3f}\end{{pmatrix}},\ \lambda_{k + 1} = {t(lam[k])}"
                for k in range(2)]


def tex_number(v: float) -> str:
    """3 significant digits, written for LaTeX (no e-notation)."""
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    e = int(np.floor(np.log10(abs(v))))
    if -3 <= e < 4:
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return rf"{v / 10 ** e:.3g}\times 10^{{{e}}}"


def quadratic(loss: float, g: np.ndarray, H: np.ndarray, d: np.ndarray) -> np.ndarray:
    """L(θ') + dᵀg + ½ dᵀHd for offsets d (..., 2)."""
    return loss + d @ g + 0.5 * np.einsum("...i,ij,...j->...", d, H, d)


def point(cfg: PointConfig = PointConfig()) -> PointResult:
    """Everything the lecture computes at one point θ'."""
    cfg = clamp(cfg)
    if cfg.name != "network slice" and cfg.seed != 0:
        cfg = replace(cfg, seed=0)
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
        reason += HIGHER_ORDER[higher]
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
        name = f"u{k + 1} (λ = {lam[k]:.4g})"
        frames += [pd.DataFrame({"t": t, "direction": name, "curve": "true loss", "loss": tr}),
                   pd.DataFrame({"t": t, "direction": name, "curve": "quadratic", "loss": quadratic(loss, g, H, dd)})]
    slices = pd.concat(frames, ignore_index=True)
    slices = slices[np.isfinite(slices.loss)].reset_index(drop=True)
    return PointResult(cfg, loss, g, H, lam, U, kind, reason, higher, local, slices)

