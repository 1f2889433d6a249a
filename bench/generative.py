"""Benchmark of the generative-vs-discriminative page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed

# The most expensive links a student can reach (scripts/bench.py --worst): both parts always run; the curve at
# the most resamples (every size and resample trained as one batch), the boundary on the largest training set,
# per data set and the costlier covariances.
WORST = [
    {"gd_data": "two Gaussians", "gd_covariance": "per class", "gd_resamples": 100, "gd_n_train": 256},
    {"gd_data": "mixture", "gd_mismatch": 1.0, "gd_covariance": "shrinkage", "gd_shrink": 0.5, "gd_resamples": 100,
     "gd_n_train": 256},
    {"gd_data": "breast cancer", "gd_covariance": "per class", "gd_resamples": 100, "gd_n_train": 256},
    {"gd_data": "wine", "gd_covariance": "per class", "gd_resamples": 100, "gd_n_train": 256},
]


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
