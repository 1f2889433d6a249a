"""Benchmark of the generative-vs-discriminative page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed


def run() -> dict[str, float]:
    from core import device
    from core import generative as gc

    device.configure_threads(1)
    gc.boundary(gc.CurveConfig(seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}
    cfg = gc.CurveConfig(seed=4242)
    out["boundary, default (s)"], out["boundary, default (CPU s)"] = timed(lambda: gc.boundary(cfg))
    out["learning curve, default (s)"], out["learning curve, default (CPU s)"] = timed(lambda: gc.learning_curve(cfg))
    big = gc.CurveConfig(data="breast cancer", covariance="per class", resamples=100, seed=7)
    out["learning curve, largest setting (s)"], out["learning curve, largest setting (CPU s)"] = timed(
        lambda: gc.learning_curve(big))
    return out


if __name__ == "__main__":
    main(run)
