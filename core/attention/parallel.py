"""Sequential against parallel (part parallel): an RNN against one self-attention layer, timed live on
sequences of growing length, and what reversing the input does to each.

The lecture (对比RNN): an RNN's state at step t needs the state at t-1, so its T steps run one after another;
self-attention computes every output at once from matrix products, which parallel hardware runs together. Here
an ``nn.RNN`` (tanh, Elman) and the page's multi-head attention (``layer.multi_head``, tested against
``nn.MultiheadAttention``) with seeded random weights read the same random vectors; each is timed on this
server (the fastest of ``REPEATS`` runs, one torch thread, no gradient): measured, not counted, so the numbers
differ from machine to machine and from run to run, and the page states only what this run measured.

Reversing the input: attention without positions gives the same outputs in reversed order (exactly, up to
rounding: ``EQUIVARIANT``); the RNN's outputs change (its state carries the order), and so do attention's
once a positional encoding is added. ``facts`` decides those sentences (tests: ten seeds, both modes).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import pandas as pd
import torch

from core import rng
from core.attention.layer import multi_head, sinusoidal
from core.params import choice, clamp, flag, num

MODELS = ("RNN", "self-attention")  # raw names of the two series (charts translate)
SHORTEST = 16  # the timed lengths run from this, doubling, to the config's longest
REPEATS = 5  # each length is timed this many times; the fastest is shown (the least disturbed by other work)
HEADS = 2  # the attention layer's heads
SHOWN = 8  # tokens of the reversal test's sequence
EQUIVARIANT = 1e-5  # attention without positions: |f(reversed x) - reversed f(x)| at most this (rounding)...
DIFFERS = 0.05  # ...the RNN's (and attention's with positions) at least this somewhere


@dataclass(frozen=True)
class ParallelConfig:
    longest: int = choice(512, (64, 128, 256, 512, 1024), widget="select_slider")  # the longest sequence timed
    width: int = choice(32, (16, 32, 64), widget="select_slider")  # d: size of every vector and of the RNN's state
    positions: bool = flag(False)  # add the sinusoidal positional encoding before attention (reversal test)
    seed: int = num(0, 0, 1_000_000, widget="number")  # the weights and the input vectors


def lengths_of(cfg: ParallelConfig) -> tuple[int, ...]:
    cfg = clamp(cfg)
    out, t = [], SHORTEST
    while t <= cfg.longest:
        out.append(t)
        t *= 2
    return tuple(out)


class Pair:
    """An ``nn.RNN`` and the weights of one multi-head attention layer, seeded, of width d."""

    def __init__(self, d: int, seed: int):
        g = rng.generator(seed, "attention.parallel_weights")
        self.rnn = torch.nn.RNN(d, d, batch_first=True)
        bound = 1 / d ** 0.5
        with torch.no_grad():  # PyTorch's default range, drawn from the run's generator
            for p in self.rnn.parameters():
                p.uniform_(-bound, bound, generator=g)
        self.w = [torch.randn(d, d, generator=g) / d ** 0.5 for _ in range(4)]  # W^q, W^k, W^v, W^O (d, d)

    def run_rnn(self, x: torch.Tensor) -> torch.Tensor:
        """x (T, d) -> the states h_1..h_T (T, d): T steps, each waiting for the one before."""
        with torch.no_grad():
            return self.rnn(x[None])[0][0]

    def run_attention(self, x: torch.Tensor) -> torch.Tensor:
        """x (T, d) -> b^1..b^T (T, d): every output at once."""
        with torch.no_grad():
            return multi_head(x, *self.w, HEADS)["out"]


def _ms(fn, x: torch.Tensor) -> float:
    """The fastest wall time of ``fn(x)`` over REPEATS runs, in milliseconds (after one untimed run): on a busy
    server a median still catches other sessions' work; the fastest run is the closest to the work itself."""
    fn(x)
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        fn(x)
        times.append(time.perf_counter() - t0)
    return 1000 * min(times)


@dataclass
class ParallelResult:
    config: ParallelConfig
    timing: pd.DataFrame  # T, model (one of MODELS), ms (fastest run), sequential (steps one after another)
    shown: pd.DataFrame  # position, model, gap: |f(reversed x) - reversed f(x)| (max over the d coordinates)
    gaps: dict[str, float]  # model -> the largest gap over positions


def measure(cfg: ParallelConfig = ParallelConfig()) -> ParallelResult:
    """Time both on random sequences of every length (live), and run the reversal test on SHOWN tokens."""
    cfg = clamp(cfg)
    d = cfg.width
    pair = Pair(d, cfg.seed)
    g = rng.generator(cfg.seed, "attention.parallel_inputs")
    rows = []
    for T in lengths_of(cfg):
        x = torch.randn(T, d, generator=g)  # (T, d)
        rows += [(T, MODELS[0], _ms(pair.run_rnn, x), T), (T, MODELS[1], _ms(pair.run_attention, x), 1)]
    timing = pd.DataFrame(rows, columns=["T", "model", "ms", "sequential"])
    shown, gaps = reversal(pair, cfg, torch.randn(SHOWN, d, generator=g))
    return ParallelResult(cfg, timing, shown, gaps)


def reversal(pair: Pair, cfg: ParallelConfig, x: torch.Tensor) -> tuple[pd.DataFrame, dict[str, float]]:
    """|f(reversed x) - reversed f(x)| per position for the RNN and for attention (with the sinusoidal encoding
    added to its input when ``cfg.positions``). x: (T, d)."""
    T, d = x.shape
    pe = sinusoidal(T, d) if cfg.positions else torch.zeros(T, d)  # (T, d)
    fns = {MODELS[0]: pair.run_rnn, MODELS[1]: lambda v: pair.run_attention(v + pe)}
    rows, gaps = [], {}
    for name, f in fns.items():
        gap = (f(x.flip(0)) - f(x).flip(0)).abs().amax(1).numpy()  # (T,)
        rows += [(i + 1, name, float(gap[i])) for i in range(T)]
        gaps[name] = float(gap.max())
    return pd.DataFrame(rows, columns=["position", "model", "gap"]), gaps


@dataclass(frozen=True)
class ParallelFacts:
    rnn_changes: bool  # reversing the input changes the RNN's outputs (not merely their order)
    attention_permutes: bool  # attention's outputs are only reversed (below EQUIVARIANT)
    attention_changes: bool  # ...or changed (with positions: above DIFFERS)
    longest: int  # the longest timed length
    rnn_ms: float  # measured at the longest length
    attention_ms: float
    faster: str  # which of MODELS took less time at the longest length (this run, this machine)


def facts(r: ParallelResult) -> ParallelFacts:
    t = r.timing[r.timing["T"] == r.timing["T"].max()].set_index("model").ms
    rnn_ms, att_ms = float(t[MODELS[0]]), float(t[MODELS[1]])
    return ParallelFacts(r.gaps[MODELS[0]] >= DIFFERS, r.gaps[MODELS[1]] <= EQUIVARIANT,
                         r.gaps[MODELS[1]] >= DIFFERS, int(r.timing["T"].max()), rnn_ms, att_ms,
                         MODELS[0] if rnn_ms < att_ms else MODELS[1])


def growth(r: ParallelResult) -> dict[str, float]:
    """model -> measured time at the longest length over the time at the shortest (how it grew with T)."""
    out = {}
    for m in MODELS:
        s = r.timing[r.timing.model == m].sort_values("T").ms.to_numpy()
        out[m] = float(s[-1] / max(s[0], 1e-9))
    return out

