"""Overfitting page: core against PyTorch (nn.Sequential, nn.Dropout, SGD weight_decay, the augmentation part's CNN
against nn.Conv2d/MaxPool2d/Linear), the augmentations, early stopping,
the lecture's claims on many seeds (the counts the page states, decided by ``core.overfitting.facts``), and
every part of the page in Chinese (tests/test_pages.py opens every part and moves each of its controls)."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from conftest import open_page
from core import overfitting as of
from core import rng
from core.overfitting import BatchedNet, SeededDropout, linear_losses, split
from core.overfitting.bound import _train_losses, draw, real_loss, thresholds
from core.overfitting.guide import verdict
from test_pages import _english_left, _visible_strings

SEEDS = of.CLAIM_SEEDS
PAGE = "pages/overfitting.py"


@pytest.fixture(scope="session")
def cures_runs():
    return of.cures_seeds(of.CuresConfig(), SEEDS)


@pytest.fixture(scope="session")
def sigmoid_sgd():
    return of.depth_seeds(of.DepthConfig(act="sigmoid", optimizer="SGD"), SEEDS)


@pytest.fixture(scope="session")
def relu_adam():
    return of.depth_seeds(of.DepthConfig(act="ReLU", optimizer="Adam"), SEEDS)


# ---------------------------------------------------------------- core against PyTorch

@pytest.mark.parametrize("per_model", [False, True])
def test_batched_net_equals_sequential(per_model):
    g = rng.generator(3, 1)
    net = BatchedNet(10, [4, 16, 7], [1, 3, 2], "sigmoid", g, p=[0.0, 0.3, 0.5], per_model=per_model).eval()
    x = torch.randn(20, 10, generator=g)  # (n, D)
    out = net(x)  # (M, n)
    for m in range(3):
        seq = net.as_sequential(m).eval()
        assert torch.allclose(out[m], seq(x)[:, 0], atol=1e-5)


def test_dropout_train_differs_eval_equal_like_nn_dropout():
    g = rng.generator(0, 2)
    x = torch.rand(1, 200, 50) + 0.5  # (M=1, n, H), no zeros
    ours = SeededDropout(torch.tensor([0.4]), g)
    ref = nn.Dropout(0.4)
    ours.train(), ref.train()
    a, b, r = ours(x), ours(x), ref(x)
    assert not torch.equal(a, b)  # train(): the same input gives different outputs
    for out in (a, r):  # both: each unit zeroed or scaled by 1/(1-p), about p of them zeroed
        kept = out != 0
        assert torch.allclose(out[kept], (x / 0.6)[kept])
        assert abs(1 - kept.float().mean().item() - 0.4) < 0.02
    ours.eval(), ref.eval()
    assert torch.equal(ours(x), x) and torch.equal(ref(x), x) and torch.equal(ours(x), ours(x))


def test_trained_dropout_model_demo(cures_runs):
    for r in cures_runs:
        d = r.dropout_demo
        assert not np.allclose(d[0], d[1])  # train() twice: different
        assert np.array_equal(d[2], d[3])  # eval() twice: equal


def test_l2_penalty_equals_sgd_weight_decay():
    """One step of SGD(weight_decay=λ) on the data loss equals one step of plain SGD on data loss + λ/2·‖θ‖²."""
    lam, g = 0.3, rng.generator(1, 3)
    a = BatchedNet(10, [8, 8], [1, 1], "relu", g, per_model=True)
    b = BatchedNet(10, [8, 8], [1, 1], "relu", rng.generator(1, 3), per_model=True)
    b.load_state_dict(a.state_dict())
    x, y = torch.randn(30, 10, generator=g), torch.randn(30, generator=g)
    for _ in range(3):
        oa = torch.optim.SGD([{"params": a.params_of(0), "weight_decay": lam},
                              {"params": a.params_of(1), "weight_decay": 0.0}], lr=0.05, momentum=0.9)
        ob_ = torch.optim.SGD([{"params": b.params_of(0)}, {"params": b.params_of(1)}], lr=0.05, momentum=0.9)
        oa.zero_grad(), ob_.zero_grad()
        (a(x) - y).square().mean(1).sum().backward()
        ((b(x) - y).square().mean(1).sum() + lam / 2 * b.l2()[0]).backward()
        oa.step(), ob_.step()
        for p, q in zip(a.parameters(), b.parameters()):
            assert torch.allclose(p, q, atol=1e-6)


def test_least_squares_matches_sklearn():
    from sklearn.linear_model import LinearRegression

    s = split(0)
    lr = LinearRegression().fit(s.x_pool[:40].numpy(), s.y_pool[:40].numpy())
    tr, va = linear_losses(s, 40)
    assert abs(tr - np.mean((lr.predict(s.x_pool[:40].numpy()) - s.y_pool[:40].numpy()) ** 2)) < 1e-4
    assert abs(va - np.mean((lr.predict(s.x_val.numpy()) - s.y_val.numpy()) ** 2)) < 1e-4


# ---------------------------------------------------------------- early stopping and the cures

def _check_early_stopping(r):
    es = r.history[(r.history.model == "early stopping") & (r.history.split == "validation")]
    assert r.stop_step == min(r.best_step + r.config.patience, of.STEPS) or r.stop_step == of.STEPS
    assert es.step.max() == r.stop_step  # measured until the stop, not after
    best = es.loc[es.loss.idxmin()]
    assert int(best.step) == r.best_step and abs(best.loss - r.best_val) < 1e-6
    assert abs(r.restored_val - r.best_val) < 1e-5  # the restored weights give the best loss again
    assert abs(r.val("early stopping") - r.best_val) < 1e-5
    plain = r.history[(r.history.model == "no cure") & (r.history.split == "validation")]
    assert np.allclose(plain[plain.step <= r.stop_step].loss.to_numpy(), es.loss.to_numpy(), atol=1e-5)


def test_early_stopping_stops_at_best_within_patience_and_restores(cures_runs):
    for r in cures_runs:
        _check_early_stopping(r)
    for patience in (10, 100):
        _check_early_stopping(of.cures(of.CuresConfig(patience=patience, seed=3)))


def test_cures_batched_equals_single(cures_runs):
    one = of.cures(of.CuresConfig(seed=SEEDS[4]))
    b = cures_runs[4]
    assert np.allclose(one.final[["validation", "test", "train"]].to_numpy(),
                       b.final[["validation", "test", "train"]].to_numpy(), atol=1e-5)
    assert (one.best_step, one.stop_step) == (b.best_step, b.stop_step)


@pytest.mark.claim
def test_plain_network_overfits(cures_runs):
    """"Better on its training set, worse on new patients: it overfits" (the setup every cure starts from)."""
    for r in cures_runs:
        lin_train, lin_val = linear_losses(split(r.config.seed), r.config.n)
        assert r.final.train[0] < 0.01 < lin_train  # it fits its 40 patients almost exactly
        assert r.val("no cure") > lin_val  # and does worse on new patients than least squares
        assert of.cures_facts(r).overfits and (r.lin_train, r.lin_val) == (lin_train, lin_val)


@pytest.mark.claim
def test_cures_lower_validation_loss_as_the_page_states(cures_runs):
    """The counts the page states: on at least CHECKED[cure] of CLAIM_SEEDS each cure ends below the plain
    network, each of those seeds by more than CLEAR_BY (so another summation order cannot flip the count)."""
    clear = {m: sum(r.val("no cure") - r.val(m) > of.CLEAR_BY for r in cures_runs) for m in of.CURES}
    lower = {m: sum(m in of.cures_facts(r).lower for r in cures_runs) for m in of.CURES}
    assert all(lower[m] >= clear[m] >= of.CHECKED[m] for m in of.CURES), (clear, lower, of.CHECKED)
    f = of.cures_facts(cures_runs[0])
    assert set(f.always) | set(f.some) == set(of.CURES) and set(f.lower) | set(f.higher) == set(of.CURES)


@pytest.mark.claim
def test_box_choice_on_test_never_reports_higher(cures_runs):
    """"The number picked on the test set is never higher" than the validation choice's test MSE."""
    for r in cures_runs:
        f = of.box_facts(r)
        assert f.test <= f.test_of_val and f.val == r.final.validation.min()
        assert (f.val_pick, f.test_pick) == (of.pick(r, "validation"), of.pick(r, "test"))


# ---------------------------------------------------------------- model bias against optimisation

def test_depth_batched_equals_single(sigmoid_sgd):
    one = of.depth(of.DepthConfig(seed=SEEDS[2]))
    assert np.allclose(one.final.train, sigmoid_sgd[2].final.train, atol=1e-4)


@pytest.mark.claim
def test_sigmoid_sgd_deeper_trains_worse(sigmoid_sgd):
    """"With sigmoid and plain SGD, the 4- and 5-layer networks trained worse than the 1-layer one every time"
    (worse by WORSE_BY)."""
    for r in sigmoid_sgd:
        assert of.depth_holds(r)["deeper_worse"], r.final


@pytest.mark.claim
def test_relu_adam_deeper_trains_better_but_validation_above_training(relu_adam):
    """"With ReLU and Adam, the 5-layer network trained better than the 1-layer one every time" (and its
    validation loss stayed above its training loss, the preset's sentence)."""
    for r in relu_adam:
        assert of.depth_holds(r)["deeper_better"], r.final


def test_guide_verdicts():
    assert verdict(0.9, 0.9, 0.4, 0.45, 0.45, 4) == "optimisation"
    assert verdict(0.9, 0.9, 0.9, 0.45, 0.45, 4) == "model bias"
    assert verdict(0.9, 0.9, 0.4, 0.45, 0.45, 1) == "model bias"
    assert verdict(0.1, 0.9, 0.1, 0.45, 0.45, 2) == "overfitting"
    assert verdict(0.4, 0.42, 0.4, 0.45, 0.45, 2) == "good"
    r = of.guide(of.GuideConfig(seed=1))
    assert r.verdict == verdict(r.train, r.val, r.ref_train, r.lin_train, r.lin_val, r.config.layers)
    (q1, high, _), (q, answer, _) = of.guide_steps(r)
    assert q1 == "q1" and high == (r.verdict in ("optimisation", "model bias"))
    assert (q, answer) == (("q2", r.verdict == "optimisation") if high else ("q3", r.verdict == "overfitting"))


# ---------------------------------------------------------------- the bound

def test_training_errors_by_counting_equal_brute_force():
    for k in (1, 13, 1000):
        x, y = draw(37, 6, rng.generator(k, 9))
        t = torch.tensor(thresholds(k))
        brute = ((x[:, :, None] > t).double() != y[:, :, None]).double().mean(1)
        assert torch.allclose(brute, _train_losses(x, y, t))


@pytest.mark.claim
@pytest.mark.parametrize("h_size,eps", of.BOUND_CHECKED)
def test_bad_sets_never_exceed_bound_and_fall_with_n(h_size, eps):
    """"The measured share never exceeded the bound, and it fell as N grew" (a rise of at most RISE_MAX)."""
    for s in SEEDS:
        r = of.bound(of.BoundConfig(h_size=h_size, eps=eps, seed=s))
        f = of.bound_facts(r)
        assert f.under and f.falls, r.curve


def test_real_loss_is_the_error_rate_of_each_threshold():
    """L(h_t) = FLIP + (1 − 2 FLIP)|t − BOUNDARY|, against a large sample (the labels flip around BOUNDARY)."""
    x, y = draw(200_000, 1, rng.generator(0, "test.overfitting.real"))  # (1, 200000)
    got = _train_losses(x, y, torch.tensor(thresholds(3)))[0].numpy()
    assert np.allclose(got, real_loss(thresholds(3)), atol=0.005)
    assert np.allclose(real_loss(np.array([0.1, of.BOUNDARY, 0.6])),
                       [0.2 + 0.6 * (of.BOUNDARY - 0.1), 0.2, 0.2 + 0.6 * (0.6 - of.BOUNDARY)])


@pytest.mark.claim
@pytest.mark.parametrize("n,eps", of.TRADE_CHECKED)
def test_smaller_h_fewer_bad_sets_but_a_worse_best_hypothesis(n, eps):
    """"|H| cannot be too small" (``trade_facts``), on CLAIM_SEEDS (12) at each of TRADE_CHECKED: the same training
    sets measured against every |H|; with |H| = 1 the share of bad sets is at least SAFER_BY (10 %) below |H| =
    1000's (worst: 61 % below, at N = 50, ε = 0.1), it never falls by more than RISE_MAX (1 %) from one |H| to the
    next larger (worst 0.3 %), and the best real error rises at every smaller |H| (exactly FLIP + 0.1/|H|: the
    boundary 1/3 lies between the thresholds of every H). Counting only: the same in both arithmetic modes."""
    for s in SEEDS:
        r = of.bound(of.BoundConfig(h_size=1, n=n, eps=eps, seed=s))  # the |H| chosen: no part of these facts
        t = of.trade_facts(r)
        assert t.safer and t.steady and t.worse, (n, eps, s, r.sizes)
        assert np.allclose(r.sizes.best, of.FLIP + 0.1 / r.sizes.h_size)
        assert (t.h0, t.h1) == (min(of.SIZES), max(of.SIZES))


def test_sizes_use_the_curves_training_sets():
    """The |H| chart's share at the chosen |H| is the N chart's share at the chosen N (the same training sets)."""
    for h, n in ((100, 50), (1, 200), (1000, 20)):
        r = of.bound(of.BoundConfig(h_size=h, n=n, seed=3))
        assert r.sizes.measured[r.sizes.h_size == h].item() == r.curve.measured[r.curve.N == n].item()


def test_bound_charts_build_in_both_languages():
    from core import i18n
    from core.charts import overfitting as charts

    r = of.bound(of.BoundConfig(h_size=1, n=20, seed=2))
    for lang in i18n.LANGS:
        for build in (charts.bound_chart, charts.example_chart, charts.sizes_chart, charts.best_chart):
            build(r, lang).to_dict()  # validates against the Vega-Lite schema


def test_example_sentence_names_what_the_chart_draws():
    """With |H| = 1000 the example chart draws a step line, but the sentence said "points": the sentence's key
    follows ``example_drawn``, which is the mark the chart draws; the share axes end exactly at 0% and 100%."""
    from core import i18n
    from core.charts import overfitting as charts

    for h, drawn, mark in ((10, "points", "point"), (1000, "line", "line")):
        r = of.bound(of.BoundConfig(h_size=h, n=20, seed=2))
        assert charts.example_drawn(r) == drawn
        assert charts.example_chart(r).to_dict()["layer"][-1]["mark"]["type"] == mark
        for lang in i18n.LANGS:
            for verdict in ("bad", "good"):
                assert "{" not in i18n.text(lang, f"overfitting.bound.{verdict}.{drawn}", n=20, ec="x")
        for build in (charts.bound_chart, charts.sizes_chart):
            y = build(r).to_dict()["layer"][0]["encoding"]["y"]
            assert y["scale"]["domain"] == [0, 1] and y["scale"]["nice"] is False and y["scale"]["padding"] == 0
            assert y["axis"]["labelFlush"] is False


# ---------------------------------------------------------------- augment with understanding (digits)

@pytest.fixture(scope="session")
def augment10():
    """The augmentation part at the claim's settings on AUGMENT_SEEDS seeds, one batched computation."""
    return of.augment_seeds(of.AugmentConfig(), range(of.AUGMENT_SEEDS))


def test_augment_hand_written_cnn_equals_pytorch():
    """The stacked CNN's convolution (F.unfold and a batched product), pooling and read-out give the logits of
    nn.Conv2d, nn.ReLU, nn.MaxPool2d, nn.Flatten and nn.Linear on the same weights."""
    import importlib

    m = importlib.import_module("core.overfitting.augment")
    nets = [m.init(rng.generator(s, "test.overfitting.cnn")) for s in (0, 1)]
    w = {k: torch.stack([n[k] for n in nets]) for k in nets[0]}  # (2, ...)
    x = m.data(6, 0)[0]  # (6, 1, 8, 8)
    got = m.forward(w, x.expand(2, *x.shape))  # (2, 6, 10)
    for i, n in enumerate(nets):
        ref = nn.Sequential(nn.Conv2d(1, m.CHANNELS, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                            nn.Linear(m.CHANNELS * 16, 10))
        with torch.no_grad():
            ref[0].weight.copy_(n["conv.weight"]), ref[0].bias.copy_(n["conv.bias"])
            ref[4].weight.copy_(n["head.weight"]), ref[4].bias.copy_(n["head.bias"])
            torch.testing.assert_close(got[i], ref(x))


def test_augmentations_are_what_they_say():
    """Rotation is torch.rot90 twice (a 6 drawn upside down), mirroring torch.flip; each touches about half the
    digits and leaves the others as they were; a shift moves a digit by at most one pixel, keeping its pixels."""
    import importlib

    m = importlib.import_module("core.overfitting.augment")
    x = m.data(200, 0)[0]  # (200, 1, 8, 8)
    for fn, ref in ((m.rotate, torch.rot90(x, 2, dims=(2, 3))), (m.mirror, torch.flip(x, dims=(3,)))):
        out = fn(x, rng.generator(0, "test.overfitting.aug"))
        changed = (out == ref).flatten(1).all(1) & ~(out == x).flatten(1).all(1)
        same = (out == x).flatten(1).all(1)
        assert bool((changed | same).all()) and 60 <= int(changed.sum()) <= 140
    out = m.shift(x, rng.generator(0, "test.overfitting.aug"))
    for i in range(20):  # each equals x moved by some (dy, dx) in {-1, 0, 1}², zeros shifted in
        pad = torch.nn.functional.pad(x[i, 0], (1, 1, 1, 1))
        assert any(torch.equal(out[i, 0], pad[1 + dy:9 + dy, 1 + dx:9 + dx]) for dy in (-1, 0, 1) for dx in (-1, 0, 1))


@pytest.mark.claim
def test_label_changing_augmentation_hurts_label_keeping_does_not(augment10):
    """The augmentation part's claims (of.augment_seed_facts): rotation and mirroring lower the test accuracy
    (mean by HURT, on HURT_SEEDS of the seeds), the 6s and 9s and the 5s most; shifts at least as good on average."""
    f = of.augment_seed_facts(augment10)
    assert all(f["holds"].values()), (f["holds"], {a: v.round(3) for a, v in f["accuracy"].items()}, f["drop"])


def test_augment_seeds_is_augment_of_each_seed(augment10):
    r = of.augment(of.AugmentConfig(seed=4))
    assert r.accuracy == pytest.approx(augment10[4].accuracy, abs=0.01)  # one computation of 40 models vs 4


def test_augment_charts_and_sheet(augment10):
    from core import i18n
    from core.charts import overfitting as charts

    r = augment10[0]
    for lang in i18n.LANGS:
        charts.augment_bars(r, lang).to_dict()  # validates against the Vega-Lite schema
        charts.augment_digits(r, lang).to_dict()
    img = of.sheet(r, scale=1)
    assert img.shape == (37, 37) and img.min() >= 0 and img.max() <= 1
    assert np.allclose(img[1:9, 1:9], r.examples["none"][0])
    assert set(charts.AUGMENT_COLOURS.values()) <= set(__import__("core.charts", fromlist=["COLOURS"]).COLOURS)


# ---------------------------------------------------------------- every part of the page in Chinese

@pytest.mark.parametrize("part", of.PARTS)
def test_each_part_in_chinese_has_no_english_left(part):
    """tests/test_pages.py opens every part (and moves each control, and tries odd links) in English only."""
    at = open_page(PAGE, query={"part": part, "lang": "zh"})
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 1
    left = _english_left(_visible_strings(at))
    assert not left, left
