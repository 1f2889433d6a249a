"""Charts of the tiny transformer (accuracy, attention maps while it trains) and of the RNN beside it
(accuracy against distance, steps that must run one after another)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.attention.rnn import SERIES
from core.attention.transformer import MODEL_NAMES, TrainResult
from core.charts import COLOURS, mark, n, q, scale, styled
from core.charts.attention.heat import K, heat, long, wrap

MODEL_COLOURS = {MODEL_NAMES[0]: "blue", MODEL_NAMES[1]: "vermillion"}  # accuracy_chart: with / without PE
SERIES_COLOURS = {SERIES[0]: "blue", SERIES[1]: "orange"}  # distance_chart, steps_chart: attention / RNN


_MODEL_KEYS = dict(zip(MODEL_NAMES, ("models.with_pe", "models.without_pe")))
_SERIES_KEYS = dict(zip(SERIES, ("series.attention", "series.rnn")))


def map_grid(heads: int) -> tuple[int, list[tuple[int, int]]]:
    """The maps drawn under the learning curve: (maps per row, [(model, head)]): every head of the model with
    positions (at most four), then head 1 of the model without."""
    shown = [(0, h) for h in range(min(4, heads))] + [(1, 0)]
    return (2 if len(shown) == 2 else 3), shown


def train_map(t: TrainResult, m: int, layer: int, head: int, lang: str = "en"):
    """Attention weights of one head of the tiny transformer (model m) on the shown example sequence."""
    tr = i18n.translator(lang)
    x, _ = t.example
    lab = [f"{p + 1}: {tok}" for p, tok in enumerate(x)]
    title = tr(K + ("map.with_pe" if m % 2 == 0 else "map.without_pe"), l=layer + 1, h=head + 1)
    return heat(long(t.maps[m, layer, head], lab, lab), lab, lab, wrap(title), tr(K + "map.x"), tr(K + "map.y"),
                tr(K + "value"), "weights", (0.0, 1.0), legend=False)


def accuracy_chart(t: TrainResult, lang: str = "en"):
    """Per-token accuracy on held-out sequences against update, with and without positional encoding."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _MODEL_KEYS.items()}
    h = t.history[np.isfinite(t.history.accuracy)]
    h = h.assign(model=h.model.map(names))
    dom = [names[m] for m in MODEL_NAMES]
    enc = dict(x=q("step", tr(K + "update"), scale={"domain": [0, t.config.steps]}),
               y=q("accuracy", tr(K + "accuracy"), scale={"domain": [0, 1]}),
               color=n("model", None, scale=scale(dom, [COLOURS[MODEL_COLOURS[m]] for m in MODEL_NAMES]),
                       legend={"title": None, "labelLimit": 400, "columns": 1}),
               tooltip=[q("step", tr(K + "update")), n("model", tr(K + "model")),
                        q("accuracy", tr(K + "accuracy"), format=".3f"), q("loss", tr(K + "loss"), format=".3f")])
    title = tr(K + "learning", task=tr(K + "task." + t.config.task), v=t.config.vocab)
    return styled(mark(h, {"type": "line", "strokeWidth": 3}, **enc), wrap(title), 380)


def distance_chart(df: pd.DataFrame, lang: str = "en"):
    """``core.attention.distance_frame``: accuracy of each output against the distance to the symbol it
    fetches, self-attention beside the RNN (chance 1/vocab is the bottom of the scale's meaning)."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _SERIES_KEYS.items()}
    d = df.assign(model=df.model.map(names))
    dom = [names[s] for s in SERIES]
    enc = dict(x=q("distance", tr(K + "rnn.distance")), y=q("accuracy", tr(K + "accuracy"), scale={"domain": [0, 1]}),
               color=n("model", None, scale=scale(dom, [COLOURS[SERIES_COLOURS[s]] for s in SERIES]),
                       legend={"title": None, "labelLimit": 400, "columns": 1}),
               tooltip=[n("model", tr(K + "model")), q("output", tr(K + "rnn.output")),
                        q("distance", tr(K + "rnn.distance")), q("hops", tr(K + "rnn.hops")),
                        q("accuracy", tr(K + "accuracy"), format=".3f")])
    return styled(mark(d, {"type": "line", "point": True, "strokeWidth": 3}, **enc), wrap(tr(K + "rnn.title")), 320)


def steps_chart(df: pd.DataFrame, lang: str = "en"):
    """``core.attention.steps_frame``: steps that must run one after another, RNN against self-attention."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _SERIES_KEYS.items()}
    d = df.assign(model=df.model.map(names))
    dom = [names[s] for s in SERIES]
    enc = dict(y=n("model", None, sort=dom, axis={"labelLimit": 320, "title": None}), x=q("steps", tr(K + "rnn.sequential")),
               color=n("model", None, legend=None, scale=scale(dom, [COLOURS[SERIES_COLOURS[s]] for s in SERIES])),
               tooltip=[n("model", tr(K + "model")), q("steps", tr(K + "rnn.sequential"))])
    return styled(mark(d, "bar", **enc), wrap(tr(K + "rnn.steps_title")), 180)
