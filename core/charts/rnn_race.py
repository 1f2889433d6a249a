"""Charts of the RNN page's comparisons: the memory race, the vanishing gradient and the slot-filling
taggers. Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, hex_of, mark, n, o, q, scale, styled
from core.rnn_cells import KINDS
from core.rnn_gradient import GradResult
from core.rnn_race import SYMBOLS, RaceResult
from core.rnn_slots import MODELS, ORDERS, TAGS, SlotResult

KIND_COLOURS = {"RNN": "vermillion", "LSTM": "blue", "GRU": "green"}  # names of core.charts.COLOURS
TAGGER_COLOURS = {"feed-forward": "grey", "Elman": "orange", "Jordan": "pink", "bidirectional": "sky blue"}
TAG_COLOURS = {"other": "grey", "destination": "blue", "departure": "orange", "time": "green"}


def _kinds(lang: str) -> tuple[dict[str, str], dict]:
    tr = i18n.translator(lang)
    names = {k: tr(f"rnn.charts.kind.{k}") for k in KINDS}
    return names, scale(list(names.values()), [hex_of(KIND_COLOURS[k]) for k in KINDS])


def _chance(lang: str, x_field: str, lo: float, hi: float):
    df = pd.DataFrame({x_field: [lo, hi], "a": [1 / SYMBOLS] * 2})
    return mark(df, {"type": "line", "color": GREY, "strokeDash": [4, 4], "strokeWidth": 2}, x=q(x_field), y=q("a"))


def race_curves(r: RaceResult, lang: str = "en"):
    """Held-out accuracy of the three models against updates; chance (1/4) dashed grey."""
    tr = i18n.translator(lang)
    names, sc = _kinds(lang)
    df = r.history.assign(model=r.history.model.map(names))
    last = max(1, int(r.history["update"].max()))
    line = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 40}},
                x=q("update", tr("rnn.charts.update"), scale={"domain": [0, last]}),
                y=q("accuracy", tr("rnn.charts.accuracy"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
                color=n("model", tr("rnn.charts.model"), scale=sc),
                tooltip=[q("update", tr("rnn.charts.update")), n("model", tr("rnn.charts.model")),
                         q("accuracy", tr("rnn.charts.accuracy"), format=".0%")])
    return styled([_chance(lang, "update", 0, last), line], tr("rnn.charts.race_title", gap=r.config.gap),
                  height=300, legend={"orient": "right"})


def sweep_chart(df: pd.DataFrame, lang: str = "en"):
    """Final accuracy of each model against the gap T (the longer race)."""
    tr = i18n.translator(lang)
    names, sc = _kinds(lang)
    d = df.assign(model=df.model.map(names))
    enc = dict(x=q("gap", tr("rnn.charts.gap"), scale={"domain": [0, max(10, int(df.gap.max()) if len(df) else 10)]}),
               y=q("accuracy", tr("rnn.charts.accuracy"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
               color=n("model", tr("rnn.charts.model"), scale=sc),
               tooltip=[q("gap", tr("rnn.charts.gap")), n("model", tr("rnn.charts.model")),
                        q("accuracy", tr("rnn.charts.accuracy"), format=".0%")])
    hi = max(10, int(df.gap.max()) if len(df) else 10)
    return styled([_chance(lang, "gap", 0, hi), mark(d, {"type": "line", "strokeWidth": 3}, **enc),
                   mark(d, {"type": "point", "size": 80, "filled": True}, **enc)],
                  tr("rnn.charts.sweep_title"), height=280, legend={"orient": "right"})


def params_chart(r: RaceResult, lang: str = "en"):
    """Parameters of each recurrent layer, with its multiple of the simple RNN's."""
    tr = i18n.translator(lang)
    names, sc = _kinds(lang)
    base = r.params["RNN"]
    df = pd.DataFrame({"model": [names[k] for k in KINDS], "params": [r.params[k] for k in KINDS],
                       "label": [f"{r.params[k]:,} (×{r.params[k] / base:g})" for k in KINDS]})
    y = n("model", "", sort=[names[k] for k in KINDS])
    x = q("params", tr("rnn.charts.params"), scale={"domain": [0, 1.45 * max(r.params.values())]})
    bars = mark(df, {"type": "bar", "cornerRadiusEnd": 3}, y=y, x=x, color=n("model", "", scale=sc, legend=None))
    text = mark(df, {"type": "text", "align": "left", "dx": 5, "fontSize": 14, "color": GREY}, y=y, x=x,
                text=n("label"))
    return styled([bars, text], tr("rnn.charts.params_title"), height=200)


def gradient_chart(g: GradResult, lang: str = "en"):
    """Mean ‖∂h_T/∂x_t‖ against the distance T − t, log scale, one line per layer."""
    tr = i18n.translator(lang)
    names, sc = _kinds(lang)
    df = pd.concat([pd.DataFrame({"d": g.distance, "grad": np.clip(g.grad[k], 1e-30, None), "model": names[k]})
                    for k in KINDS], ignore_index=True)
    line = mark(df, {"type": "line", "strokeWidth": 3},
                x=q("d", tr("rnn.charts.distance")),
                y=q("grad", tr("rnn.charts.grad"), scale={"type": "log"}, axis={"format": ".0e"}),
                color=n("model", tr("rnn.charts.model"), scale=sc),
                tooltip=[q("d", tr("rnn.charts.distance")), n("model", tr("rnn.charts.model")),
                         q("grad", tr("rnn.charts.grad"), format=".2e")])
    return styled(line, tr("rnn.charts.grad_title", bias=f"{g.config.forget_bias:g}"), height=320,
                  legend={"orient": "right"})


def _taggers(lang: str) -> tuple[dict[str, str], dict]:
    tr = i18n.translator(lang)
    names = {m: tr(f"rnn.charts.tagger.{m}") for m in MODELS}
    return names, scale(list(names.values()), [hex_of(TAGGER_COLOURS[m]) for m in MODELS])


def slots_chart(s: SlotResult, lang: str = "en"):
    """Accuracy on the city's tag of each tagger, for each word order (grouped bars)."""
    tr = i18n.translator(lang)
    names, sc = _taggers(lang)
    orders = {od: tr(f"rnn.charts.order.{od.replace(' ', '_')}") for od in ORDERS}
    df = pd.DataFrame([(orders[od], names[m], s.city_accuracy[m][od]) for od in ORDERS for m in MODELS],
                      columns=["order", "model", "accuracy"])
    enc = dict(x=n("order", "", sort=list(orders.values()), axis={"labelAngle": 0}),
               xOffset=n("model", sort=list(names.values())),
               y=q("accuracy", tr("rnn.charts.city_accuracy"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
               color=n("model", tr("rnn.charts.tagger_title"), scale=sc, sort=list(names.values())),
               tooltip=[n("order"), n("model", tr("rnn.charts.tagger_title")),
                        q("accuracy", tr("rnn.charts.city_accuracy"), format=".0%")])
    return styled(mark(df, "bar", **enc), tr("rnn.charts.slots_title"), height=280, legend={"orient": "right"})


def slot_example(s: SlotResult, example: str, words: list[str], lang: str = "en"):
    """The tag each tagger gives each word of one sentence (colour: the tag; text: its probability)."""
    tr = i18n.translator(lang)
    names, _ = _taggers(lang)
    tags = {t: tr(f"rnn.charts.tag.{t}") for t in TAGS}
    p = s.examples[example]  # (M, L, tags)
    rows = []
    for mi, m in enumerate(MODELS):
        for li, w in enumerate(words):
            k = int(np.argmax(p[mi, li]))
            rows.append((names[m], f"{li + 1} {w}", tags[TAGS[k]], float(p[mi, li, k])))
    df = pd.DataFrame(rows, columns=["model", "word", "tag", "p"])
    x = o("word", "", sort=[f"{i + 1} {w}" for i, w in enumerate(words)], axis={"labelAngle": 0, "orient": "top"})
    y = n("model", "", sort=[names[m] for m in MODELS], axis={"labelLimit": 220})
    rect = mark(df, {"type": "rect", "stroke": GREY, "strokeWidth": 0.5}, x=x, y=y,
                color=n("tag", tr("rnn.charts.tag_title"), scale=scale(list(tags.values()),
                                                                        [hex_of(TAG_COLOURS[t]) for t in TAGS])),
                opacity=q("p", None, scale={"domain": [0.25, 1], "range": [0.25, 1]}, legend=None),
                tooltip=[n("model"), n("word"), n("tag", tr("rnn.charts.tag_title")), q("p", format=".2f")])
    text = mark(df.assign(label=[f"{t} {v:.0%}" for t, v in zip(df.tag, df.p)]),
                {"type": "text", "fontSize": 12, "color": "white"}, x=x, y=y, text=n("label"))
    return styled([rect, text], tr("rnn.charts.example_title"), height=330, legend={"orient": "right"})
