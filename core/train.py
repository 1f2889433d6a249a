"""The one training loop of the library.

It knows nothing about models: ``step(i)`` performs update ``i`` and returns the loss it saw,
a scalar or one loss per model ``(M,)`` when several models train as one batched computation.
The loop records the history, reports progress through a callback and stops on a non-finite
(or exploding) loss as "diverged at step N". Every run has a fixed number of steps, sized so the page's
budget holds: the result is a function of the config alone, never of the server's load. The wall-time
cap (``GUARD_SECONDS``) is only a guard against a broken machine, never the answer a student sees.

Shared plumbing for every training loop of the library: ``EpochSampler`` (minibatches by epochs),
``batched_step`` (one loss per model, one backward) and ``history_frame`` (one long-format history).
"""
from __future__ import annotations

import contextlib
import contextvars
import time
from dataclasses import dataclass
from typing import Callable, Literal

import numpy as np
import torch

StepFn = Callable[[int], torch.Tensor]
GUARD_SECONDS = 60.0  # a run still going after this long is cut: only a broken or swamped machine gets here
Progress = Callable[["TrainLog"], None]


class Watch:
    """Whether the guard cut any run made inside ``guarded()``: such a result is never the answer."""

    cut = False


_WATCH: contextvars.ContextVar[Watch | None] = contextvars.ContextVar("dlc_guard_watch", default=None)


@contextlib.contextmanager
def guarded():
    """``with guarded() as w: result = compute()`` then ``w.cut`` is True when ``GUARD_SECONDS`` cut a run
    inside (per thread: every browser session is a thread). The app neither keeps nor shows such a result."""
    w = Watch()
    token = _WATCH.set(w)
    try:
        yield w
    finally:
        _WATCH.reset(token)


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
            return (f"Stopped after {self.steps} of {self.planned} steps: the server took over "
                    f"{GUARD_SECONDS:.0f} s, far longer than this demo should.")
        return None


def run(
    step: StepFn,
    n_steps: int,
    *,
    progress: Progress | None = None,
    progress_seconds: float = 0.25,
    max_seconds: float | None = None,
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
    max_seconds = GUARD_SECONDS if max_seconds is None else max_seconds  # read now: a test may lower it
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
                w = _WATCH.get()
                if w is not None:
                    w.cut = True
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


class EpochSampler:
    """Minibatches by epochs, as a ``DataLoader(shuffle=True)``: each epoch shuffles the N examples once
    (seeded) and cuts them into ceil(N/B) minibatches without replacement; the last one may be smaller.

    ``sampler(i)`` gives the indices of update i (updates are numbered from 0 across epochs). Call it
    with i = 0, 1, 2, ... in order: a new epoch's shuffle is drawn when its first update is asked for.
    """

    def __init__(self, n: int, batch: int, gen: torch.Generator, device: torch.device | str | None = None):
        self.n = int(n)
        self.batch = max(1, min(int(batch), self.n))
        self.per_epoch = -(-self.n // self.batch)  # ceil(N / B) updates per epoch
        self.gen, self.device = gen, device
        self.order = torch.empty(0, dtype=torch.long)

    def __call__(self, i: int) -> torch.Tensor:
        j = i % self.per_epoch
        if j == 0:
            self.order = torch.randperm(self.n, generator=self.gen)
            if self.device is not None:
                self.order = self.order.to(self.device)
        return self.order[j * self.batch:(j + 1) * self.batch]  # (B,) or fewer at an epoch's end

    def epoch_of(self, i: int) -> int:
        """1-based epoch that update i belongs to."""
        return i // self.per_epoch + 1

    def ends_epoch(self, i: int) -> bool:
        return i % self.per_epoch == self.per_epoch - 1


def batched_step(opt: torch.optim.Optimizer, losses: torch.Tensor) -> torch.Tensor:
    """One update of M models trained as one computation: ``losses`` (M,) holds each model's own loss.

    The models share no parameter, so the gradient of the sum gives each model the gradient of its own
    loss. Returns the losses, detached, for ``run`` to record.
    """
    opt.zero_grad(set_to_none=True)
    losses.sum().backward()
    opt.step()
    return losses.detach()


def history_frame(rows, names, columns=("train", "validation"), index: str = "epoch",
                  last_good: int | None = None):
    """Rows ``(index, model number, value per column...)`` -> the one long format of every history:
    columns ``index, model, split, loss``, finite values only; rows after ``last_good`` dropped."""
    import pandas as pd

    df = pd.DataFrame(rows, columns=[index, "m", *columns])
    if last_good is not None:
        df = df[df[index] <= last_good]
    df["model"] = [names[m] for m in df.m]
    long = df.melt(id_vars=[index, "model"], value_vars=list(columns), var_name="split", value_name="loss")
    long = long[np.isfinite(long.loss.to_numpy(dtype=float))]
    return long.reset_index(drop=True)


def one_or_many(make, steps: int, cfg, seeds=None, progress=None):
    """Train ``make(cfg, seeds)`` (an object with ``step(i)`` and ``result(k, log)``, the k-th seed's result) for
    ``steps`` updates. Without ``seeds``: the page's run on ``cfg.seed``, with ``progress(partial result)`` and the
    wall-time guard. With ``seeds``: every seed as one computation, never cut by the guard (the claims' runs)."""
    if seeds is None:
        r = make(cfg, [cfg.seed])
        log = run(r.step, steps, progress=None if progress is None else (lambda lg: progress(r.result(0, lg))),
                  stop_on="all")
        return r.result(0, log)
    r = make(cfg, [int(s) for s in seeds])
    log = run(r.step, steps, stop_on="all", max_seconds=float("inf"))
    return [r.result(k, log) for k in range(len(seeds))]
