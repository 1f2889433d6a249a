"""The fitting page's charts: valid Vega-Lite in both languages, the colours the page's text names, and
replay frames that differ from each other only in their data."""
from __future__ import annotations

import json

import numpy as np
import pytest

from core import fitting
from core.charts import COLOURS, GREY
from core.charts import fitting as charts
from pages._draw import vega_spec


@pytest.fixture(scope="session")
def result():
    return fitting.fit(fitting.FitConfig(epochs=20))


def _builders(r):
    sw = fitting.sweep(fitting.FitConfig(n=60), ks=(1, 2), steps=20)
    deep = fitting.fit(fitting.FitConfig(k=12, depth=2, epochs=10))  # 24 ReLUs: no values written in the cells
    return [
        lambda lang: charts.fit_panel(r, 0, lang), lambda lang: charts.fit_frame(r, 1, 3, lang),
        lambda lang: charts.parts_panel(r, 1, lang), lambda lang: charts.loss_chart(r.history, "MSE", lang, 5),
        lambda lang: charts.relu_pair_chart(fitting.relu_pair(), lang),
        lambda lang: charts.divergence_chart(np.array([[0.3, 0.2], [5e6, 0.1]]), (2, None), lang),
        lambda lang: charts.sweep_chart(sw, "ReLU", "MSE", lang),
        lambda lang: charts.matrix_vectors(fitting.matrix_of(r, "ReLU", 0.3), lang),
        lambda lang: charts.matrix_vectors(fitting.matrix_of(deep, "sigmoid", -1.0), lang),
        lambda lang: charts.matrix_weights(fitting.matrix_of(deep, "ReLU", 0.0), 1, lang),
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_chart_is_valid_vega_lite(result, lang):
    for build in _builders(result):
        build(lang).to_dict(validate=True)


def test_named_colours_are_the_drawn_ones(result):
    spec = json.dumps(charts.fit_panel(result, 0).to_dict(validate=False)) + \
        json.dumps(charts.fit_panel(result, 1).to_dict(validate=False))
    for m in fitting.NAMES:
        assert COLOURS[charts.MODEL_COLOURS[m]] in spec
    pair = json.dumps(charts.relu_pair_chart(fitting.relu_pair()).to_dict(validate=False))
    for name in charts.PAIR_COLOURS.values():
        assert (GREY if name == "grey" else COLOURS[name]) in pair
    mat = json.dumps(charts.matrix_vectors(fitting.matrix_of(result, "ReLU", 0.3)).to_dict(validate=False))
    for name in charts.SIGN_COLOURS.values():  # the part's text names the cells' colours for negative and positive
        assert COLOURS[name] in mat


def test_replay_frames_differ_only_in_data(result):
    a, b = vega_spec(charts.fit_frame(result, 0, 1)), vega_spec(charts.fit_frame(result, 0, 5))
    assert {k: v for k, v in a.items() if k != "datasets"} == {k: v for k, v in b.items() if k != "datasets"}
    assert a["datasets"] != b["datasets"]
    la, lb = vega_spec(charts.loss_chart(result.history, "MSE", "en", 2)), \
        vega_spec(charts.loss_chart(result.history, "MSE", "en", 9))
    assert {k: v for k, v in la.items() if k != "datasets"} == {k: v for k, v in lb.items() if k != "datasets"}
