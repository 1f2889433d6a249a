"""The one training loop of the library.

It knows nothing about models: ``step(i)`` performs update ``i`` and returns the loss it saw,
a scalar or one loss per model ``(M,)`` when several models train as one batched computation.
The loop records the history, reports progress through a callback, stops on a non-finite
(or exploding) loss as "diverged at step N", and caps the number of steps and the wall time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import torch

StepFn = Callable[[int], torch.Tensor]
Progress = Callable[["TrainLog"], None]


@dataclass
class TrainLog:
    losses: np.ndarray  # (steps_done, M) loss of each model at each step; NaN only after a model diverged
    planned: int  # steps asked for
    diverged_at: list[int | None]  # per model: the 1-based step whose loss was not finite
    stopped: Literal["done", "diverged", "time", "running"]
    seconds: float

    @property
    def steps(self) -> int:
        return int(self.losses.shape[0])

    @property
    def diverged(self) -> bool:
        return any(d is not None for d in self.diverged_at)

    @property
    def first_divergence(self) -> int | None:
        hits = [d for d in self.diverged_at if d is not None]
        return min(hits) if hits else None

    def message(self, names: list[str] | None = None) -> str | None:
        """A sentence for the page when the run did not simply finish, else None."""
        if self.diverged:
            names = names or [f"model {m}" for m in range(len(self.diverged_at))]
            parts = [f"{n} diverged at step {d}" for n, d in zip(names, self.diverged_at) if d is not None]
            return "; ".join(parts) + " (the loss became infinite or exploded): lower the learning rate."
        if self.stopped == "time":
            return f"Stopped after {self.steps} of {self.planned} steps: the time cap of this demo was reached."
        return None


def run(
    step: StepFn,
    n_steps: int,
    *,
    progress: Progress | None = None,
    progress_seconds: float = 0.25,
    max_seconds: float = 20.0,
    check_every: int = 16,
    blowup: float = 1e12,
    stop_on: Literal["any", "all"] = "any",
) -> TrainLog:
    """Call ``step(i)`` for ``i`` in ``range(n_steps)`` and keep the losses.

    ``blowup``: a loss above this counts as divergence too (it is on its way to inf).
    ``stop_on``: stop when any model diverges (default) or only when all have; in the latter case
    ``step`` must keep working with diverged models (their later losses are ignored).
    ``check_every``: losses are pulled to the host and checked in chunks of this many steps, so a
    GPU is not synchronised every step; the reported step is still exact.
    """
    n_steps = max(0, int(n_steps))
    t0 = time.perf_counter()
    host: list[np.ndarray] = []
    diverged: list[int | None] | None = None
    stopped = "done"
    last_report = t0
    done = 0
    buf: list[torch.Tensor] = []

    def flush() -> bool:
        """Move buffered losses to the host; return True when the run must stop."""
        nonlocal diverged, done
        if not buf:
            return False
        block = torch.stack([b.reshape(-1) for b in buf]).detach().float().cpu().numpy()  # (k, M)
        buf.clear()
        if diverged is None:
            diverged = [None] * block.shape[1]
        bad = ~np.isfinite(block) | (np.abs(block) > blowup)
        for m in range(block.shape[1]):
            if diverged[m] is None and bad[:, m].any():
                diverged[m] = done + int(np.argmax(bad[:, m])) + 1
        for m, d in enumerate(diverged):  # a dead model's losses from its divergence on are NaN
            if d is not None:
                block[max(0, d - 1 - done):, m] = np.nan
        alive = [d is None for d in diverged]
        if stop_on == "any" and not all(alive) or stop_on == "all" and not any(alive):
            first = min(d for d in diverged if d is not None)
            block = block[: first - 1 - done]
            host.append(block)
            done += block.shape[0]
            return True
        host.append(block)
        done += block.shape[0]
        return False

    for i in range(n_steps):
        buf.append(step(i))
        if len(buf) >= check_every or i == n_steps - 1:
            if flush():
                stopped = "diverged"
                break
            now = time.perf_counter()
            if now - t0 > max_seconds and i < n_steps - 1:
                stopped = "time"
                break
            if progress is not None and now - last_report >= progress_seconds:
                progress(_log(host, n_steps, diverged, "running", now - t0))
                last_report = time.perf_counter()
                # drawing must not eat the training: wait at least twice as long as the draw took
                progress_seconds = max(progress_seconds, 2 * (last_report - now))
    return _log(host, n_steps, diverged, stopped, time.perf_counter() - t0)


def _log(host, planned, diverged, stopped, seconds) -> TrainLog:
    losses = np.concatenate(host, axis=0) if host else np.zeros((0, len(diverged or [None])))
    return TrainLog(losses=losses, planned=planned, diverged_at=list(diverged or [None] * losses.shape[1]),
                    stopped=stopped, seconds=seconds)
