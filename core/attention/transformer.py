"""A tiny transformer learning a pattern live: with and without positional encoding, one or many seeds,
all trained as one batched computation through ``core.train.run``."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from core import rng, train
from core.attention.model import BatchedTransformer
from core.device import choose_device
from core.export import safetensors_bytes
from core.params import choice, clamp, num

TASKS = ("reverse", "sort", "shift by 1")
PE_KINDS = ("sinusoidal", "learned")
MODEL_NAMES = ("with positional encoding", "without positional encoding")  # raw names; charts translate
LAYERS = (1, 2)  # transformer blocks offered
HEADS = (1, 2, 4)  # heads per layer offered
STEPS = (50, 100, 150, 300)  # update counts offered (fixed: no result depends on wall time)
LRS = (1e-4, 3e-4, 1e-3, 3e-3, 0.005, 0.01, 0.03, 0.1, 1.0, 10.0)  # Adam learning rates offered
BATCH = 48  # fresh random sequences per update (small enough that no op spreads over threads)
EVAL_SEQUENCES = 256  # held-out sequences the accuracy is measured on
EVAL_EVERY = 10  # updates between two held-out evaluations

# What the page states about training, checked on ten seeds (tests/test_attention.py) at the page's defaults
# (sort: the preset's 300 updates). With positions the model learns the task; without it stalls.
LEARNT = {"reverse": 0.999, "shift by 1": 0.995, "sort": 0.95}  # per-token accuracy reached with positions
ALL_RIGHT = 0.99  # reverse with positions: share of held-out sequences entirely right
STALLS = 0.4  # without positions the per-token accuracy stays under this...
NONE_RIGHT = 0.01  # ...and (reverse) under this share of sequences entirely right
ON_TARGET = 0.5  # reverse with positions: a map row's mean weight on the input it must fetch is more than this
MOVES = 0.5  # sort: at least this share of map rows peak elsewhere on a second input...
BARELY = 0.25  # ...reverse (a map that "barely moves"): at most this share


@dataclass(frozen=True)
class TrainConfig:
    task: str = choice("reverse", TASKS, widget="radio")  # what the output sequence must be
    length: int = num(8, 4, 10)  # T: tokens per sequence
    vocab: int = num(10, 4, 16)  # symbols 0..vocab-1
    d: int = choice(32, (16, 32), widget="select_slider")  # model width
    heads: int = choice(2, HEADS, widget="radio")  # attention heads per layer
    layers: int = choice(1, LAYERS, widget="radio")  # transformer blocks
    pe: str = choice("learned", PE_KINDS, widget="radio")  # the first model's positional encoding (the other: none)
    lr: float = choice(0.005, LRS, widget="select_slider")  # Adam learning rate
    steps: int = choice(150, STEPS, widget="select_slider")  # updates, BATCH fresh sequences each
    seed: int = num(0, 0, 1_000_000, widget="number")  # data, initial weights and batches


def task_batch(task: str, B: int, T: int, V: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Random sequences and their targets. x, y: (B, T) long."""
    x = torch.randint(0, V, (B, T), generator=gen)  # (B, T)
    if task == "reverse":
        y = x.flip(1)  # (B, T)
    elif task == "sort":
        y = x.sort(dim=1).values  # (B, T)
    else:  # shift by 1: output i copies input i - 1 (wrapping round)
        y = x.roll(1, dims=1)  # (B, T)
    return x, y


@dataclass
class TrainResult:
    config: TrainConfig
    seeds: tuple[int, ...]  # model m trained on seeds[m // 2]; m even: with positional encoding, odd: without
    history: pd.DataFrame  # step, loss, accuracy (held-out, per token), model (+ seed with several seeds)
    example: tuple[list[int], list[int]]  # the shown input sequence and its target (first seed)
    maps: np.ndarray  # (M, L, H, T, T) attention weights of each model on its seed's shown example
    maps_second: np.ndarray  # (M, L, H, T, T) the same on a second held-out sequence: does the map follow content?
    predicted: np.ndarray  # (M, T) each model's output on its seed's shown example
    accuracy: np.ndarray  # (M,) final per-token accuracy on the held-out batch
    exact: np.ndarray  # (M,) share of held-out sequences entirely right
    position_accuracy: np.ndarray  # (M, T) final held-out accuracy of each output position
    log: train.TrainLog
    weights: list[dict[str, torch.Tensor]]  # per model (only for one seed, and not in live snapshots)

    def by_seed(self, field: str) -> np.ndarray:
        """A per-model array as (seeds, 2, ...): [:, 0] with positional encoding, [:, 1] without."""
        a = getattr(self, field)
        return a.reshape(len(self.seeds), 2, *a.shape[1:])


def train_seeds(cfg: TrainConfig = TrainConfig(), seeds: tuple[int, ...] | None = None,
                progress: Callable[[TrainResult], None] | None = None) -> TrainResult:
    """Train, for every seed, a tiny transformer with and one without positional encoding: 2 * len(seeds)
    models as ONE batched computation (same seed, same initial weights and batches). Pure function of its
    arguments; ``seeds`` defaults to (cfg.seed,). ``progress`` receives partial results while it runs. Given
    ``seeds`` (the claims, judged on whole runs) the wall-time guard does not cut it; the page's run it does."""
    cfg = clamp(cfg)
    given, seeds = seeds, tuple(int(s) for s in (seeds if seeds is not None else (cfg.seed,)))
    S, V, T = len(seeds), cfg.vocab, cfg.length
    dev = choose_device("tiny")
    model = BatchedTransformer(cfg, [True, False] * S, [s for s in seeds for _ in (0, 1)]).to(dev)
    M = model.M
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gens = [rng.generator(s, "attention.transformer_init") for s in seeds]
    held = [task_batch(cfg.task, EVAL_SEQUENCES, T, V, rng.generator(s, "attention.transformer_held_out")) for s in seeds]
    xe = torch.stack([h[0] for h in held]).repeat_interleave(2, 0).to(dev)  # (M, 256, T)
    ye = torch.stack([h[1] for h in held]).repeat_interleave(2, 0).to(dev)  # (M, 256, T)
    rows: list[tuple] = []  # (step, model, loss, accuracy)

    def losses_of(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        ce = F.cross_entropy(logits.reshape(-1, V), y.reshape(-1), reduction="none")  # (M * B * T,)
        return ce.reshape(M, -1).mean(1)  # (M,)

    def evaluate(step: int):
        with torch.no_grad():
            logits, maps = model(xe, keep=True)  # (M, 256, T, V)
            loss = losses_of(logits, ye)  # (M,)
            hit = (logits.argmax(-1) == ye).float()  # (M, 256, T)
        acc = hit.mean((1, 2))  # (M,)
        rows.extend((step, m, float(loss[m]), float(acc[m])) for m in range(M))
        return maps, logits.argmax(-1), acc, hit.min(-1).values.mean(1), hit.mean(1)

    state = {"eval": evaluate(0)}

    def step(i: int) -> torch.Tensor:
        batches = [task_batch(cfg.task, BATCH, T, V, g) for g in gens]
        x = torch.stack([b[0] for b in batches]).repeat_interleave(2, 0).to(dev)  # (M, B, T)
        y = torch.stack([b[1] for b in batches]).repeat_interleave(2, 0).to(dev)  # (M, B, T)
        losses = train.batched_step(opt, losses_of(model(x), y))  # (M,): no shared parameter
        if ((i + 1) % EVAL_EVERY == 0 or i + 1 == cfg.steps) and torch.isfinite(losses).all():
            state["eval"] = evaluate(i + 1)
        return losses

    def snapshot(log: train.TrainLog, final: bool) -> TrainResult:
        maps, pred, acc, exact, pos = state["eval"]
        mp = torch.stack([m[:, 0] for m in maps], dim=1).cpu().numpy()  # (M, L, H, T, T) on example 0
        mp2 = torch.stack([m[:, 1] for m in maps], dim=1).cpu().numpy()  # (M, L, H, T, T) on example 1
        hist = pd.DataFrame(rows, columns=["step", "m", "loss", "accuracy"])
        hist = hist[np.isfinite(hist.loss) & np.isfinite(hist.accuracy)]
        hist["model"] = [MODEL_NAMES[m % 2] for m in hist.m]
        if S > 1:
            hist["seed"] = [seeds[m // 2] for m in hist.m]
        return TrainResult(cfg, seeds, hist.drop(columns="m").reset_index(drop=True),
                           (xe[0, 0].tolist(), ye[0, 0].tolist()), mp, mp2, pred[:, 0].cpu().numpy(),
                           acc.cpu().numpy(), exact.cpu().numpy(), pos.cpu().numpy(), log,
                           [model.export(m) for m in range(M)] if final and S == 1 else [])

    report = None if progress is None else (lambda lg: progress(snapshot(lg, False)))
    log = train.run(step, cfg.steps, progress=report, check_every=EVAL_EVERY,
                    max_seconds=None if given is None else math.inf)
    return snapshot(log, True)


def train_tiny(cfg: TrainConfig = TrainConfig(), progress: Callable[[TrainResult], None] | None = None) -> TrainResult:
    """The page's run: a tiny transformer with and without positional encoding on ``cfg.seed``, batched."""
    return train_seeds(cfg, None, progress)


def target(task: str, T: int) -> np.ndarray | None:
    """(T,) the input position each output must fetch (reverse, shift by 1); None for sort (it depends on the
    content)."""
    return {"reverse": T - 1 - np.arange(T), "shift by 1": (np.arange(T) - 1) % T}.get(task)


def moved(r: TrainResult, m: int = 0) -> float:
    """Share of map rows (every head of the last layer of model ``m``) that peak elsewhere on the second input."""
    a, b = r.maps[m, -1].argmax(-1), r.maps_second[m, -1].argmax(-1)  # (H, T) each
    return float((a != b).mean())


def shape_learnt(r: TrainResult, m: int = 0) -> bool:
    """The page's sentence on the maps of model ``m`` (last layer): reverse, shift by 1: every row of every head
    peaks on the input its output must fetch; sort: the maps move with the input."""
    want = target(r.config.task, r.config.length)
    if want is None:
        return moved(r, m) > 0
    return bool((r.maps[m, -1].argmax(-1) == want).all())


def seed_facts(r: TrainResult) -> dict:
    """The training claims over the seeds of ``train_seeds``: per seed, with and without positions, and under
    "holds" whether each claim holds on every seed. (Whether one run's every head peaks where the task says,
    ``shape_learnt``, is measured and said per run, not claimed.)"""
    acc, exact = r.by_seed("accuracy"), r.by_seed("exact")  # (S, 2) each
    task, T = r.config.task, r.config.length
    moves = np.array([moved(r, 2 * s) for s in range(len(r.seeds))])
    maps, want = r.by_seed("maps")[:, 0, -1], target(task, T)  # (S, H, T, T): with positions, last layer
    holds = {"learns": bool((acc[:, 0] >= LEARNT[task]).all()), "stalls": bool((acc[:, 1] < STALLS).all())}
    if want is not None:  # the heads together (summed) peak where the task says, in every row
        holds["peaks"] = bool((maps.sum(1).argmax(-1) == want).all())
    if task == "reverse":
        holds.update(all_right=bool((exact[:, 0] >= ALL_RIGHT).all()),
                     none_right=bool((exact[:, 1] < NONE_RIGHT).all()),
                     on_target=bool((maps[..., np.arange(T), want].mean(-1) >= ON_TARGET).all()),
                     barely_moves=bool((moves <= BARELY).all()))
    if task == "sort":
        holds["moves"] = bool((moves >= MOVES).all())
    return {"accuracy": acc, "exact": exact, "moved": moves, "holds": holds}


def history_csv(r: TrainResult) -> bytes:
    return r.history.to_csv(index=False).encode()


def weights_safetensors(r: TrainResult) -> bytes:
    """Both trained models (block weights in ``nn.TransformerEncoderLayer`` layout) as ``.safetensors``."""
    return safetensors_bytes(dict(zip(("with_pe", "without_pe"), r.weights)), r.config)
