"""Per-page benchmark modules: each bench/<stem>.py exposes run() -> dict[str, float].

``python scripts/bench.py`` runs them all; one alone: ``python -m bench.<stem>`` from the repository root.
"""
from __future__ import annotations

import time


def timed(fn) -> tuple[float, float]:
    """(wall seconds, this thread's CPU seconds) of ``fn()``: CPU seconds are what it costs on an idle machine."""
    w, c = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - w, time.thread_time() - c


def main(run) -> None:
    for k, v in run().items():
        print(f"  {k:<60} {v:>12.3f}" if isinstance(v, float) else f"  {k:<60} {v!s:>12}")
