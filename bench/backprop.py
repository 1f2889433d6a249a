"""Benchmark of the backpropagation page's core: ``run()`` returns named figures (seconds).
Wall seconds and this thread's CPU seconds (what they would be on an idle machine)."""
from __future__ import annotations

from bench import main, timed

# The most expensive links a student can reach (scripts/bench.py --worst), part by part: the largest network
# stepped through, finite differences up to the widest network (both activations), the deepest, widest stacks
# on the most seeds.
WORST = [
    {"part": "step", "hidden": "3-3", "scale": 8.0, "x1": 3.0, "x2": -3.0, "y": -3.0, "b3": 6.0},
    {"part": "cost", "activation": "sigmoid", "fd_max": 128},
    {"part": "cost", "activation": "relu", "fd_max": 128},
    {"part": "vanishing", "depth": 16, "width": 64, "seeds": 10},
]


def run() -> dict[str, float]:
    from core import backprop as bp, device
    from core.charts import backprop as charts
    from pages._draw import vega_spec

    device.configure_threads(1)
    bp.flops(bp.Mlp(8, "sigmoid", 0))  # warm the process (FlopCounterMode imports torch._dynamo once, as the app does)
    out: dict[str, float] = {}
    cfg = bp.StepConfig(seed=4242)
    out["page default: replay by hand + autograd (s)"], out["page default: replay by hand + autograd (CPU s)"] = timed(
        lambda: bp.replay(cfg))
    r = bp.replay(cfg)
    out["one replay frame's chart spec (s)"], out["one replay frame's chart spec (CPU s)"] = timed(
        lambda: vega_spec(charts.graph_chart(r, 5)))
    big = bp.StepConfig(hidden="3-3", scale=8.0, x1=3.0, x2=-3.0, seed=7)
    out["replay, largest network (s)"], out["replay, largest network (CPU s)"] = timed(lambda: bp.replay(big))
    out["cost race, default (s)"], out["cost race, default (CPU s)"] = timed(lambda: bp.race(bp.CostConfig(seed=4242)))
    worst = bp.CostConfig(fd_max=max(bp.FD_WIDTHS), seed=4243)
    out["cost race, largest setting (s)"], out["cost race, largest setting (CPU s)"] = timed(lambda: bp.race(worst))
    out["vanishing, default (s)"], out["vanishing, default (CPU s)"] = timed(lambda: bp.stacks(bp.VanishConfig(seed=4242)))
    deep = bp.VanishConfig(depth=16, width=max(bp.VANISH_WIDTHS), seeds=max(bp.SEEDS_SHOWN), seed=4242)
    out["vanishing, largest setting (s)"], out["vanishing, largest setting (CPU s)"] = timed(lambda: bp.stacks(deep))
    return out


if __name__ == "__main__":
    main(run)
