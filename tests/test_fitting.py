"""Core of the sigmoid/ReLU page: shapes, determinism, divergence, dead ReLUs, the update budget, the facts
the page states about a run, and the page's claims.

Claims are decided by ``core.fitting.claims`` (thresholds named there) on SEEDS (12 seeds, or 10 for the
long runs), each config trained once for all seeds as one batched computation (``fitting.fit_seeds`` /
``fitting.sweep_seeds``), shared by module fixtures.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from safetensors.torch import load

from core import fitting, i18n, params
from core.fitting import budget, claims
from core.models import BatchedMLP

F = fitting.FitConfig
CFG = F(epochs=50)
SEEDS = list(range(12))
LONG_SEEDS = list(range(10))


@pytest.fixture(scope="session")
def result():
    return fitting.fit(CFG)


_cache: dict = {}


def seeds_of(**kw) -> list[fitting.FitResult]:
    """``fit_seeds`` of F(**kw) on SEEDS, trained once per module run."""
    key = tuple(sorted(kw.items()))
    if key not in _cache:
        _cache[key] = fitting.fit_seeds(F(**kw), SEEDS)
    return _cache[key]


losses = claims.losses


# ---------------------------------------------------------------- mechanics


def test_shapes(result):
    n_val = len(result.val_idx)
    assert len(result.train_idx) + n_val == CFG.n and n_val == round(CFG.n * CFG.val_fraction)
    assert set(result.train_idx.tolist()).isdisjoint(result.val_idx.tolist())
    assert result.pred.shape == (2, len(result.grid))
    assert result.parts[0].shape == (len(result.grid), CFG.k)
    assert result.parts[1].shape == (len(result.grid), 2 * CFG.k)
    assert result.updates_per_epoch == -(-len(result.train_idx) // CFG.batch_size)
    assert result.log.steps == CFG.epochs * result.updates_per_epoch
    assert sorted(result.history.epoch.unique().tolist()) == list(range(CFG.epochs + 1))


def test_parts_add_up_to_the_fit(result):
    for m in range(2):
        np.testing.assert_allclose(result.parts[m].sum(1) + result.bias[m], result.pred[m], atol=1e-5)


def test_same_config_same_numbers(result):
    again = fitting.fit(CFG)
    np.testing.assert_array_equal(again.pred, result.pred)
    np.testing.assert_array_equal(again.log.losses, result.log.losses)
    other = fitting.fit(replace(CFG, seed=1))
    assert not np.allclose(other.pred, result.pred)


def test_fit_seeds_gives_what_fit_gives_each_seed(result):
    """The batched multi-seed run is the same computation as the page's run of each seed."""
    rs = fitting.fit_seeds(CFG, [5, CFG.seed])
    np.testing.assert_allclose(rs[1].pred, result.pred, atol=2e-4)
    assert rs[1].config == result.config and len(rs[1].history) == len(result.history)
    np.testing.assert_allclose(rs[1].history.loss, result.history.loss, rtol=2e-3, atol=1e-5)
    single = fitting.fit(replace(CFG, seed=5))
    np.testing.assert_allclose(rs[0].pred, single.pred, atol=2e-4)


def test_runs_for_a_claim_are_never_cut_by_the_wall_time_guard(monkeypatch):
    """A claim is judged on whole runs: fit_seeds ignores the guard (the page's run does not)."""
    from core import train

    monkeypatch.setattr(train, "GUARD_SECONDS", 0.0)
    rs = fitting.fit_seeds(F(epochs=10), [0, 1])
    assert all(r.log.stopped == "done" and r.log.steps == r.plan.updates for r in rs)
    assert fitting.fit(F(epochs=10)).log.stopped == "time"


def test_huge_learning_rate_diverges_cleanly():
    r = fitting.fit(replace(CFG, optimizer="SGD", lr=1000.0))
    assert r.log.diverged and r.log.stopped == "diverged"
    step = r.log.first_divergence
    assert step is not None and 1 <= step <= 10
    assert r.log.steps == step - 1  # history stops before the first non-finite loss
    assert np.isfinite(r.history.loss).all()
    assert "diverged at step" in r.log.message(list(fitting.NAMES))


def test_no_relu_starts_dead_and_kinks_cover_the_inputs():
    """Initialisation: first-layer kinks one per stratum of [-1, 1], every ReLU active on >= half the inputs."""
    g = torch.Generator().manual_seed(0)
    widths = [1, 2, 3, 6, 10, 64]
    net = BatchedMLP(widths, ["relu"] * len(widths), 1, g, init_scale=fitting.INIT_SCALE)
    x = torch.linspace(-1, 1, 201)[:, None]  # (201, 1)
    (a,) = net.activations(x)  # (M, 201, H)
    for m, w in enumerate(widths):
        active = (a[m, :, :w] > 0).float().mean(0)
        assert active.min() >= 0.49, (w, active)
        kinks = (-net.B[0][m, 0, :w] / net.W[0][m, 0, :w]).sort().values
        strata = torch.floor((kinks + 1) / 2 * w).clamp(max=w - 1)
        assert strata.tolist() == list(range(w))  # one kink in each of the w equal parts of [-1, 1]


def test_dead_units_counts_units_off_on_every_training_point(result):
    r = replace(result, weights=[dict(w) for w in result.weights])
    assert fitting.dead_units(r) == {"sigmoid": 0, "ReLU": 0}
    w = r.weights[1]
    w["0.weight"] = w["0.weight"].clone()
    w["0.bias"] = w["0.bias"].clone()
    w["0.weight"][:2] = 1.0
    w["0.bias"][:2] = -5.0  # kink at x = 5: off on all of [-1, 1]
    assert fitting.dead_units(r)["ReLU"] == 2


def test_dead_relus_are_revived_without_moving_the_fit():
    g = torch.Generator().manual_seed(0)
    net = BatchedMLP([4, 4], ["relu", "relu"], 1, g, init_scale=3.0)
    x = torch.linspace(-1, 1, 50)[:, None]  # (50, 1)
    with torch.no_grad():
        net.W[0][0, 0, :2] = 1.0
        net.B[0][0, 0, :2] = -3.0  # two dead units in model 0
    before = net(x).detach().clone()
    acts = net.activations(x)
    dead = net.dead(acts)
    assert dead[0].sum() == 2 and dead[1].sum() == 0
    assert net.revive(x[None], acts, dead, [0, 1], torch.Generator().manual_seed(1)) == 2
    torch.testing.assert_close(net(x), before)  # zero output weights: the fit does not jump
    assert net.dead(net.activations(x)).sum() == 0
    assert ((net.activations(x)[0][0, :, :2] > 0).float().mean(0) >= 0.1).all()


# ---------------------------------------------------------------- the page's claims, on many seeds


@pytest.mark.claim
def test_no_relu_is_dead_after_training_on_any_seed():
    """The dead-ReLU caption: after training, no ReLU is dead on the training set (default, corners, too few)."""
    for kw in ({}, fitting.PRESETS["corners"], fitting.PRESETS["few"], {"k": 8}):
        for r in seeds_of(**kw):
            assert fitting.dead_units(r) == {"sigmoid": 0, "ReLU": 0}, (kw, r.config.seed)


def test_the_pairs_sentence_speaks_only_of_the_setting_it_was_checked_on():
    """The sigmoid-better sentence adds "from K = 4 on both fit the smooth curve well" only on the default setting
    (any seed and K): the corners preset showed it on a target with no smooth curve (teacher role-play)."""
    from core.fitting.config import PRESETS

    assert fitting.pairs_hold(fitting.FitConfig()) and fitting.pairs_hold(fitting.FitConfig(seed=9, k=8))
    assert not any(fitting.pairs_hold(fitting.FitConfig(**{k: v for k, v in p.items() if hasattr(fitting.FitConfig, k)}))
                   for name, p in PRESETS.items() if name != "few")


@pytest.mark.claim
def test_two_k_relus_versus_k_sigmoids():
    """2K ReLUs vs K sigmoids on the smooth curve (the "sig_better" sentence): at K = 2 the ReLUs fit better
    (median and most seeds); from K = 3 on about as well, and from K = 4 both fit well on every seed."""
    c = fitting.pairs_claim({k: seeds_of(k=k) for k in (claims.PAIRS_EDGE_K, 3, claims.PAIRS_WELL_K, 8)})
    print("2K vs K", c.numbers)
    assert c.holds


@pytest.mark.claim
def test_relu_fit_does_not_get_worse_from_4_to_8_units_in_the_median():
    """From 2x4 to 2x8 ReLUs the median validation loss over seeds does not rise (a single seed's may)."""
    q4, q8 = losses(seeds_of(k=4), "ReLU"), losses(seeds_of(k=8), "ReLU")
    print("K4->K8", np.median(q4), np.median(q8), (q8 / q4).max())
    assert np.median(q8) <= np.median(q4)
    q2 = losses(seeds_of(k=2), "ReLU")
    assert np.median(q4) < 0.8 * np.median(q2)  # and more units help where the fit was short of units


@pytest.mark.claim
def test_too_few_units_underfit():
    """Preset "Too few units" (k=1): one sigmoid underfits on every seed, two ReLUs on most, far above what
    K = 5 reaches."""
    c = fitting.few_claim(seeds_of(**fitting.PRESETS["few"]), seeds_of(k=5))
    print("too few", c.numbers)
    assert c.holds


@pytest.mark.claim
def test_corners_need_relus():
    """Preset "Corners need ReLUs" (piecewise linear, K = 4, full batch): on at least 9 of 10 seeds (here on at
    least CORNERS_SHARE of SEEDS) the 2K ReLUs put a kink at each corner and reach the noise floor: training MSE
    within CORNER_FLOOR times σ², at or below the K sigmoids' (``facts(r).corners``, what the page says of a run)."""
    c = fitting.corners_claim(seeds_of(**fitting.PRESETS["corners"]))
    print("corners", c.numbers)
    assert c.holds


@pytest.mark.claim
def test_real_temperatures_follow_the_seasons():
    """Preset "Real temperatures": both models' validation MSE far below the series' variance (1) on every seed."""
    rs = fitting.fit_seeds(fitting.preset("real"), LONG_SEEDS)
    assert rs[0].curve.y_true is None and rs[0].curve.y_label.startswith("daily max temperature")
    c = fitting.seasons_claim(rs)
    print("seattle", c.numbers)
    assert c.holds


@pytest.mark.claim
def test_blow_it_up_diverges_on_every_seed():
    """Preset "Blow it up" (SGD, lr = 100): the run diverges within the first few updates."""
    c = fitting.blowup_claim(fitting.fit_seeds(fitting.preset("blowup"), SEEDS))
    print("blow up", c.numbers)
    assert c.holds


@pytest.mark.claim
def test_overfit_sweep():
    """Preset "Overfit" with the complexity sweep (medians over seeds): training loss falls from K = 1 to 4,
    to below the noise's own MSE at K = 24; validation loss does not improve beyond K = 4; at K = 24
    validation is above training on every seed."""
    cfg = fitting.preset("overfit")
    c = fitting.overfit_claim(fitting.sweep_seeds(cfg, LONG_SEEDS, ks=claims.OVERFIT_KS), cfg.noise)
    print("overfit", c.numbers)
    assert c.holds


def test_the_presets_name_their_thresholds():
    """The presets' sentences print the numbers their claims are decided by."""
    from core import i18n

    for lang in ("en", "zh"):
        assert f"{fitting.SEASONS_VAL_MSE}" in i18n.text(lang, "fitting.preset.real.what")
        assert f"{fitting.CORNER_FLOOR}" in i18n.text(lang, "fitting.preset.corners.what")
        assert f"{round(10 * fitting.CORNERS_SHARE)}" in i18n.text(lang, "fitting.preset.corners.what")


# ---------------------------------------------------------------- hard sigmoids, equality with PyTorch, exports


@pytest.mark.parametrize("x0,x1,h", [(-0.3, 0.4, 1.0), (-1.0, 1.0, -2.0), (0.1, 0.15, 0.5)])
def test_two_relus_make_a_hard_sigmoid_exactly(x0, x1, h):
    p = fitting.relu_pair(x0, x1, h)
    np.testing.assert_allclose(p.total, p.hard_sigmoid, atol=1e-12)
    w = p.weights
    x = torch.tensor(p.x)
    ref = w["c1"] * torch.nn.functional.relu(w["b1"] + w["w1"] * x) + w["c2"] * torch.nn.functional.relu(w["b2"] + w["w2"] * x)
    np.testing.assert_allclose(ref.numpy(), p.hard_sigmoid, atol=1e-12)


@pytest.mark.parametrize("x0,x1", [(0.5, 0.5), (0.5, 0.2), (float("nan"), 0.2)])
def test_bad_ramp_is_refused(x0, x1):
    with pytest.raises(ValueError):
        fitting.relu_pair(x0, x1, 1.0)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_batched_mlp_equals_nn_sequential(depth):
    """The hand-batched model equals PyTorch's nn.Sequential with the same weights, model by model."""
    g = torch.Generator().manual_seed(0)
    net = BatchedMLP([3, 7, 5], ["sigmoid", "relu", "relu"], depth, g, init_scale=2.0)
    x = torch.linspace(-1, 1, 50)[:, None]
    out = net(x)
    for m in range(3):
        seq = net.as_sequential(m)
        torch.testing.assert_close(out[m], seq(x), atol=1e-6, rtol=1e-5)
    both = BatchedMLP.concat([net, BatchedMLP([3, 7, 5], ["relu"] * 3, depth, g)])
    torch.testing.assert_close(both(x)[:3], out)


def test_weights_export_loads_into_nn_sequential(result):
    blob = fitting.weights_safetensors(result)
    tensors = load(blob)
    for m, name in enumerate(fitting.NAMES):
        sd = {k.split(".", 1)[1]: v for k, v in tensors.items() if k.startswith(name + ".")}
        width = CFG.k * (m + 1)
        layers = [torch.nn.Linear(1, width), torch.nn.Sigmoid() if m == 0 else torch.nn.ReLU(), torch.nn.Linear(width, 1)]
        seq = torch.nn.Sequential(*layers)
        seq.load_state_dict(sd)
        with torch.no_grad():
            y = seq(torch.tensor(result.grid, dtype=torch.float32)[:, None])[:, 0].numpy()
        np.testing.assert_allclose(y, result.pred[m], atol=1e-5)


def test_history_csv(result):
    lines = fitting.history_csv(result).decode().splitlines()
    assert lines[0] == "epoch,model,split,loss"
    assert len(lines) == 1 + (CFG.epochs + 1) * 2 * 2


def test_clamp_handles_extreme_values():
    spec = params.specs(F)
    c = params.clamp(F(target="nope", n=-5, k=10_000, depth=9, lr=float("inf"), loss="?", epochs=0))
    assert c.target == F.target and c.n == spec["n"][0].lo and c.k == spec["k"][0].hi and c.depth == max(spec["depth"][0].options)
    assert c.lr in fitting.LRS and c.loss == "MSE" and c.epochs == min(fitting.EPOCHS)
    r = fitting.fit(F(n=-5, k=0, epochs=0))  # fit clamps first: a valid, short run
    assert r.config.n == spec["n"][0].lo and r.config.k == spec["k"][0].lo and r.config.epochs == min(fitting.EPOCHS)


# ---------------------------------------------------------------- the update budget


def slowest(depth: int = 1, batch: int | None = None) -> fitting.FitConfig:
    """Every control at its slowest end (most training points, the most epochs, the widest models), at
    batch size ``batch`` (default: the smallest, the most updates)."""
    spec = params.specs(F)
    return F(n=spec["n"][0].hi, val_fraction=spec["val_fraction"][0].lo, k=spec["k"][0].hi, depth=depth,
             epochs=max(fitting.EPOCHS), batch_size=min(fitting.BATCHES) if batch is None else batch)


def test_worst_setting_stays_within_the_update_budget():
    """The heaviest settings the controls reach (every batch size, one to three layers) plan at most
    MAX_UPDATES updates and MAX_WORK example-units, in whole epochs; at batch size 1 the update count cuts the
    epochs asked for, at the largest batches of three wide layers the work does."""
    for depth in params.specs(F)["depth"][0].options:
        for b in fitting.BATCHES:
            p = fitting.plan(slowest(depth, b))
            assert p.updates <= p.budget <= fitting.MAX_UPDATES and p.work <= fitting.MAX_WORK, (depth, b, p)
            assert p.updates == p.epochs * p.per_epoch and p.epochs >= 1 and p.units == 3 * 32 * depth, (depth, b, p)
    p = fitting.plan(slowest())
    assert p.capped and p.asked_updates > 100 * fitting.MAX_UPDATES and p.epochs == fitting.MAX_UPDATES // p.per_epoch
    p = fitting.plan(slowest(3, max(fitting.BATCHES)))
    assert p.capped and p.budget < fitting.MAX_UPDATES and p.work <= fitting.MAX_WORK < p.asked_updates * p.batch * p.units


def test_the_sweep_stays_within_its_work_budget():
    """The sweep makes SWEEP_STEPS full-batch steps where they fit in SWEEP_WORK (the preset "Overfit", whose
    claim is checked at SWEEP_STEPS), fewer at the heaviest settings; its frame says how many."""
    assert fitting.sweep_steps(fitting.preset("overfit")) == fitting.SWEEP_STEPS
    for depth in params.specs(F)["depth"][0].options:
        cfg = slowest(depth)
        n_train = fitting.plan(cfg).n_train
        steps = fitting.sweep_steps(cfg)
        assert 1 <= steps < fitting.SWEEP_STEPS, depth
        assert steps * (n_train + fitting.SWEEP_STEP_COST) * fitting.sweep_units(depth) <= fitting.SWEEP_WORK
    small = F(n=20, k=1, epochs=10)  # a sweep of a few steps is quick: its frame carries the steps it made
    assert set(fitting.sweep(small, steps=3).steps) == {3}


def test_the_presets_and_the_default_are_not_cut_by_the_budget():
    for name in [None, *fitting.PRESETS]:
        cfg = F() if name is None else fitting.preset(name)
        p = fitting.plan(cfg)
        assert not p.capped and p.epochs == cfg.epochs, (name, p)


def test_a_cut_run_does_the_planned_epochs(monkeypatch):
    """A run over the budget trains the whole epochs that fit, and says so in its plan and history."""
    monkeypatch.setattr(budget, "MAX_UPDATES", 103)
    cfg = F(epochs=50)  # 150 training points, B = 32: 5 updates per epoch, 250 asked
    r = fitting.fit(cfg)
    assert r.plan == fitting.plan(cfg) and r.plan.capped and r.plan.epochs == 20 and r.plan.updates == 100
    assert r.log.planned == r.log.steps == 100 and r.epochs_done == 20
    assert sorted(r.history.epoch.unique().tolist()) == list(range(21)) and r.frame_epochs[-1] == 20


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_says_when_the_budget_cuts_the_epochs(monkeypatch, lang):
    """Next to the epochs control: the updates asked for, the epochs this run does, the budget."""
    from conftest import open_page
    from core import i18n

    monkeypatch.setattr(budget, "MAX_UPDATES", 103)
    at = open_page("pages/fitting.py", query={"lang": lang, "epochs": "50"})
    assert not at.exception, at.exception
    want = i18n.text(lang, "fitting.budget", b=32, n=150, asked=50, updates=250, epochs=20, budget=103)
    assert want in [c.value for c in at.caption]
    monkeypatch.setattr(budget, "MAX_UPDATES", 10_000)
    at = open_page("pages/fitting.py", query={"lang": lang, "epochs": "50"})
    assert not any(i18n.text(lang, "fitting.budget", b=32, n=150, asked=50, updates=250, epochs=20,
                             budget=10_000)[:20] in c.value for c in at.caption)


def test_chinese_text_has_no_raw_subscripts(monkeypatch):
    """Issue 23: the 中文 page (the run, each unit's curve, the two-ReLU ramp, the sweep, on the corners' target)
    shows no raw subscript (c_i, w_ij), unfilled placeholder, English colon or stray space, its charts included."""
    from conftest import open_page
    from zh_text import chinese_text_problems

    import sys

    monkeypatch.setattr(sys.modules["core.fitting.sweep"], "SWEEP_STEPS", 30)  # the text is what is checked: a short sweep draws all of it
    at = open_page("pages/fitting.py", query={"lang": "zh", "target": "piecewise linear", "k": "3", "epochs": "10",
                                              "sweep": "true"})
    assert not at.exception and len(at.get("vega_lite_chart")) >= 6
    flagged = chinese_text_problems(at, subscripts=True)
    assert not flagged, flagged


# ---------------------------------------------------------------- what the page states about one run or sweep


def _history(val: list[float]) -> pd.DataFrame:
    rows = [(e, m, sp, (v if sp == "validation" else 0.01)) for e, v in enumerate(val) for m in fitting.NAMES
            for sp in fitting.SPLITS]
    return pd.DataFrame(rows, columns=["epoch", "model", "split", "loss"])


def test_facts_of_a_run(result):
    f = fitting.facts(result)
    assert f.loss("ReLU", "train") == result.final_loss("ReLU", "train")
    assert f.relu_better == (f.loss("ReLU", "train") < f.loss("sigmoid", "train"))
    rise = fitting.OVERFIT_RISE
    turned = fitting.facts(replace(result, history=_history([0.5, 0.2, 0.3, 0.2 * rise * 1.01])))
    assert set(turned.overfit) == set(fitting.NAMES)
    assert turned.overfit["ReLU"] == fitting.Turn(1, 0.2, 0.2 * rise * 1.01)
    assert not fitting.facts(replace(result, history=_history([0.5, 0.2, 0.3, 0.2 * rise * 0.99]))).overfit
    assert not fitting.facts(replace(result, history=_history([0.5, 0.1]))).overfit  # too few evaluations


def test_facts_of_a_sweep():
    rows = [(k, m, 2 * k, 10 * k, sp, loss, False) for m in fitting.NAMES
            for k, tr, va in [(1, 0.5, 0.6), (4, 0.1, 0.2), (24, 0.01, 0.4)] for sp, loss in [("train", tr), ("validation", va)]]
    f = fitting.sweep_facts(pd.DataFrame(rows, columns=fitting.SWEEP_COLUMNS))
    assert f.best["ReLU"] == fitting.Best(4, 8, 40, 0.2)
    g = f.gap["sigmoid"]
    assert (g.k0, g.k1) == (1, 24) and g.g0 == pytest.approx(0.1) and g.g1 == pytest.approx(0.39) and g.wider


def test_facts_say_whether_the_relus_reached_the_corners(result):
    """On the piecewise-linear target (MSE, noise σ > 0): the ReLUs reach the corners when their training MSE is
    within CORNER_FLOOR times σ² and at or below the sigmoids'; on any other target nothing is said."""
    cfg = replace(result.config, target="piecewise linear", noise=0.1)

    def at(relu: float, sig: float, c=cfg) -> fitting.FitFacts:
        rows = [(3, m, sp, v) for m, v in (("sigmoid", sig), ("ReLU", relu)) for sp in fitting.SPLITS]
        return fitting.facts(replace(result, config=c, history=pd.DataFrame(rows, columns=["epoch", "model", "split",
                                                                                               "loss"])))

    floor = fitting.CORNER_FLOOR * 0.01
    f = at(0.99 * floor, floor)
    assert f.corners and f.floor["ReLU"] == pytest.approx(0.99 * fitting.CORNER_FLOOR)
    assert not at(1.01 * floor, 2 * floor).corners  # above the floor
    assert not at(0.9 * floor, 0.8 * floor).corners  # worse than the sigmoids
    assert at(0.5 * floor, floor, replace(cfg, loss="MAE")).floor is None
    assert fitting.facts(result).floor is None and not fitting.facts(result).corners


# ---------------------------------------------------------------- the matrix form (part "matrix")


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_matrix_form_is_the_trained_models_own_forward(depth):
    """y = b + cᵀσ(b + Wx), by hand from the exported weights, equals the trained batched model's own forward
    (the same model in float64 to 1e-9, the float32 model the page trained to 1e-6) and every layer's a equals the
    model's activations: three seeds, K = 2 and 7, both activation functions (sigmoid, ReLU), as one batched run."""
    import copy

    from core.fitting.batched import BatchedFit

    x = torch.linspace(-1, 1, 21)[:, None]  # (21, 1)
    for k in (2, 7):
        run = BatchedFit(F(k=k, depth=depth, epochs=10), [0, 1, 2], [k, 2 * k], ["sigmoid", "relu"])
        log = run.train(guarded=False)
        with torch.no_grad():
            out32 = run.model(x)[:, :, 0].numpy()  # (6, 21)
            m64 = copy.deepcopy(run.model).double()
            out64, acts = m64(x.double())[:, :, 0].numpy(), m64.activations(x.double())
        for m in range(6):
            name, w = fitting.NAMES[m % 2], run.model.export(m)
            forms = [fitting.matrix_form(w, name, float(v)) for v in x[:, 0]]
            ys = np.array([f.y for f in forms])
            np.testing.assert_allclose(ys, out64[m], rtol=0, atol=1e-9)
            np.testing.assert_allclose(ys, out32[m], rtol=1e-6, atol=1e-6)
            for l in range(depth):
                a = np.stack([f.a[l] for f in forms])  # (21, width)
                np.testing.assert_allclose(a, acts[l][m, :, : a.shape[1]].numpy(), atol=1e-9)
            f = forms[7]
            assert f.y == pytest.approx(fitting.torch_forward(w, name, f.x), abs=1e-6)  # PyTorch's nn.Sequential
            assert f.y == pytest.approx(f.b_out + f.terms.sum(), abs=1e-12) and f.depth == depth
        r = run.result(1, log, final=True)  # the page's path: a FitResult's weights
        for name in fitting.NAMES:
            j = fitting.NAMES.index(name)
            ys = [fitting.matrix_of(r, name, float(v)).y for v in r.grid[::40]]
            np.testing.assert_allclose(ys, r.pred[j, ::40], rtol=1e-6, atol=1e-6)


def test_matrix_facts_count_what_the_vectors_show(result):
    for name in fitting.NAMES:
        for x in (-1.0, -0.3, 0.0, 0.45, 1.0, 7.0):  # 7 is clamped to 1
            m = fitting.matrix_of(result, name, x)
            f = fitting.matrix_facts(m)
            r = m.r[-1]
            on = (r > 0) if name == "ReLU" else (np.abs(r) <= fitting.SATURATED_R)
            assert f.on == on.sum() and f.on + f.off == m.units == (CFG.k if name == "sigmoid" else 2 * CFG.k)
            if name == "ReLU":
                assert (m.a[-1][~on] == 0).all()  # off ReLUs add nothing to y
            else:
                assert (np.minimum(m.a[-1], 1 - m.a[-1])[~on] < 0.02).all()  # saturated: within 0.02 of 0 or 1
            assert abs(f.top_term) == np.abs(m.terms).max() and m.terms[f.top - 1] == f.top_term
            assert -1.0 <= m.x <= 1.0
    with pytest.raises(ValueError):
        fitting.matrix_of(replace(result, weights=[]), "ReLU", 0.0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_matrix_part_on_the_page(lang):
    """The part draws the vectors (and the K×K matrices of a deeper model) with no exception; a diverged run says
    it has no weights to show."""
    from conftest import open_page

    at = open_page("pages/fitting.py", query={"lang": lang, "part": "matrix", "depth": "2", "k": "3",
                                              "epochs": "10", "mx_model": "ReLU", "mx_x": "-0.5"})
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert i18n.text(lang, "fitting.matrix.header") in " ".join(h.value for h in at.header)
    assert "nn.Sequential" in text and len(at.get("vega_lite_chart")) >= 4  # fits, loss, vectors, W⁽²⁾
    if lang == "zh":  # no English left, no raw subscript or unfilled placeholder in the part's 中文
        from test_pages import _english_left, _visible_strings
        from zh_text import chinese_text_problems

        assert not _english_left(_visible_strings(at)) and not chinese_text_problems(at)
    at = open_page("pages/fitting.py", query={"lang": lang, "part": "matrix", "opt": "SGD", "lr": "1000.0"})
    assert not at.exception
    assert any(i18n.text(lang, "fitting.matrix.diverged") in w.value for w in at.warning)
