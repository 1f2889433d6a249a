"""Benchmark of the convolution page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed


def run() -> dict[str, float]:
    from core import convolution as cv
    from core import convolution_field as cf
    from core import convolution_pool as cp
    from core import convolution_race as cr
    from core import device

    device.configure_threads(1)
    cr.race(cr.RaceConfig(steps=100, seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}
    cfg = cr.RaceConfig(seed=4242)
    out["race, default (s)"], out["race, default (CPU s)"] = timed(lambda: cr.race(cfg))
    big = cr.RaceConfig(n_train=1000, filters=16, steps=400, augment=True, seed=7)
    out["race, largest setting (s)"], out["race, largest setting (CPU s)"] = timed(lambda: cr.race(big))
    res = cr.race(cfg)
    img, label = cr.digit_of(res, 3)
    out["draw lab: prediction and shift curve (s)"], _ = timed(lambda: (cr.predict(res, img),
                                                                         cr.shift_curve(res, img, label)))
    out["filter lab, photo (s)"], _ = timed(lambda: cv.filter_lab(cv.ConvConfig(source="flower")))
    out["pool lab, photo (s)"], _ = timed(lambda: cp.pool_lab(cv.ConvConfig(source="flower"), cp.PoolConfig()))
    out["Go board (s)"], _ = timed(lambda: cp.board(11))
    out["field lab, 3 layers (s)"], _ = timed(lambda: cf.field_lab(cf.FieldConfig(layers=3, k3=7)))
    return out


if __name__ == "__main__":
    main(run)
