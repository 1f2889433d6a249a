"""Training speed of the fitting page: the batched sigmoid+ReLU loop against plain PyTorch loops, and the
heaviest settings the controls reach (the update budget, core.fitting.budget, is sized by these)."""
from __future__ import annotations

import time

import torch
from torch import nn

from bench import main
from core import fitting, params

# The most expensive links a student can reach (scripts/bench.py --worst): every control at its slow end (the
# most points, least held out, widest and deepest models, the most epochs, the sweep on), at batch size 1 (the
# most updates: the budget cuts them) and at the batch sizes where both budgets (updates and work) nearly bind.
_SLOW = {"n": 1000, "val": 0.1, "k": 32, "opt": "Adam", "lr": 0.0001, "epochs": 1000, "loss": "MAE", "sweep": True}
WORST = [
    {**_SLOW, "depth": 1, "batch": 1},
    {**_SLOW, "depth": 1, "batch": 128},
    {**_SLOW, "depth": 2, "batch": 64},
    {**_SLOW, "depth": 3, "batch": 1},
    {**_SLOW, "depth": 3, "batch": 32},
    {**_SLOW, "depth": 3, "batch": 64},
    {**_SLOW, "depth": 3, "batch": 512},
    {**_SLOW, "n": 40, "val": 0.25, "depth": 1, "batch": 1},  # few points: the sweep makes nearly all its steps
    {**_SLOW, "n": 40, "val": 0.25, "depth": 3, "batch": 1},
]


def _plain_loop(width: int, act, steps: int, x: torch.Tensor, y: torch.Tensor, B: int) -> float:
    """One nn.Sequential, Adam, minibatches: the textbook loop. Returns steps per second."""
    g = torch.Generator().manual_seed(0)
    model = nn.Sequential(nn.Linear(1, width), act(), nn.Linear(width, 1))
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    t0 = time.perf_counter()
    for i in range(steps):
        idx = torch.randint(0, len(x), (B,), generator=g)
        loss = nn.functional.mse_loss(model(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return steps / (time.perf_counter() - t0)


def slowest(depth: int, batch: int) -> fitting.FitConfig:
    """Every control at its slowest end: most points, least held out, widest models, most epochs, Adam."""
    spec = params.specs(fitting.FitConfig)
    return fitting.FitConfig(n=spec["n"][0].hi, val_fraction=spec["val_fraction"][0].lo, k=spec["k"][0].hi,
                             depth=depth, optimizer="Adam", lr=min(fitting.LRS), batch_size=batch,
                             epochs=max(fitting.EPOCHS))


def worst() -> dict[str, float]:
    """CPU seconds (this thread) of the heaviest runs: batch size 1 (the most updates, cut by the budget)
    at one, two and three layers, and the batch sizes whose runs cost the most per update at three layers."""
    out = {}
    for depth, batch in [(1, 1), (1, 128), (2, 64), (3, 1), (3, 32), (3, 64), (3, 512)]:
        cfg = slowest(depth, batch)
        p = fitting.plan(cfg)
        c0 = time.thread_time()
        fitting.fit(cfg)
        out[f"worst: {depth} layer(s), B={batch}: {p.epochs} epochs, {p.updates} updates, CPU s"] = \
            time.thread_time() - c0
    c0 = time.thread_time()
    fitting.sweep(slowest(3, 1))
    out[f"worst sweep: 3 layers, {fitting.sweep_steps(slowest(3, 1))} full-batch updates of 18 models, CPU s"] = \
        time.thread_time() - c0
    for depth in (1, 2):
        c0 = time.thread_time()
        fitting.sweep(slowest(depth, 1))
        out[f"worst sweep: {depth} layer(s), {fitting.sweep_steps(slowest(depth, 1))} full-batch updates, CPU s"] = \
            time.thread_time() - c0
    c0 = time.thread_time()
    fitting.sweep(fitting.preset("overfit"))
    out[f"sweep of preset Overfit: {fitting.SWEEP_STEPS} updates (its claim's), CPU s"] = time.thread_time() - c0
    return out


def run() -> dict[str, float]:
    torch.set_num_threads(1)  # as the app
    cfg = fitting.FitConfig()
    fitting.fit(fitting.FitConfig(epochs=5))  # warm-up
    t0 = time.perf_counter()
    r = fitting.fit(cfg)
    t_fit = time.perf_counter() - t0
    batched_sps = r.log.steps / r.log.seconds  # each step trains both models
    x, y = r.curve.x[r.train_idx], r.curve.y[r.train_idx]
    sig = _plain_loop(cfg.k, nn.Sigmoid, 1500, x, y, cfg.batch_size)
    relu = _plain_loop(2 * cfg.k, nn.ReLU, 1500, x, y, cfg.batch_size)
    two_separate = 1.0 / (1.0 / sig + 1.0 / relu)  # steps/s of training both, one after the other
    t0 = time.perf_counter()
    fitting.sweep(fitting.FitConfig(), steps=500)
    sweep_sps = 500 / (time.perf_counter() - t0)  # 18 models per step
    sweep_separate = 1.0 / sum(1.0 / _plain_loop(w, a, 300, x, y, 4096)
                               for w, a in [(k, nn.Sigmoid) for k in fitting.SWEEP_KS] +
                               [(2 * k, nn.ReLU) for k in fitting.SWEEP_KS])
    c0 = time.process_time()
    fitting.fit(cfg)
    cpu_fit = time.process_time() - c0  # this process's CPU time: robust to other load on the machine
    c0 = time.process_time()
    fitting.fit_seeds(cfg, range(10))
    cpu_seeds = time.process_time() - c0
    return {
        "fit default run (s, 750 updates x 2 models)": t_fit,
        "fit default run, CPU time of this process (s)": cpu_fit,
        "update budget of one run (MAX_UPDATES)": fitting.MAX_UPDATES,
        "work budget of one run (MAX_WORK, example-units)": fitting.MAX_WORK,
        **worst(),
        "fit_seeds: default config on 10 seeds as one batch, CPU time (s)": cpu_seeds,
        "batched sigmoid+ReLU steps/s": batched_sps,
        "plain loop, sigmoid model alone, steps/s": sig,
        "plain loop, ReLU model alone, steps/s": relu,
        "plain loops, both models one after the other, steps/s": two_separate,
        "sweep: 18 models batched, steps/s": sweep_sps,
        "sweep: 18 plain loops one after the other, steps/s": sweep_separate,
    }


if __name__ == "__main__":
    main(run)
