"""Overfitting page: core against PyTorch (nn.Sequential, nn.Dropout, SGD weight_decay), early stopping,
the lecture's claims on many seeds (the counts the page states), and every part of the page opened by
its link with each of its controls moved."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from conftest import open_page, snapshot
from core import overfitting as of, overfitting_bound as ob, overfitting_depth as od, overfitting_guide as og
from core import rng
from core.charts import overfitting as charts
from core.overfitting_data import linear_losses, split
from core.overfitting_net import BatchedNet, SeededDropout
from test_pages import _controls, _english_left, _new_value, _visible_strings

SEEDS = of.CLAIM_SEEDS
PAGE = "pages/overfitting.py"


@pytest.fixture(scope="module")
def cures_runs():
    return of.cures_seeds(of.CuresConfig(), SEEDS)


@pytest.fixture(scope="module")
def sigmoid_sgd():
    return od.depth_seeds(od.DepthConfig(act="sigmoid", optimizer="SGD"), SEEDS)


@pytest.fixture(scope="module")
def relu_adam():
    return od.depth_seeds(od.DepthConfig(act="ReLU", optimizer="Adam"), SEEDS)


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


def test_plain_network_overfits(cures_runs):
    for r in cures_runs:
        lin_train, lin_val = linear_losses(split(r.config.seed), r.config.n)
        assert r.final.train[0] < 0.01 < lin_train  # it fits its 40 patients almost exactly
        assert r.val("no cure") > lin_val  # and does worse on new patients than least squares
        assert r.overfits and (r.lin_train, r.lin_val) == (lin_train, lin_val)


def test_cures_lower_validation_loss_as_the_page_states(cures_runs):
    counts = {m: sum(r.val(m) < r.val("no cure") for r in cures_runs) for m in of.CURES}
    assert counts == of.CHECKED


# ---------------------------------------------------------------- model bias against optimisation

def test_depth_batched_equals_single(sigmoid_sgd):
    one = od.depth(od.DepthConfig(seed=SEEDS[2]))
    assert np.allclose(one.final.train, sigmoid_sgd[2].final.train, atol=1e-4)


def test_sigmoid_sgd_deeper_trains_worse(sigmoid_sgd):
    for r in sigmoid_sgd:
        assert (4, 1) in r.worse and (5, 1) in r.worse, r.final


def test_relu_adam_deeper_trains_better_but_validation_above_training(relu_adam):
    for r in relu_adam:
        t, v = r.final.train.to_numpy(), r.final.validation.to_numpy()
        assert t[4] < t[0] and v[4] > t[4]


def test_guide_verdicts():
    assert og.verdict(0.9, 0.9, 0.4, 0.45, 0.45, 4) == "optimisation"
    assert og.verdict(0.9, 0.9, 0.9, 0.45, 0.45, 4) == "model bias"
    assert og.verdict(0.9, 0.9, 0.4, 0.45, 0.45, 1) == "model bias"
    assert og.verdict(0.1, 0.9, 0.1, 0.45, 0.45, 2) == "overfitting"
    assert og.verdict(0.4, 0.42, 0.4, 0.45, 0.45, 2) == "good"
    r = og.guide(og.GuideConfig(seed=1))
    assert r.verdict == og.verdict(r.train, r.val, r.ref_train, r.lin_train, r.lin_val, r.config.layers)


# ---------------------------------------------------------------- the bound

def test_training_errors_by_counting_equal_brute_force():
    for k in (1, 13, 1000):
        x, y = ob.draw(37, 6, rng.generator(k, 9))
        t = torch.tensor(ob.thresholds(k))
        brute = ((x[:, :, None] > t).double() != y[:, :, None]).double().mean(1)
        assert torch.allclose(brute, ob._train_losses(x, y, t))


@pytest.mark.parametrize("h_size,eps", [(100, 0.1), (1, 0.05), (1000, 0.05), (10, 0.3)])
def test_bad_sets_never_exceed_bound_and_fall_with_n(h_size, eps):
    for s in SEEDS:
        c = ob.bound(ob.BoundConfig(h_size=h_size, eps=eps, seed=s)).curve
        assert (c.measured <= c.bound).all(), c
        assert (np.diff(c.measured) <= 0.01).all(), c  # falls with N (a rise of at most 1 point)
        assert c.measured.iloc[-1] < c.measured.iloc[0] or c.measured.iloc[0] == 0


# ---------------------------------------------------------------- every part of the page, by its link

@pytest.mark.parametrize("lab", charts.LABS)
def test_each_part_opens_and_each_control_changes_it(lab):
    at = open_page(PAGE, query={"lab": lab})
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 1
    for ch in at.get("vega_lite_chart"):
        assert "NaN" not in ch.proto.spec and "Infinity" not in ch.proto.spec
    base = snapshot(at)
    if lab == "cures":
        return  # the default part: tests/test_pages.py moves each of its controls
    unchanged = []
    for kind, w in _controls(at):
        if w.key in ("lab", "seed"):
            continue
        old = w.value
        next(x for x in at.get(kind) if x.key == w.key).set_value(_new_value(kind, w)).run()
        assert not at.exception, f"{lab}/{w.key}: {at.exception}"
        if snapshot(at) == base:
            unchanged.append(w.key)
        next(x for x in at.get(kind) if x.key == w.key).set_value(old).run()
    assert not unchanged, f"{lab}: these controls change nothing: {unchanged}"


@pytest.mark.parametrize("lab", charts.LABS)
def test_each_part_in_chinese_has_no_english_left(lab):
    at = open_page(PAGE, query={"lab": lab, "lang": "zh"})
    assert not at.exception, at.exception
    assert len(at.get("vega_lite_chart")) >= 1
    left = _english_left(_visible_strings(at))
    assert not left, left


@pytest.mark.parametrize("odd", ["inf", "-1e9", "abc"])
def test_odd_links_to_every_part_open_cleanly(odd):
    keys = ["lab", "cure", "choose_on", "n", "n_more", "noise", "units", "patience", "weight_decay", "dropout",
            "g_layers", "g_width", "g_act", "g_optimizer", "g_n", "d_act", "d_optimizer", "d_n",
            "b_h_size", "b_eps", "b_n"]
    for lab in charts.LABS:
        at = open_page(PAGE, query={**{k: odd for k in keys}, "lab": lab})
        assert not at.exception, f"{lab} {odd}: {at.exception}"
        assert len(at.get("vega_lite_chart")) >= 1
