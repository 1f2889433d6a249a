"""Benchmark of the convolution page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the race (and the draw
# part, which trains the same race) at its largest (1,000 images, 16 filters, 400 updates, augmentation on) for
# each placement; the filter and pooling labs on the largest photo with the widest kernel, padding and
# dilation; the receptive field of three layers on the largest image and channel count.
_RACE = {"n_train": 1000, "filters": 16, "steps": 400, "augment": True}
WORST = [
    {"part": "race", "placement": "unseen", **_RACE},
    {"part": "race", "placement": "random", **_RACE},
    {"part": "draw", "placement": "centred", **_RACE, "move": 4},
    {"part": "filter", "source": "photo", "kernel": "custom", "size": 5, "stride": 1, "padding": 4, "dilation": 3},
    {"part": "pool", "source": "flower", "kernel": "blur", "size": 5, "stride": 1, "padding": 4, "pool": 2,
     "pool_stride": 1, "shift": 3},
    {"part": "field", "layers": 3, "k1": 7, "s1": 1, "k2": 7, "s2": 1, "k3": 7, "s3": 1, "image": 224,
     "channels": 64},
    # issue 28's parts: the deep/wide race at its largest, the fullest Go board, the largest drawn digit
    {"part": "depth", "deep_width": 16, "deep_train": 1000, "deep_steps": 400},
    {"part": "go", "go_stones": 150},
    {"part": "resize", "drawn_at": 32},
]


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
    out["depth, default (s)"], out["depth, default (CPU s)"] = timed(lambda: cv.depth(cv.DepthConfig(seed=4242)))
    top = cv.DepthConfig(deep_width=16, deep_train=1000, deep_steps=400, seed=7)
    out["depth, largest setting (s)"], out["depth, largest setting (CPU s)"] = timed(lambda: cv.depth(top))
    out["Go lab, 150 stones (s)"], _ = timed(lambda: cv.go_lab(cv.GoConfig(go_stones=150)))
    return out


if __name__ == "__main__":
    main(run)
