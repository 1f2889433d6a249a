"""Speed of the critical-points page: the default run, a move of θ', and the batched computations
(Newton from every start at once, many networks trained and differentiated twice at once) against
doing them one at a time."""
from __future__ import annotations

import time

import torch

from bench._apptest import default_run_seconds
from core import critical as c
from core.charts import critical as charts

# The most expensive links a student can reach (scripts/bench.py --worst): the map, the point and the escape
# always run (the escape at its most steps and widest view), the ratio experiment switched on at its largest
# (24 networks of 12 hidden units, 1,000 Adam steps, then LBFGS_ITERS iterations of L-BFGS on ‖g‖² and the
# Hessians); the network slice trains its network first.
_RATIO = {"cp_ratio": True, "cp_runs": 24, "cp_hidden": 12, "cp_rsteps": 1000}
WORST = [
    {"cp_surface": "network slice", "cp_win": 2.0, "cp_off": 0.3, "cp_lr": 0.001, "cp_steps": 1000, **_RATIO},
    {"cp_surface": "Rosenbrock", "cp_win": 2.0, "cp_off": 0.0, "cp_lr": 0.001, "cp_steps": 1000, **_RATIO},
    {"cp_surface": "monkey saddle", "cp_win": 2.0, "cp_off": 0.01, "cp_lr": 0.001, "cp_steps": 1000},
]


def _spec(ch) -> dict:
    """The spec as the page sends it (kit.vega_spec: data frames as named datasets, unvalidated)."""
    from pages._draw import vega_spec

    return vega_spec(ch)


def _page_compute(seed: int) -> None:
    s = c.surface(c.SurfaceConfig())
    p = c.point(c.PointConfig())
    sad = c.nearest_saddle(s.critical, 0.0, 0.0)
    e = c.escape(c.EscapeConfig(sx=sad[0], sy=sad[1], seed=seed))
    for ch in (charts.contour_chart(s, p, e), charts.local_chart(p, "true loss"),
               charts.local_chart(p, "quadratic approximation"), charts.slices_chart(p, 0), charts.escape_chart(e)):
        _spec(ch)


def run() -> dict[str, float]:
    from core.device import configure_threads

    configure_threads()  # as the app does: one intra-op thread per process
    out: dict[str, float] = {}
    _page_compute(0)  # warm-up: imports, first kernels
    t0 = time.perf_counter()
    _page_compute(1)
    out["default view, compute + chart specs (s)"] = time.perf_counter() - t0

    s = c.surface(c.SurfaceConfig())
    e = c.escape(c.EscapeConfig())
    times = []
    for k in range(5):
        t0 = time.perf_counter()
        p = c.point(c.PointConfig(x=0.1 + 0.05 * k, y=-0.3))
        for ch in (charts.contour_chart(s, p, e), charts.local_chart(p, "true loss"),
                   charts.local_chart(p, "quadratic approximation"), charts.slices_chart(p, 0)):
            _spec(ch)
        times.append(time.perf_counter() - t0)
    out["move θ': point + 4 chart specs (s, median of 5)"] = sorted(times)[2]

    try:
        default_run_seconds("pages/critical.py", 10_001)  # warm the process
        out["page default run in AppTest, fresh seed (s)"] = default_run_seconds("pages/critical.py", 10_002)
        out["page default run in AppTest, all shared caches emptied (s)"] = default_run_seconds("pages/critical.py", 10_003, cold=True)
    except Exception:  # noqa: BLE001 - the bench still reports the rest without a streamlit runtime
        pass

    # Newton from 144 starts: one batch against one start at a time
    f = c.surface_fn("one-neuron network")
    t0 = time.perf_counter()
    c.find_critical(f, starts=12, steps=40)
    batched = 144 / (time.perf_counter() - t0)
    starts = torch.cartesian_prod(*(torch.linspace(c.LO, c.HI, 12, dtype=torch.float64),) * 2)[:24] + 1e-3
    t0 = time.perf_counter()
    for p in starts:
        q = p[None, :]
        for _ in range(40):
            _, g, H = c.grad_hess(f, q)
            q = q - (torch.linalg.pinv(H) @ g[:, :, None])[:, :, 0].clamp(-0.5, 0.5)
    single = 24 / (time.perf_counter() - t0)
    out["Newton, 144 starts batched: starts/s"] = batched
    out["Newton, one start at a time: starts/s"] = single

    # minimum ratio: 16 networks trained as one batch against one network at a time, with torch's
    # default intra-op threads and with one thread (on a busy 2-core machine, ops big enough to be
    # split across threads wait for a descheduled thread: the batched ops are; one small net's are not)
    steps = 100
    threads = torch.get_num_threads()
    try:
        for nt in (2, 1):
            torch.set_num_threads(nt)
            t0 = time.perf_counter()
            theta, _ = c.train_nets(16, 8, steps, 0.05, seed=0)
            out[f"min ratio: 16 nets batched, network-steps/s ({nt} thread{'s' if nt > 1 else ''})"] = \
                16 * steps / (time.perf_counter() - t0)
            t0 = time.perf_counter()
            for m in range(4):
                c.train_nets(1, 8, steps, 0.05, seed=m)
            out[f"min ratio: one net at a time, network-steps/s ({nt} thread{'s' if nt > 1 else ''})"] = \
                4 * steps / (time.perf_counter() - t0)
    finally:
        torch.set_num_threads(threads)
    t0 = time.perf_counter()
    c.net_hessians(theta, 8)
    out["full Hessians (97x97) vmapped: networks/s"] = 16 / (time.perf_counter() - t0)
    X, y, _ = c.net_data()
    t0 = time.perf_counter()
    for m in range(4):
        torch.autograd.functional.hessian(lambda t: c.net_loss(t, X, y, 8), theta[m])
    out["full Hessians one by one (autograd.functional.hessian): networks/s"] = 4 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    c.net_hessians_fast(theta, 8)
    out["full Hessians (97x97) written out, batched: networks/s"] = 16 / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    c.min_ratio(c.RatioConfig(seed=3))
    out["minimum-ratio experiment, default (s)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    c.min_ratio(c.RatioConfig(runs=max(c.RUNS_CHOICES), hidden=max(c.HIDDEN_CHOICES), steps=max(c.STEP_CHOICES), seed=3))
    out["minimum-ratio experiment, largest setting (s)"] = time.perf_counter() - t0
    return out


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k:70s} {v:10.3f}")
