"""Benchmark of the RNN page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _timed(fn) -> tuple[float, float]:
    w, c = time.perf_counter(), time.thread_time()
    fn()
    return time.perf_counter() - w, time.thread_time() - c


def run() -> dict[str, float]:
    from core import device, rnn
    from core.rnn_race import GAPS, UPDATES

    device.configure_threads(1)
    rnn.race(rnn.RaceConfig(gap=5, updates=100, seed=999_999))  # warm the process (imports, first Adam step)
    out: dict[str, float] = {}
    out["page default: hand-made LSTM (s)"], out["page default: hand-made LSTM (CPU s)"] = _timed(
        lambda: rnn.run(rnn.LectureConfig()))
    cfg = rnn.RaceConfig(seed=4242)
    out["memory race, default (s)"], out["memory race, default (CPU s)"] = _timed(lambda: rnn.race(cfg))
    res = rnn.race(cfg)
    out["inspector on a trained race (s)"], out["inspector on a trained race (CPU s)"] = _timed(
        lambda: rnn.inspect(res, 3))
    out["vanishing gradient, default (s)"], out["vanishing gradient, default (CPU s)"] = _timed(
        lambda: rnn.gradients(rnn.GradConfig(seed=4242)))
    out["slot filling, default (s)"], out["slot filling, default (CPU s)"] = _timed(
        lambda: rnn.tag(rnn.SlotConfig(seed=4242)))
    big = rnn.RaceConfig(gap=max(GAPS), updates=max(UPDATES), seed=7)
    out["memory race, largest setting (s)"], out["memory race, largest setting (CPU s)"] = _timed(lambda: rnn.race(big))
    out["longer race (every gap), default (s)"], out["longer race (every gap), default (CPU s)"] = _timed(
        lambda: rnn.sweep(cfg))
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k:44s} {v:8.3f}")
