"""Charts of the self-attention page's masks and convolution parts: what a window saves as n grows, and a
1-D convolution beside window attention. Every word from the ``attention.charts`` catalogue."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.attention.conv import ConvCompare
from core.attention.layer import COST_KINDS
from core.charts import COLOURS, mark, n, q, scale, styled
from core.charts.attention.heat import K, heat, long, np_, wrap

COST_COLOURS = {"full": "vermillion", "window": "green"}  # cost_chart: n^2 and n*w


def cost_chart(df: pd.DataFrame, w: int, lang: str = "en"):
    """Scores to compute against sequence length n: n² for full attention, about n·w for a window of width w."""
    tr = i18n.translator(lang)
    names = {k: tr(K + "cost." + k, w=w) for k in COST_KINDS}
    d = df.assign(attention=df.attention.map(names))
    dom = [names[k] for k in COST_KINDS]
    enc = dict(x=q("n", tr(K + "cost.n"), scale={"type": "log", "base": 2}),
               y=q("scores", tr(K + "cost.scores"), scale={"type": "log"}),
               color=n("attention", None, scale=scale(dom, [COLOURS[COST_COLOURS[k]] for k in COST_KINDS]),
                       legend={"title": None}),
               tooltip=[q("n", "n"), n("attention", tr(K + "cost.kind")),
                        q("scores", tr(K + "cost.scores"), format=",")])
    return styled(mark(d, {"type": "line", "point": True, "strokeWidth": 3}, **enc), wrap(tr(K + "cost.title")), 320)


def mixing(c: ConvCompare, which: str, lang: str = "en"):
    """How much output i takes from input j: a convolution (same weights on every row) or window attention."""
    tr = i18n.translator(lang)
    mat = np_(c.conv_mix if which == "conv" else c.attn_mix)  # (n, n)
    idx = np.arange(len(c.labels))
    inside = np.abs(idx[:, None] - idx[None, :]) <= (c.window - 1) // 2
    title = tr(K + ("mix.conv" if which == "conv" else "mix.attn"), w=c.window)
    top = max(1.0, float(mat.max()))
    return heat(long(mat, c.labels, c.labels, inside), c.labels, c.labels, wrap(title), tr(K + "mix.input"),
                tr(K + "mix.output"), tr(K + "value"), "weights", (0.0, top))
