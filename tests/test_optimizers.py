"""Optimizer race: core against torch.optim and lr_scheduler, the lecture's optimizers against hand-written
loops, records, configs and bad input. Claims: tests/test_optimizers_claims.py; charts: test_optimizers_charts.py."""
from __future__ import annotations

import ast
import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from core import optimizers as opt
from core import params

ROOT = Path(__file__).resolve().parent.parent
ALL = dict(sgd=0.05, mom_lecture=0.02, mom_torch=0.02, nesterov=0.02, adagrad_lecture=0.1, adagrad_torch=0.3,
           rms_lecture=0.02, rms_torch=0.02, adam=0.05, adamw=0.05)


def reference(name: str, lr: float, beta: float = 0.9):
    """The PyTorch racers built straight from torch.optim (independently of core.optimizers)."""
    return {
        "SGD": lambda p: torch.optim.SGD([p], lr=lr),
        "Momentum (PyTorch)": lambda p: torch.optim.SGD([p], lr=lr, momentum=beta),
        "Nesterov": lambda p: torch.optim.SGD([p], lr=lr, momentum=beta, nesterov=True),
        "Adagrad (lecture)": lambda p: torch.optim.Adagrad([p], lr=lr),
        "Adagrad (PyTorch)": lambda p: torch.optim.Adagrad([p], lr=lr),
        "RMSProp (PyTorch)": lambda p: torch.optim.RMSprop([p], lr=lr, alpha=0.9),
        "Adam": lambda p: torch.optim.Adam([p], lr=lr),
        "AdamW": lambda p: torch.optim.AdamW([p], lr=lr, weight_decay=0.01),
    }[name]


def lecture_loop(name: str, surface: str, lr: float, start, steps: int, factors=None, beta: float = 0.9):
    """The lecture's formulas written by hand: momentum m_t = λ m_{t-1} - η_t g_t, θ += m_t; RMSProp
    σ_0² = g_0², σ_t² = α σ_{t-1}² + (1-α) g_t², θ -= η_t g_t / σ_t. Path (steps+1, 2)."""
    f = opt.loss_fn(surface)
    th = torch.tensor(start, dtype=torch.float64)
    m, s2, out = torch.zeros(2, dtype=torch.float64), None, [th.clone()]
    for t in range(steps):
        x = th.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x), x)
        eta = lr * (1.0 if factors is None else factors[t])
        if name == "Momentum (lecture)":
            m = beta * m - eta * g
            th = th + m
        else:
            s2 = g * g if s2 is None else 0.9 * s2 + 0.1 * g * g
            th = th - eta * g / (s2.sqrt() + 1e-12)
        out.append(th.clone())
    return torch.stack(out).numpy()


def separate_run(surface: str, name: str, lr: float, start, steps: int, schedule: str = "constant") -> np.ndarray:
    """One PyTorch optimizer from one start, step by step: the path (steps+1, 2)."""
    f = opt.loss_fn(surface)
    p = torch.tensor(start, dtype=torch.float64).clone().requires_grad_(True)  # (2,)
    o = reference(name, lr)(p)
    if name == "Adagrad (lecture)" and schedule == "constant":
        sch = torch.optim.lr_scheduler.LambdaLR(o, lambda t: math.sqrt(t + 1))  # the recipe
    elif schedule == "constant":
        sch = None
    elif schedule == "cosine":
        sch = torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=steps)
    else:
        raise AssertionError(schedule)
    out = [p.detach().clone()]
    for _ in range(steps):
        o.zero_grad()
        f(p).backward()
        o.step()
        if sch is not None:
            sch.step()
        out.append(p.detach().clone())
    return torch.stack(out).numpy()


def check_path(surface, name, lr, start, steps, got, schedule="constant"):
    if name in ("Momentum (lecture)", "RMSProp (lecture)"):
        fac = opt.schedule_factors(schedule, steps)
        ref = lecture_loop(name, surface, lr, start, steps, fac)
    else:
        ref = separate_run(surface, name, lr, start, steps, schedule)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12, err_msg=name)


# ------------------------------------------------------------------ against PyTorch and the lecture's formulas

@pytest.mark.parametrize("surface", ["Rosenbrock", "small hill"])
def test_race_trajectories_equal_torch_optim_and_lecture_loops_step_by_step(surface):
    r = opt.race(opt.RaceConfig(surface=surface, lrs=opt.only(**ALL), steps=60, starts=0))
    assert r.racers == list(opt.NAMES)
    for k, name in enumerate(r.racers):
        check_path(surface, name, r.lrs[k], opt.SURFACES[surface].start, 60, r.path[k])


def test_trajectories_with_a_scheduler_equal_torch():
    """Cosine schedule: every racer but the lecture's Adagrad equals torch.optim + CosineAnnealingLR (or the
    lecture's loop with η_t)."""
    r = opt.race(opt.RaceConfig(surface="Beale", lrs=opt.only(**ALL), steps=40, schedule="cosine", starts=0))
    for k, name in enumerate(r.racers):
        if name != "Adagrad (lecture)":
            check_path("Beale", name, r.lrs[k], opt.SURFACES["Beale"].start, 40, r.path[k], "cosine")


def test_batched_many_starts_equal_separate_runs():
    r = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(**ALL), steps=50, starts=5, seed=3))
    assert r.starts.shape == (5, 2) and r.ends.shape == (10, 5, 2)
    for k, name in enumerate(r.racers):
        for i in range(5):
            if name in ("Momentum (lecture)", "RMSProp (lecture)"):
                ref = lecture_loop(name, "small hill", r.lrs[k], r.starts[i], 50)
            else:
                ref = separate_run("small hill", name, r.lrs[k], r.starts[i], 50)
            np.testing.assert_allclose(r.ends[k, i], ref[-1], rtol=1e-10, atol=1e-12, err_msg=f"{name} start {i}")
    alone = opt.race(opt.RaceConfig(surface="small hill", lrs=opt.only(**ALL), steps=50, starts=0))
    np.testing.assert_allclose(r.path, alone.path, rtol=0, atol=0)  # the race's own start is unaffected


@pytest.mark.parametrize("kind", opt.SCHEDULES)
@pytest.mark.parametrize("steps", [1, 7, 60, 203])
def test_schedule_values_equal_pytorch_schedulers(kind, steps):
    p = torch.zeros(2, requires_grad=True)
    o = torch.optim.SGD([p], lr=0.3)
    sch = opt.make_scheduler(o, kind, steps)
    got = []
    for _ in range(steps):
        got.append(o.param_groups[0]["lr"])
        o.step()
        sch.step()
    np.testing.assert_allclose(np.array(got) / 0.3, opt.schedule_factors(kind, steps), rtol=1e-9, atol=1e-12)


def test_schedule_shapes():
    f = {k: opt.schedule_factors(k, 100) for k in opt.SCHEDULES}
    assert np.all(f["constant"] == 1)
    assert f["step"][0] == 1 and f["step"][-1] == pytest.approx(0.5 ** 3)
    assert f["exponential"][-1] == pytest.approx(0.01 ** (99 / 100))
    assert np.all(np.diff(f["cosine"]) < 0)
    warm = f["warm-up then decay"]
    assert 5 <= int(np.argmax(warm)) <= 15 and warm[0] < 0.1 and warm[-1] < 0.01


def test_race_applies_the_schedule_and_the_lecture_factor():
    r = opt.race(opt.RaceConfig(lrs=opt.only(sgd=0.1, adagrad_lecture=0.3), steps=80, schedule="step", starts=0))
    np.testing.assert_allclose(r.lr_t[0], 0.1 * opt.schedule_factors("step", 80))
    np.testing.assert_allclose(r.lr_t[1], 0.3 * opt.schedule_factors("step", 80) * np.sqrt(np.arange(1, 81)))


def test_lecture_adagrad_is_root_mean_square():
    """'Adagrad (lecture)' = θ -= η g / sqrt(mean of past g²), written by hand."""
    surface, lr, T = "long narrow valley", 0.3, 120
    r = opt.race(opt.RaceConfig(surface=surface, lrs=opt.only(adagrad_lecture=lr), steps=T, starts=0))
    f = opt.loss_fn(surface)
    theta = torch.tensor(opt.SURFACES[surface].start, dtype=torch.float64)
    sq, path = torch.zeros(2, dtype=torch.float64), [theta.clone()]
    for t in range(T):
        th = theta.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(th), th)
        sq += g ** 2
        theta = theta - lr * g / ((sq / (t + 1)).sqrt() + 1e-300)
        path.append(theta.clone())
    np.testing.assert_allclose(r.path[0, :40], torch.stack(path).numpy()[:40], rtol=1e-7, atol=1e-9)


def test_lecture_rmsprop_starts_at_the_first_gradient_pytorch_at_zero():
    """Lecture: σ_0 = |g_0|, so the first step is η per coordinate; PyTorch: σ² starts at 0, first step
    η / sqrt(1 - α) ≈ 3.16 η."""
    r = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=opt.only(rms_lecture=0.01, rms_torch=0.01), steps=3,
                                starts=0))
    first = np.abs(r.path[:, 1] - r.path[:, 0])  # (2, 2)
    np.testing.assert_allclose(first[0], 0.01, rtol=1e-9)
    np.testing.assert_allclose(first[1], 0.01 / math.sqrt(0.1), rtol=1e-6)


def test_lecture_momentum_differs_from_pytorch_under_a_schedule_only():
    same = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=opt.only(mom_lecture=0.02, mom_torch=0.02), steps=40,
                                   starts=0))
    np.testing.assert_allclose(same.path[0], same.path[1], rtol=1e-9, atol=1e-12)
    sched = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=opt.only(mom_lecture=0.02, mom_torch=0.02), steps=40,
                                    starts=0, schedule="step"))
    assert np.abs(sched.path[0, -1] - sched.path[1, -1]).max() > 1e-4


def test_effective_lr_read_from_the_optimizer_state():
    r = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=opt.only(adagrad_torch=0.3, rms_torch=0.01, adam=0.05),
                                steps=30, starts=0))
    g = r.grad  # (3, T, 2)
    np.testing.assert_allclose(r.eff_lr[0], 0.3 / (np.sqrt(np.cumsum(g[0] ** 2, 0)) + 1e-10), rtol=1e-9)
    s, ref = np.zeros(2), []
    for t in range(30):
        s = 0.9 * s + 0.1 * g[1, t] ** 2
        ref.append(0.01 / (np.sqrt(s) + 1e-8))
    np.testing.assert_allclose(r.eff_lr[1], np.array(ref), rtol=1e-9)
    for k in (0, 1):  # without momentum, the update is exactly -η/σ g
        np.testing.assert_allclose(np.diff(r.path[k], axis=0), -r.eff_lr[k] * g[k], rtol=1e-9, atol=1e-14)
    # Adam: update = -η m-hat / σ, both read from its state with its own betas
    np.testing.assert_allclose(np.diff(r.path[2], axis=0), r.mom_step[2] * r.eff_lr[2] / 0.05, rtol=1e-9, atol=1e-14)


def test_adam_momentum_arrow_uses_the_optimizers_own_beta():
    p = torch.tensor([[1.0, -2.0]], dtype=torch.float64, requires_grad=True)
    rc = opt.racer("Adam")
    o = torch.optim.Adam([p], lr=0.1, betas=(0.5, 0.999))
    ms = []
    for t in range(3):
        o.zero_grad()
        (p ** 2).sum().backward()
        o.step()
        ms.append(opt.momentum_step(o, rc, p, t))
    st = o.state[p]
    np.testing.assert_allclose(ms[-1].numpy(), (-0.1 * st["exp_avg"] / (1 - 0.5 ** 3)).numpy())


def test_lecture_momentum_carried_arrow_is_lambda_times_the_last_movement():
    """Inside view: for Momentum (lecture) the carried part is exactly λ m_{t-1}, even under a schedule."""
    r = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=opt.only(mom_lecture=0.02, mom_torch=0.02), beta=0.8,
                                steps=30, starts=0, schedule="step"))
    moves = np.diff(r.path[0], axis=0)  # (T, 2) m_t
    np.testing.assert_allclose(moves[1:], 0.8 * moves[:-1] - r.lr_t[0, 1:, None] * r.grad[0, 1:], rtol=1e-9,
                               atol=1e-14)
    for t in (2, 12, 25):
        ins = opt.inside(r, 0, t)
        np.testing.assert_allclose(ins.momentum_step, 0.8 * moves[t - 2], rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(ins.momentum_step + ins.grad_step, ins.update, rtol=1e-9, atol=1e-15)
        assert opt.inside_facts(ins).momentum == "carried_lecture"  # the sentence "exactly λ·mₜ₋₁"
    # PyTorch's momentum after a step decay (t = 8 -> 9 halves η) carries (η_t/η_{t-1}) λ m_{t-1}, not λ m_{t-1}
    pm = np.diff(r.path[1], axis=0)
    ins = opt.inside(r, 1, 8)  # update 8 is the first one at the halved η (steps // 4 = 7)
    np.testing.assert_allclose(ins.momentum_step, 0.5 * 0.8 * pm[6], rtol=1e-9, atol=1e-15)
    assert opt.inside_facts(ins).momentum == "carried"  # not said to be λ·mₜ₋₁


def test_minibatch_noise_shrinks_with_the_batch():
    spread = {}
    for B in (4, 64, opt.N_EXAMPLES):
        r = opt.race(opt.RaceConfig(lrs=opt.only(sgd=0.01), batch=B, steps=100, starts=0, seed=1))
        p = torch.tensor(r.path[0, :-1], requires_grad=True)  # (T, 2)
        (true,) = torch.autograd.grad(opt.loss_fn(r.config.surface)(p).sum(), p)
        spread[B] = float(np.std(r.grad[0] - true.numpy()))
    assert spread[opt.N_EXAMPLES] < 1e-12 and spread[4] > 3 * spread[64] > 0


def test_minibatches_cover_each_epoch_once():
    """B = N/2: each epoch's two minibatches partition the examples, so their noises cancel exactly."""
    r = opt.race(opt.RaceConfig(lrs=opt.only(sgd=0.01), batch=opt.N_EXAMPLES // 2, steps=20, starts=0, seed=2))
    p = torch.tensor(r.path[0, :-1], requires_grad=True)  # (T, 2)
    (true,) = torch.autograd.grad(opt.loss_fn(r.config.surface)(p).sum(), p)
    noise = r.grad[0] - true.numpy()  # (T, 2)
    assert np.abs(noise).max() > 1e-3
    np.testing.assert_allclose(noise[0::2] + noise[1::2], 0.0, atol=1e-12)


def test_same_seed_same_numbers_other_seed_other_noise():
    a, b, c = (opt.race(opt.RaceConfig(batch=8, steps=30, seed=s)) for s in (5, 5, 6))
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.allclose(a.path, c.path)


# ------------------------------------------------------------------ records, surfaces, configs

def test_surface_records_hold_the_minima_find_minima_finds():
    for name, s in opt.SURFACES.items():
        v, glob, loc = opt.find_minima(name)
        assert s.fmin == pytest.approx(v, abs=1e-8)
        assert len(s.minima) == len(glob)
        for q in s.minima:
            assert np.min(np.linalg.norm(glob - np.array(q), axis=1)) < 1e-5, name
        for q in s.local:  # every stored local minimum is one the search finds
            assert np.min(np.linalg.norm(loc - np.array(q), axis=1)) < 1e-5, name


def test_surface_descriptions_quote_the_computed_minima():
    _, glob, loc = opt.find_minima("small hill")
    for lang in ("en", "zh"):
        text = opt.describe("small hill", lang)
        assert f"{loc[0, 0]:.2f}" in text and f"{glob[0, 0]:.2f}" in text  # 1.33 and -1.48
    assert "1.33" in opt.describe("small hill") and "-1.48" in opt.describe("small hill")
    _, g, _ = opt.find_minima("plateau with a cliff")
    assert f"{g[0, 0]:.2f}" in opt.describe("plateau with a cliff")
    _, g, _ = opt.find_minima("Beale")
    assert f"({g[0, 0]:.3g}, {g[0, 1]:.3g})" in opt.describe("Beale")


def test_racer_records_and_declared_learning_rates():
    keys = [f.name for f in dataclasses.fields(opt.RaceLRs)]
    assert keys == [r.key for r in opt.RACERS] and len(set(opt.NAMES)) == len(opt.NAMES)
    specs = params.specs(opt.RaceLRs)
    for rc in opt.RACERS:
        spec, default = specs[rc.key]
        assert default == rc.lr and rc.lr in spec.options and 0.0 in spec.options
        assert rc.momentum in ("none", "carried", "adam")
        o = rc.make([torch.zeros(2, requires_grad=True)], 0.1, 0.9)
        assert isinstance(o, torch.optim.Optimizer)
    assert 1 <= sum(rc.lr > 0 for rc in opt.RACERS) <= 6  # at most six on by default
    for cls in (opt.RaceConfig, opt.RaceView, opt.RealConfig):
        assert dataclasses.fields(cls) and cls.__dataclass_params__.frozen
    assert "max_seconds" not in {f.name for f in dataclasses.fields(opt.RaceConfig)}


def test_no_behaviour_branches_on_racer_names():
    for path in (ROOT / "core" / "optimizers").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                consts = [c.value for c in ast.walk(node) if isinstance(c, ast.Constant)]
                assert not any(v in opt.NAMES for v in consts), f"{path.name}: compares with a racer name"


def test_odd_configs_are_clamped():
    cfg = opt.RaceConfig(surface="nope", lrs=(float("nan"), -1.0, 1e9), schedule="??", steps=-5, beta=float("inf"),
                         batch=10 ** 9, starts=-3, seed=-7)
    r = opt.race(cfg)
    c, spec = r.config, {k: s for k, (s, _) in params.specs(opt.RaceConfig).items()}
    assert c.surface == opt.RaceConfig.surface and c.schedule == opt.RaceConfig.schedule
    assert c.steps == min(spec["steps"].options) and c.batch == max(spec["batch"].options) == opt.N_EXAMPLES
    assert c.starts == spec["starts"].lo and c.beta == spec["beta"].hi
    assert opt.lrs_of(c.lrs)[:3] == (opt.RACERS[0].lr, 0.0, max(opt.LRS))
    empty = opt.race(opt.RaceConfig(lrs=opt.only()))
    assert empty.racers == [] and empty.path.shape[0] == 0
    assert len(opt.leaderboard(empty, 1e-3)) == 0 and len(opt.history(empty)) == 0
    with pytest.raises(ValueError):
        opt.make_optimizer("LBFGS?", [torch.zeros(1, requires_grad=True)], 0.1)
    with pytest.raises(ValueError):
        opt.schedule_factors("sawtooth", 10)
    with pytest.raises(ValueError):
        opt.loss_fn("moon")


def test_divergence_is_a_message_not_a_crash():
    r = opt.race(opt.RaceConfig(lrs=opt.only(sgd=10.0, adam=0.1), steps=100))
    d = r.diverged_at(0)
    assert d is not None and d < 20 and r.diverged_at(1) is None
    assert f"SGD diverged at step {d}" in r.log.message(r.racers)
    board = opt.leaderboard(r, 1e-3).set_index("optimizer")
    assert board.loc["SGD", "diverged at"] == d and r.steps_done == 100
    h = opt.history(r)
    assert np.isfinite(h[["loss", "x", "y"]].to_numpy()).all()
    assert opt.inside(r, 0, d + 5) is None and opt.inside(r, 1, d + 5) is not None


def test_largest_settings_finish_in_fixed_steps():
    spec = {k: s for k, (s, _) in params.specs(opt.RaceConfig).items()}
    cfg = opt.RaceConfig(lrs=opt.only(**ALL), steps=max(spec["steps"].options), starts=int(spec["starts"].hi),
                         batch=min(spec["batch"].options))
    r = opt.race(cfg)
    assert r.steps_done == cfg.steps and r.log.stopped in ("done", "diverged")


def test_real_race_on_digits():
    r = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), steps=80))
    assert set(r.history.optimizer) == {"SGD", "Adam"}
    for name in ("SGD", "Adam"):
        h = r.history[r.history.optimizer == name]
        assert len(h) == 80 and np.isfinite(h.loss).all() and (np.diff(h.seconds) > 0).all()
        assert h.loss.iloc[-10:].mean() < 0.5 * h.loss.iloc[:10].mean()
        assert r.val_acc[name] > 0.8
    from safetensors.torch import load

    w = load(opt.weights_safetensors(r))
    assert w["Adam.0.weight"].shape == (32, 64) and w["SGD.2.weight"].shape == (10, 32)


def test_real_race_divergence_is_reported():
    r = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), lr_scale=10.0, steps=60))
    r = opt.real_race(dataclasses.replace(r.config, lr_scale=1e3)) if not r.log.diverged else r
    assert r.config.lr_scale in opt.SCALES  # clamped to the declared options
    assert np.isfinite(r.history.loss).all()


def test_core_does_not_import_streamlit():
    for path in list((ROOT / "core" / "optimizers").glob("*.py")) + list((ROOT / "core" / "charts" / "optimizers").glob("*.py")):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(m.split(".")[0] == "streamlit" for m in names), path
        assert len(path.read_text().splitlines()) <= 250, path


# ---------------------------------------------------------------- issue 23: Adam's bias correction, texts from surfaces

@pytest.fixture(scope="session")
def adam_race():
    """Minibatches and a cosine schedule, so η_t changes at every update and the gradients are noisy."""
    return opt.race(opt.RaceConfig(steps=30, starts=0, batch=16, schedule="cosine",
                                   lrs=opt.only(sgd=0.1, adam=0.1, adamw=0.05)))


@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_first_steps_equal_torch_adam_fed_the_same_gradients(adam_race, name):
    """m, v and the step of ``first_steps`` are torch.optim.Adam's (built with PyTorch's own default β₁, β₂, ε: the
    values the page's formula shows) fed the race's gradients at the race's η_t; the step is the race's move."""
    r = adam_race
    k = r.racers.index(name)
    steps = opt.first_steps(r, k)
    assert list(steps.t) == list(range(1, opt.ADAM_FIRST + 1))
    p = torch.tensor(r.path[k, 0], dtype=torch.float64, requires_grad=True)  # (2,)
    o = torch.optim.Adam([p], lr=1.0) if name == "Adam" else torch.optim.AdamW([p], lr=1.0, weight_decay=opt.ADAMW_DECAY)
    assert o.defaults["betas"] == opt.ADAM_BETAS and o.defaults["eps"] == opt.ADAM_EPS
    for t in range(len(steps)):
        lr = float(r.lr_t[k, t])
        o.param_groups[0]["lr"] = lr
        before = p.detach().clone()
        p.grad = torch.tensor(r.grad[k, t], dtype=torch.float64)
        o.step()
        row = steps.iloc[t]
        np.testing.assert_allclose(o.state[p]["exp_avg"].numpy(), [row.m_x, row.m_y], rtol=1e-12)
        np.testing.assert_allclose(o.state[p]["exp_avg_sq"].numpy(), [row.v_x, row.v_y], rtol=1e-12)
        decay = lr * opt.ADAMW_DECAY * before.numpy() if name == "AdamW" else 0.0  # AdamW's decoupled decay first
        np.testing.assert_allclose((p.detach() - before).numpy() + decay, [row.step_x, row.step_y], rtol=1e-9,
                                   atol=1e-15)
        race_move = r.path[k, t + 1] - r.path[k, t] + (lr * opt.ADAMW_DECAY * r.path[k, t] if name == "AdamW" else 0)
        np.testing.assert_allclose(race_move, [row.step_x, row.step_y], rtol=1e-9, atol=1e-15)


def test_adam_bias_correction_facts_and_the_pages_sentence(adam_race):
    """Update 1 moves every coordinate by exactly η₁; uncorrected, the same m and v would step (1 − β₁ᵗ)/√(1 − β₂ᵗ)
    times as far. The page's text says the uncorrected first steps are too long, not too short: true for these β."""
    r = adam_race
    k = opt.adam_racer(r)
    assert r.racers[k] == "Adam"
    steps = opt.first_steps(r, k)
    f = opt.adam_facts(r, steps)
    b1, b2 = opt.ADAM_BETAS
    t = steps.t.to_numpy()
    np.testing.assert_allclose(steps.ratio, (1 - b1 ** t) / np.sqrt(1 - b2 ** t), rtol=1e-6)
    assert f.first_exact and f.lr1 == pytest.approx(r.lr_t[k, 0])
    np.testing.assert_allclose(np.abs([steps.step_x[0], steps.step_y[0]]), f.lr1, rtol=1e-6)
    assert f.ratio1 == pytest.approx((1 - b1) / np.sqrt(1 - b2), rel=1e-6) and f.peak >= f.ratio1
    assert f.peak == pytest.approx(steps.ratio.max()) and steps.ratio[f.peak_t - 1] == f.peak
    tt = np.arange(1, max(opt.STEPS) + 1)
    assert ((1 - b1 ** tt) / np.sqrt(1 - b2 ** tt) > 1).all()  # "too long, not too short", in any race the page runs
    off = opt.race(opt.RaceConfig(steps=5, starts=0, lrs=opt.only(sgd=0.1)))
    assert opt.adam_racer(off) == -1 and opt.first_steps(off, 0).empty and opt.adam_facts(off, opt.first_steps(off, 0)) is None


def test_valley_description_names_the_steep_and_the_flat_axis_as_drawn():
    """「横向陡峭，纵向几乎平坦」 was backwards: the map draws x across and y up; the valley 0.05x² + 5y² is flat
    along x. The description must name the axis of larger curvature as steep, in both languages."""
    s = opt.surface("long narrow valley")
    h = torch.autograd.functional.hessian(s.f, torch.tensor(s.minima[0], dtype=torch.float64))
    steep, flat = ("y", "x") if h[1, 1] > h[0, 0] else ("x", "y")
    where = {"x": "横向", "y": "纵向"}  # on the map: x runs across, y up
    zh, en = opt.describe(s.name, "zh"), opt.describe(s.name, "en")
    assert f"沿 {steep}（图中{where[steep]}）陡峭" in zh and f"沿 {flat}（{where[flat]}）几乎平坦" in zh, zh
    assert f"steep along {steep}" in en and f"nearly flat along {flat}" in en, en


def test_ends_on_a_surface_with_one_minimum_say_not_converged():
    """「许多起点」: a run not at the minimum of a one-basin surface has not converged (there is nowhere else to
    stop); only where the surface has another local minimum may the page say it stopped elsewhere."""
    for name, surf in opt.SURFACES.items():
        _, _, local = opt.find_minima(name)
        assert (len(local) == 0) == (not surf.local), name  # the record's "no other minimum", searched numerically
    for name, unconverged in (("long narrow valley", True), ("small hill", False)):
        r = opt.race(opt.RaceConfig(surface=name, steps=25, starts=20, lrs=opt.only(sgd=0.01, adam=0.05)))
        assert opt.ends_facts(r).unconverged == unconverged
