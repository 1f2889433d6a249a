"""Part ``cost``: why not finite differences? Gradients of MLPs of growing size, two ways.

Central finite differences: for every weight θ_i, two forward passes, (L(θ + εe_i) − L(θ − εe_i)) / 2ε: 2P forward
passes for P weights. Backpropagation: one forward and one backward pass, whatever P.

The cost is counted, not only timed: forward passes are counted as they run, and the multiply-adds of the matrix
products (where nearly all the work is) are counted by PyTorch's FlopCounterMode in the forward and the backward
pass, so backprop's cost is (forward + backward) / forward "forward-pass equivalents". Timings are measured live
on this machine in CPU seconds of the computing thread (a busy server slows the clock on the wall, much less
these), and vary with the machine; the counts do not. Finite differences run for the
widths up to ``fd_max``; beyond it their time is extrapolated: 2P forward passes, each taking what one forward pass
takes at that size plus the loop's own overhead per pass, measured on the largest run (so the line continues it).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
from torch.utils.flop_counter import FlopCounterMode

from core import rng
from core.backprop.network import ACTIVATIONS
from core.params import choice, clamp, num

INPUTS = 8  # inputs of every network in the race
BATCH = 16  # examples in the loss (MSE over the batch)
WIDTHS = (8, 16, 32, 64, 128, 256, 512)  # two hidden layers of this width: 153 to 267,777 weights
FD_WIDTHS = (16, 32, 64, 128)  # the largest width finite differences are run on (the control)
EPS = 1e-6  # the finite-difference step ε
TIMING_CALLS = (3, 200)  # a timing repeats its call at least and at most this many times...
TIMING_SECONDS = 0.02  # ...until this many CPU seconds have passed
REPORT = 2000  # finite differences report progress every this many weights
BACKPROP_MAX = 3.0  # backprop costs at most this many forward passes (multiply-adds counted), at every size
FD_PER_WEIGHT = 2  # finite differences run exactly this many forward passes per weight (counted)
FD_AGREE = 1e-6  # the two gradients differ by less than this (float64; the finite differences' own error)


@dataclass(frozen=True)
class CostConfig:
    activation: str = choice("sigmoid", ACTIVATIONS, widget="radio")  # the hidden layers' activation
    fd_max: int = choice(32, FD_WIDTHS, widget="select_slider")  # finite differences run up to this width
    seed: int = num(0, 0, 1_000_000, widget="number")  # the weights and the batch


def n_weights(width: int) -> int:
    """Weights and biases of INPUTS -> width -> width -> 1."""
    return INPUTS * width + width + width * width + width + width + 1


class Mlp:
    """INPUTS -> width -> width -> 1 in float64, its parameters one flat vector θ (views per layer)."""

    def __init__(self, width: int, activation: str, seed: int) -> None:
        g = rng.generator(seed, f"backprop.cost:{width}")
        self.theta = torch.zeros(n_weights(width), dtype=torch.float64)  # (P,)
        shapes = [(INPUTS, width), (width,), (width, width), (width,), (width, 1), (1,)]
        self.views, k = [], 0
        for s in shapes:
            n = int(np.prod(s))
            self.views.append(self.theta[k:k + n].view(s))
            k += n
        with torch.no_grad():  # weights N(0, 1/fan_in); biases N(0, 0.1²), never exactly 0: a ReLU with z = 0
            for w, b in zip(self.views[0::2], self.views[1::2]):  # exactly sits on its kink, where no derivative is
                w.copy_(torch.randn(w.shape, generator=g, dtype=torch.float64) / w.shape[0] ** 0.5)
                b.copy_(torch.randn(b.shape, generator=g, dtype=torch.float64) * 0.1)
        self.x = torch.randn(BATCH, INPUTS, generator=g, dtype=torch.float64)  # (B, INPUTS)
        self.y = torch.randn(BATCH, generator=g, dtype=torch.float64)  # (B,)
        self.f = torch.sigmoid if activation == "sigmoid" else torch.relu
        self.forwards = 0  # forward passes run (counted)

    def loss(self, views=None) -> torch.Tensor:
        w1, b1, w2, b2, w3, b3 = views if views is not None else self.views
        self.forwards += 1
        a = self.f(torch.addmm(b1, self.x, w1))  # (B, width)
        a = self.f(torch.addmm(b2, a, w2))  # (B, width)
        return (torch.addmm(b3, a, w3)[:, 0] - self.y).square().mean()  # MSE (as F.mse_loss, less overhead)

    def backprop(self) -> torch.Tensor:
        """∂L/∂θ by one forward and one backward pass."""
        theta = self.theta.clone().requires_grad_(True)
        views = [theta[v.storage_offset():v.storage_offset() + v.numel()].view(v.shape) for v in self.views]
        self.loss(views).backward()
        return theta.grad

    def finite_differences(self, tick: Callable[[int], None] | None = None) -> torch.Tensor:
        """∂L/∂θ by central differences, two forward passes per weight (θ restored exactly after each)."""
        g = np.empty(self.theta.numel())  # (P,)
        theta = self.theta.numpy()  # the same memory: writing θ_i here changes the views the loss reads
        with torch.no_grad():
            for i in range(theta.size):
                old = theta[i]
                theta[i] = old + EPS
                up = self.loss().item()
                theta[i] = old - EPS
                down = self.loss().item()
                theta[i] = old
                g[i] = (up - down) / (2 * EPS)
                if tick is not None and (i + 1) % REPORT == 0:
                    tick(REPORT)
        return torch.from_numpy(g)


def flops(m: Mlp) -> tuple[int, int]:
    """Multiply-add FLOPs of one forward pass and of one backward pass (PyTorch's FlopCounterMode)."""
    theta = m.theta.clone().requires_grad_(True)
    views = [theta[v.storage_offset():v.storage_offset() + v.numel()].view(v.shape) for v in m.views]
    with FlopCounterMode(display=False) as fc:
        loss = m.loss(views)
    fwd = fc.get_total_flops()
    with FlopCounterMode(display=False) as fc:
        loss.backward()
    return int(fwd), int(fc.get_total_flops())


def _seconds(fn: Callable[[], object]) -> float:
    """CPU seconds of one call: calls repeated until TIMING_SECONDS have passed (between TIMING_CALLS), then the
    total over the count (a coarse thread clock, as on Windows, still averages out)."""
    fn()  # warm
    calls, t0 = 0, time.thread_time()
    while calls < TIMING_CALLS[0] or (calls < TIMING_CALLS[1] and time.thread_time() - t0 < TIMING_SECONDS):
        fn()
        calls += 1
    return max(time.thread_time() - t0, 1e-9) / calls


@dataclass
class Progress:
    """What the page's progress bar reads while the race runs (forward passes of finite differences)."""
    steps: int
    planned: int


@dataclass
class CostResult:
    config: CostConfig
    frame: pd.DataFrame  # one row per width: see ``race``


def race(cfg: CostConfig = CostConfig(), progress: Callable[[Progress], None] | None = None) -> CostResult:
    """Every width: counts, timings, and (up to ``fd_max``) the finite-difference gradient against backprop's.

    Columns: width, weights P, fwd_flops, bwd_flops, bp_equiv ((fwd + bwd) / fwd), fd_run (bool), fd_passes
    (counted; 2P where not run), t_forward, t_backprop, t_fd (measured; NaN where not run), t_fd_extra
    (2P × the largest run's measured seconds per pass, plus what a forward pass costs more at that size), max_diff (max |FD − backprop|; NaN where not run),
    max_grad (max |backprop|).
    """
    cfg = clamp(cfg)
    planned = sum(FD_PER_WEIGHT * n_weights(w) for w in WIDTHS if w <= cfg.fd_max)
    done = [0]

    def tick(k: int) -> None:
        done[0] += FD_PER_WEIGHT * k
        if progress is not None:
            progress(Progress(min(done[0], planned), planned))

    rows = []
    for width in WIDTHS:
        m = Mlp(width, cfg.activation, cfg.seed)
        fwd, bwd = flops(m)
        with torch.no_grad():
            t_fwd = _seconds(m.loss)
        t_bp = _seconds(m.backprop)
        g = m.backprop()
        p = n_weights(width)
        row = dict(width=width, weights=p, fwd_flops=fwd, bwd_flops=bwd, bp_equiv=(fwd + bwd) / fwd,
                   fd_run=width <= cfg.fd_max, fd_passes=FD_PER_WEIGHT * p, t_forward=t_fwd, t_backprop=t_bp,
                   t_fd=np.nan, t_fd_extra=np.nan, max_diff=np.nan,
                   max_grad=float(g.abs().max()))
        if row["fd_run"]:
            m.forwards = 0
            t = time.thread_time()
            fd = m.finite_differences(tick)
            row["t_fd"] = max(time.thread_time() - t, 1e-9)
            row["fd_passes"] = m.forwards
            row["max_diff"] = float((fd - g).abs().max())
            tick(p % REPORT)
        rows.append(row)
    df = pd.DataFrame(rows)
    last = df[df.fd_run].iloc[-1]
    per_pass = last.t_fd / last.fd_passes  # measured on the largest run: one forward pass plus the loop's overhead
    grown = df.t_forward - last.t_forward + per_pass  # each pass costs what a forward pass costs more at that size
    df["t_fd_extra"] = df.fd_passes * np.maximum(grown, per_pass)  # equals t_fd on the largest run: the line goes on
    return CostResult(cfg, df)


@dataclass(frozen=True)
class CostFacts:
    """The numbers behind the cost part's sentences."""
    bp_min: float  # backprop's forward-pass equivalents: smallest and largest over the widths
    bp_max: float
    bp_within: bool  # bp_max <= BACKPROP_MAX
    fd_counted: bool  # every finite-difference run counted exactly FD_PER_WEIGHT forward passes per weight
    max_diff: float  # largest |FD − backprop| over the widths run
    agree: bool  # max_diff < FD_AGREE
    fd_weights: int  # the largest network finite differences ran on: its weights
    speedup: float  # there, measured time of finite differences / time of backprop
    big_weights: int  # the largest network: its weights
    big_fd_seconds: float  # there, finite differences' extrapolated time
    big_bp_seconds: float  # there, backprop's measured time


def facts(r: CostResult) -> CostFacts:
    df = r.frame
    run = df[df.fd_run]
    last, big = run.iloc[-1], df.iloc[-1]
    diff = float(run.max_diff.max())
    return CostFacts(float(df.bp_equiv.min()), float(df.bp_equiv.max()), bool(df.bp_equiv.max() <= BACKPROP_MAX),
                     bool((run.fd_passes == FD_PER_WEIGHT * run.weights).all()), diff, diff < FD_AGREE,
                     int(last.weights), float(last.t_fd / last.t_backprop), int(big.weights),
                     float(big.t_fd_extra), float(big.t_backprop))
