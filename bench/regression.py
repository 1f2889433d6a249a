"""Benchmark of the regression page's core: ``run()`` returns named figures (seconds).

The default run (data, gradient descent, exact optimum, contours) together with the MSE-against-MAE
comparison, as a page's first view computes them (budget: under 2 s of CPU from a cold cache and a new seed),
each alone, the features sweep, the chart specs of one replay frame, and the largest setting the controls allow.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import main, timed  # noqa: E402
from bench._apptest import best as _best  # noqa: E402

# The most expensive links a student can reach (scripts/bench.py --worst): every part runs on one view; the
# most examples and updates, an outlier (the comparison's second fit), each loss (MAE's subgradient) and data set.
WORST = [
    {"data": "synthetic", "n": 400, "noise": 3.0, "outlier": 10.0, "loss": "MAE", "lr": 0.001, "steps": 400,
     "source": "diabetes", "k": 28},
    {"data": "diabetes", "feature": "s5", "n": 400, "outlier": 10.0, "loss": "MSE", "lr": 0.001, "steps": 400},
    {"data": "Seattle temperatures", "n": 400, "outlier": 10.0, "loss": "MAE", "lr": 0.001, "steps": 400},
]


def run() -> dict[str, float]:
    from core import device, regression as R
    from core.charts import regression as C

    def compare(cfg: R.RegConfig) -> R.Compare:
        return R.compare(cfg.data, cfg.feature, cfg.n, cfg.noise, cfg.outlier, cfg.seed)

    device.configure_threads(1)
    R.fit(R.RegConfig(seed=12345))  # warm the process (data, imports, the optimizer's first step)
    compare(R.RegConfig(seed=12345))
    out: dict[str, float] = {}
    first = R.RegConfig(seed=1234)  # a seed nobody has computed: the page's first view, both results
    out["default run + compare, new seed (s)"], out["default run + compare, new seed (CPU s)"] = timed(
        lambda: (R.fit(first), compare(first)))
    t = time.perf_counter()
    r = R.fit(R.RegConfig(seed=4242))
    out["fit default run, first call (s)"] = time.perf_counter() - t
    out["fit default run, best of 3 (s)"], r = _best(lambda: R.fit(R.RegConfig(seed=4243)))
    out["fit default: updates"] = float(r.last)
    out["compare (4 exact fits, 2 surfaces), default (s)"], c = _best(lambda: compare(R.RegConfig(seed=4244)))
    out["features, Seattle 28 lstsq fits (s)"], f = _best(lambda: R.features(R.FeatureConfig()))
    out["features, diabetes 10 lstsq fits (s)"], _ = _best(lambda: R.features(R.FeatureConfig(source="diabetes")))

    def frame():
        for ch in (C.surface_chart(r, 50, "en"), C.data_chart(r, 50, "en"), C.loss_chart(r, 50, "en")):
            ch.to_dict(validate=False)
    out["one replay frame, 3 chart specs (s)"], _ = _best(frame)
    big = R.RegConfig(n=400, steps=400, data="diabetes", loss="MAE", outlier=10.0, lr=1.0, seed=7)
    out["fit largest setting (N 400, 400 updates, MAE) (s)"], _ = _best(lambda: R.fit(big), repeat=1)
    out["compare largest setting (s)"], _ = _best(lambda: compare(big), repeat=1)
    return out


if __name__ == "__main__":
    main(run)
