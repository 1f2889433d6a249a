"""Benchmark of the convolution page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed


def run() -> dict[str, float]:
    from core import convolution as cv
    from core import device

    device.configure_threads(1)
    cv.race(cv.RaceConfig(steps=100, seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}  # figure names as before the package (lab = part), for before/after tables
    cfg = cv.RaceConfig(seed=4242)
    out["race, default (s)"], out["race, default (CPU s)"] = timed(lambda: cv.race(cfg))
    big = cv.RaceConfig(n_train=1000, filters=16, steps=400, augment=True, seed=7)
    out["race, largest setting (s)"], out["race, largest setting (CPU s)"] = timed(lambda: cv.race(big))
    res = cv.race(cfg)
    out["draw lab: prediction and shift curve (s)"], _ = timed(lambda: cv.look_at(res, 3, 2))
    out["filter lab, photo (s)"], _ = timed(lambda: cv.filter_lab(cv.ConvConfig(source="flower")))
    out["pool lab, photo (s)"], _ = timed(lambda: cv.pool_lab(cv.ConvConfig(source="flower"), cv.PoolConfig()))
    out["Go board (s)"], _ = timed(lambda: cv.board(11))
    out["field lab, 3 layers (s)"], _ = timed(lambda: cv.field_lab(cv.FieldConfig(layers=3, k3=7)))
    return out


if __name__ == "__main__":
    main(run)
