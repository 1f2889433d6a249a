"""Self-attention: the hand-written core against PyTorch's own modules, the lecture's claims on a fixed
seed, and bad input."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core import attention as att
from core import rng


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny models: one intra-op thread is faster, and far faster while others load the machine."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _qkv(n=7, d=8, lead=(3,), seed=0):
    g = rng.generator(seed, 1)
    return [torch.randn(*lead, n, d, generator=g) for _ in range(3)]


MASKS = {"none": None, "causal": att.causal_mask(7), "window": att.window_mask(7, 3), "graph": att.graph_adjacency(7, 4)}


# ---------------------------------------------------------------- core against PyTorch

@pytest.mark.parametrize("mask", list(MASKS))
@pytest.mark.parametrize("scale", [True, False])
def test_attention_equals_scaled_dot_product_attention(mask, scale):
    q, k, v = _qkv()
    allowed = MASKS[mask]
    out, w, alpha = att.attention(q, k, v, allowed, scale)
    ref = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=None if scale else 1.0)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(w.sum(-1), torch.ones(3, 7))  # each row of alpha' sums to 1
    if allowed is not None:
        assert (w[:, ~allowed] == 0).all() and torch.isinf(alpha[:, ~allowed]).all()
    # alpha_ij really is the dot product q^i . k^j (over sqrt(d_k) when scaled)
    i, j = 2, 2
    expect = float(q[0, i] @ k[0, j]) / (math.sqrt(8) if scale else 1.0)
    assert abs(float(alpha[0, i, j]) - expect) < 1e-5


@pytest.mark.parametrize("mask", list(MASKS))
@pytest.mark.parametrize("heads", [1, 2, 4])
def test_multi_head_equals_nn_multihead_attention(mask, heads):
    n, d = 7, 8
    g = rng.generator(3, 2)
    a = torch.randn(n, d, generator=g)  # (n, d)
    wq, wk, wv, wo = (torch.randn(d, d, generator=g) / math.sqrt(d) for _ in range(4))
    allowed = MASKS[mask]
    mine = att.multi_head(a, wq, wk, wv, wo, heads, allowed)
    mha = nn.MultiheadAttention(d, heads, bias=False, batch_first=True)
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.cat([wq, wk, wv]))
        mha.out_proj.weight.copy_(wo)
    ref, ref_w = mha(a[None], a[None], a[None], attn_mask=None if allowed is None else ~allowed,
                     need_weights=True, average_attn_weights=False)
    torch.testing.assert_close(mine["out"], ref[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(mine["weights"], ref_w[0], atol=1e-6, rtol=1e-5)
    assert mine["concat"].shape == (n, d) and mine["heads"].shape == (heads, n, d // heads)


@pytest.mark.parametrize("pe", att.PE_KINDS)
def test_transformer_block_equals_nn_transformer_encoder_layer(pe):
    cfg = att.clamp_train(att.TrainConfig(layers=1, heads=2, pe=pe))
    model = att.BatchedTransformer(cfg, [True, False], rng.generator(0, 21))
    with torch.no_grad():  # make the two models different, as after training
        for p in model.parameters():
            p.add_(0.1 * torch.randn(p.shape, generator=rng.generator(1, 5)))
    x, _ = att.task_batch("reverse", 5, cfg.length, cfg.vocab, rng.generator(0, 9))  # (5, T)
    logits = model(x)  # (M, 5, T, V)
    for m in range(2):
        layer = nn.TransformerEncoderLayer(cfg.d, cfg.heads, dim_feedforward=cfg.d, dropout=0.0, batch_first=True,
                                           norm_first=True, bias=False)
        layer.load_state_dict(model.block_state(m, 0))
        layer.eval()
        h0 = model.emb[m][x] + (model.positions()[m] if m == 0 else 0.0)  # (5, T, d)
        ref = F.layer_norm(layer(h0), (cfg.d,)) @ model.out[m].T  # (5, T, V)
        torch.testing.assert_close(logits[m], ref, atol=1e-4, rtol=1e-4)


def test_conv_is_window_attention_with_offset_scores():
    for w in (1, 3, 5):
        r = att.calculate(att.CalcConfig(window=w, sentence="one two three four five six seven eight"))
        cc = att.conv_compare(r)
        assert cc.interior_gap < 1e-5
        # the convolution's mixing matrix reproduces F.conv1d everywhere (zero padding = missing neighbours)
        torch.testing.assert_close(cc.conv_mix @ r.parts["V"], cc.conv_out, atol=1e-5, rtol=1e-5)
        # and the same band on every row: a convolution shares its weights across positions
        rad = (w - 1) // 2
        rows = cc.conv_mix[rad:r.n - rad]
        for i in range(1, len(rows)):
            torch.testing.assert_close(rows[i].roll(-i), rows[0])
        # window attention is banded too, but its weights differ row by row (chosen by the content)
        assert (cc.attn_mix[~att.window_mask(r.n, w)] == 0).all()
    r = att.calculate(att.CalcConfig(window=3, sentence="one two three four five six seven eight"))
    cc = att.conv_compare(r)
    inner = torch.stack([cc.attn_mix[i, i - 1:i + 2] for i in range(1, r.n - 1)])  # (n-2, 3)
    assert float((inner - inner[0]).abs().max()) > 0.05


def test_sinusoidal_encoding():
    pe = att.sinusoidal(10, 8)
    pos = torch.arange(10.0)
    torch.testing.assert_close(pe[:, 0], torch.sin(pos))
    torch.testing.assert_close(pe[:, 1], torch.cos(pos))
    torch.testing.assert_close(pe[:, 2], torch.sin(pos / 10000 ** (2 / 8)))
    assert len({tuple(r.tolist()) for r in pe}) == 10  # every position gets its own code
    assert att.sinusoidal(5, 7).shape == (5, 7)  # odd sizes work


# ---------------------------------------------------------------- the lecture's claims

def test_without_positional_encoding_outputs_permute_with_inputs():
    plain = att.calculate(att.CalcConfig(positional=False))
    assert plain.equivariance_error < 1e-5
    # check the claim directly too: shuffle the rows of a, the output rows shuffle the same way
    wts = plain.weights
    perm = torch.tensor(plain.perm)
    shuffled = att.multi_head(plain.a[perm], wts["Wq"], wts["Wk"], wts["Wv"], wts["Wo"], 2)["out"]
    torch.testing.assert_close(shuffled, plain.parts["out"][perm], atol=1e-5, rtol=1e-5)
    # with the encoding, or with a mask tied to positions, the layer knows the order
    assert att.calculate(att.CalcConfig(positional=True)).equivariance_error > 0.05
    assert att.calculate(att.CalcConfig(positional=False, mask="causal")).equivariance_error > 1e-3
    # a graph's adjacency moves with its nodes: attention on a graph stays equivariant
    assert att.calculate(att.CalcConfig(positional=False, mask="graph")).equivariance_error < 1e-5


def test_same_word_same_embedding_and_seeded():
    r = att.calculate()
    assert r.tokens[0] == r.tokens[4] == "the"
    torch.testing.assert_close(r.embed[0], r.embed[4])
    assert not torch.equal(r.a[0], r.a[4])  # ... until the positional encoding tells them apart
    again = att.calculate()
    torch.testing.assert_close(again.parts["out"], r.parts["out"])
    other = att.calculate(att.CalcConfig(seed=1))
    assert not torch.allclose(other.parts["out"], r.parts["out"])


def test_scaling_keeps_the_softmax_soft():
    big = att.CalcConfig(d=16, heads=1)
    scaled = att.calculate(big).parts["weights"].max(-1).values.mean()
    raw = att.calculate(att.CalcConfig(d=16, heads=1, scale=False)).parts["weights"].max(-1).values.mean()
    assert raw > scaled + 0.05  # without sqrt(d_k) the weights are much peakier


def test_masks_and_cost():
    n = 10
    assert torch.equal(att.causal_mask(n), torch.ones(n, n, dtype=torch.bool).tril())
    wm = att.window_mask(n, 3)
    assert int(wm.sum()) == n * 3 - 2 and bool(wm.diagonal().all())
    adj = att.graph_adjacency(n, 0)
    assert torch.equal(adj, adj.T) and bool(adj.diagonal().all())
    assert att.cost(n, "none", 3) == {"full": 100, "computed": 100}
    assert att.cost(n, "window", 3)["computed"] == 28 and att.cost(n, "causal", 3)["computed"] == 55
    table = att.cost_table(5, ns=(8, 64, 1024))
    for nn_ in (8, 64, 1024):
        win = table[(table.n == nn_) & table.attention.str.startswith("window")].scores.item()
        assert win == int(att.window_mask(nn_, 5).sum()) if nn_ <= 64 else win == nn_ * 5 - 6
    full = table[table.attention.str.startswith("full")].scores.to_numpy()
    assert full[-1] / full[0] == 128 ** 2  # n^2: 128 times longer, 16384 times the work


def test_tiny_transformer_learns_to_reverse_only_with_positions():
    r = att.train_tiny(att.TrainConfig(task="reverse", seed=0, max_seconds=600.0))  # no time cap: any machine
    with_pe, without = r.accuracy
    assert with_pe > 0.98, r.accuracy
    assert without < 0.5, r.accuracy
    assert r.exact[0] > 0.9 and r.exact[1] < 0.05
    # the solution is visible: with PE, output position i attends mostly to input position T-1-i
    maps = r.maps[0, 0].sum(0)  # (T, T) summed over heads
    T = r.config.length
    assert (maps.argmax(-1) == np.arange(T)[::-1]).mean() >= 0.75
    assert not r.log.diverged and r.log.steps == r.config.steps
    assert np.isfinite(r.history[["loss", "accuracy"]].to_numpy()).all()


def test_sinusoidal_positions_also_learn_to_reverse():
    r = att.train_tiny(att.TrainConfig(task="reverse", pe="sinusoidal", steps=150, seed=1, max_seconds=600.0))
    assert r.accuracy[0] > 0.95 and r.accuracy[1] < 0.5, r.accuracy


# ---------------------------------------------------------------- bad input and extremes

@pytest.mark.parametrize("text", ["", "   ", "!!! ??? ...", "___", "☃☃"])
def test_sentence_without_words_is_a_clear_error(text):
    with pytest.raises(ValueError, match="at least one word"):
        att.calculate(att.CalcConfig(sentence=text))


def test_odd_and_long_text_is_capped_never_evaluated():
    odd = "  ☃ <script>alert(1)</script> __import__('os') " + "x" * 300
    r = att.calculate(att.CalcConfig(sentence=odd))
    assert r.n <= att.MAX_TOKENS and all(len(t) <= 12 for t in r.tokens)
    assert att.tokenize(" ".join(["w"] * 100)) == ["w"] * att.MAX_TOKENS
    assert att.tokenize("Éléphant, naïve café 42!") == ["éléphant", "naïve", "café", "42"]


def test_extreme_configs_never_raise():
    for cfg in [att.CalcConfig(d=999, heads=3, window=100, query=99, mask="nope", seed=-5),
                att.CalcConfig(sentence="one", query=12, mask="window", window=1),
                att.CalcConfig(d=4, heads=4, mask="graph"), att.CalcConfig(d=12, heads=4, mask="causal")]:
        r = att.calculate(cfg)
        assert 0 <= r.query < r.n
        assert torch.isfinite(r.parts["out"]).all()
        att.conv_compare(r)
    r = att.train_tiny(att.TrainConfig(lr=1e4, steps=30, seed=2))  # absurd learning rate: a message, no crash
    assert r.log.message() is None or "diverged at step" in r.log.message() or "time cap" in r.log.message()
    assert np.isfinite(r.history[["loss", "accuracy"]].to_numpy()).all()
    r = att.train_tiny(att.TrainConfig(steps=1, layers=2, heads=4))
    assert r.maps.shape == (2, 2, 4, 8, 8)


def test_exports_round_trip():
    from safetensors.torch import load

    r = att.train_tiny(att.TrainConfig(steps=20))
    tensors = load(att.weights_safetensors(r))
    layer = nn.TransformerEncoderLayer(32, 2, dim_feedforward=32, dropout=0.0, batch_first=True, norm_first=True,
                                       bias=False)
    layer.load_state_dict({k.split("block0.", 1)[1]: v for k, v in tensors.items() if k.startswith("with_pe.block0.")})
    assert "with_pe.positions" in tensors and "without_pe.positions" not in tensors
    csv = att.history_csv(r).decode().splitlines()
    assert csv[0] == "step,loss,accuracy,model" and len(csv) == 1 + 2 * 3


def test_charts_are_valid_and_finite():
    from core.charts import attention as charts

    r = att.calculate(att.CalcConfig(mask="causal", heads=4))
    cc = att.conv_compare(r)
    t = att.train_tiny(att.TrainConfig(steps=10))
    built = [charts.matrices(r, ("embed", "pe", "a")), charts.matrices(r, ("Q", "K", "V")),
             charts.matrices(r, ("concat", "out")), charts.scores(r, 0, "scores"), charts.scores(r, 3, "weights"),
             charts.query_steps(r, 5), charts.weighted_sum(r, 5), charts.shuffled(r), charts.cost_chart(att.cost_table(3)),
             charts.mixing(cc, "conv"), charts.mixing(cc, "attn"), charts.train_map(t, 1, 0, 1),
             charts.accuracy_chart(t)]
    for ch in built:
        spec = json.dumps(ch.to_dict())  # validates against the Vega-Lite schema
        assert "NaN" not in spec and "Infinity" not in spec


# ---------------------------------------------------------------- the page

def test_page_shows_equivariance_and_survives_a_wordless_sentence():
    from conftest import open_page

    at = open_page("pages/attention.py", query={"at_pe": "false"})
    assert not at.exception, at.exception
    assert any("only shuffles the output" in s.value for s in at.success)
    at = open_page("pages/attention.py", query={"at_text": "!!! ???"})
    assert not at.exception, at.exception
    assert any("at least one word" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) >= 3  # the training section still runs
