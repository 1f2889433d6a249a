"""Core of the sigmoid/ReLU page: shapes, determinism, divergence, and the lecture's claims."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from safetensors.torch import load

from core import fitting
from core.charts import fitting as charts
from core.models import BatchedMLP

def F(**kw) -> fitting.FitConfig:
    """A config whose result does not depend on machine speed (no wall-time cap in reach)."""
    return fitting.FitConfig(max_seconds=600.0, **kw)


CFG = F(epochs=60)


@pytest.fixture(scope="module")
def result():
    return fitting.fit(CFG)


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


def test_huge_learning_rate_diverges_cleanly():
    r = fitting.fit(replace(CFG, optimizer="SGD", lr=1000.0))
    assert r.log.diverged and r.log.stopped == "diverged"
    step = r.log.first_divergence
    assert step is not None and 1 <= step <= 10
    assert r.log.steps == step - 1  # history stops before the first non-finite loss
    assert np.isfinite(r.history.loss).all()
    assert "diverged at step" in r.log.message(list(fitting.NAMES))


def test_enough_sigmoids_fit_a_smooth_curve():
    """The lecture's claim: a sum of enough sigmoids approximates a smooth curve; one does not."""
    good = fitting.fit(F(k=8, noise=0.0))
    poor = fitting.fit(F(k=1, noise=0.0))
    assert good.final_loss("sigmoid", "train") < 0.01
    assert poor.final_loss("sigmoid", "train") > 0.03


def test_two_k_relus_match_k_sigmoids():
    """2K ReLUs do the job of K sigmoids: on a smooth target their fit is at least as good."""
    r = fitting.fit(F(k=6, noise=0.0))
    s, q = r.final_loss("sigmoid", "validation"), r.final_loss("ReLU", "validation")
    assert q < 1.5 * s and max(s, q) < 0.02


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
    c = fitting.clamp(fitting.FitConfig(target="nope", n=-5, k=10_000, depth=9, lr=float("inf"), loss="?", epochs=0))
    assert c.target == fitting.FitConfig.target and c.n == 8 and c.k == 64 and c.depth == 3
    assert c.lr == 1e6 and c.loss == "MSE" and c.epochs == 1


def test_real_temperature_series_fits():
    r = fitting.fit(F(target="Seattle temperatures", n=300, k=16, epochs=1000, lr=0.03, batch_size=512))
    assert r.curve.y_true is None and r.curve.y_label.startswith("daily max temperature")
    # the four seasonal cycles are learnt: validation MSE far below the variance (1.0) of the standardized
    # series, near what a least-squares yearly sinusoid leaves (0.25)
    for m in fitting.NAMES:
        assert r.final_loss(m, "validation") < 0.35


def test_sweep_shows_overfitting():
    """Train loss falls with K while the validation-train gap widens: the start of overfitting."""
    cfg = F(target="smooth and wiggly", n=100, noise=0.25, val_fraction=0.75, seed=1)
    df = fitting.sweep(cfg, ks=(1, 4, 24))
    piv = df.pivot_table(index="k", columns=["model", "split"], values="loss")
    for m in fitting.NAMES:
        train, val = piv[(m, "train")], piv[(m, "validation")]
        assert train[24] < 0.6 * train[1]
        assert (val[24] - train[24]) > (val[1] - train[1]) + 0.05


def test_chart_specs_are_valid_vega_lite(result):
    for ch in [charts.fit_panel(result, 0), charts.parts_panel(result, 1), charts.loss_chart(result.history),
               charts.relu_pair_chart(fitting.relu_pair()),
               charts.divergence_chart(np.array([[0.3, 0.2], [5e6, 0.1]]), [3, 2]),
               charts.sweep_chart(fitting.sweep(CFG, ks=(1, 2), steps=20))]:
        ch.to_dict(validate=True)
