"""Escaping a saddle: plain gradient descent started near it, against one step along the eigenvector
of the negative eigenvalue (``L(θ' + u) ≈ L(θ') + ½λ‖u‖²``) followed by the same descent."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from core import rng, train
from core.critical.network import DT
from core.critical.surfaces import HI, LO, SURFACES, hessian_at, surface_fn
from core.critical.verdicts import near_zero_tol
from core.params import choice, clamp, num

PAD = 0.5  # gradient descent paths are clamped to the view widened by this much
OFFSETS = (0.0, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3)  # distances of plain descent's start from the saddle
LRS = (0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.5)
STEPS = (25, 50, 100, 150, 200, 400, 1000)
JUMPS = (0.05, 0.1, 0.25, 0.5, 1.0)  # lengths of the one step along u
RUNS = ("plain gradient descent", "escape step, then descent")
CRAWL_OFFSET = 0.01  # the notice says plain descent "crawls" only where it starts at most this far from the saddle
CRAWL_FACTOR = 2  # ... and needs at least this many times the escape run's steps to get halfway down
STORIES = ("stuck", "crawl", "never_half", "compare", "neither")  # the escape notice's first sentence


@dataclass(frozen=True)
class EscapeConfig:
    name: str = choice("one-neuron network", SURFACES)  # the loss
    sx: float = num(0.0, LO, HI)  # the saddle point θ' (found by find_critical)
    sy: float = num(0.0, LO, HI)
    offset: float = choice(0.01, OFFSETS, widget="select_slider")  # plain descent starts this far away, random direction
    lr: float = choice(0.05, LRS, widget="select_slider")  # learning rate η of both runs
    steps: int = choice(150, STEPS, widget="select_slider")  # gradient-descent steps of each run
    jump: float = choice(0.5, JUMPS, widget="select_slider")  # length of the one step along u (λ < 0)
    seed: int = num(0, 0, 1_000_000, widget="number")  # the random direction of the offset (and the slice's network)


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

    def story(self) -> str:
        """Which of STORIES the notice tells of this run: "stuck" (started exactly on the saddle, plain
        descent never moved), "crawl" (started close, plain descent took at least CRAWL_FACTOR times the
        escape run's steps to get halfway down), "never_half", "compare" or "neither"."""
        p, q = (self.escape_steps[r] for r in RUNS)
        if q is None:
            return "neither"
        if p is None:
            plain = self.history[self.history.run == RUNS[0]].loss
            return "stuck" if self.config.offset == 0 and bool((plain == self.saddle_loss).all()) else "never_half"
        return "crawl" if self.config.offset <= CRAWL_OFFSET and p >= CRAWL_FACTOR * q else "compare"


def escape(cfg: EscapeConfig = EscapeConfig()) -> EscapeResult:
    """Plain gradient descent started ``offset`` from a saddle, against the same start moved ``jump``
    along the eigenvector of the negative eigenvalue. Both runs train as one batch of two points."""
    cfg = clamp(cfg)
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
    ang = float(torch.rand(1, generator=rng.generator(cfg.seed, "critical.escape_angle"), dtype=DT)) * 2 * np.pi
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

    log = train.run(step, cfg.steps)
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
    s = crit[crit.lambda1 < -near_zero_tol(crit[["lambda1", "lambda2"]].to_numpy())]
    if s.empty:
        return None
    k = ((s.x - x) ** 2 + (s.y - y) ** 2).idxmin()
    return float(s.x[k]), float(s.y[k])


def escape_csv(r: EscapeResult) -> bytes:
    """Both runs' loss and position at every step."""
    df = r.paths.merge(r.history, on=["step", "run"], how="left")
    return df.to_csv(index=False).encode()

