"""Benchmark of the batches-and-epochs core: ``run()`` returns named figures (seconds, ms per update).

The page's default run (pages/batches.py: the three paths and their charts; the lab stays off until asked) is
timed in AppTest. The lab's times per update are what the lab itself measures (warm-up done, evaluation left
out), on the device it chose. The lab's time ratios (full batch over the smallest, ``core.batches.lab_facts``)
are figures of this machine, printed here and never asserted by a test: on a CPU an epoch with the full
batch has taken well under half the time of one with B = 16, and a full-batch update longer than a
small-batch one but far less than N/B times longer.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bench._apptest import best as _best  # noqa: E402

# The most expensive links a student can reach (scripts/bench.py --worst): the paths always run (the most days,
# the smallest mini-batch, the most epochs); the lab at its slowest (the smallest B, the most epochs, the widest
# network; a learning rate that trains to the end, where a larger one could diverge and stop early).
WORST = [
    {"n": 200, "batch": 2, "epochs": 10},
    {"n": 200, "batch": 2, "epochs": 10, "lab": True, "lab_smallest": 1, "lab_epochs": 5, "lab_hidden": 128,
     "lab_lr": 0.01},
    {"n": 200, "batch": 2, "epochs": 10, "lab": True, "lab_smallest": 1, "lab_epochs": 5, "lab_hidden": 128,
     "lab_lr": 0.05},
]


def run() -> dict[str, float]:
    from core import batches, device
    from core.charts import batches as charts

    device.configure_threads(1)
    batches.paths(batches.PathConfig(seed=12345))  # warm the process (data, imports, the optimizer's first step)
    out: dict[str, float] = {}
    t = time.perf_counter()
    r = batches.paths(batches.PathConfig(seed=4242))  # a seed nobody has computed
    out["paths default run, first call (s)"] = time.perf_counter() - t
    out["paths default run, best of 3 (s)"], r = _best(lambda: batches.paths(batches.PathConfig(seed=4243)))
    out["paths default updates (3 paths)"] = float(sum(r.updates(m) for m in batches.METHODS))
    big = batches.PathConfig(n=200, epochs=10, batch=2, seed=7)
    out["paths largest setting (s)"], _ = _best(lambda: batches.paths(big), repeat=1)
    out["paths charts, all four built (s)"], _ = _best(lambda: [c.to_dict() for c in (
        charts.path_map(r), charts.data_chart(r, "mini-batch", 3), charts.loss_chart(r, "update"),
        charts.loss_chart(r, "epoch"))])
    t = time.perf_counter()
    lab = batches.batch_lab(batches.LabConfig(seed=4242))
    out["lab default run (s)"] = time.perf_counter() - t
    out["lab device is cuda (1 = yes)"] = float(lab.device == "cuda")
    for row in lab.table.itertuples():
        out[f"lab ms per update, B = {row.batch}"] = float(row.ms_per_update)
        out[f"lab ms per epoch, B = {row.batch}"] = 1e3 * float(row.s_per_epoch)
    t = time.perf_counter()
    batches.batch_lab(batches.LabConfig(smallest=1, epochs=5, hidden=128, seed=4242))
    out["lab largest setting (s)"] = time.perf_counter() - t
    facts = [batches.lab_facts(batches.batch_lab(batches.LabConfig(smallest=16, epochs=3, seed=s))) for s in range(5)]
    out["lab time per epoch, full / B = 16, median of 5 seeds"] = float(np.median([f.per_epoch for f in facts]))
    out["lab time per update, full / B = 16, median of 5 seeds"] = float(np.median([f.per_update for f in facts]))
    out["lab examples per update, full / B = 16"] = facts[0].examples
    try:
        from bench._apptest import default_run_seconds

        default_run_seconds("pages/batches.py", 30_001)  # warm the process
        out["page default run in AppTest, fresh seed (s)"] = default_run_seconds("pages/batches.py", 30_002)
        out["page default run in AppTest, all shared caches emptied (s)"] = default_run_seconds(
            "pages/batches.py", 30_003, cold=True)
    except Exception:  # noqa: BLE001 - the bench still reports the rest without a streamlit runtime
        pass
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k:45s} {v:10.4f}")
