"""RNN and LSTM page: hand-written cells against PyTorch's, the lecture's hand-made LSTM, parameter counts,
the page's claims on ten seeds (trained once per module, seeds side by side in one loop), odd sequences,
and every part of the page opened by its link with each of its controls moved."""
from __future__ import annotations

import builtins

import numpy as np
import pytest
import torch
from torch import nn

from conftest import open_page, snapshot
from core import rng, rnn, rnn_gradient  # noqa: F401
from core.rnn_cells import KINDS, Weights, elman_cell, gru_cell, lstm_cell, lstm_trace, recurrent_params
from core.rnn_gradient import FAR, ratios_on_seeds
from core.rnn_lecture import LECTURE_OUTPUTS, SequenceError, parse
from core.rnn_race import SOLVED, VOCAB, HIDDEN, Net, race, race_seeds
from core.rnn_slots import SlotConfig, tag

SEEDS = range(rnn.CLAIM_SEEDS)
PAGE = "pages/rnn.py"


def _cell_inputs(seed: int, d: int = 5, h: int = 7, b: int = 3):
    g = rng.generator(seed, salt=99)
    return torch.randn(b, d, generator=g), torch.randn(b, h, generator=g), torch.randn(b, h, generator=g)


def _randomise(m: nn.Module, seed: int) -> nn.Module:
    g = rng.generator(seed, salt=98)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * 0.7)
    return m


# ---------------------------------------------------------------- cells against PyTorch

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_hand_written_cells_equal_pytorch(seed):
    x, h, c = _cell_inputs(seed)
    rnn_cell = _randomise(nn.RNNCell(5, 7), seed)
    torch.testing.assert_close(elman_cell(x, h, Weights.of(rnn_cell)), rnn_cell(x, h))
    lstm = _randomise(nn.LSTMCell(5, 7), seed)
    s = lstm_cell(x, h, c, Weights.of(lstm))
    h_ref, c_ref = lstm(x, (h, c))
    torch.testing.assert_close(s.h, h_ref)
    torch.testing.assert_close(s.c, c_ref)
    assert s.forget_gate.min() > 0 and s.forget_gate.max() < 1
    gru = _randomise(nn.GRUCell(5, 7), seed)
    torch.testing.assert_close(gru_cell(x, h, Weights.of(gru)).h, gru(x, h))


def test_lstm_trace_equals_nn_lstm_over_a_sequence():
    m = _randomise(nn.LSTM(VOCAB, 6, batch_first=True), 3)
    x = torch.randn(4, 9, VOCAB, generator=rng.generator(3, salt=1))  # (B, T, V)
    out, (h, c) = m(x)
    tr = lstm_trace(x, Weights.of(m))
    torch.testing.assert_close(tr["h"], out)
    torch.testing.assert_close(tr["c"][:, -1], c[0])


def test_parameter_counts_four_and_three_times_a_simple_rnn():
    counts = {k: recurrent_params(k, VOCAB, HIDDEN) for k in KINDS}
    assert counts["LSTM"] == 4 * counts["RNN"] and counts["GRU"] == 3 * counts["RNN"]
    for k in KINDS:  # the same numbers PyTorch's layers hold
        layer = Net(k, rng.generator(0)).rnn
        assert sum(p.numel() for p in layer.parameters()) == counts[k]


# ---------------------------------------------------------------- the lecture's hand-made LSTM

def test_lecture_sequence_gives_lecture_outputs():
    tr = rnn.run(rnn.LectureConfig())
    assert np.round(tr.y, 2).tolist() == [float(v) for v in LECTURE_OUTPUTS]
    assert tr.values["c"][3] == pytest.approx(7, abs=0.01)  # 3 + 4 written, 2 not
    assert tr.values["c"][6] == pytest.approx(0, abs=0.01)  # x2 = -1 resets


def test_soft_gates_half_open_and_outputs_change():
    """Preset 'soft': with s = 1 every gate stays between 0.2 and 0.8 and the outputs are no longer 7 and 6."""
    tr = rnn.run(rnn.LectureConfig(sharpness=1.0))
    for k in ("input_gate", "forget_gate", "output_gate"):
        assert 0.2 < tr.values[k].min() and tr.values[k].max() < 0.8
    assert abs(tr.y[5] - 7) > 1 and abs(tr.y[8] - 6) > 1


@pytest.mark.parametrize("text,reason", [("", "empty"), (" ; ;", "empty"), ("1,0", "not_three"),
                                         ("1,0,0; 2,x,0", "not_number"), ("__import__('os'),0,0", "not_number"),
                                         ("1e9,0,0", "too_big"), ("inf,0,0", "not_number"),
                                         (";".join(["1,0,0"] * 17), "too_long")])
def test_odd_sequences_are_clear_errors(text, reason):
    with pytest.raises(SequenceError) as e:
        parse(text)
    assert e.value.reason == reason


def test_sequence_is_never_evaluated(monkeypatch):
    def boom(*a, **k):
        raise AssertionError("eval called")

    monkeypatch.setattr(builtins, "eval", boom)
    assert parse("(1, 0, 0)\n3 1 0；2，0，0").shape == (3, 3)
    with pytest.raises(SequenceError):
        parse("1,0,0;" * 500)


# ---------------------------------------------------------------- claims on ten seeds

@pytest.fixture(scope="module")
def race10():
    """The page's default race (T = 30, 200 updates, forget bias +3), RNN and LSTM on ten seeds, one loop."""
    return race_seeds(rnn.RaceConfig(), SEEDS, kinds=("RNN", "LSTM"))


def test_defaults_are_the_claimed_settings():
    c = rnn.RaceConfig()
    assert (c.gap, c.updates, c.forget_bias) == (rnn.CLAIM_GAP, rnn.CLAIM_UPDATES, rnn.CLAIM_BIAS)


def test_lstm_beats_simple_rnn(race10):
    """Race claim: the LSTM solves it on at least CLAIM_LSTM_SOLVED of 10 seeds, the simple RNN on at most
    CLAIM_RNN_SOLVED, and the LSTM ends ahead on average by a wide margin."""
    lstm = np.array([r.accuracy["LSTM"] for r in race10])
    simple = np.array([r.accuracy["RNN"] for r in race10])
    assert (lstm >= SOLVED).sum() >= rnn.CLAIM_LSTM_SOLVED, lstm
    assert (simple >= SOLVED).sum() <= rnn.CLAIM_RNN_SOLVED, simple
    assert lstm.mean() > simple.mean() + 0.4, (lstm, simple)
    assert (simple < 0.4).sum() >= 7, simple  # "on most seeds the simple RNN stays below 40%"


def test_default_forget_bias_lstm_fails_in_the_same_budget():
    """Preset 'bias0': PyTorch's default forget-gate bias, same race: the LSTM stays below 40% on every seed."""
    res = race_seeds(rnn.RaceConfig(forget_bias=0.0), SEEDS, kinds=("LSTM",))
    accs = np.array([r.accuracy["LSTM"] for r in res])
    assert (accs >= SOLVED).sum() == 0 and accs.max() < 0.4, accs


def test_simple_rnn_can_learn_a_short_gap():
    """'At shorter gaps the simple RNN can learn this task too (try T = 10)': it solves T = 10 on some seeds."""
    res = race_seeds(rnn.RaceConfig(gap=10), range(5), kinds=("RNN",))
    assert sum(r.solved("RNN") for r in res) >= 2, [r.accuracy["RNN"] for r in res]


def test_race_seeds_is_race_of_each_seed():
    cfg = rnn.RaceConfig(gap=5, updates=100, seed=3)
    one = race(cfg)
    side = race_seeds(cfg, [7, 3], kinds=("RNN", "LSTM"))[1]
    for k in ("RNN", "LSTM"):
        assert side.accuracy[k] == pytest.approx(one.accuracy[k], abs=1e-6)
    assert one.params["LSTM"] == 4 * one.params["RNN"]


@pytest.mark.parametrize("bias", [1.0, 3.0])
@pytest.mark.parametrize("length", rnn_gradient.LENGTHS)
def test_simple_rnn_gradient_vanishes_faster_than_lstm(bias, length):
    r = ratios_on_seeds(rnn.GradConfig(length=length, forget_bias=bias), SEEDS)
    assert np.all(r["LSTM"] >= 100 * r["RNN"]), (r["LSTM"], r["RNN"])
    assert np.all(r["RNN"] < 1e-2)  # 20 steps back the simple RNN keeps under 1% of its gradient
    assert FAR == 20


@pytest.fixture(scope="module")
def slots10():
    return [tag(SlotConfig(seed=s)) for s in SEEDS]


def test_feed_forward_and_jordan_guess_elman_needs_the_verb_first(slots10):
    assert slots10[0].config.steps == SlotConfig().steps  # the claim is made at the page's default
    for s in slots10:
        ca = s.city_accuracy
        for order in ("verb first", "verb last"):
            assert ca["feed-forward"][order] <= 0.75 and ca["Jordan"][order] <= 0.75
        assert ca["Elman"]["verb first"] == 1.0 and ca["Elman"]["verb last"] <= 0.75


def test_bidirectional_beats_forward_on_the_case_that_needs_the_future(slots10):
    for s in slots10:
        assert s.city_accuracy["bidirectional"]["verb last"] == 1.0
        assert s.city_accuracy["bidirectional"]["verb first"] == 1.0


# ---------------------------------------------------------------- every part of the page, by its link

CHEAP = {"gap": 10, "updates": 200, "forget_bias": 0.0, "bias": 0.0, "sample": 5, "longer": True, "g_len": 80,
         "g_bias": 3.0, "slot_steps": 60, "example": "Taipei … leave", "sharp": 1.0, "seq": "1,0,0; 5,1,0; 1,0,1"}
PARTS = {  # each part's link (cheap training settings where it trains) and the controls it must show
    "stepper": ({}, {"seq", "sharp", "t"}),
    "inspector": ({"gap": "5", "updates": "100"}, {"gap", "updates", "bias", "sample"}),
    "race": ({"gap": "5", "updates": "100"}, {"gap", "updates", "bias", "longer"}),
    "gradient": ({}, {"g_len", "g_bias"}),
    "variants": ({"slot_steps": "30"}, {"slot_steps", "example"}),
}


def _controls(at) -> dict[str, tuple[str, object]]:
    out = {}
    for kind in ("slider", "select_slider", "radio", "toggle", "text_input", "number_input"):
        out.update({w.key: (kind, w) for w in at.get(kind) if w.key and w.key not in ("lab", "seed", "lang")})
    return out


@pytest.mark.parametrize("lab", list(PARTS))
def test_each_part_opens_by_link_and_each_control_changes_it(lab):
    query = {"lab": lab, **PARTS[lab][0]}
    at = open_page(PAGE, query=query)
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert 1 <= len(charts) <= 8
    assert sum(len(c.proto.spec) for c in charts) < 300_000
    assert next(r for r in at.radio if r.key == "lab").value == lab
    controls = _controls(at)
    assert set(controls) == PARTS[lab][1]
    base, unchanged = snapshot(at), []
    for key, (kind, _) in controls.items():
        fresh = open_page(PAGE, query=query)
        w = next(x for x in fresh.get(kind) if x.key == key)
        w.set_value(CHEAP[key] if key != "t" else 5).run()
        assert not fresh.exception, f"{key}: {fresh.exception}"
        assert len(fresh.get("vega_lite_chart")) >= 1, key
        if snapshot(fresh) == base:
            unchanged.append(key)
    assert not unchanged, f"these controls change nothing: {unchanged}"


def test_every_part_in_chinese_has_no_english_left():
    from test_pages import _english_left, _visible_strings

    for lab in rnn.LABS:
        at = open_page(PAGE, query={"lab": lab, "lang": "zh", "gap": "5", "updates": "100", "slot_steps": "30",
                                    "longer": "true", "g_bias": "0.0"})
        assert not at.exception and len(at.get("vega_lite_chart")) >= 1
        left = _english_left(_visible_strings(at))
        assert not left, f"{lab}: {left[:5]}"


def test_odd_sequence_link_shows_a_message_and_the_lecture():
    at = open_page(PAGE, query={"seq": "1,2; __import__('os')"})
    assert not at.exception
    assert any("three numbers" in w.value for w in at.warning)
    assert len(at.get("vega_lite_chart")) >= 1


@pytest.fixture(scope="module")
def small():
    cfg = rnn.RaceConfig(gap=5, updates=100)
    r = race(cfg)
    return (rnn.run(rnn.LectureConfig()), r, rnn.inspect(r, 2), rnn.sweep(cfg, gaps=(5, 10)),
            rnn.gradients(rnn.GradConfig()), tag(SlotConfig(steps=30)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_validates_against_vega_lite(lang, small):
    """Every builder's spec, validated by Altair against the Vega-Lite schema; container width; no NaN."""
    import json

    from core.charts import rnn as charts
    from core.charts import rnn_race as rcharts
    from core.rnn_slots import example

    lec, r, ins, sw, g, s = small
    built = [charts.stepper_heat(lec, 3, lang), charts.stepper_output(lec, 8, lang), charts.inspector_tokens(ins, lang),
             charts.inspector_heat(ins, lang), rcharts.race_curves(r, lang),
             rcharts.sweep_chart(sw, lang), rcharts.params_chart(r, lang), rcharts.gradient_chart(g, lang),
             rcharts.slots_chart(s, lang), rcharts.slot_example(s, "Taipei … arrive", example("Taipei … arrive")[0], lang)]
    for ch in built:
        d = ch.to_dict()  # validates
        assert d["width"] == "container"
        assert "NaN" not in json.dumps(d) and "Infinity" not in json.dumps(d)


def test_named_colours_are_palette_names():
    from core.charts import COLOURS
    from core.charts import rnn as charts
    from core.charts import rnn_race as rcharts

    names = [charts.STEP_COLOUR, charts.SYMBOL_COLOUR, *charts.MEMORY_COLOURS.values(), *rcharts.KIND_COLOURS.values(),
             *rcharts.TAGGER_COLOURS.values(), *rcharts.TAG_COLOURS.values()]
    assert all(n in COLOURS or n == "grey" for n in names)
    assert len(set(rcharts.KIND_COLOURS.values())) == 3 and len(set(rcharts.TAGGER_COLOURS.values())) == 4
