"""Benchmark of the overfitting page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the cures (seven
# models as one batch) at the most examples, units and patience; the guide's deepest, widest network with
# each optimizer and activation; the depth comparison on every example; the bound at its largest |H| and N.
WORST = [
    {"part": "cures", "cure": "dropout", "n": 120, "n_more": 242, "units": 16, "patience": 100, "noise": 2.0},
    {"part": "box", "choose_on": "test", "n": 120, "n_more": 242, "units": 16, "patience": 100},
    {"part": "guide", "g_layers": 5, "g_width": 64, "g_act": "sigmoid", "g_optimizer": "Adam", "g_n": 242},
    {"part": "guide", "g_layers": 5, "g_width": 64, "g_act": "ReLU", "g_optimizer": "Adam", "g_n": 242},
    {"part": "depth", "d_act": "ReLU", "d_optimizer": "Adam", "d_n": 242},
    {"part": "depth", "d_act": "sigmoid", "d_optimizer": "Adam", "d_n": 242},
    {"part": "bound", "b_h_size": 1000, "b_eps": 0.05, "b_n": 1000},
    {"part": "augment", "a_n": 400},  # issue 28: four CNNs on the largest training set
]


def run() -> dict[str, float]:
    from core import device
    from core import overfitting as of

    device.configure_threads(1)
    of.cures(of.CuresConfig(seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}
    figures = [
        ("cures, default (the page's first screen)", lambda: of.cures(of.CuresConfig(seed=4242))),
        ("cures, largest setting", lambda: of.cures(of.CuresConfig(n=120, units=16, patience=100, seed=7))),
        ("guide, default", lambda: of.guide(of.GuideConfig(seed=4242))),
        ("guide, largest setting", lambda: of.guide(of.GuideConfig(layers=5, width=64, seed=7))),
        ("depth, default", lambda: of.depth(of.DepthConfig(seed=4242))),
        ("bound, default", lambda: of.bound(of.BoundConfig(seed=4242))),
        ("bound, largest setting", lambda: of.bound(of.BoundConfig(h_size=1000, seed=7))),
    ]
    for name, fn in figures:
        out[f"{name} (s)"], out[f"{name} (CPU s)"] = timed(fn)
    return out


if __name__ == "__main__":
    main(run)
