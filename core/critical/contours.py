"""The surface in view: a heat map, contour lines (marching squares) and every critical point in view,
found at once by a batched Newton iteration on g = 0 from a grid of starts."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import torch

from core.critical.network import DT, slice_net
from core.critical.surfaces import HI, LO, SURFACES, Surface, evaluate, grad_hess, surface_fn
from core.critical.verdicts import classify, probe
from core.params import choice, clamp, num


@dataclass(frozen=True)
class SurfaceConfig:
    name: str = choice("one-neuron network", SURFACES)  # the loss to explore
    seed: int = num(0, 0, 1_000_000, widget="number")  # which network the "network slice" goes through (others: 0)
    grid: int = num(48, 8, 160)  # grid points per axis of the contour map
    starts: int = num(12, 2, 40)  # Newton starts per axis (starts² in all, run as one batch)
    newton_steps: int = num(40, 1, 200)  # Newton iterations from every start


@dataclass
class SurfaceResult:
    config: SurfaceConfig
    cells: pd.DataFrame  # x, x2, y, y2, loss, band: one rectangle of the heat map each
    lines: pd.DataFrame  # x, y, x2, y2, level: contour-line segments
    critical: pd.DataFrame  # x, y, loss, kind, higher_order, lambda1, lambda2, grad_norm
    trained: tuple[float, float] | None  # network slice: where training left the two weights
    zlim: tuple[float, float]  # robust colour range of the loss in view



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
    cfg = clamp(cfg)
    if cfg.name != "network slice" and cfg.seed != 0:
        cfg = replace(cfg, seed=0)  # only the slice depends on the seed: one result for every seed
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

