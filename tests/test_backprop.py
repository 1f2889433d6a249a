"""Backpropagation page: the hand backward pass against autograd (and an nn.Sequential with the same weights) on
many random networks, the replay's steps, finite differences against backprop, the counted costs, the page's
claims on many seeds, and the charts in both languages."""
from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from torch import nn

from core import backprop as bp
from core import i18n, rng
from core.charts import COLOURS, GREY
from core.charts import backprop as charts

SEEDS = range(bp.CLAIM_SEEDS)


def _random_config(seed: int, hidden: str, activation: str) -> bp.StepConfig:
    g = rng.generator(seed, "test.backprop.config")
    u = torch.rand(5, generator=g, dtype=torch.float64).tolist()
    return bp.StepConfig(activation=activation, hidden=hidden, x1=round(6 * u[0] - 3, 1), x2=round(6 * u[1] - 3, 1),
                         y=round(6 * u[2] - 3, 1), scale=bp.SCALES[int(u[3] * len(bp.SCALES))],
                         b3=round(24 * u[4] - 12) / 2, seed=seed)


# ---------------------------------------------------------------- the hand backward pass against autograd

@pytest.mark.parametrize("activation", bp.ACTIVATIONS)
@pytest.mark.parametrize("hidden", bp.HIDDEN)
def test_hand_backprop_equals_autograd_on_many_networks(hidden, activation):
    """Every ∂L/∂w, ∂L/∂b and the loss, by hand in float64, equal autograd's to 1e-10 (random example, target,
    weights' size, b₃ and seed: 40 networks per shape and activation)."""
    worst = 0.0
    for seed in range(40):
        r = bp.replay(_random_config(seed, hidden, activation))
        f = bp.step_facts(r)
        worst = max(worst, f.max_diff)
        assert f.agree and f.max_diff < 1e-10, (seed, f.max_diff)
    assert worst < 1e-10


@pytest.mark.parametrize("activation", bp.ACTIVATIONS)
def test_hand_backprop_equals_an_nn_module(activation):
    """The same weights in an nn.Sequential of nn.Linear layers: its parameters' .grad equal the hand values."""
    for seed, hidden in zip(range(12), bp.HIDDEN * 2):
        cfg = _random_config(seed, hidden, activation)
        net = bp.make_net(cfg)
        layers = []
        for lo, hi in zip(net.layers[:-1], net.layers[1:]):
            lin = nn.Linear(len(lo), len(hi)).double()
            with torch.no_grad():
                lin.weight.copy_(torch.tensor([[net.w[(i, j)] for i in lo] for j in hi], dtype=torch.float64))
                lin.bias.copy_(torch.tensor([net.b[j] for j in hi], dtype=torch.float64))
            layers += [lin, nn.Sigmoid() if activation == "sigmoid" else nn.ReLU()]
        model = nn.Sequential(*layers[:-1])
        out = model(torch.tensor([[cfg.x1, cfg.x2]], dtype=torch.float64))
        nn.MSELoss()(out[:, 0], torch.tensor([cfg.y], dtype=torch.float64)).backward()
        p = bp.by_hand(net, activation, (cfg.x1, cfg.x2), cfg.y)
        lins = [m for m in model if isinstance(m, nn.Linear)]
        for lin, lo, hi in zip(lins, net.layers[:-1], net.layers[1:]):
            for c, j in enumerate(hi):
                assert abs(lin.bias.grad[c].item() - p.db[j]) < 1e-10
                for k, i in enumerate(lo):
                    assert abs(lin.weight.grad[c, k].item() - p.dw[(i, j)]) < 1e-10


def test_weights_are_the_numbers_shown():
    """Weights are rounded to two decimals when drawn: the graph's numbers are the numbers used."""
    for seed in range(20):
        net = bp.make_net(bp.StepConfig(hidden="3-3", scale=8.0, seed=seed))
        assert all(abs(w * 100 - round(w * 100)) < 1e-9 for w in net.w.values())
        assert net.b[3] == 0.0 and all(b == 0.0 for j, b in net.b.items() if j != 3)


def test_replay_steps_forward_then_backward():
    for hidden in bp.HIDDEN:
        r = bp.replay(bp.StepConfig(hidden=hidden))
        n = len(r.net.neurons)
        assert r.last == 2 * n + 1
        assert [s.phase for s in r.steps] == ["start"] + ["forward"] * n + ["loss"] + ["backward"] * n
        assert [s.node for s in r.steps if s.phase == "forward"] == r.net.neurons
        assert [s.node for s in r.steps if s.phase == "backward"] == r.net.neurons[::-1]
        fwd, bwd, _ = r.state(r.last)
        assert fwd == bwd == set(r.net.neurons)
        for s in r.steps:  # every row's value is the pass's number
            for row in s.rows:
                assert np.isfinite(row.value)
        out = r.steps[-n]  # the output's backward step: 2(ŷ − y), then a · ∂L/∂z per incoming weight
        assert out.rows[0].value == pytest.approx(2 * (r.hand.yhat - r.config.y))


def test_the_chain_rule_row_of_the_brief():
    """Default network: ∂L/∂z₃ = σ′(z₃) · (w₃₅ ∂L/∂z₅ + w₃₆ ∂L/∂z₆), written and computed as such."""
    r = bp.replay()
    row = next(x for x in r.steps[-1].rows if x.quantity == "∂L/∂z₃")
    assert row.rule == "σ′(z₃) · (w₃₅ ∂L/∂z₅ + w₃₆ ∂L/∂z₆)"
    p, w = r.hand, r.net.w
    assert row.value == pytest.approx(bp.slope("sigmoid", p.z[3]) * (w[(3, 5)] * p.dz[5] + w[(3, 6)] * p.dz[6]))


def test_extreme_settings_stay_finite():
    for act in bp.ACTIVATIONS:
        r = bp.replay(bp.StepConfig(activation=act, hidden="3-3", x1=3.0, x2=-3.0, y=-3.0, scale=8.0, b3=6.0))
        assert np.isfinite(r.hand.loss) and all(np.isfinite(v) for v in r.hand.dw.values())
        assert bp.step_facts(r).agree


@pytest.mark.claim
@pytest.mark.parametrize("hidden", bp.HIDDEN)
def test_dead_relu_preset(hidden):
    """The 'dead ReLU' preset (ReLU, b₃ = −6): node 3 is dead and its incoming weights get exactly 0, by hand
    and by autograd, on 200 seeds."""
    for seed in range(200):
        r = bp.replay(bp.StepConfig(activation="relu", hidden=hidden, b3=-6.0, seed=seed))
        f = bp.step_facts(r)
        assert 3 in f.dead and r.hand.z[3] < -1.0, (seed, r.hand.z[3])
        for i in (1, 2):
            assert r.hand.dw[(i, 3)] == 0.0 and r.grad_w[(i, 3)] == 0.0


@pytest.mark.claim
@pytest.mark.parametrize("hidden", bp.HIDDEN)
def test_saturated_sigmoid_preset(hidden):
    """Weights of size 8: on average over 100 seeds more than SATURATED_SHARE (40%) of the hidden neurons
    saturated (σ′ < 0.01; measured 52-66%); none at size 1."""
    share = {}
    for scale in (1.0, 8.0):
        counts = [bp.step_facts(bp.replay(bp.StepConfig(hidden=hidden, scale=scale, seed=s))) for s in range(100)]
        share[scale] = np.mean([len(f.saturated) / len(f.slopes) for f in counts])
    assert share[8.0] > bp.SATURATED_SHARE + 0.05, share
    assert share[1.0] == 0.0, share


def test_preset_texts_quote_the_constants():
    en = i18n.catalogue("en")
    assert bp.SATURATED == 0.01 and "σ′(z) < 0.01" in en["backprop.preset.saturate.what"]
    assert "on average more than 40%" in en["backprop.preset.saturate.what"] and bp.SATURATED_SHARE == 0.4
    assert "平均超过 40%" in i18n.catalogue("zh")["backprop.preset.saturate.what"]
    assert f"{bp.n_weights(max(bp.FD_WIDTHS)):,}" in en["backprop.preset.race.what"]
    assert f"{bp.n_weights(max(bp.WIDTHS)):,}" in en["backprop.preset.race.what"]
    assert bp.SIGMOID_MAX == 1 / 100 and bp.RELU_MIN == 1 / 50
    assert "1/100" in en["backprop.preset.deep.what"] and "1/50" in en["backprop.preset.deep.what"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_step_sentences_speak_of_this_draw(lang):
    """Seeds 0-19 at the saturate preset: the saturated sentence names exactly this draw's saturated neurons
    with their ∂L/∂z; the bias row gives its value once; 'identical' only when the difference is exactly 0;
    the notice names the chosen activation's slope."""
    from conftest import open_page

    for seed in range(20):
        r = bp.replay(bp.StepConfig(scale=8.0, seed=seed))
        f = bp.step_facts(r)
        assert set(f.saturated) == {j for j, s in f.slopes.items() if s < bp.SATURATED}
        assert all(abs(f.dz[j]) <= bp.SATURATED * sum(abs(r.net.w[(j, k)] * r.hand.dz[k])
                                                      for k in r.net.outgoing(j)) for j in f.saturated)
        for line in (ln for k in range(r.last + 1) for ln in charts.step_lines(r, k, lang).split("  \n")):
            vals = [x.strip("* ") for x in line.split(" = ")]
            assert len(vals) < 3 or vals[-1] != vals[-2], line
    at = open_page("pages/backprop.py", query={"scale": "8.0", "lang": lang})
    md = " ".join(m.value for m in at.markdown)
    f = bp.step_facts(bp.replay(bp.StepConfig(scale=8.0)))
    assert all(f"∂L/∂z{bp.sub(j)} = {bp.fv(f.dz[j])}" in md for j in f.saturated), md
    assert ("identical" in md or "完全相同" in md) == (f.max_diff == 0)
    assert "∂L/∂（" not in md and "∂L/∂ by" not in md
    relu = open_page("pages/backprop.py", query={"activation": "relu", "lang": lang})
    text = " ".join(m.value for m in relu.info)
    assert r"\mathrm{ReLU}'(z_j)" in text and r"\sigma'(z_j)" not in text and "w_{ij}" in text


# ---------------------------------------------------------------- finite differences against backprop

@pytest.mark.claim
@pytest.mark.parametrize("activation", bp.ACTIVATIONS)
def test_finite_differences_agree_with_backprop(activation):
    """Central differences (ε = 1e-6, float64) agree with backprop to FD_AGREE on 10 seeds, and count exactly
    two forward passes per weight."""
    worst = 0.0
    for seed in SEEDS:
        for width in (8, 16):
            m = bp.Mlp(width, activation, seed)
            g = m.backprop()
            m.forwards = 0
            fd = m.finite_differences()
            assert m.forwards == bp.FD_PER_WEIGHT * bp.n_weights(width)
            worst = max(worst, float((fd - g).abs().max()))
    assert worst < bp.FD_AGREE, worst


def test_mlp_matches_an_nn_module():
    m = bp.Mlp(16, "sigmoid", 3)
    model = nn.Sequential(nn.Linear(bp.INPUTS, 16), nn.Sigmoid(), nn.Linear(16, 16), nn.Sigmoid(), nn.Linear(16, 1))
    model = model.double()
    lins = [x for x in model if isinstance(x, nn.Linear)]
    with torch.no_grad():
        for lin, (w, b) in zip(lins, zip(m.views[0::2], m.views[1::2])):
            lin.weight.copy_(w.T)
            lin.bias.copy_(b)
    assert sum(p.numel() for p in model.parameters()) == bp.n_weights(16)
    loss = nn.MSELoss()(model(m.x)[:, 0], m.y)
    loss.backward()
    g = m.backprop()
    ref = torch.cat([t for lin in lins for t in (lin.weight.grad.T.reshape(-1), lin.bias.grad)])
    torch.testing.assert_close(g, ref, rtol=0, atol=1e-12)
    assert float(m.loss().detach()) == pytest.approx(float(loss.detach()), abs=1e-14)


@pytest.mark.claim
def test_backprop_cost_stays_flat_while_finite_differences_grow():
    """Counted, not timed: at every size backprop's multiply-adds are at most BACKPROP_MAX forward passes (2.5
    to 3.0 measured), while finite differences need 2P forward passes: their ratio grows with P."""
    equiv = []
    for width in bp.WIDTHS:
        fwd, bwd = bp.flops(bp.Mlp(width, "sigmoid", 0))
        assert bwd <= 2 * fwd  # "the backward pass's matrix products cost at most twice the forward pass's"
        equiv.append((fwd + bwd) / fwd)
        assert 2.0 <= equiv[-1] <= bp.BACKPROP_MAX
    assert max(equiv) - min(equiv) < 0.5
    ratios = [bp.FD_PER_WEIGHT * bp.n_weights(w) / e for w, e in zip(bp.WIDTHS, equiv)]
    assert all(b > a * 2 for a, b in zip(ratios, ratios[1:]))
    assert bp.n_weights(min(bp.WIDTHS)) < 1000 < 200_000 < bp.n_weights(max(bp.WIDTHS))


def test_race_facts():
    r = bp.race(bp.CostConfig(fd_max=16, seed=5))
    f = bp.cost_facts(r)
    assert f.bp_within and f.fd_counted and f.agree
    df = r.frame
    assert list(df.fd_run) == [w <= 16 for w in bp.WIDTHS]
    assert df.t_fd_extra.notna().all() and (df.t_fd_extra > 0).all()
    last = df[df.fd_run].iloc[-1]
    assert last.t_fd_extra == pytest.approx(last.t_fd)  # the extrapolated line starts on the last measured point
    assert f.fd_weights == bp.n_weights(16) and f.big_weights == bp.n_weights(max(bp.WIDTHS))


# ---------------------------------------------------------------- vanishing with depth

@pytest.mark.claim
@pytest.mark.parametrize("width", bp.VANISH_WIDTHS)
def test_vanishing_claim_on_ten_seeds(width):
    """Seeds 0-9, every depth: from depth DEEP on, every sigmoid stack's first layer gets under SIGMOID_MAX of
    its output layer's gradient; every ReLU stack's first layer more than RELU_MIN."""
    worst_sig, worst_relu = 0.0, np.inf
    for depth in range(2, 17):
        r = bp.stacks(bp.VanishConfig(depth=depth, width=width, seeds=10, seed=0))
        ok = bp.vanish_claim_holds(r)
        assert ok["sigmoid"] and ok["relu"], (depth, r.ratio("sigmoid").max(), r.ratio("relu").min())
        if depth >= bp.DEEP:
            worst_sig = max(worst_sig, float(r.ratio("sigmoid").max()))
        worst_relu = min(worst_relu, float(r.ratio("relu").min()))
    assert worst_sig < bp.SIGMOID_MAX / 5 and worst_relu > bp.RELU_MIN * 2  # with margin


def test_sigmoid_slope_never_above_a_quarter():
    r = bp.stacks(bp.VanishConfig(depth=12, seeds=10))
    assert (r.stacks["sigmoid"].slope <= bp.QUARTER).all()
    f = bp.vanish_facts(r)
    assert f.slope_product <= bp.QUARTER ** 12


# ---------------------------------------------------------------- charts

@pytest.fixture(scope="session")
def results():
    return bp.replay(bp.StepConfig(hidden="3-3")), bp.race(bp.CostConfig(fd_max=16)), bp.stacks()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_valid_vega_lite(results, lang):
    r, c, v = results
    for step in (0, 3, r.last - 2, r.last):
        charts.graph_chart(r, step, lang).to_dict(validate=True)
        assert charts.step_lines(r, step, lang)
        assert len(charts.grads_table(r, step, lang)) == len(r.net.w) + len(r.net.b)
    for ch in (charts.time_chart(c, lang), charts.count_chart(c, lang), charts.layers_chart(v, lang),
               charts.slope_chart(v, lang)):
        ch.to_dict(validate=True)


def test_named_colours_are_the_drawn_ones(results):
    r, c, v = results
    graph = json.dumps(charts.graph_chart(r, r.last - 1).to_dict(validate=False))
    for name in [*charts.NODE_COLOURS.values(), *charts.EDGE_COLOURS.values(), charts.CURRENT_COLOUR]:
        assert (GREY if name == "grey" else COLOURS[name]) in graph
    cost = json.dumps(charts.time_chart(c).to_dict(validate=False))
    assert COLOURS[charts.METHOD_COLOURS["fd"]] in cost and COLOURS[charts.METHOD_COLOURS["backprop"]] in cost
    van = json.dumps(charts.layers_chart(v).to_dict(validate=False)) + json.dumps(charts.slope_chart(v).to_dict())
    assert all(COLOURS[k] in van for k in charts.KIND_COLOURS.values()) and GREY in van


def test_replay_frames_differ_only_in_data(results):
    from pages._draw import vega_spec

    r = results[0]
    a, b = vega_spec(charts.graph_chart(r, 1)), vega_spec(charts.graph_chart(r, r.last))
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    assert a["datasets"] != b["datasets"]


def test_every_part_in_chinese_has_no_english_left():
    """No English left, and (issue 23) no raw subscript (the symbols and the notice read z_j, w_ij), unfilled
    {placeholder}, English colon or stray space in the 中文 text of any part."""
    from conftest import open_page
    from test_pages import _english_left, _visible_strings
    from zh_text import chinese_text_problems

    for part in bp.PARTS:
        at = open_page("pages/backprop.py", query={"part": part, "lang": "zh"})
        assert not at.exception and len(at.get("vega_lite_chart")) >= 1
        left = _english_left(_visible_strings(at))
        assert not left, f"{part}: {left[:5]}"
        flagged = chinese_text_problems(at)
        assert not flagged, f"{part}: {flagged}"
