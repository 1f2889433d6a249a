"""Why warm-up: a deep ReLU network trained on the digits by Adam at a large η, once with η at full size from the
first update and once with η grown linearly over the first updates (both then decayed by the same cosine, or both
kept constant): the only difference between the two runs is the warm-up.

Early on Adam's running estimates m and v rest on a handful of gradients, so every update at full η is a
full-size step (about η on every weight) in a direction it barely knows; in a deep ReLU network such steps can push
units to output zero on every example ("dead" ReLUs: they get no gradient again). The measure shown is the share of
hidden ReLUs dead on the validation digits, next to the loss and the validation accuracy. What the page states
(``warmup_facts``, thresholds named below) was checked on ten seeds in both arithmetic modes: more units die
without warm-up, but warm-up alone does not reliably lift this small network's final accuracy.

Seeds and schedules train as ONE computation: a seed-batched MLP (``torch.bmm`` over stacked weights, one
``torch.optim.Adam`` with a parameter group per schedule, ``torch.optim.lr_scheduler.LambdaLR`` with one factor
per group); Adam is per element, so stacking models is exact. ``stacked_forward`` equals ``nn.Sequential`` of
``nn.Linear`` and ``nn.ReLU`` on the same weights (tested).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Callable, Sequence

import numpy as np
import torch
from torch import nn
from torch.optim import lr_scheduler

from core import data, device, params, rng, train
from core.params import choice, flag, num

RUNS = ("none", "warm-up")  # the two runs: η at full size from the first update, and grown linearly first
AFTER = ("cosine", "constant")  # what η does after the warm-up (the same in both runs)
PROBE_EVERY = 25  # dead units and validation accuracy are measured every this many updates (and at the warm-up's end)
WIDTH = 64  # hidden units per layer
BATCH = 64  # digits per minibatch


@dataclass(frozen=True)
class WarmupConfig:
    lr: float = choice(0.03, (0.003, 0.01, 0.03, 0.1), widget="select_slider")  # Adam's peak η
    warm: int = num(60, 10, 200, step=10)  # W: the warm-up run's η grows linearly from η/W to η over W updates
    after: str = choice("cosine", AFTER, widget="radio")  # η after the warm-up, the same in both runs
    depth: int = choice(6, (2, 4, 6, 8), widget="select_slider")  # hidden ReLU layers of WIDTH units
    steps: int = num(200, 100, 600, step=50)  # updates (minibatches of BATCH digits)
    seed: int = num(0, 0, 1_000_000, widget="number")  # split, initial weights (the same in both runs), minibatches


@dataclass(frozen=True)
class WarmupView:
    """Whether the page runs the warm-up experiment (two deep networks; off by default)."""
    show: bool = flag(False)  # train the two networks


def factors(cfg: WarmupConfig) -> np.ndarray:
    """(2, steps) η_t/η of each run at update t = 0..steps-1 (row 0 no warm-up, row 1 warm-up), in closed form:
    warm-up ``min(1, (t+1)/warm)``; after it a cosine from 1 to 0 over the remaining updates, or 1. The run
    without warm-up decays over the whole run. ``make_schedulers`` builds the same with LambdaLR (tested equal)."""
    cfg = params.clamp(cfg)
    return np.array([[_factor(cfg, k, t) for t in range(cfg.steps)] for k in range(len(RUNS))])


def _factor(cfg: WarmupConfig, k: int, t: int) -> float:
    w = min(cfg.warm, cfg.steps) if k == 1 else 0
    if t < w:
        return (t + 1) / w
    if cfg.after == "constant":
        return 1.0
    return 0.5 * (1 + math.cos(math.pi * (t - w) / max(1, cfg.steps - w)))


@dataclass
class WarmupResult:
    config: WarmupConfig
    seeds: tuple[int, ...]
    factors: np.ndarray  # (2, steps) η_t/η per run
    loss: np.ndarray  # (steps, 2, S) training minibatch loss per run and seed (NaN after a divergence)
    probe_step: np.ndarray  # (P,) updates after which the probes were taken (0: before training)
    dead: np.ndarray  # (P, 2, S) share of hidden ReLUs dead on every validation digit
    val_acc: np.ndarray  # (P, 2, S) validation accuracy
    log: train.TrainLog


def init(depth: int, seeds: Sequence[int], n_in: int = 64, n_out: int = 10) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Per layer (W (S, in, out), b (S, 1, out)): each seed's weights drawn as ``nn.Linear`` draws them, uniform in
    ±1/sqrt(fan-in), from the generator (seed, "optimizers.warmup.init")."""
    sizes = [n_in] + [WIDTH] * depth + [n_out]
    gens = [rng.generator(s, "optimizers.warmup.init") for s in seeds]
    layers = []
    for fi, fo in zip(sizes[:-1], sizes[1:]):
        bound = fi ** -0.5
        w = torch.stack([(torch.rand(fo, fi, generator=g) * 2 - 1) * bound for g in gens])  # (S, out, in)
        b = torch.stack([(torch.rand(fo, generator=g) * 2 - 1) * bound for g in gens])  # (S, out)
        layers.append((w.transpose(1, 2).contiguous(), b[:, None, :].contiguous()))  # (S, in, out), (S, 1, out)
    return layers


def stacked_forward(layers, x: torch.Tensor, hidden: list | None = None) -> torch.Tensor:
    """x (M, B, in) through M stacked ReLU networks -> logits (M, B, out); ``hidden`` collects each hidden
    layer's pre-activation (M, B, WIDTH)."""
    h = x
    for i, (w, b) in enumerate(layers):
        h = torch.baddbmm(b, h, w)  # (M, B, out)
        if i < len(layers) - 1:
            if hidden is not None:
                hidden.append(h)
            h = torch.relu(h)
    return h


def as_sequential(layers, m: int) -> nn.Sequential:
    """Model ``m`` of the stack as ``nn.Sequential(nn.Linear, nn.ReLU, ...)`` on the same weights."""
    mods: list[nn.Module] = []
    for i, (w, b) in enumerate(layers):
        lin = nn.Linear(w.shape[1], w.shape[2])
        with torch.no_grad():
            lin.weight.copy_(w[m].T)
            lin.bias.copy_(b[m, 0])
        mods += [lin, nn.ReLU()] if i < len(layers) - 1 else [lin]
    return nn.Sequential(*mods)


def make_schedulers(opt: torch.optim.Optimizer, cfg: WarmupConfig) -> lr_scheduler.LambdaLR:
    """One LambdaLR over the optimizer's groups (group k: run k), each group's factor ``_factor(cfg, k, t)``."""
    cfg = params.clamp(cfg)
    return lr_scheduler.LambdaLR(opt, [lambda t, k=k: _factor(cfg, k, min(t, cfg.steps - 1))
                                       for k in range(len(RUNS))])


def _digits(seeds: Sequence[int]):
    """Each seed's split of the digits, stacked: x_tr (S, N, 64), y_tr (S, N), x_va (S, V, 64), y_va (S, V)."""
    sets = [data.classification("digits", 0.25, s) for s in seeds]
    return (torch.stack([d.x_train for d in sets]), torch.stack([d.y_train for d in sets]),
            torch.stack([d.x_val for d in sets]), torch.stack([d.y_val for d in sets]))


def warmup_runs(cfg: WarmupConfig = WarmupConfig(), seeds: Sequence[int] | None = None,
                progress: Callable[[train.TrainLog], None] | None = None) -> WarmupResult:
    """Both runs on each seed (``cfg.seed`` alone by default), all as one computation."""
    cfg = params.clamp(cfg)
    seeds = (cfg.seed,) if seeds is None else tuple(int(s) for s in seeds)
    S, K = len(seeds), len(RUNS)
    warm_at = min(cfg.warm, cfg.steps)  # the update at which the warm-up run reaches its peak η
    x_tr, y_tr, x_va, y_va = _digits(seeds)
    base = init(cfg.depth, seeds)
    runs = [[(w.clone().requires_grad_(), b.clone().requires_grad_()) for w, b in base] for _ in range(K)]
    opt = torch.optim.Adam([{"params": [p for wb in r for p in wb]} for r in runs], lr=cfg.lr,
                           **device.optimizer_impl("fused"))
    sched = make_schedulers(opt, cfg)
    samplers = [train.EpochSampler(x_tr.shape[1], BATCH, rng.generator(s, "optimizers.warmup.batches")) for s in seeds]
    rows = torch.arange(S)[:, None]
    lossf = nn.CrossEntropyLoss(reduction="none")
    probe_at, dead, acc = [], [], []

    def probe(t: int) -> None:
        with torch.no_grad():
            d, a = [], []
            for r in runs:
                hidden: list[torch.Tensor] = []
                out = stacked_forward(r, x_va, hidden)  # (S, V, 10)
                pre = torch.stack(hidden, 1)  # (S, L, V, WIDTH)
                d.append((pre <= 0).all(2).float().mean((1, 2)))  # (S,)
                a.append((out.argmax(-1) == y_va).float().mean(1))  # (S,)
            probe_at.append(t)
            dead.append(torch.stack(d).numpy())
            acc.append(torch.stack(a).numpy())

    probe(0)

    def step(t: int) -> torch.Tensor:
        ib = torch.stack([sm(t) for sm in samplers])  # (S, B)
        xb, yb = x_tr[rows, ib], y_tr[rows, ib]  # (S, B, 64), (S, B)
        losses = torch.stack([lossf(stacked_forward(r, xb).flatten(0, 1), yb.flatten()).view(S, -1).mean(1)
                              for r in runs])  # (K, S)
        out = train.batched_step(opt, losses.flatten())
        sched.step()
        if (t + 1) % PROBE_EVERY == 0 or t + 1 in (warm_at, cfg.steps):
            probe(t + 1)
        return out

    log = train.run(step, cfg.steps, progress=progress, stop_on="all")
    n = log.steps
    loss = log.losses.reshape(n, K, S)
    keep = [i for i, t in enumerate(probe_at) if t <= n]
    return WarmupResult(cfg, seeds, factors(cfg), loss, np.array(probe_at)[keep], np.stack(dead)[keep],
                        np.stack(acc)[keep], log)


DEAD_EARLY = 0.10  # "more ReLUs died without warm-up": at the warm-up's end, a share at least this much larger
DEAD_END = 0.03  # "and they stayed dead": at the end of the run, still at least this much larger
ACC_AHEAD = 0.05  # a run is "ahead" in final validation accuracy by at least this
CHECKED = WarmupConfig()  # the setting the ten-seed sentence is about: the defaults (tests/test_optimizers_warmup.py)
CHECK_SEEDS = tuple(range(10))  # the seeds of that check
CHECK_AHEAD_MOST = 3  # the check found warm-up ahead by ACC_AHEAD on at most this many of the ten seeds


@dataclass(frozen=True)
class WarmupFacts:
    """What the page says of one seed's two runs (index 0: no warm-up, 1: warm-up)."""
    warm_at: int  # the update where the warm-up run reached its peak η (the probe taken there)
    dead_warm: tuple[float, float]  # share of dead hidden ReLUs at ``warm_at``
    dead_end: tuple[float, float]  # ... at the end of the run
    acc_end: tuple[float, float]  # validation accuracy at the end
    more_dead_early: bool  # dead_warm[0] - dead_warm[1] >= DEAD_EARLY
    still_more_dead: bool  # dead_end[0] - dead_end[1] >= DEAD_END
    ahead: str | None  # "none" or "warm-up": ahead in final accuracy by ACC_AHEAD; None: neither
    checked: bool  # the setting is CHECKED (whatever the seed): the page may quote the ten-seed check
    diverged: bool  # a run diverged: nothing is compared


def warmup_facts(r: WarmupResult, s: int = 0) -> WarmupFacts:
    """The facts of seed number ``s`` of the result."""
    cfg = r.config
    warm_at = min(cfg.warm, cfg.steps)
    i = int(np.searchsorted(r.probe_step, warm_at))
    diverged = r.log.diverged_at[s] is not None or r.log.diverged_at[len(r.seeds) + s] is not None \
        or r.log.steps < cfg.steps
    if diverged or i >= len(r.probe_step):
        nan = (float("nan"), float("nan"))
        return WarmupFacts(warm_at, nan, nan, nan, False, False, None, False, True)
    dw, de, acc = (tuple(float(v) for v in a[:, s]) for a in (r.dead[i], r.dead[-1], r.val_acc[-1]))
    gap = acc[1] - acc[0]
    ahead = "warm-up" if gap >= ACC_AHEAD else "none" if -gap >= ACC_AHEAD else None
    same = replace(cfg, seed=CHECKED.seed) == CHECKED
    return WarmupFacts(warm_at, dw, de, acc, dw[0] - dw[1] >= DEAD_EARLY, de[0] - de[1] >= DEAD_END, ahead,
                       same, False)
