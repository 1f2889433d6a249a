"""The 2-D loss surfaces of the race: one record per surface, its minima computed, its noisy examples.

Each surface is the mean loss of ``N_EXAMPLES`` examples: example i's loss is f(θ) + a_i·θ with offsets a_i of
mean zero, so the full-batch gradient is exact and a minibatch of B examples adds noise of size ~noise/√B.
The page's one-line description of a surface is a catalogue template filled with the numbers of its record
(``describe``): the minima quoted are the ones stored on the record, tested against ``find_minima``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch

from core import i18n, rng

N_EXAMPLES = 512  # examples behind the noisy (minibatch) gradient of every surface


def _valley(p):  # (..., 2) -> (...): the lecture's long narrow valley, condition number 100
    x, y = p[..., 0], p[..., 1]
    return 0.5 * (0.1 * x ** 2 + 10.0 * y ** 2)


def _rosenbrock(p):  # banana valley, minimum (1, 1); scaled by 1/100 so it has the valley's curvature
    x, y = p[..., 0], p[..., 1]
    return ((1 - x) ** 2 + 100.0 * (y - x ** 2) ** 2) / 100.0


def _beale(p):  # flat plateaus and steep walls, minimum (3, 0.5); scaled by 1/10
    x, y = p[..., 0], p[..., 1]
    return ((1.5 - x + x * y) ** 2 + (2.25 - x + x * y ** 2) ** 2 + (2.625 - x + x * y ** 3) ** 2) / 10.0


def _saddle(p):  # a saddle at the origin between two minima (0, +-1)
    x, y = p[..., 0], p[..., 1]
    return 0.5 * x ** 2 - 0.5 * y ** 2 + 0.25 * y ** 4


def _cliff(p):  # a long plateau (tiny gradients) that ends in a cliff down to a basin
    x, y = p[..., 0], p[..., 1]
    return 1.0 - torch.sigmoid(8.0 * (x - 1.0)) + 0.02 * (x - 2.0) ** 2 + 0.5 * y ** 2


def _hill(p):  # a local minimum behind a small hill, the global one beyond it
    x, y = p[..., 0], p[..., 1]
    return 0.25 * x ** 4 - x ** 2 + 0.3 * x + 0.5 * y ** 2


@dataclass(frozen=True)
class Surface:
    name: str  # the raw English name (results, URLs)
    key: str  # catalogue key: optimizers.charts.surface.<key> (name) and .<key>_what (description)
    f: Callable[[torch.Tensor], torch.Tensor]  # (..., 2) -> (...)
    box: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax drawn on the chart
    start: tuple[float, float]  # the race's starting point
    noise: float  # std of one example's gradient offset (minibatch noise ~ noise / sqrt(B))
    fmin: float  # f*, the lowest value (find_minima agrees: tested)
    minima: tuple[tuple[float, float], ...]  # the global minimizers
    local: tuple[tuple[float, float], ...] = ()  # other local minimizers (not global)


SURFACES: dict[str, Surface] = {s.name: s for s in [
    Surface("long narrow valley", "valley", _valley, (-4.0, 4.0, -2.0, 2.0), (-3.5, 1.5), 1.0, 0.0, ((0.0, 0.0),)),
    Surface("Rosenbrock", "rosenbrock", _rosenbrock, (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.5), 0.5, 0.0, ((1.0, 1.0),)),
    Surface("Beale", "beale", _beale, (-4.5, 4.5, -4.5, 4.5), (-1.0, -1.5), 0.5, 0.0, ((3.0, 0.5),)),
    Surface("saddle", "saddle", _saddle, (-2.5, 2.5, -2.0, 2.0), (-2.2, 0.01), 0.5, -0.25,
            ((0.0, 1.0), (0.0, -1.0))),
    Surface("plateau with a cliff", "cliff", _cliff, (-4.0, 4.0, -2.0, 2.0), (-3.5, 1.5), 0.3,
            0.00027444304917086657, ((2.0463022700, 0.0),)),
    Surface("small hill", "hill", _hill, (-2.5, 3.0, -2.0, 2.0), (2.6, 1.0), 1.0, -1.4349731299903379,
            ((-1.4839678900, 0.0),), ((1.3322207400, 0.0),)),
]}


def surface(name: str) -> Surface:
    if name not in SURFACES:
        raise ValueError(f"unknown surface {name!r}; choose one of {tuple(SURFACES)}")
    return SURFACES[name]


def loss_fn(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The surface as a torch function: (..., 2) -> (...)."""
    return surface(name).f


def global_minima(name: str) -> tuple[float, np.ndarray]:
    """(f*, minimizers (n, 2)) of a surface, as stored on its record."""
    s = surface(name)
    return s.fmin, np.array(s.minima, dtype=np.float64)


@lru_cache(maxsize=16)
def find_minima(name: str) -> tuple[float, np.ndarray, np.ndarray]:
    """(f*, global minimizers (n, 2), other local minimizers (m, 2)), searched numerically: every grid
    cell lower than its 8 neighbours on a 201 x 201 grid over the box, refined by Newton steps (kept where
    the gradient vanishes and the Hessian is positive definite)."""
    s = surface(name)
    xs = torch.linspace(s.box[0], s.box[1], 201, dtype=torch.float64)
    ys = torch.linspace(s.box[2], s.box[3], 201, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), -1)  # (201, 201, 2)
    v = s.f(grid)  # (201, 201)
    pad = torch.nn.functional.pad(v[None, None], (1, 1, 1, 1), value=math.inf)[0, 0]  # (203, 203)
    low = torch.ones_like(v, dtype=torch.bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                low &= v <= pad[1 + di:202 + di, 1 + dj:202 + dj]
    q = grid[low].clone()  # (c, 2) grid cells lower than their 8 neighbours
    for _ in range(30):  # Newton polish, each point on its own: exact minima, and their Hessians
        q, hess, grad = _newton(s.f, q)
    ok = ((grad.norm(dim=1) < 1e-7) & (hess[:, 0, 0] > 0) & (torch.linalg.det(hess) > 0)).numpy()  # true minima
    with torch.no_grad():
        val = s.f(q).numpy()[ok]
    pts = q.numpy()[ok]
    order = np.argsort(val)
    best = float(val[order[0]])
    found: list[tuple[float, np.ndarray]] = []
    for i in order:
        if all(np.linalg.norm(pts[i] - q) > 1e-3 for _, q in found):
            found.append((float(val[i]), pts[i]))
    glob = np.array([q for fv, q in found if fv <= best + 1e-9])
    loc = np.array([q for fv, q in found if fv > best + 1e-9]).reshape(-1, 2)
    return best, glob, loc


def _newton(f, q: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One Newton step for each row of q (c, 2): (new q, Hessian (c, 2, 2) and gradient (c, 2) at the old q)."""
    x = q.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)  # (c, 2)
    rows = [torch.autograd.grad(g[:, i].sum(), x, retain_graph=True)[0] for i in range(2)]
    h = torch.stack(rows, 1).detach()  # (c, 2, 2)
    g = g.detach()
    det = torch.linalg.det(h)
    safe = det.abs() > 1e-12
    step = torch.linalg.solve(torch.where(safe[:, None, None], h, torch.eye(2, dtype=h.dtype)), g)  # (c, 2)
    return torch.where(safe[:, None], q - step, q), h, g


def describe(name: str, lang: str = "en") -> str:
    """The page's one-line description of a surface, its numbers read from the surface record."""
    s = surface(name)
    g = s.minima[0]
    loc = s.local[0] if s.local else (math.nan, math.nan)
    return i18n.text(lang, f"optimizers.charts.surface.{s.key}_what", gx=g[0], gy=g[1], lx=loc[0], ly=loc[1],
                     gy_abs=abs(g[1]))


@lru_cache(maxsize=16)
def surface_grid(name: str, n: int = 56) -> pd.DataFrame:
    """The surface on an n x n grid of cells for the heatmap: x, x2, y, y2, loss, level (log10 gap to f*)."""
    s = surface(name)
    ex = np.linspace(s.box[0], s.box[1], n + 1)
    ey = np.linspace(s.box[2], s.box[3], n + 1)
    cx, cy = (ex[:-1] + ex[1:]) / 2, (ey[:-1] + ey[1:]) / 2
    X, Y = np.meshgrid(cx, cy, indexing="xy")  # (n, n)
    with torch.no_grad():
        v = s.f(torch.from_numpy(np.stack([X, Y], -1))).numpy()  # (n, n)
    gap = np.maximum(v - s.fmin, 0.0)
    level = np.log10(gap + 1e-3 * max(1e-9, float(np.percentile(gap, 95))))
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="xy")
    return pd.DataFrame({"x": ex[i].ravel(), "x2": ex[i + 1].ravel(), "y": ey[j].ravel(), "y2": ey[j + 1].ravel(),
                         "loss": v.ravel(), "level": level.ravel()})


def examples(name: str, seed: int) -> torch.Tensor:
    """(N, 2) per-example gradient offsets a_i, mean exactly zero: example i's loss is f(θ) + a_i·θ."""
    a = torch.randn(N_EXAMPLES, 2, generator=rng.generator(seed, "optimizers.examples"), dtype=torch.float64)  # (N, 2)
    a = a - a.mean(0)
    return a / a.std(0) * surface(name).noise


def random_starts(name: str, n: int, seed: int) -> torch.Tensor:
    """(n, 2) starting points drawn uniformly over the surface's box."""
    s = surface(name)
    u = torch.rand(n, 2, generator=rng.generator(seed, "optimizers.starts"), dtype=torch.float64)  # (n, 2)
    lo = torch.tensor([s.box[0], s.box[2]], dtype=torch.float64)
    hi = torch.tensor([s.box[1], s.box[3]], dtype=torch.float64)
    return lo + u * (hi - lo)


def reached_minimum(points: np.ndarray, name: str) -> np.ndarray:
    """(..., 2) -> (...) bool: within 2 % of the box's diagonal of a global minimizer."""
    s = surface(name)
    r = 0.02 * math.hypot(s.box[1] - s.box[0], s.box[3] - s.box[2])
    d = np.linalg.norm(points[..., None, :] - np.array(s.minima), axis=-1).min(-1)  # (...,)
    return np.nan_to_num(d, nan=np.inf) < r
