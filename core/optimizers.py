"""Optimizer race: SGD, momentum, Adagrad, RMSProp, Adam and AdamW on the same 2-D surface.

The lecture: momentum moves by the last movement minus the gradient, so it can roll through a small
hill; adaptive methods divide eta by sigma, a running size of past gradients (Adagrad: the root mean
square of all of them, RMSProp: recent ones weighted by alpha, Adam: RMSProp plus momentum). Adagrad's
sigma keeps shrinking along a long flat direction, so its step can explode; a learning-rate schedule
(decay, warm-up) tames it.

Every racer is a ``torch.optim`` optimizer. All racers and all starting points run as one batched
computation: the parameter of racer k is a ``(S, 2)`` tensor (S starting points); every optimizer
used here updates element by element, so each row moves exactly as a separate run would (tested).

Mind the definitions: the lecture's Adagrad divides by sqrt(mean of g^2), ``torch.optim.Adagrad`` by
sqrt(sum of g^2) = sqrt(t+1) * sqrt(mean), i.e. PyTorch's is the lecture's with the decay
eta / sqrt(t+1) built in. The racer "Adagrad (lecture)" is ``torch.optim.Adagrad`` whose learning rate
is multiplied by sqrt(t+1) at step t (the factor a ``LambdaLR`` would apply), on top of the schedule.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.optim import lr_scheduler

from core import data, rng, train
from core.device import choose_device
from core.export import safetensors_bytes

RACERS = ("SGD", "Momentum", "Nesterov", "Adagrad (lecture)", "Adagrad (PyTorch)", "RMSProp", "Adam", "AdamW")
SCHEDULES = ("constant", "step", "exponential", "cosine", "warm-up then decay")
N_EXAMPLES = 512  # examples behind the noisy (minibatch) gradient of every surface
RMSPROP_ALPHA = 0.9  # RMSProp's alpha: weight of the past in sigma^2 = alpha sigma^2 + (1 - alpha) g^2
ADAMW_DECAY = 0.01  # AdamW's decoupled weight decay
STEP_GAMMA, EXP_FINAL, WARMUP_START, WARMUP_SHARE = 0.5, 0.01, 0.05, 0.1  # schedule shapes (see schedule_factors)


# ---------------------------------------------------------------- surfaces

@dataclass(frozen=True)
class Surface:
    name: str
    box: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax drawn on the chart
    start: tuple[float, float]  # the race's starting point
    noise: float  # std of one example's gradient noise (minibatch noise = noise / sqrt(B) roughly)
    what: str  # one sentence for the page


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


SURFACES: dict[str, Surface] = {s.name: s for s in [
    Surface("long narrow valley", (-4.0, 4.0, -2.0, 2.0), (-3.5, 1.5), 1.0,
            "0.05·x² + 5·y²: steep across, nearly flat along: one learning rate cannot suit both directions."),
    Surface("Rosenbrock", (-2.0, 2.0, -1.0, 3.0), (-1.5, 2.5), 0.5,
            "A curved banana valley: easy to fall into, slow to follow to the minimum at (1, 1)."),
    Surface("Beale", (-4.5, 4.5, -4.5, 4.5), (-1.0, -1.5), 0.5,
            "Flat plateaus next to steep walls, minimum at (3, 0.5): big steps fly off, small ones crawl."),
    Surface("saddle", (-2.5, 2.5, -2.0, 2.0), (-2.2, 0.01), 0.5,
            "Starting almost on the ridge of a saddle: the gradient across it is tiny at first."),
    Surface("plateau with a cliff", (-4.0, 4.0, -2.0, 2.0), (-3.5, 1.5), 0.3,
            "A long, almost flat plateau, then a cliff down to a basin around x ≈ 2."),
    Surface("small hill", (-2.5, 3.0, -2.0, 2.0), (2.6, 1.0), 1.0,
            "A local minimum at x ≈ 1 behind a small hill; the global one is at x ≈ −1.1."),
]}
_FUNCS = {"long narrow valley": _valley, "Rosenbrock": _rosenbrock, "Beale": _beale, "saddle": _saddle,
          "plateau with a cliff": _cliff, "small hill": _hill}


def loss_fn(surface: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The surface as a torch function: (..., 2) -> (...)."""
    if surface not in _FUNCS:
        raise ValueError(f"unknown surface {surface!r}; choose one of {tuple(_FUNCS)}")
    return _FUNCS[surface]


_MINIMA = {  # f* and the global minimizers, from find_minima (a test checks they agree)
    "long narrow valley": (0.0, ((0.0, 0.0),)),
    "Rosenbrock": (0.0, ((1.0, 1.0),)),
    "Beale": (0.0, ((3.0, 0.5),)),
    "saddle": (-0.25, ((0.0, 1.0), (0.0, -1.0))),
    "plateau with a cliff": (0.00027444304917086657, ((2.0463022700, 0.0),)),
    "small hill": (-1.4349731299903379, ((-1.4839678900, 0.0),)),
}


def global_minima(surface: str) -> tuple[float, np.ndarray]:
    """(f*, minimizers (n, 2)) of a surface (the values find_minima finds, stored)."""
    if surface not in _MINIMA:
        raise ValueError(f"unknown surface {surface!r}; choose one of {tuple(_MINIMA)}")
    v, pts = _MINIMA[surface]
    return v, np.array(pts, dtype=np.float64)


@lru_cache(maxsize=16)
def find_minima(surface: str) -> tuple[float, np.ndarray]:
    """(f*, minimizers (n, 2)): a dense grid search over the box, refined by L-BFGS."""
    f, s = loss_fn(surface), SURFACES[surface]
    xs = torch.linspace(s.box[0], s.box[1], 401, dtype=torch.float64)
    ys = torch.linspace(s.box[2], s.box[3], 401, dtype=torch.float64)
    grid = torch.stack(torch.meshgrid(xs, ys, indexing="xy"), -1)  # (401, 401, 2)
    vals = f(grid)
    flat = vals.flatten()
    cand = grid.reshape(-1, 2)[torch.argsort(flat)[:64]]  # (64, 2) lowest grid points
    p = cand.clone().requires_grad_(True)
    opt = torch.optim.LBFGS([p], lr=1, max_iter=200, tolerance_grad=1e-12, tolerance_change=1e-15,
                            line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = f(p).sum()
        loss.backward()
        return loss

    opt.step(closure)
    with torch.no_grad():
        v = f(p)
    best = float(v.min())
    keep = p.detach()[v <= best + 1e-9]
    mins: list[np.ndarray] = []
    for q in keep.numpy():
        if all(np.linalg.norm(q - m) > 1e-3 for m in mins):
            mins.append(q)
    return best, np.array(mins)


@lru_cache(maxsize=16)
def surface_grid(surface: str, n: int = 56) -> pd.DataFrame:
    """The surface on an n x n grid of cells for the heatmap: x, x2, y, y2, loss, level (log10 gap to f*)."""
    f, s = loss_fn(surface), SURFACES[surface]
    fmin, _ = global_minima(surface)
    ex = np.linspace(s.box[0], s.box[1], n + 1)
    ey = np.linspace(s.box[2], s.box[3], n + 1)
    cx, cy = (ex[:-1] + ex[1:]) / 2, (ey[:-1] + ey[1:]) / 2
    X, Y = np.meshgrid(cx, cy, indexing="xy")  # (n, n)
    with torch.no_grad():
        v = f(torch.from_numpy(np.stack([X, Y], -1))).numpy()  # (n, n)
    gap = np.maximum(v - fmin, 0.0)
    level = np.log10(gap + 1e-3 * max(1e-9, float(np.percentile(gap, 95))))
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="xy")
    return pd.DataFrame({"x": ex[i].ravel(), "x2": ex[i + 1].ravel(), "y": ey[j].ravel(), "y2": ey[j + 1].ravel(),
                         "loss": v.ravel(), "level": level.ravel()})


# ---------------------------------------------------------------- schedules

def schedule_factors(kind: str, steps: int) -> np.ndarray:
    """(steps,) the factor multiplying eta at each update t = 0..steps-1, in closed form.

    constant: 1 · step: 0.5^floor(t / (T/4)) · exponential: gamma^t with gamma^T = 0.01 ·
    cosine: (1 + cos(pi t / T)) / 2 · warm-up then decay: linear from 0.05 to 1 over the first 10 % of
    the steps, then a cosine down to 0. ``make_scheduler`` builds the same with ``torch.optim.lr_scheduler``
    (tested equal).
    """
    T = max(1, int(steps))
    t = np.arange(T, dtype=np.float64)
    if kind == "constant":
        return np.ones(T)
    if kind == "step":
        return STEP_GAMMA ** np.floor(t / max(1, T // 4))
    if kind == "exponential":
        return (EXP_FINAL ** (1.0 / T)) ** t
    if kind == "cosine":
        return (1 + np.cos(np.pi * t / T)) / 2
    if kind == "warm-up then decay":
        w = _warmup(T)
        up = WARMUP_START + (1 - WARMUP_START) * np.minimum(t, w) / w
        down = (1 + np.cos(np.pi * (t - w) / max(1, T - w))) / 2
        return np.where(t < w, up, down)
    raise ValueError(f"unknown schedule {kind!r}; choose one of {SCHEDULES}")


@lru_cache(maxsize=32)
def schedule_frame(steps: int) -> pd.DataFrame:
    """Every schedule's factor at every update, long format: step (1-based), schedule, factor."""
    T = max(1, int(steps))
    return pd.concat([pd.DataFrame({"step": np.arange(1, T + 1), "schedule": k, "factor": schedule_factors(k, T)})
                      for k in SCHEDULES], ignore_index=True)


def _warmup(T: int) -> int:
    return max(1, int(round(WARMUP_SHARE * T)))


def make_scheduler(opt: torch.optim.Optimizer, kind: str, steps: int) -> lr_scheduler.LRScheduler:
    """The schedule as a PyTorch scheduler (call ``.step()`` after each ``opt.step()``)."""
    T = max(1, int(steps))
    if kind == "constant":
        return lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)
    if kind == "step":
        return lr_scheduler.StepLR(opt, step_size=max(1, T // 4), gamma=STEP_GAMMA)
    if kind == "exponential":
        return lr_scheduler.ExponentialLR(opt, gamma=EXP_FINAL ** (1.0 / T))
    if kind == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=T, eta_min=0.0)
    if kind == "warm-up then decay":
        w = _warmup(T)
        warm = lr_scheduler.LinearLR(opt, start_factor=WARMUP_START, end_factor=1.0, total_iters=w)
        decay = lr_scheduler.CosineAnnealingLR(opt, T_max=max(1, T - w), eta_min=0.0)
        return lr_scheduler.SequentialLR(opt, [warm, decay], milestones=[w])
    raise ValueError(f"unknown schedule {kind!r}; choose one of {SCHEDULES}")


# ---------------------------------------------------------------- optimizers

def make_optimizer(racer: str, params, lr: float, beta: float = 0.9) -> torch.optim.Optimizer:
    """The racer as a ``torch.optim`` optimizer. ``beta``: momentum of 'Momentum' and 'Nesterov'."""
    if racer == "SGD":
        return torch.optim.SGD(params, lr=lr)
    if racer == "Momentum":
        return torch.optim.SGD(params, lr=lr, momentum=beta)
    if racer == "Nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=max(beta, 1e-6), nesterov=True)
    if racer in ("Adagrad (lecture)", "Adagrad (PyTorch)"):
        return torch.optim.Adagrad(params, lr=lr)
    if racer == "RMSProp":
        return torch.optim.RMSprop(params, lr=lr, alpha=RMSPROP_ALPHA)
    if racer == "Adam":
        return torch.optim.Adam(params, lr=lr)
    if racer == "AdamW":
        return torch.optim.AdamW(params, lr=lr, weight_decay=ADAMW_DECAY)
    raise ValueError(f"unknown optimizer {racer!r}; choose one of {RACERS}")


def lecture_factor(racer: str, t: int) -> float:
    """Extra learning-rate factor at update t (0-based): sqrt(t+1) turns PyTorch's Adagrad (root of the
    *sum* of squared gradients) into the lecture's (root of their *mean*)."""
    return math.sqrt(t + 1) if racer == "Adagrad (lecture)" else 1.0


def step_racer(opt: torch.optim.Optimizer, racer: str, t: int) -> None:
    """``opt.step()`` with the lecture's factor applied for this one update (then the lr is restored)."""
    k = lecture_factor(racer, t)
    if k == 1.0:
        opt.step()
        return
    saved = [g["lr"] for g in opt.param_groups]
    for g in opt.param_groups:
        g["lr"] = g["lr"] * k
    opt.step()
    for g, lr in zip(opt.param_groups, saved):
        g["lr"] = lr


def effective_lr(opt: torch.optim.Optimizer, racer: str, p: torch.Tensor, t: int, row: int | None = None
                 ) -> torch.Tensor:
    """eta_t / sigma per parameter, read from the optimizer's state after update t: (..., 2), or only
    row ``row`` of a batched parameter: (2,)."""
    lr = opt.param_groups[0]["lr"] * lecture_factor(racer, t)
    st = opt.state.get(p, {})
    eps = opt.param_groups[0].get("eps", 0.0)
    pick = (lambda x: x) if row is None else (lambda x: x[row])  # noqa: E731
    if racer.startswith("Adagrad"):
        return lr / (pick(st["sum"]).sqrt() + eps)
    if racer == "RMSProp":
        return lr / (pick(st["square_avg"]).sqrt() + eps)
    if racer in ("Adam", "AdamW"):
        n = float(st["step"])
        b2 = opt.param_groups[0]["betas"][1]
        return lr / ((pick(st["exp_avg_sq"]) / (1 - b2 ** n)).sqrt() + eps)
    return torch.full_like(pick(p), lr)


def momentum_of(opt: torch.optim.Optimizer, racer: str, p: torch.Tensor) -> torch.Tensor:
    """The optimizer's momentum (SGD's buffer, Adam's first moment m), zeros where it keeps none."""
    st = opt.state.get(p, {})
    if racer in ("Momentum", "Nesterov") and st.get("momentum_buffer") is not None:
        return st["momentum_buffer"]
    if racer in ("Adam", "AdamW"):
        return st["exp_avg"]
    return torch.zeros_like(p)


# ---------------------------------------------------------------- the race

DEFAULT_LRS = (0.15, 0.03, 0.03, 0.3, 1.0, 0.05, 0.1, 0.1)  # per racer, in RACERS order (0 = not racing)


@dataclass(frozen=True)
class RaceConfig:
    surface: str = "long narrow valley"  # one of SURFACES
    lrs: tuple[float, ...] = DEFAULT_LRS  # learning rate of each racer (RACERS order); 0 leaves it out
    schedule: str = "constant"  # one of SCHEDULES, applied to every racer
    steps: int = 200  # updates per run
    beta: float = 0.9  # momentum of 'Momentum' and 'Nesterov'
    batch: int = N_EXAMPLES  # minibatch size B; N_EXAMPLES = full batch (exact gradient, no noise)
    starts: int = 100  # extra random starting points, run as one batched computation with the race
    seed: int = 0  # examples behind the noise, minibatch draws and the random starts
    max_seconds: float = 8.0  # wall-time cap


@dataclass
class RaceResult:
    config: RaceConfig
    racers: list[str]  # the racers that ran (lr > 0), in RACERS order
    lrs: list[float]  # their learning rates
    path: np.ndarray  # (K, T+1, 2) the race's trajectory of each racer (NaN after divergence)
    loss: np.ndarray  # (K, T+1) full-batch loss along it (NaN after divergence)
    grad: np.ndarray  # (K, T, 2) minibatch gradient at each update
    momentum: np.ndarray  # (K, T, 2) the optimizer's momentum after each update (zeros if none)
    eff_lr: np.ndarray  # (K, T, 2) eta_t / sigma per parameter after each update
    lr_t: np.ndarray  # (K, T) the learning rate used at each update (schedule and lecture factor included)
    starts: np.ndarray  # (S, 2) the random starting points
    ends: np.ndarray  # (K, S, 2) where each racer ended from each of them (NaN if it diverged)
    end_loss: np.ndarray  # (K, S)
    reached: np.ndarray  # (K, S) bool: ended at a global minimum
    fmin: float
    minima: np.ndarray  # (n, 2)
    log: train.TrainLog
    seconds: float

    @property
    def steps_done(self) -> int:
        return int(self.grad.shape[1])

    def diverged_at(self, k: int) -> int | None:
        return self.log.diverged_at[k] if k < len(self.log.diverged_at) else None


def clamp(cfg: RaceConfig) -> RaceConfig:
    """Every field into the range the page allows (odd URL values included)."""
    lrs = tuple(float(np.clip(v, 0.0, 1e3)) if np.isfinite(v) else 0.0 for v in tuple(cfg.lrs)[: len(RACERS)])
    lrs = lrs + (0.0,) * (len(RACERS) - len(lrs))
    return replace(
        cfg,
        surface=cfg.surface if cfg.surface in SURFACES else RaceConfig.surface,
        lrs=lrs,
        schedule=cfg.schedule if cfg.schedule in SCHEDULES else "constant",
        steps=int(np.clip(cfg.steps, 1, 5000)),
        beta=float(np.clip(cfg.beta, 0.0, 0.999)) if np.isfinite(cfg.beta) else 0.9,
        batch=int(np.clip(cfg.batch, 1, N_EXAMPLES)),
        starts=int(np.clip(cfg.starts, 0, 1000)),
        seed=int(cfg.seed) % (2 ** 31),
    )


def examples(surface: str, seed: int) -> torch.Tensor:
    """(N, 2) per-example gradient offsets a_i, mean exactly zero: example i's loss is f(θ) + a_i·θ."""
    a = torch.randn(N_EXAMPLES, 2, generator=rng.generator(seed, salt=41), dtype=torch.float64)  # (N, 2)
    a = a - a.mean(0)
    return a / a.std(0) * SURFACES[surface].noise


def random_starts(surface: str, n: int, seed: int) -> torch.Tensor:
    """(n, 2) starting points drawn uniformly over the surface's box."""
    s = SURFACES[surface]
    u = torch.rand(n, 2, generator=rng.generator(seed, salt=42), dtype=torch.float64)  # (n, 2)
    lo = torch.tensor([s.box[0], s.box[2]], dtype=torch.float64)
    hi = torch.tensor([s.box[1], s.box[3]], dtype=torch.float64)
    return lo + u * (hi - lo)


def race(cfg: RaceConfig = RaceConfig(), progress: Callable[[train.TrainLog], None] | None = None) -> RaceResult:
    """Run every racer (lr > 0) from the surface's start and from ``cfg.starts`` random starts, all at once.

    Racer k's parameter is a (S, 2) tensor, row 0 the race's start; the loss is the sum over racers and
    rows, so one backward pass gives every row its own gradient. With B < N each row's gradient is
    that of a minibatch of B of the N examples (the same minibatches for every racer): each epoch
    shuffles the examples and cuts them into ceil(N/B) minibatches, as a DataLoader with shuffle=True.
    """
    cfg = clamp(cfg)
    t0 = time.perf_counter()
    f = loss_fn(cfg.surface)
    surf = SURFACES[cfg.surface]
    idx = [k for k, lr in enumerate(cfg.lrs) if lr > 0]
    racers, lrs = [RACERS[k] for k in idx], [cfg.lrs[k] for k in idx]
    K = len(racers)
    starts = random_starts(cfg.surface, cfg.starts, cfg.seed)  # (S-1, 2)
    x0 = torch.cat([torch.tensor([surf.start], dtype=torch.float64), starts])  # (S, 2)
    S, T = x0.shape[0], cfg.steps
    params = [x0.clone().requires_grad_(True) for _ in range(K)]  # K x (S, 2)
    opts = [make_optimizer(r, [p], lr, cfg.beta) for r, p, lr in zip(racers, params, lrs)]
    scheds = [make_scheduler(o, cfg.schedule, T) for o in opts]
    a = examples(cfg.surface, cfg.seed)  # (N, 2)
    g_batch = rng.generator(cfg.seed, salt=43)
    path = [x0[0].expand(K, 2).clone()]  # list of (K, 2)
    losses = [f(x0[0]).expand(K).clone()]  # list of (K,)
    grads, moms, effs, lr_used = [], [], [], []

    per_epoch = -(-N_EXAMPLES // cfg.batch)  # ceil(N / B) minibatches per epoch
    order = torch.empty(0, dtype=torch.long)

    def step(t: int) -> torch.Tensor:
        nonlocal order
        P = torch.stack(params)  # (K, S, 2)
        if cfg.batch < N_EXAMPLES:
            j = t % per_epoch
            if j == 0:  # a new epoch: every start shuffles the N examples
                order = torch.rand(S, N_EXAMPLES, generator=g_batch).argsort(1)  # (S, N)
            pick = order[:, j * cfg.batch:(j + 1) * cfg.batch]  # (S, B) this minibatch, without replacement
            xi = a[pick].mean(1)  # (S, 2) minibatch mean of the offsets
            total = f(P).sum() + (P * xi).sum()
        else:
            total = f(P).sum()
        for o in opts:
            o.zero_grad(set_to_none=True)
        total.backward()
        grads.append(torch.stack([p.grad[0] for p in params]).clone() if K else torch.zeros(0, 2))  # (K, 2)
        lr_used.append(torch.tensor([o.param_groups[0]["lr"] * lecture_factor(r, t) for o, r in zip(opts, racers)]))
        with torch.no_grad():
            for o, r, s in zip(opts, racers, scheds):
                step_racer(o, r, t)
            moms.append(torch.stack([momentum_of(o, r, p)[0] for o, r, p in zip(opts, racers, params)]).clone()
                        if K else torch.zeros(0, 2))  # (K, 2)
            effs.append(torch.stack([effective_lr(o, r, p, t, row=0) for o, r, p in zip(opts, racers, params)])
                        if K else torch.zeros(0, 2))  # (K, 2)
            for s in scheds:
                s.step()
            now = torch.stack([p[0] for p in params]) if K else torch.zeros(0, 2)  # (K, 2)
            path.append(now.clone())
            fl = f(now) if K else torch.zeros(0)
            losses.append(fl)
        return fl

    log = train.run(step, T if K else 0, progress=progress, max_seconds=cfg.max_seconds, stop_on="all",
                    check_every=32)
    done = log.steps
    P = torch.stack(path[: done + 1], 1).numpy() if K else np.zeros((0, done + 1, 2))  # (K, T+1, 2)
    L = torch.stack(losses[: done + 1], 1).numpy() if K else np.zeros((0, done + 1))  # (K, T+1)
    stack = lambda xs: (torch.stack(xs[:done], 1).numpy() if K and done else np.zeros((K, done, 2)))  # noqa: E731
    G, M, E = stack(grads), stack(moms), stack(effs)
    LR = torch.stack(lr_used[:done], 1).numpy() if K and done else np.zeros((K, done))
    for k in range(K):
        d = log.diverged_at[k]
        if d is not None:  # step d's loss was not finite: positions from then on are meaningless
            P[k, d:], L[k, d:] = np.nan, np.nan
            G[k, d - 1:], M[k, d - 1:], E[k, d - 1:] = np.nan, np.nan, np.nan
    with torch.no_grad():
        ends = torch.stack([p[1:] for p in params]).numpy() if K else np.zeros((0, S - 1, 2))  # (K, S-1, 2)
        end_loss = f(torch.from_numpy(ends)).numpy() if K else np.zeros((0, S - 1))
    bad = ~np.isfinite(end_loss) | ~np.isfinite(ends).all(-1) | (np.abs(end_loss) > 1e12)
    ends = np.where(bad[..., None], np.nan, ends)
    end_loss = np.where(bad, np.nan, end_loss)
    fmin, minima = global_minima(cfg.surface)
    reached = reached_minimum(ends, minima, surf)
    return RaceResult(cfg, racers, lrs, P, L, G, M, E, LR, starts.numpy(), ends, end_loss, reached, fmin, minima,
                      log, time.perf_counter() - t0)


def reached_minimum(points: np.ndarray, minima: np.ndarray, surf: Surface) -> np.ndarray:
    """(..., 2) -> (...) bool: within 2 % of the box's diagonal of a global minimizer."""
    r = 0.02 * math.hypot(surf.box[1] - surf.box[0], surf.box[3] - surf.box[2])
    d = np.linalg.norm(points[..., None, :] - minima, axis=-1).min(-1)  # (...,)
    return np.nan_to_num(d, nan=np.inf) < r


def steps_to_target(r: RaceResult, gap: float) -> list[int | None]:
    """Per racer: the first step whose loss is within ``gap`` of the global minimum (None if never)."""
    out = []
    for k in range(len(r.racers)):
        hit = np.nonzero(np.nan_to_num(r.loss[k] - r.fmin, nan=np.inf) <= gap)[0]
        out.append(int(hit[0]) if len(hit) else None)
    return out


def leaderboard(r: RaceResult, gap: float) -> pd.DataFrame:
    """One row per racer: steps to reach f* + gap, final loss, divergence, share of random starts that
    reach a global minimum. Sorted by steps to target (never reached last), then final loss."""
    reach = steps_to_target(r, gap)
    rows = []
    for k, name in enumerate(r.racers):
        d = r.diverged_at(k)
        fin = r.loss[k][np.isfinite(r.loss[k])]
        share = float(r.reached[k].mean()) if r.reached.shape[1] else float("nan")
        rows.append({"optimizer": name, "η": r.lrs[k],
                     "steps to target": str(reach[k]) if reach[k] is not None else "not reached",
                     "final loss": float(fin[-1]) if d is None and len(fin) else None,
                     "status": f"diverged at step {d}" if d is not None else "finished",
                     "random starts reaching the global min": share})
    df = pd.DataFrame(rows, columns=["optimizer", "η", "steps to target", "final loss", "status",
                                     "random starts reaching the global min"])
    if len(df):
        df["_r"] = pd.to_numeric(df["steps to target"], errors="coerce").fillna(np.inf).astype(float)
        df["_l"] = df["final loss"].fillna(np.inf).astype(float)
        df = df.sort_values(["_r", "_l"], kind="stable").drop(columns=["_r", "_l"]).reset_index(drop=True)
        df.insert(0, "rank", np.arange(1, len(df) + 1))
    return df


def history(r: RaceResult) -> pd.DataFrame:
    """Long format for the loss chart and the CSV: step, optimizer, loss, gap (loss - f*), x, y; finite only."""
    K, T1 = r.loss.shape
    df = pd.DataFrame({
        "step": np.tile(np.arange(T1), K),
        "optimizer": np.repeat(np.array(r.racers, dtype=object), T1),
        "loss": r.loss.ravel(), "gap": (r.loss - r.fmin).ravel(),
        "x": r.path[..., 0].ravel(), "y": r.path[..., 1].ravel(),
    })
    ok = np.isfinite(df[["loss", "x", "y"]].to_numpy()).all(1)
    return df[ok].reset_index(drop=True)


def history_csv(r: RaceResult) -> bytes:
    return history(r).to_csv(index=False).encode()


@dataclass
class Inside:
    """One optimizer at one update: where it is, and the arrows the page draws."""
    racer: str
    t: int  # the update (1-based)
    point: np.ndarray  # (2,) position before the update
    grad_step: np.ndarray  # (2,) -eta_t g: where plain gradient descent would go
    momentum_step: np.ndarray  # (2,) momentum's part: Momentum/Nesterov: update minus the gradient step
    #                                  (the carried-over movement); Adam/AdamW: -eta_t m-hat; else zeros
    update: np.ndarray  # (2,) the actual move theta_{t} - theta_{t-1}
    eff_lr: np.ndarray  # (2,) eta_t / sigma per parameter after the update
    grad: np.ndarray  # (2,)
    lr: float  # eta_t

    @property
    def window(self) -> tuple[float, float, float, float]:
        """xmin, xmax, ymin, ymax: a square-ish box around the point that holds every arrow."""
        tips = np.stack([self.point, self.point + self.grad_step, self.point + self.momentum_step,
                         self.point + self.update])  # (4, 2)
        tips = tips[np.isfinite(tips).all(1)]
        half = float(np.max(np.abs(tips - self.point))) if len(tips) else 0.0
        half = 1.25 * max(half, 1e-6)
        return (self.point[0] - half, self.point[0] + half, self.point[1] - half, self.point[1] + half)


def inside(r: RaceResult, k: int, t: int) -> Inside | None:
    """The state of racer k at update t (1-based), or None where it had diverged or never got there."""
    if not (0 <= k < len(r.racers)) or not 1 <= t <= r.steps_done:
        return None
    i = t - 1
    p0, p1 = r.path[k, i], r.path[k, i + 1]
    g, m, lr = r.grad[k, i], r.momentum[k, i], float(r.lr_t[k, i])
    if not (np.isfinite(p0).all() and np.isfinite(p1).all() and np.isfinite(g).all() and np.isfinite(lr)):
        return None
    racer = r.racers[k]
    if racer in ("Momentum", "Nesterov"):  # update = carried-over movement + gradient step: the carried part
        mom = (p1 - p0) - (-lr * g)
    elif racer in ("Adam", "AdamW"):  # Adam's momentum m-hat (bias-corrected first moment), times -eta
        mom = -lr * m / (1 - 0.9 ** t)
    else:
        mom = np.zeros(2)
    return Inside(racer, t, p0, -lr * g, mom, p1 - p0, r.eff_lr[k, i], g, lr)


def inside_frame(r: RaceResult, k: int) -> pd.DataFrame:
    """Racer k's effective learning rate eta_t/sigma per parameter at every update (finite, positive)."""
    T = r.steps_done
    if not (0 <= k < len(r.racers)) or T == 0:
        return pd.DataFrame(columns=["step", "parameter", "eff_lr"])
    df = pd.DataFrame({"step": np.tile(np.arange(1, T + 1), 2), "parameter": np.repeat(["x", "y"], T),
                       "eff_lr": np.concatenate([r.eff_lr[k, :, 0], r.eff_lr[k, :, 1]])})
    return df[np.isfinite(df.eff_lr) & (df.eff_lr > 0)].reset_index(drop=True)


# ---------------------------------------------------------------- a real race: digits

NET_LRS = (0.1, 0.05, 0.05, 0.003, 0.05, 0.002, 0.003, 0.003)  # per racer (RACERS order), for the network


@dataclass(frozen=True)
class RealConfig:
    racers: tuple[str, ...] = RACERS  # which optimizers train
    lr_scale: float = 1.0  # every racer's network learning rate (NET_LRS) times this
    steps: int = 300  # updates (minibatches of 32)
    batch: int = 32  # minibatch size
    hidden: int = 32  # hidden units of the 64-hidden-10 network
    seed: int = 0  # split, initial weights (shared by all racers) and minibatch order
    max_seconds: float = 10.0  # wall-time cap


@dataclass
class RealResult:
    config: RealConfig
    racers: list[str]
    history: pd.DataFrame  # step, optimizer, loss, seconds (cumulative own compute time)
    val_acc: dict[str, float]  # validation accuracy at the end (NaN if diverged)
    log: train.TrainLog
    weights: dict[str, dict[str, torch.Tensor]]  # per racer, nn.Sequential state dict


def mlp(n_in: int, hidden: int, n_out: int, gen: torch.Generator) -> nn.Sequential:
    """64-hidden-10 ReLU network, initialised (PyTorch's default ranges) from ``gen``."""
    net = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, n_out))
    with torch.no_grad():
        for layer in (net[0], net[2]):
            bound = 1.0 / math.sqrt(layer.in_features)
            layer.weight.uniform_(-bound, bound, generator=gen)
            layer.bias.uniform_(-bound, bound, generator=gen)
    return net


def real_race(cfg: RealConfig = RealConfig(), progress: Callable[[train.TrainLog], None] | None = None) -> RealResult:
    """Each chosen optimizer trains its own copy of one network on scikit-learn's digits, same minibatches.

    The copies train one after the other within each step, and each optimizer's own compute time
    (forward, backward, update) is measured, for the loss-against-wall-time chart.
    """
    racers = [r for r in cfg.racers if r in RACERS]
    scale = float(np.clip(cfg.lr_scale, 1e-3, 1e3))
    steps = int(np.clip(cfg.steps, 1, 5000))
    ds = data.classification("digits", 0.25, cfg.seed)
    base = mlp(ds.x_train.shape[1], int(np.clip(cfg.hidden, 1, 512)), ds.n_classes, rng.generator(cfg.seed, salt=44))
    nets = [_copy(base) for _ in racers]
    opts = [make_optimizer(r, n.parameters(), NET_LRS[RACERS.index(r)] * scale) for r, n in zip(racers, nets)]
    g = rng.generator(cfg.seed, salt=45)
    N = len(ds.x_train)
    B = int(np.clip(cfg.batch, 1, N))
    per_epoch = -(-N // B)
    order = torch.empty(0, dtype=torch.long)
    spent = np.zeros(len(racers))
    rows: list[tuple[int, str, float, float]] = []
    lossf = nn.CrossEntropyLoss()

    def step(t: int) -> torch.Tensor:
        nonlocal order
        j = t % per_epoch
        if j == 0:
            order = torch.randperm(N, generator=g)
        ib = order[j * B:(j + 1) * B]
        xb, yb = ds.x_train[ib], ds.y_train[ib]  # (B, 64), (B,)
        out = []
        for k, (r, net, opt) in enumerate(zip(racers, nets, opts)):
            t0 = time.perf_counter()
            loss = lossf(net(xb), yb)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            step_racer(opt, r, t)
            spent[k] += time.perf_counter() - t0
            v = float(loss.detach())
            rows.append((t + 1, r, v, spent[k]))
            out.append(v)
        return torch.tensor(out)

    log = train.run(step, steps if racers else 0, progress=progress, max_seconds=cfg.max_seconds, stop_on="all")
    hist = pd.DataFrame(rows, columns=["step", "optimizer", "loss", "seconds"])
    dead = {r for r, d in zip(racers, log.diverged_at) if d is not None}
    for r, d in zip(racers, log.diverged_at):
        if d is not None:
            hist = hist[~((hist.optimizer == r) & (hist.step >= d))]
    hist = hist[np.isfinite(hist.loss) & (hist.loss < 1e6)].reset_index(drop=True)
    acc = {}
    with torch.no_grad():
        for r, net in zip(racers, nets):
            acc[r] = float("nan") if r in dead else float((net(ds.x_val).argmax(1) == ds.y_val).float().mean())
    weights = {r: {k: v.detach().clone() for k, v in net.state_dict().items()} for r, net in zip(racers, nets)
               if r not in dead}
    return RealResult(cfg, racers, hist, acc, log, weights)


def _copy(net: nn.Sequential) -> nn.Sequential:
    import copy

    return copy.deepcopy(net)


def weights_safetensors(r: RealResult) -> bytes:
    """The trained networks (``nn.Sequential`` keys, prefixed by optimizer) as ``.safetensors``."""
    return safetensors_bytes(r.weights, r.config)


# ---------------------------------------------------------------- batch-size lab

LAB_BATCHES = (4, 16, 64, 256, 1347)  # the last is the whole digits training set (full batch)


@dataclass(frozen=True)
class LabConfig:
    batches: tuple[int, ...] = LAB_BATCHES  # batch sizes to compare
    epochs: int = 3  # passes over the training set at every batch size
    lr: float = 0.05  # plain SGD's learning rate, the same for every batch size
    hidden: int = 32  # hidden units of the 64-hidden-10 network
    seed: int = 0  # split, initial weights (the same for every batch size), minibatch order
    max_seconds: float = 12.0  # wall-time cap of the whole lab


@dataclass
class LabResult:
    config: LabConfig
    table: pd.DataFrame  # batch, updates, ms_per_update, s_per_epoch, train_acc, val_acc, device
    device: str


def batch_lab(cfg: LabConfig = LabConfig()) -> LabResult:
    """Train the same network with plain SGD at each batch size for the same number of epochs; measure
    the time per update and per epoch and the training and validation accuracy."""
    dev = choose_device("large")
    ds = data.classification("digits", 0.25, cfg.seed)
    xt, yt, xv, yv = (t.to(dev) for t in (ds.x_train, ds.y_train, ds.x_val, ds.y_val))
    N = len(xt)
    base = mlp(xt.shape[1], int(np.clip(cfg.hidden, 1, 512)), ds.n_classes, rng.generator(cfg.seed, salt=46))
    lossf = nn.CrossEntropyLoss()
    rows = []
    budget = float(cfg.max_seconds) / max(1, len(cfg.batches))
    warm = _copy(base).to(dev)  # a few throwaway updates first, so the first timing holds no start-up cost
    wopt = torch.optim.SGD(warm.parameters(), lr=cfg.lr)
    for b in (8, N):
        for _ in range(3):
            wopt.zero_grad(set_to_none=True)
            lossf(warm(xt[:b]), yt[:b]).backward()
            wopt.step()
    for B in sorted({int(np.clip(b, 1, N)) for b in cfg.batches}):
        net = _copy(base).to(dev)
        opt = torch.optim.SGD(net.parameters(), lr=cfg.lr)
        g = rng.generator(cfg.seed, salt=47)
        per_epoch = -(-N // B)
        updates, t0, epochs_done = 0, time.perf_counter(), 0
        for e in range(max(1, int(cfg.epochs))):
            order = torch.randperm(N, generator=g).to(dev)
            for j in range(per_epoch):
                ib = order[j * B:(j + 1) * B]
                loss = lossf(net(xt[ib]), yt[ib])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                updates += 1
            epochs_done += 1
            if time.perf_counter() - t0 > budget:
                break
        if dev.type == "cuda":
            torch.cuda.synchronize()
        sec = time.perf_counter() - t0
        with torch.no_grad():
            tr = float((net(xt).argmax(1) == yt).float().mean())
            va = float((net(xv).argmax(1) == yv).float().mean())
        rows.append({"batch": B, "updates": updates, "epochs": epochs_done, "ms_per_update": 1e3 * sec / updates,
                     "s_per_epoch": sec / epochs_done, "train_acc": tr, "val_acc": va})
    return LabResult(cfg, pd.DataFrame(rows), str(dev))
