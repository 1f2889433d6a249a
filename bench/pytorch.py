"""Benchmark of the PyTorch-basics page: ``run()`` returns named figures (seconds), ``WORST`` the most expensive
links a student can reach (scripts/bench.py --worst opens them on a cold cache and reports CPU seconds).

The script part's cost is the DataLoader's: it is the real ``DataLoader(TensorDataset(...), shuffle=True)`` the
downloadable script uses (per-example indexing and collation), kept on purpose so the page's losses are the
script's. The other parts compute in milliseconds; the bugs part trains two small models (one for eval/no_grad).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench._apptest import best as _best  # noqa: E402

# Every control at its slow end, part by part (the script: the largest model, smallest batches, most epochs).
WORST = [
    {"task": "digits", "hidden": 64, "batch": 8, "epochs": 60, "lr": 0.001},
    {"task": "seattle", "hidden": 64, "batch": 8, "epochs": 60, "lr": 0.001},
    {"part": "bugs", "bug": "softmax"},
    {"part": "bugs", "bug": "zero_grad"},
    {"part": "shapes", "a": "2x2x3", "op": "stack", "b": "2x2x3", "dim": 3, "values": "random"},
    {"part": "data", "dl_n": 40, "dl_batch_size": 1, "dl_epochs": 6},
    {"part": "autograd", "g_expr": "neuron", "g_steps": 12},
]


def _cpu(fn) -> float:
    c0 = time.thread_time()
    fn()
    return time.thread_time() - c0


def run() -> dict[str, float]:
    from core import device
    from core import pytorch as pt

    device.configure_threads(1)
    pt.train_script(pt.ScriptConfig(epochs=3, seed=12345))  # warm the process (data, imports)
    out: dict[str, float] = {}
    t = time.perf_counter()
    pt.train_script(pt.ScriptConfig(seed=4242))
    out["script default run, first call (s)"] = time.perf_counter() - t
    out["script default run, best of 3 (s)"], _ = _best(lambda: pt.train_script(pt.ScriptConfig(seed=4243)))
    out["script default run, CPU s"] = _cpu(lambda: pt.train_script(pt.ScriptConfig(seed=4244)))
    for task in ("diabetes", "digits"):
        out[f"script {task} default, CPU s"] = _cpu(lambda: pt.train_script(pt.ScriptConfig(task=task, seed=4245)))
    for link in WORST[:2]:
        cfg = pt.ScriptConfig(**{k: v for k, v in link.items()}, seed=4246)
        out[f"script worst {cfg.task} (B=8, 60 epochs, 64 hidden), CPU s"] = _cpu(lambda: pt.train_script(cfg))
    for bug in pt.BUGS:
        out[f"bugs {bug}, CPU s"] = _cpu(lambda: pt.bugs(pt.BugConfig(bug=bug, seed=4247)))
    out["shapes one setting (ms)"] = 1e3 * _best(lambda: pt.shape(pt.ShapeConfig(op="stack", b="2x3", dim=2)))[0]
    out["autograd neuron, 12 steps (ms)"] = 1e3 * _best(lambda: pt.autograd(pt.GradConfig(expr="neuron", steps=12)))[0]
    out["data 40 examples, B=1, 6 epochs (ms)"] = 1e3 * _best(
        lambda: pt.batches(pt.LoaderConfig(n=40, batch_size=1, epochs=6)))[0]
    t = time.perf_counter()
    run_script = pt.script.run_text(pt.script_text(pt.ScriptConfig(seed=4242)), pt.FILE_NAME)
    out["downloaded script as its own process, default (s)"] = time.perf_counter() - t
    out["downloaded script exit code"] = float(run_script.returncode)
    out.update(_page())
    return out


PAGE_RUNS = (("warm-up", 30_001, False), ("page default run in AppTest, fresh seed (s)", 30_002, False),
             ("page default run in AppTest, all shared caches emptied (s)", 30_003, True))


def _page() -> dict[str, float]:
    """The page's default view in AppTest (the first run warms the process); nothing without a streamlit runtime."""
    try:
        from bench._apptest import default_run_seconds

        got = {name: default_run_seconds("pages/pytorch.py", seed, cold=cold) for name, seed, cold in PAGE_RUNS}
    except Exception:  # noqa: BLE001 - the bench still reports the rest
        return {}
    got.pop("warm-up")
    return got


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k:60s} {v:10.4f}")
