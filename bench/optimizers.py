"""Benchmark of the optimizer race page: ``run()`` returns named figures (seconds, steps per second)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The most expensive links a student can reach (scripts/bench.py --worst): every racer on (the default), the
# most steps, minibatches of 1 (a fresh draw each step) and the most random starts, per surface; the digits
# race switched on at its most updates (every racer trains a network); why warm-up at its deepest and longest.
_RACE = {"or_steps": 1000, "or_batch": 1, "or_starts": 200, "or_sched": "cosine"}
WORST = [
    {"or_surface": "long narrow valley", **_RACE, "or_real": True, "or_real_steps": 1000, "or_real_lr": 0.1},
    {"or_surface": "Rosenbrock", **_RACE},
    {"or_surface": "Beale", **_RACE},
    {"or_surface": "small hill", **_RACE, "or_real": True, "or_real_steps": 1000, "or_real_lr": 1.0},
    {"or_warm": True, "or_wu_depth": 8, "or_wu_steps": 600, "or_wu_warm": 200},
]


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def _page_figures() -> dict[str, float]:
    """AppTest of app.py: the page's default run on a fresh config (process warm), and a control change."""
    sys.path.insert(0, str(ROOT / "tests"))
    from conftest import open_page

    open_page("pages/optimizers.py")  # warm the process (imports, surface grid)
    t = time.perf_counter()
    at = open_page("pages/optimizers.py", query={"seed": "4242"})  # a config nobody has computed
    default = time.perf_counter() - t
    w = next(x for x in at.select_slider if x.key == "or_target")
    t = time.perf_counter()
    w.set_value(1e-6).run()
    change = time.perf_counter() - t
    t = time.perf_counter()
    at.run()
    bare = time.perf_counter() - t
    return {"page_default_run_s": default, "page_control_change_s": change, "page_rerun_no_change_s": bare}


def run() -> dict[str, float]:
    import torch

    from core import optimizers as opt
    from core import params
    from core.device import configure_threads

    configure_threads()  # as the app does: one intra-op thread per process

    out: dict[str, float] = {}
    opt.race(opt.RaceConfig(steps=20))  # warm-up
    cfg = opt.RaceConfig()
    out["race_default_s"] = _best(lambda: opt.race(cfg))  # the default racers x 101 starts x 200 steps, batched
    steps = cfg.steps
    on = [rc for rc, lr in zip(opt.RACERS, opt.lrs_of(cfg.lrs)) if lr > 0]
    out["batched_racer_start_steps_per_s"] = len(on) * (cfg.starts + 1) * steps / out["race_default_s"]
    f = opt.loss_fn(cfg.surface)

    def separate(n_runs: int = 16):  # one optimizer, one start each
        for j in range(n_runs):
            rc = on[j % len(on)]
            p = torch.tensor(opt.SURFACES[cfg.surface].start, dtype=torch.float64, requires_grad=True)
            o = rc.make([p], getattr(cfg.lrs, rc.key), cfg.beta)
            s = opt.make_scheduler(o, cfg.schedule, steps)
            for t in range(steps):
                o.zero_grad()
                f(p).backward()
                opt.step_racer(o, rc, t)
                s.step()

    sep = _best(separate, repeat=2)
    out["separate_racer_start_steps_per_s"] = 16 * steps / sep
    out["batched_speedup_x"] = out["batched_racer_start_steps_per_s"] / out["separate_racer_start_steps_per_s"]
    out["race_noisy_B8_s"] = _best(lambda: opt.race(opt.RaceConfig(batch=8)), repeat=2)
    spec = {k: sp for k, (sp, _) in params.specs(opt.RaceConfig).items()}  # the largest setting the controls allow
    big = opt.RaceConfig(lrs=opt.only(**{rc.key: 0.05 for rc in opt.RACERS}), steps=max(spec["steps"].options),
                         starts=int(spec["starts"].hi), batch=min(spec["batch"].options))
    out["race_largest_s"] = _best(lambda: opt.race(big), repeat=1)  # 10 racers x 201 starts x 1000 steps, B = 1
    out["adagrad_taming_sweep_s"] = _best(lambda: opt.explosions.__wrapped__(), repeat=1)
    out["real_race_s"] = _best(lambda: opt.real_race(opt.RealConfig(racers=tuple(rc.name for rc in on))), repeat=1)
    wcfg = opt.WarmupConfig()
    out["warmup_default_s"] = _best(lambda: opt.warmup_runs(wcfg), repeat=2)  # 2 runs, one seed (the page's part)
    out["warmup_largest_s"] = _best(lambda: opt.warmup_runs(opt.WarmupConfig(depth=8, steps=600, warm=200)), repeat=1)
    out["warmup_claim_10_seeds_s"] = _best(lambda: opt.warmup_runs(opt.CHECKED, opt.CHECK_SEEDS), repeat=1)
    r = opt.race(cfg)
    out["race_notice_s"] = _best(lambda: opt.race_facts(r, opt.RaceView().target))  # a control change: the notice
    try:
        out.update(_page_figures())
    except Exception as e:  # noqa: BLE001 - the page figures need streamlit's AppTest; report, do not crash
        print(f"bench/optimizers: page figures skipped: {e}", file=sys.stderr)
    return {k: round(float(v), 4) for k, v in out.items()}


if __name__ == "__main__":
    for k, v in run().items():
        print(f"{k:40s} {v}")
