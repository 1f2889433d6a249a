"""Benchmark of the softmax page's core: ``run()`` returns named figures (seconds).

The page's default run is the lab, the two surfaces, the classifier and the pitfall, each on a seed not seen
before; wall seconds and, beside them, the CPU seconds of this thread (what the figures would be on an idle
machine when other work shares the cores).
"""
from __future__ import annotations

import time

from bench import main

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the surfaces' most
# steps; the classifier and the pitfall with the most points, the widest network and the most updates, on the
# synthetic data (600 points) and a real set, each loss.
WORST = [
    {"part": "surface", "sf_y1": -10.0, "sf_y2": 10.0, "sf_steps": 200, "classes": 5},
    {"part": "classify", "cl_data": "spirals", "cl_n": 600, "cl_noise": 1.0, "cl_loss": "MSE", "cl_hidden": 64,
     "cl_lr": 0.003, "cl_steps": 800},
    {"part": "classify", "cl_data": "blobs", "cl_n": 600, "cl_loss": "cross-entropy", "cl_hidden": 64,
     "cl_lr": 0.003, "cl_steps": 800},
    {"part": "classify", "cl_data": "wine", "cl_loss": "MSE", "cl_hidden": 64, "cl_lr": 0.003, "cl_steps": 800},
    {"part": "pitfall", "cl_data": "spirals", "cl_n": 600, "cl_noise": 1.0, "cl_hidden": 64, "cl_lr": 0.003,
     "cl_steps": 800},
    {"part": "pitfall", "cl_data": "blobs", "cl_n": 600, "cl_hidden": 64, "cl_lr": 0.003, "cl_steps": 800},
]


def _timed(fn) -> tuple[float, float, object]:
    w, c = time.perf_counter(), time.thread_time()
    out = fn()
    return time.perf_counter() - w, time.thread_time() - c, out


def run() -> dict[str, float]:
    from core import device, softmax
    from core.charts import softmax as charts
    from core.params import specs

    device.configure_threads(1)
    softmax.classify(softmax.ClassifyConfig(steps=50, seed=999_999))  # warm the process (imports, the optimizer's first step)
    softmax.surface(softmax.SurfaceConfig(steps=25))
    out: dict[str, float] = {}
    parts = {"lab": lambda: softmax.lab(), "surface": lambda: softmax.surface(),  # the lab, then each part
             "classify": lambda: softmax.classify(softmax.ClassifyConfig(seed=4242)),
             "pitfall": lambda: softmax.pitfall(softmax.ClassifyConfig(seed=4242))}
    wall = cpu = 0.0
    res = {}
    for name, fn in parts.items():
        w, c, res[name] = _timed(fn)
        out[f"{name}, default run (s)"], out[f"{name}, default run (CPU s)"] = w, c
        wall, cpu = wall + w, cpu + c
    out["page default run, all four (s)"], out["page default run, all four (CPU s)"] = wall, cpu
    w, c, _ = _timed(lambda: [ch.to_dict() for ch in (
        charts.lab_bars(res["lab"]), charts.lab_gradient(res["lab"]), charts.lab_sigmoid(res["lab"]),
        charts.surface_chart(res["surface"], 0, 50), charts.surface_chart(res["surface"], 1, 50),
        charts.grad_chart(res["surface"], 50), charts.regions_chart(res["classify"], "network"),
        charts.regions_chart(res["classify"], "softmax regression"),
        charts.history_chart(res["classify"], "loss"), charts.history_chart(res["classify"], "accuracy"),
        charts.history_chart(res["pitfall"], "trained_on"), charts.history_chart(res["pitfall"], "loss"))])
    out["all twelve charts built (s)"] = w
    w, c, _ = _timed(lambda: softmax.lab(softmax.LabConfig(classes=5, temperature=0.1)))
    out["lab, a control change (s)"] = w
    big = softmax.ClassifyConfig(data="spirals", n=specs(softmax.ClassifyConfig)["n"][0].hi, hidden=max(softmax.HIDDEN),
                                 steps=max(softmax.STEPS), seed=7)
    out["classify, largest setting (s)"], out["classify, largest setting (CPU s)"], _ = _timed(
        lambda: softmax.classify(big))[:3]
    out["pitfall, largest setting (s)"], out["pitfall, largest setting (CPU s)"], _ = _timed(lambda: softmax.pitfall(big))
    out["surface, most steps (s)"], _, _ = _timed(lambda: softmax.surface(softmax.SurfaceConfig(steps=max(softmax.SURFACE_STEPS))))
    return out


if __name__ == "__main__":
    main(run)
