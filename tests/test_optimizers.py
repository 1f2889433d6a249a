"""Optimizer race: core against torch.optim and lr_scheduler, the lecture's claims on fixed seeds, bad input."""
from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch

from core import optimizers as opt
from core.charts import optimizers as charts

ROOT = Path(__file__).resolve().parent.parent


def only(**lrs) -> tuple[float, ...]:
    """A learning-rate tuple (RACERS order) with every racer off except the named ones."""
    names = {"SGD": "sgd", "Momentum": "mom", "Nesterov": "nag", "Adagrad (lecture)": "adagl",
             "Adagrad (PyTorch)": "adagp", "RMSProp": "rms", "Adam": "adam", "AdamW": "adamw"}
    return tuple(float(lrs.get(names[r], 0.0)) for r in opt.RACERS)


ALL_LRS = (0.05, 0.02, 0.02, 0.1, 0.3, 0.02, 0.05, 0.05)


def reference(racer: str, lr: float, beta: float = 0.9):
    """The racer built straight from torch.optim (independently of core.optimizers.make_optimizer)."""
    return {
        "SGD": lambda p: torch.optim.SGD([p], lr=lr),
        "Momentum": lambda p: torch.optim.SGD([p], lr=lr, momentum=beta),
        "Nesterov": lambda p: torch.optim.SGD([p], lr=lr, momentum=beta, nesterov=True),
        "Adagrad (lecture)": lambda p: torch.optim.Adagrad([p], lr=lr),
        "Adagrad (PyTorch)": lambda p: torch.optim.Adagrad([p], lr=lr),
        "RMSProp": lambda p: torch.optim.RMSprop([p], lr=lr, alpha=0.9),
        "Adam": lambda p: torch.optim.Adam([p], lr=lr),
        "AdamW": lambda p: torch.optim.AdamW([p], lr=lr, weight_decay=0.01),
    }[racer]


def separate_run(surface: str, racer: str, lr: float, start, steps: int, schedule: str = "constant") -> np.ndarray:
    """One optimizer from one start, step by step with torch.optim: the path (steps+1, 2)."""
    f = opt.loss_fn(surface)
    p = torch.tensor(start, dtype=torch.float64).clone().requires_grad_(True)  # (2,)
    o = reference(racer, lr)(p)
    if racer == "Adagrad (lecture)" and schedule == "constant":
        sch = torch.optim.lr_scheduler.LambdaLR(o, lambda t: math.sqrt(t + 1))  # the recipe
    elif schedule == "constant":
        sch = None
    elif schedule == "cosine":
        sch = torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=steps)
    else:
        raise AssertionError(schedule)
    out = [p.detach().clone()]
    for t in range(steps):
        o.zero_grad()
        f(p).backward()
        o.step()
        if sch is not None:
            sch.step()
        out.append(p.detach().clone())
    return torch.stack(out).numpy()


# ------------------------------------------------------------------ against PyTorch

@pytest.mark.parametrize("surface", ["Rosenbrock", "small hill"])
def test_race_trajectories_equal_torch_optim_step_by_step(surface):
    cfg = opt.RaceConfig(surface=surface, lrs=ALL_LRS, steps=60, starts=0)
    r = opt.race(cfg)
    assert r.racers == list(opt.RACERS)
    start = opt.SURFACES[surface].start
    for k, racer in enumerate(r.racers):
        ref = separate_run(surface, racer, r.lrs[k], start, 60)
        np.testing.assert_allclose(r.path[k], ref, rtol=1e-10, atol=1e-12, err_msg=racer)


def test_trajectories_with_a_scheduler_equal_torch():
    """Cosine schedule: every racer but the lecture's Adagrad equals torch.optim + CosineAnnealingLR."""
    r = opt.race(opt.RaceConfig(surface="Beale", lrs=ALL_LRS, steps=40, schedule="cosine", starts=0))
    for k, racer in enumerate(r.racers):
        if racer == "Adagrad (lecture)":
            continue
        ref = separate_run("Beale", racer, r.lrs[k], opt.SURFACES["Beale"].start, 40, "cosine")
        np.testing.assert_allclose(r.path[k], ref, rtol=1e-10, atol=1e-12, err_msg=racer)


def test_batched_many_starts_equal_separate_runs():
    cfg = opt.RaceConfig(surface="small hill", lrs=ALL_LRS, steps=50, starts=6, seed=3)
    r = opt.race(cfg)
    assert r.starts.shape == (6, 2) and r.ends.shape == (8, 6, 2)
    for k, racer in enumerate(r.racers):
        for i in range(6):
            ref = separate_run("small hill", racer, r.lrs[k], r.starts[i], 50)
            np.testing.assert_allclose(r.ends[k, i], ref[-1], rtol=1e-10, atol=1e-12, err_msg=f"{racer} start {i}")
    # the race's own start is unaffected by the extra rows
    alone = opt.race(opt.RaceConfig(surface="small hill", lrs=ALL_LRS, steps=50, starts=0))
    np.testing.assert_allclose(r.path, alone.path, rtol=0, atol=0)


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
    T = 100
    f = {k: opt.schedule_factors(k, T) for k in opt.SCHEDULES}
    assert np.all(f["constant"] == 1)
    assert f["step"][0] == 1 and f["step"][-1] == pytest.approx(0.5 ** 3)
    assert f["exponential"][-1] == pytest.approx(0.01 ** (99 / 100))
    assert np.all(np.diff(f["cosine"]) < 0)
    warm = f["warm-up then decay"]
    peak = int(np.argmax(warm))
    assert 5 <= peak <= 15 and warm[0] < 0.1 and warm[-1] < 0.01  # grows, then shrinks


def test_race_applies_the_schedule():
    r = opt.race(opt.RaceConfig(lrs=only(sgd=0.1, adagl=0.2), steps=80, schedule="step", starts=0))
    np.testing.assert_allclose(r.lr_t[0], 0.1 * opt.schedule_factors("step", 80))
    np.testing.assert_allclose(r.lr_t[1], 0.2 * opt.schedule_factors("step", 80) * np.sqrt(np.arange(1, 81)))


def test_lecture_adagrad_is_root_mean_square():
    """'Adagrad (lecture)' = theta -= eta g / sqrt(mean of past g^2), written by hand."""
    surface, lr, T = "long narrow valley", 0.3, 120
    r = opt.race(opt.RaceConfig(surface=surface, lrs=only(adagl=lr), steps=T, starts=0))
    f = opt.loss_fn(surface)
    theta = torch.tensor(opt.SURFACES[surface].start, dtype=torch.float64)
    sq = torch.zeros(2, dtype=torch.float64)
    path = [theta.clone()]
    for t in range(T):
        th = theta.clone().requires_grad_(True)
        (g,) = torch.autograd.grad(f(th), th)
        sq += g ** 2
        sigma = (sq / (t + 1)).sqrt()
        theta = theta - lr * g / (sigma + 1e-300)
        path.append(theta.clone())
    np.testing.assert_allclose(r.path[0, :40], torch.stack(path).numpy()[:40], rtol=1e-7, atol=1e-9)


def test_effective_lr_read_from_the_optimizer_state():
    r = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=only(adagp=0.3, rms=0.01, adam=0.05), steps=30, starts=0))
    g = r.grad  # (3, T, 2)
    # Adagrad: eta / sqrt(sum of g^2)
    np.testing.assert_allclose(r.eff_lr[0], 0.3 / (np.sqrt(np.cumsum(g[0] ** 2, 0)) + 1e-10), rtol=1e-9)
    # RMSProp: eta / sqrt(EMA of g^2 with alpha)
    s, ref = np.zeros(2), []
    for t in range(30):
        s = 0.9 * s + 0.1 * g[1, t] ** 2
        ref.append(0.01 / (np.sqrt(s) + 1e-8))
    np.testing.assert_allclose(r.eff_lr[1], np.array(ref), rtol=1e-9)
    # without momentum, the update is exactly -eta/sigma * g
    np.testing.assert_allclose(np.diff(r.path[0], axis=0), -r.eff_lr[0] * g[0], rtol=1e-9, atol=1e-14)
    np.testing.assert_allclose(np.diff(r.path[1], axis=0), -r.eff_lr[1] * g[1], rtol=1e-9, atol=1e-14)
    ins = opt.inside(r, 2, 10)
    np.testing.assert_allclose(ins.update, r.path[2, 10] - r.path[2, 9])
    np.testing.assert_allclose(ins.grad_step, -0.05 * g[2, 9])


# ------------------------------------------------------------------ the lecture's claims, fixed seeds

def test_momentum_gets_over_the_small_hill_where_gradient_descent_stops():
    # the page's preset "Momentum rolls over a hill"
    r = opt.race(opt.RaceConfig(surface="small hill", lrs=only(sgd=0.15, mom=0.03, nag=0.03), steps=200))
    x_end = {name: r.path[k, -1, 0] for k, name in enumerate(r.racers)}
    assert 0.5 < x_end["SGD"] < 1.5  # stopped in the local minimum in front of the hill (x ~ 0.96)
    _, minima = opt.global_minima("small hill")
    for name in ("Momentum", "Nesterov"):
        assert abs(x_end[name] - minima[0, 0]) < 0.05  # rolled over the hill (x = 0.15) to the global minimum
    reach = dict(zip(r.racers, opt.steps_to_target(r, 1e-3)))
    assert reach["SGD"] is None and reach["Momentum"] < 200
    board = opt.leaderboard(r, 1e-3).set_index("optimizer")
    assert board.loc["SGD", "steps to target"] == "not reached" and board.iloc[0].name in ("Momentum", "Nesterov")
    # and plain GD with momentum switched off behaves like SGD
    r0 = opt.race(opt.RaceConfig(surface="small hill", lrs=only(mom=0.15), beta=0.0, steps=200, starts=0))
    assert 0.5 < r0.path[0, -1, 0] < 1.5


def test_lecture_adagrad_explodes_and_decay_tames_it():
    # the page's presets "Adagrad's step explodes" and "Decay tames it"
    lrs = only(adagl=0.5, adagp=0.5)
    const = opt.race(opt.RaceConfig(lrs=lrs, steps=300, schedule="constant"))
    decay = opt.race(opt.RaceConfig(lrs=lrs, steps=300, schedule="exponential"))
    start_loss = const.loss[0, 0]
    assert const.loss[0, 50:].max() > start_loss  # near the minimum, then the step explodes past the start's loss
    assert const.loss[0, 50:].min() < 1e-6
    jump = int(np.argmax(const.loss[0, 50:] > 1.0)) + 50
    assert np.abs(const.path[0, jump, 1]) > 10 * np.abs(const.path[0, jump, 0]) / 100  # it is the steep y that jumps
    assert const.loss[1, 50:].max() < 1e-2  # PyTorch's Adagrad (decay 1/sqrt(t+1) built in) does not
    assert decay.loss[0, 50:].max() < 1e-3  # and the decayed lecture Adagrad does not either
    assert not const.log.diverged and not decay.log.diverged


def test_adaptive_methods_win_the_long_narrow_valley():
    r = opt.race(opt.RaceConfig())  # the page's default race
    reach = dict(zip(r.racers, opt.steps_to_target(r, 1e-3)))
    assert reach["SGD"] is None  # plain GD crawls along the flat direction
    for name in ("Adam", "RMSProp", "Adagrad (lecture)", "Momentum"):
        assert reach[name] < 200
    board = opt.leaderboard(r, 1e-3)
    assert list(board["rank"]) == list(range(1, 9)) and board.optimizer.iloc[-1] == "SGD"


def test_minibatch_noise_shrinks_with_the_batch():
    spread = {}
    for B in (4, 64, opt.N_EXAMPLES):
        r = opt.race(opt.RaceConfig(lrs=only(sgd=0.01), batch=B, steps=100, starts=0, seed=1))
        f = opt.loss_fn(r.config.surface)
        p = torch.tensor(r.path[0, :-1], requires_grad=True)  # (T, 2)
        (true,) = torch.autograd.grad(f(p).sum(), p)
        spread[B] = float(np.std(r.grad[0] - true.numpy()))
    assert spread[opt.N_EXAMPLES] < 1e-12
    assert spread[4] > 3 * spread[64] > 0


def test_same_seed_same_numbers_other_seed_other_noise():
    a = opt.race(opt.RaceConfig(batch=8, steps=30, seed=5))
    b = opt.race(opt.RaceConfig(batch=8, steps=30, seed=5))
    c = opt.race(opt.RaceConfig(batch=8, steps=30, seed=6))
    np.testing.assert_array_equal(a.path, b.path)
    assert not np.allclose(a.path, c.path)


def test_stored_minima_match_a_numerical_search():
    for name in opt.SURFACES:
        v, pts = opt.global_minima(name)
        v2, pts2 = opt.find_minima(name)
        assert v == pytest.approx(v2, abs=1e-8)
        assert len(pts) == len(pts2)
        for q in pts:
            assert np.min(np.linalg.norm(pts2 - q, axis=1)) < 1e-6


# ------------------------------------------------------------------ real data

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
    r = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), lr_scale=1000.0, steps=60))
    assert r.log.diverged
    assert "diverged at step" in r.log.message(r.racers)
    assert np.isfinite(r.history.loss).all()


def test_batch_lab():
    r = opt.batch_lab(opt.LabConfig(batches=(16, 256), epochs=2))
    t = r.table.set_index("batch")
    assert list(t.index) == [16, 256]
    assert t.loc[16, "updates"] == 2 * math.ceil(1347 / 16) and t.loc[256, "updates"] == 2 * math.ceil(1347 / 256)
    assert t.loc[16, "s_per_epoch"] > 0 and t.loc[256, "ms_per_update"] > 0
    # same epochs: the small batch made 16x the updates and learned more
    assert t.loc[16, "train_acc"] > t.loc[256, "train_acc"]
    assert ((t.train_acc >= 0) & (t.train_acc <= 1) & (t.val_acc >= 0) & (t.val_acc <= 1)).all()


# ------------------------------------------------------------------ bad input, divergence, charts

def test_divergence_is_a_message_not_a_crash():
    r = opt.race(opt.RaceConfig(lrs=only(sgd=10.0, adam=0.1), steps=100))
    d = r.diverged_at(0)
    assert d is not None and d < 20 and r.diverged_at(1) is None
    msg = r.log.message(r.racers)
    assert f"SGD diverged at step {d}" in msg
    board = opt.leaderboard(r, 1e-3).set_index("optimizer")
    assert board.loc["SGD", "status"] == f"diverged at step {d}"
    assert r.steps_done == 100  # the others kept racing
    h = opt.history(r)
    assert np.isfinite(h[["loss", "x", "y"]].to_numpy()).all()
    assert opt.inside(r, 0, d + 5) is None and opt.inside(r, 1, d + 5) is not None


def test_odd_configs_are_clamped():
    cfg = opt.RaceConfig(surface="nope", lrs=(float("nan"), -1.0, 1e9), schedule="??", steps=-5, beta=float("inf"),
                         batch=10 ** 9, starts=-3, seed=-7)
    r = opt.race(cfg)
    c = r.config
    assert c.surface == "long narrow valley" and c.schedule == "constant" and c.steps == 1 and c.batch == opt.N_EXAMPLES
    assert c.lrs[:3] == (0.0, 0.0, 1e3) and len(c.lrs) == len(opt.RACERS) and c.starts == 0
    empty = opt.race(opt.RaceConfig(lrs=(0.0,) * 8))
    assert empty.racers == [] and empty.path.shape[0] == 0
    assert len(opt.leaderboard(empty, 1e-3)) == 0 and len(opt.history(empty)) == 0
    with pytest.raises(ValueError):
        opt.make_optimizer("LBFGS?", [torch.zeros(1, requires_grad=True)], 0.1)
    with pytest.raises(ValueError):
        opt.schedule_factors("sawtooth", 10)
    with pytest.raises(ValueError):
        opt.loss_fn("moon")


def _spec(ch) -> str:
    d = ch.to_dict(validate=True)  # valid Vega-Lite
    s = json.dumps(d, allow_nan=True)
    assert "NaN" not in s and "Infinity" not in s
    return s


@pytest.mark.parametrize("lrs", [opt.DEFAULT_LRS, only(sgd=10.0, adam=0.1, adagl=3.0)])
def test_chart_builders_valid_and_finite(lrs):
    r = opt.race(opt.RaceConfig(lrs=lrs, steps=60))
    grid = opt.surface_grid(r.config.surface)
    hist = opt.history(r)
    _spec(charts.race_map(r, grid, hist))
    _spec(charts.loss_chart(hist))
    _spec(charts.schedule_chart(opt.schedule_frame(60), "cosine"))
    for k in range(len(r.racers)):
        ins = opt.inside(r, k, 3)
        if ins is not None:
            _spec(charts.inside_chart(r, k, ins))
        _spec(charts.eff_lr_chart(opt.inside_frame(r, k), r.racers[k], 3))
        _spec(charts.ends_chart(r, grid, k))
    _spec(charts.share_chart(opt.leaderboard(r, 1e-3)))


def test_real_and_lab_charts_valid():
    real = opt.real_race(opt.RealConfig(racers=("SGD", "Adam"), steps=20))
    _spec(charts.real_chart(real, "step"))
    _spec(charts.real_chart(real, "seconds"))
    lab = opt.batch_lab(opt.LabConfig(batches=(64, 1347), epochs=1))
    _spec(charts.lab_time_chart(lab))
    _spec(charts.lab_acc_chart(lab))


def test_core_does_not_import_streamlit():
    for path in (ROOT / "core" / "optimizers.py", ROOT / "core" / "charts" / "optimizers.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(m.split(".")[0] == "streamlit" for m in names), path


def test_momentum_is_the_last_movement_minus_the_gradient():
    """The lecture's m_t = lambda m_{t-1} - eta g_t, read off torch.optim.SGD(momentum=beta)'s updates."""
    r = opt.race(opt.RaceConfig(surface="Rosenbrock", lrs=only(mom=0.02), beta=0.8, steps=30, starts=0))
    moves = np.diff(r.path[0], axis=0)  # (T, 2) m_t: the movement of each update
    np.testing.assert_allclose(moves[1:], 0.8 * moves[:-1] - 0.02 * r.grad[0, 1:], rtol=1e-9, atol=1e-14)
    ins = opt.inside(r, 0, 12)
    np.testing.assert_allclose(ins.momentum_step, 0.8 * moves[10], rtol=1e-9)
    np.testing.assert_allclose(ins.momentum_step + ins.grad_step, ins.update, rtol=1e-9, atol=1e-15)


def test_minibatches_cover_each_epoch_once():
    """B = N/2: each epoch's two minibatches partition the examples, so their noises cancel exactly."""
    r = opt.race(opt.RaceConfig(lrs=only(sgd=0.01), batch=opt.N_EXAMPLES // 2, steps=20, starts=0, seed=2))
    f = opt.loss_fn(r.config.surface)
    p = torch.tensor(r.path[0, :-1], requires_grad=True)  # (T, 2)
    (true,) = torch.autograd.grad(f(p).sum(), p)
    noise = r.grad[0] - true.numpy()  # (T, 2)
    assert np.abs(noise).max() > 1e-3
    np.testing.assert_allclose(noise[0::2] + noise[1::2], 0.0, atol=1e-12)
