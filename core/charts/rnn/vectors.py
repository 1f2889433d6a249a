"""Chart of the slot taggers' learned word vectors (part ``variants`` with ``inputs="embedding"``): one tagger's
EMBED = 2 numbers per word drawn as a point, coloured by the word's kind (the verbs, I and on named beside theirs).
Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import hex_of, mark, n, q, scale, styled
from core.rnn.slots import WORDS, SlotResult
from core.rnn.vectors import KINDS

WORD_KIND_COLOURS = {"city": "blue", "day": "green", "verb": "pink", "other": "grey"}
NAMED = ("verb", "other")  # kinds whose words are written beside their points (cities and days lie on top of each
# other, their names would overlap: the colour says the kind, the tooltip the word)


def vectors_chart(s: SlotResult, model: str, lang: str = "en"):
    """The word vectors ``model`` learned: one point per word (x, y: its two numbers), its kind the colour."""
    tr = i18n.translator(lang)
    kinds = {k: tr(f"rnn.charts.word_kind.{k}") for k in WORD_KIND_COLOURS}
    v = s.vectors[model]  # (V, 2)
    df = pd.DataFrame({"word": list(WORDS), "x": v[:, 0].astype(float), "y": v[:, 1].astype(float),
                       "kind": [kinds[KINDS[w]] for w in WORDS]})
    colour = n("kind", tr("rnn.charts.word_kind_title"), sort=list(kinds.values()),
               scale=scale(list(kinds.values()), [hex_of(c) for c in WORD_KIND_COLOURS.values()]))
    enc = dict(x=q("x", tr("rnn.charts.vector_x"), scale={"zero": False, "nice": True}),
               y=q("y", tr("rnn.charts.vector_y"), scale={"zero": False, "nice": True}), color=colour)
    dots = mark(df, {"type": "point", "filled": True, "size": 90}, **enc,
                tooltip=[n("word", tr("rnn.charts.word")), n("kind", tr("rnn.charts.word_kind_title")),
                         q("x", format=".2f"), q("y", format=".2f")])
    named = df[[KINDS[w] in NAMED for w in WORDS]]
    words = mark(named, {"type": "text", "dx": 7, "align": "left", "fontSize": 13}, **enc, text=n("word"))
    title = tr("rnn.charts.vectors_title", tagger=tr(f"rnn.charts.tagger.{model}"))
    return styled([dots, words], title, height=360, legend={"orient": "bottom", "columns": 2})
