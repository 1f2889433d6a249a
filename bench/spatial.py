"""Benchmark of the spatial transformer page: ``run()`` returns named figures (seconds), ``WORST`` the most expensive
links a student can reach (scripts/bench.py --worst opens them on a cold cache and reports CPU seconds).

Wall seconds and this thread's CPU seconds (what they would be on an idle machine); the page's runs in AppTest are
the process's CPU seconds (the script thread's training and drawing).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import main, timed  # noqa: E402

# Part by part, every control at its slow end: the race (and the learned part, which trains the same race) at
# 16 epochs, the most offered (a link asking more is snapped to 16), with the augmented racer (the ranges cost
# nothing: they are drawn once); the weakness (the convolution page's race it reads, then 25 + 11 turned digits);
# the warp at its widest grid.
_RACE = {"rotation": 90, "scale_min": 0.5, "scale_max": 1.5, "shift": 25, "epochs": 16, "augment": True}
WORST = [
    {"part": "train", **_RACE},
    {"part": "learned", **_RACE, "probe": "test"},
    {"part": "weakness", "pick": 399, "turn": 180, "size": 1.5},
    {"part": "warp", "digit": 1796, "phi": 180, "s": 2.0, "tx": 1.0, "ty": 1.0},
]
PAGE = "pages/spatial.py"


def page_cpu(query: dict, cold: bool = True) -> tuple[float, float]:
    """(CPU s, wall s) of the page's run in AppTest for ``query``, the shared caches emptied first."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    if cold:
        st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for k, v in query.items():
        at.query_params[k] = str(v)
    at.run()
    c0, w0 = time.process_time(), time.perf_counter()
    at.switch_page(PAGE)
    at.run()
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    assert not at.exception, at.exception
    return cpu, wall


def run() -> dict[str, float]:
    from dataclasses import replace

    from core import convolution as cv
    from core import device
    from core import spatial as sp

    device.configure_threads(1)
    sp.race(sp.TrainConfig(epochs=2, seed=999_999))  # warm the process (imports, the optimizer's first step)
    out: dict[str, float] = {}
    cfg = sp.TrainConfig(seed=4242)
    e = cfg.epochs
    out[f"race, default: {e} epochs (s)"], out[f"race, default: {e} epochs (CPU s)"] = timed(lambda: sp.race(cfg))
    full = sp.TrainConfig(epochs=sp.FULL_EPOCHS, seed=4243)
    f = full.epochs
    out[f"race, longer preset: {f} epochs (s)"], out[f"race, {f} epochs (CPU s)"] = timed(lambda: sp.race(full))
    big = sp.TrainConfig(epochs=max(sp.EPOCHS), augment=True, seed=7)
    b = big.epochs
    out[f"race, largest: {b} epochs + augmented (s)"], out["race, largest (CPU s)"] = timed(lambda: sp.race(big))
    res = sp.race(replace(cfg, epochs=2))
    out["replay frame (s)"], _ = timed(lambda: sp.frame_at(res, 1))
    out["learned part on a trained race (s)"], _ = timed(lambda: sp.learned(res, "turned"))
    out["warp part (s)"], _ = timed(lambda: sp.warp_lab(sp.WarpConfig(phi=45, s=0.7)))
    conv = replace(sp.CONV, seed=4242)
    out["weakness: the convolution race it reads (s)"], out["weakness: the convolution race (CPU s)"] = timed(
        lambda: cv.race(conv))
    trained = cv.race(conv)
    out["weakness part on a trained CNN (s)"], _ = timed(lambda: sp.weak_test(trained, sp.WeakView(turn=45)))
    try:
        page_cpu({"seed": 30_001})  # warm-up: the page's modules and the app's first run
        for i, name in enumerate(("default view in AppTest, cold cache, new seed", "the same, another seed")):
            cpu, wall = page_cpu({"seed": 30_002 + i})
            out[f"{name} (CPU s)"], out[f"{name} (s)"] = cpu, wall
    except Exception as ex:  # noqa: BLE001 - the bench still reports the rest
        out["page in AppTest"] = f"failed: {type(ex).__name__}"
    return out


if __name__ == "__main__":
    main(run)
