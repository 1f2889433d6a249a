"""Benchmark of the spatial transformer page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed


def run() -> dict[str, float]:
    from dataclasses import replace

    from core import convolution as cv
    from core import device
    from core import spatial as sp

    device.configure_threads(1)
    sp.race(sp.TrainConfig(epochs=2, seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}
    cfg = sp.TrainConfig(seed=4242)
    out["race, default: 8 epochs (s)"], out["race, default: 8 epochs (CPU s)"] = timed(lambda: sp.race(cfg))
    full = sp.TrainConfig(epochs=sp.FULL_EPOCHS, seed=4243)
    out["race, full preset: 20 epochs (s)"], out["race, full preset: 20 epochs (CPU s)"] = timed(lambda: sp.race(full))
    big = sp.TrainConfig(epochs=max(sp.EPOCHS), augment=True, seed=7)
    out["race, largest setting: 20 epochs + augmented (s)"], out["race, largest setting (CPU s)"] = timed(
        lambda: sp.race(big))
    res = sp.race(replace(cfg, epochs=2))
    out["replay frame (s)"], _ = timed(lambda: sp.frame_at(res, 1))
    out["learned part on a trained race (s)"], _ = timed(lambda: sp.learned(res, "turned"))
    out["warp part (s)"], _ = timed(lambda: sp.warp_lab(sp.WarpConfig(phi=45, s=0.7)))
    conv = replace(sp.CONV, seed=4242)
    out["weakness: the convolution race it reads (s)"], out["weakness: the convolution race (CPU s)"] = timed(
        lambda: cv.race(conv))
    trained = cv.race(conv)
    out["weakness part on a trained CNN (s)"], _ = timed(lambda: sp.weak_test(trained, sp.WeakView(turn=45)))
    return out


if __name__ == "__main__":
    main(run)
