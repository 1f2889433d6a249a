"""Benchmark of the overfitting page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed


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
