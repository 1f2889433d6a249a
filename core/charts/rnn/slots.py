"""Charts of the RNN page's slot-filling taggers (part ``variants``). Every word from
core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import GREY, hex_of, mark, n, o, q, scale, styled
from core.rnn.slots import MODELS, ORDERS, TAGS, SlotResult

TAGGER_COLOURS = {"feed-forward": "grey", "Elman": "orange", "Jordan": "pink", "bidirectional": "sky blue"}
TAG_COLOURS = {"other": "grey", "destination": "blue", "departure": "orange", "time": "green"}


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
