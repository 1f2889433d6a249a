"""RNN and LSTM page: hand-written cells against PyTorch's, the lecture's hand-made LSTM, parameter counts,
the page's claims on ten seeds (trained once per module, seeds side by side in one loop), odd sequences,
and every part of the page opened by its link with each of its controls moved."""
from __future__ import annotations

import builtins
from dataclasses import replace

import numpy as np
import pytest
import torch
from torch import nn

from conftest import open_page, snapshot
from core import rng, rnn, train
from core.rnn import (KINDS, HIDDEN, LECTURE_OUTPUTS, VOCAB, Net, SequenceError, SlotConfig, Weights, elman_cell,
                      gru_cell, lstm_cell, lstm_trace, parse, race, race_seeds, ratios_on_seeds, recurrent_params, tag)

SEEDS = range(rnn.CLAIM_SEEDS)
PAGE = "pages/rnn.py"


def _cell_inputs(seed: int, d: int = 5, h: int = 7, b: int = 3):
    g = rng.generator(seed, "test.rnn.cell_inputs")
    return torch.randn(b, d, generator=g), torch.randn(b, h, generator=g), torch.randn(b, h, generator=g)


def _randomise(m: nn.Module, seed: int) -> nn.Module:
    g = rng.generator(seed, "test.rnn.randomise")
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
    x = torch.randn(4, 9, VOCAB, generator=rng.generator(3, "test.rnn.sequence"))  # (B, T, V)
    out, (h, c) = m(x)
    tr = lstm_trace(x, Weights.of(m))
    torch.testing.assert_close(tr["h"], out)
    torch.testing.assert_close(tr["c"][:, -1], c[0])


def test_parameter_counts_four_and_three_times_a_simple_rnn():
    counts = {k: recurrent_params(k, VOCAB, HIDDEN) for k in KINDS}
    assert counts["LSTM"] == 4 * counts["RNN"] and counts["GRU"] == 3 * counts["RNN"]
    for k in KINDS:  # the same numbers PyTorch's layers hold
        layer = Net(k, rng.generator(0, "test.rnn.params")).rnn
        assert sum(p.numel() for p in layer.parameters()) == counts[k]


# ---------------------------------------------------------------- the lecture's hand-made LSTM

def test_lecture_sequence_gives_lecture_outputs():
    tr = rnn.run(rnn.LectureConfig())
    assert np.round(tr.y, 2).tolist() == [float(v) for v in LECTURE_OUTPUTS]
    assert tr.values["c"][3] == pytest.approx(7, abs=0.01)  # 3 + 4 written, 2 not
    assert tr.values["c"][6] == pytest.approx(0, abs=0.01)  # x2 = -1 resets
    f = rnn.stepper_facts(tr)  # the page says "the lecture's outputs: 0, 0, 0, 0, 0, 7, 0, 0, 6"
    assert f.lecture and f.outputs == ", ".join(map(str, LECTURE_OUTPUTS))
    assert not rnn.stepper_facts(rnn.run(rnn.LectureConfig(sharpness=1.0))).lecture


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
    """The page's default race (the claim's settings), RNN and LSTM on CLAIM_SEEDS seeds, one loop."""
    return race_seeds(rnn.CLAIM, SEEDS, kinds=("RNN", "LSTM"))


@pytest.mark.claim
def test_lstm_beats_simple_rnn(race10):
    """Race claim (rnn.seed_facts): the LSTM solves it on at least CLAIM_LSTM_SOLVED of the seeds, the simple RNN
    on at most CLAIM_RNN_SOLVED and stays below LOW on at least CLAIM_RNN_LOW, the LSTM ends ahead on average."""
    assert all(r.log.stopped == "done" for r in race10)
    f = rnn.seed_facts(race10)
    assert all(f["holds"].values()), (f["holds"], f["accuracy"])
    assert all(rnn.race_facts(r).claimed for r in race10)  # the page states it for these runs


@pytest.mark.claim
def test_default_forget_bias_lstm_fails_in_the_same_budget():
    """Preset 'bias0': PyTorch's default forget-gate bias, same race: the LSTM solves it on no seed."""
    res = race_seeds(replace(rnn.CLAIM, forget_bias=0.0), SEEDS, kinds=("LSTM",))
    assert rnn.bias0_holds(res), [r.accuracy["LSTM"] for r in res]


@pytest.mark.claim
def test_simple_rnn_can_learn_a_short_gap():
    """'At shorter gaps the simple RNN can learn this task too (try T = SHORT_GAP)'."""
    res = race_seeds(replace(rnn.CLAIM, gap=rnn.SHORT_GAP), range(rnn.SHORT_SEEDS), kinds=("RNN",))
    assert rnn.short_gap_holds(res), [r.accuracy["RNN"] for r in res]


def test_claim_runs_are_never_cut_by_the_wall_time_guard(monkeypatch):
    """A claim is judged on whole runs: race_seeds ignores the guard (the page's race does not)."""
    monkeypatch.setattr(train, "GUARD_SECONDS", 0.0)
    cfg = rnn.RaceConfig(gap=5, updates=100)
    assert all(r.log.stopped == "done" and r.log.steps == 100 for r in race_seeds(cfg, [0, 1], kinds=("RNN",)))
    assert race(cfg).log.stopped == "time"


def test_race_seeds_is_race_of_each_seed():
    cfg = rnn.RaceConfig(gap=5, updates=100, seed=3)
    one = race(cfg)
    side = race_seeds(cfg, [7, 3], kinds=("RNN", "LSTM"))[1]
    for k in ("RNN", "LSTM"):
        assert side.accuracy[k] == pytest.approx(one.accuracy[k], abs=1e-6)
    assert one.params["LSTM"] == 4 * one.params["RNN"]


@pytest.mark.claim
@pytest.mark.parametrize("bias", rnn.CLAIM_BIASES)
@pytest.mark.parametrize("length", rnn.LENGTHS)
def test_simple_rnn_gradient_vanishes_faster_than_lstm(bias, length):
    r = ratios_on_seeds(rnn.GradConfig(length=length, forget_bias=bias), SEEDS)
    holds = rnn.gradient_claim_holds(r)
    assert all(holds.values()), (holds, r["LSTM"] / r["RNN"], r["RNN"])


@pytest.fixture(scope="module")
def slots10():
    return [tag(SlotConfig(seed=s)) for s in SEEDS]


@pytest.mark.claim
def test_taggers_on_the_city(slots10):
    """Feed-forward and Jordan guess, Elman needs the verb first, the bidirectional tagger gets every city."""
    for s in slots10:
        holds = rnn.slots_claim_holds(s)
        assert all(holds.values()), (s.config.seed, holds, s.city_accuracy)


# ---------------------------------------------------------------- every part of the page, by its link

CHEAP = {"gap": 10, "updates": 200, "forget_bias": 0.0, "bias": 0.0, "sample": 5, "longer": True, "g_len": 80,
         "g_bias": 3.0, "slot_steps": 60, "example": "Taipei … leave", "sharp": 1.0, "seq": "1,0,0; 5,1,0; 1,0,1"}
LINKS = {  # each part's link (cheap training settings where it trains) and the controls it must show
    "stepper": ({}, {"seq", "sharp", "t"}),
    "inspector": ({"gap": "5", "updates": "100"}, {"gap", "updates", "bias", "sample"}),
    "race": ({"gap": "5", "updates": "100"}, {"gap", "updates", "bias", "longer"}),
    "gradient": ({}, {"g_len", "g_bias"}),
    "variants": ({"slot_steps": "30"}, {"slot_steps", "example"}),
}


def _controls(at) -> dict[str, tuple[str, object]]:
    out = {}
    for kind in ("slider", "select_slider", "radio", "toggle", "text_input", "number_input"):
        out.update({w.key: (kind, w) for w in at.get(kind) if w.key and w.key not in ("part", "seed", "lang")})
    return out


@pytest.mark.parametrize("part", list(LINKS))
def test_each_part_opens_by_link_and_each_control_changes_it(part):
    query = {"part": part, **LINKS[part][0]}
    at = open_page(PAGE, query=query)
    assert not at.exception, at.exception
    charts = at.get("vega_lite_chart")
    assert 1 <= len(charts) <= 8
    assert sum(len(c.proto.spec) for c in charts) < 300_000
    assert next(r for r in at.radio if r.key == "part").value == part
    controls = _controls(at)
    assert set(controls) == LINKS[part][1]
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

    for part in rnn.PARTS:
        at = open_page(PAGE, query={"part": part, "lang": "zh", "gap": "5", "updates": "100", "slot_steps": "30",
                                    "longer": "true", "g_bias": "0.0"})
        assert not at.exception and len(at.get("vega_lite_chart")) >= 1
        left = _english_left(_visible_strings(at))
        assert not left, f"{part}: {left[:5]}"


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

    lec, r, ins, sw, g, s = small
    built = [charts.stepper_heat(lec, 3, lang), charts.stepper_output(lec, 8, lang), charts.inspector_tokens(ins, lang),
             charts.inspector_heat(ins, lang), charts.race_curves(r, lang),
             charts.sweep_chart(sw.frame, lang), charts.params_chart(r, lang), charts.gradient_chart(g, lang),
             charts.slots_chart(s, lang),
             charts.slot_example(s, "Taipei … arrive", rnn.example("Taipei … arrive")[0], lang)]
    for ch in built:
        d = ch.to_dict()  # validates
        assert d["width"] == "container"
        assert "NaN" not in json.dumps(d) and "Infinity" not in json.dumps(d)


def test_named_colours_are_palette_names():
    from core.charts import COLOURS
    from core.charts import rnn as charts

    names = [charts.STEP_COLOUR, charts.SYMBOL_COLOUR, *charts.MEMORY_COLOURS.values(), *charts.KIND_COLOURS.values(),
             *charts.TAGGER_COLOURS.values(), *charts.TAG_COLOURS.values()]
    assert all(n in COLOURS or n == "grey" for n in names)
    assert len(set(charts.KIND_COLOURS.values())) == 3 and len(set(charts.TAGGER_COLOURS.values())) == 4
