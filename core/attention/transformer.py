"""A tiny transformer learning a pattern live: with and without positional encoding, one or many seeds,
all trained as one batched computation through ``core.train.run``."""
from __future__ import annotations

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
    arguments; ``seeds`` defaults to (cfg.seed,). ``progress`` receives partial results while it runs."""
    cfg = clamp(cfg)
    seeds = tuple(int(s) for s in (seeds if seeds is not None else (cfg.seed,)))
    S, V, T = len(seeds), cfg.vocab, cfg.length
    dev = choose_device("tiny")
    model = BatchedTransformer(cfg, [True, False] * S, [s for s in seeds for _ in (0, 1)]).to(dev)
    M = model.M
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    gens = [rng.generator(s, salt=22) for s in seeds]
    held = [task_batch(cfg.task, EVAL_SEQUENCES, T, V, rng.generator(s, salt=23)) for s in seeds]
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
    log = train.run(step, cfg.steps, progress=report, check_every=EVAL_EVERY)
    return snapshot(log, True)


def train_tiny(cfg: TrainConfig = TrainConfig(), progress: Callable[[TrainResult], None] | None = None) -> TrainResult:
    """The page's run: a tiny transformer with and without positional encoding on ``cfg.seed``, batched."""
    return train_seeds(cfg, None, progress)


def history_csv(r: TrainResult) -> bytes:
    return r.history.to_csv(index=False).encode()


def weights_safetensors(r: TrainResult) -> bytes:
    """Both trained models (block weights in ``nn.TransformerEncoderLayer`` layout) as ``.safetensors``."""
    return safetensors_bytes(dict(zip(("with_pe", "without_pe"), r.weights)), r.config)
