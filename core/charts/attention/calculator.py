"""Charts of the self-attention calculator (parts ``steps``, ``heads``, ``position``): heatmaps of the inputs,
Q, K, V, scores and weights, one query step by step, the weighted sum and the shuffle test. Every word from
the ``attention.charts`` catalogue."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.attention.calculator import CalcResult
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.charts.attention.heat import K, heat, height, long, np_, wrap

MATRICES = {  # which -> (catalogue key of its title, column symbol)
    "embed": ("embed", "x"), "pe": ("pe", "e"), "a": ("a", "a"), "Q": ("Q", "q"), "K": ("K", "k"), "V": ("V", "v"),
    "concat": ("concat", "concat"), "out": ("out", "b"),
}
QUERY_STEP_COLOURS = {"score": "orange", "weight": "blue"}  # query_steps: bars of alpha, bars of alpha'
FOLLOWED_COLOUR = "vermillion"  # followed: the outline of the followed query's row


def matrices(r: CalcResult, names: tuple[str, ...], lang: str = "en"):
    """Several (n, d) matrices of the calculator side by side in one heatmap: a row per token, a column
    per dimension, columns prefixed by the matrix's symbol (x1.. e1.. a1.., or q1.. k1.. v1..)."""
    tr = i18n.translator(lang)
    frames, cols = [], []
    for which in names:
        sym = MATRICES[which][1]
        mat = np_(r.parts[which] if which in r.parts else getattr(r, which))  # (n, d)
        cs = [f"{sym}{j + 1}" if which != "concat" else f"h{j // r.d_head + 1}·{j % r.d_head + 1}"
              for j in range(mat.shape[1])]
        frames.append(long(mat, r.labels, cs))
        cols += cs
    title = " | ".join(tr(K + "matrix." + ("a_plain" if w == "a" and not r.config.positional else MATRICES[w][0]))
                       for w in names)
    return heat(pd.concat(frames, ignore_index=True), r.labels, cols, wrap(title), tr(K + "dimension"),
                tr(K + "token"), tr(K + "value"), all_x=False)


def scores(r: CalcResult, head: int = 0, kind: str = "weights", lang: str = "en"):
    """Scores alpha (masked cells grey) or weights alpha' of one head: a row per query, a column per key."""
    tr = i18n.translator(lang)
    mat = np_(r.parts[kind][head])  # (n, n)
    relu = r.config.activation == "ReLU"
    if kind == "scores":
        title = tr(K + ("scores_scaled" if r.config.scale else "scores"), h=head + 1)
        dom, scheme = None, "signed"
    else:
        title = tr(K + ("weights_relu" if relu else "weights_softmax"), h=head + 1)
        dom, scheme = (None, "signed") if relu else ((0.0, 1.0), "weights")
        if relu:
            dom, scheme = (0.0, max(1.0, float(np.nanmax(np.where(np.isfinite(mat), mat, 0.0))))), "weights"
    if r.config.mask != "none":
        title += " · " + tr(K + "mask." + r.config.mask)
    df = long(mat, r.labels, r.labels, np_(r.allowed))
    return heat(df, r.labels, r.labels, wrap(title), tr(K + "key"), tr(K + "query"), tr(K + "value"), scheme, dom)


def followed(r: CalcResult, i: int, lang: str = "en"):
    """Head 1's weights alpha' (masked cells grey) with query i's row (0-based) outlined: the calculator's
    central picture, every token label on both axes."""
    tr = i18n.translator(lang)
    ch = scores(r, 0, "weights", lang)
    row = pd.DataFrame({"row": [r.labels[i]]})
    outline = mark(row, {"type": "rect", "filled": False, "stroke": COLOURS[FOLLOWED_COLOUR], "strokeWidth": 3.5},
                   y={"field": "row", "type": "nominal", "sort": list(r.labels)},
                   tooltip=[{"field": "row", "type": "nominal", "title": tr(K + "followed")}])
    ch.layer.append(outline)
    return ch


def query_steps(r: CalcResult, i: int, lang: str = "en"):
    """Query i (0-based) in head 1: alpha_ij and alpha'_ij side by side over the keys j, values written on."""
    tr = i18n.translator(lang)
    a, w = np_(r.parts["scores"][0, i]), np_(r.parts["weights"][0, i])  # (n,), (n,)
    ok = np.isfinite(a)
    steps = [tr(K + "step.score"), tr(K + ("step.relu" if r.config.activation == "ReLU" else "step.softmax"))]
    keys = np.asarray(r.labels, dtype=object)[ok]
    df = pd.concat([pd.DataFrame({"key": keys, "value": a[ok], "step": steps[0]}),
                    pd.DataFrame({"key": keys, "value": w[ok], "step": steps[1]})], ignore_index=True)
    df["label"] = [f"{v:.2f}" for v in df.value]
    # horizontal bars: every key label upright and readable in a narrow slot, the value written beside its bar
    enc = dict(y=n("key", tr(K + "key"), sort=list(r.labels), axis={"labelOverlap": False, "labelLimit": 120}),
               yOffset=n("step", sort=steps), x=q("value", tr(K + "value")),
               tooltip=[n("key", tr(K + "key")), n("step", tr(K + "stage")), n("label", tr(K + "value"))])
    colours = [COLOURS[QUERY_STEP_COLOURS["score"]], COLOURS[QUERY_STEP_COLOURS["weight"]]]
    bars = mark(df, "bar", **enc, color=n("step", None, sort=steps, scale=scale(steps, colours),
                                            legend={"title": None, "columns": 1}))
    at = df.assign(end=np.maximum(df.value, 0.0))  # labels right of the bar's end, or of 0 for a negative bar
    text = mark(at, {"type": "text", "fontSize": 11, "fill": GREY, "align": "left", "dx": 3},
                **{**enc, "x": q("end", tr(K + "value"))}, text=n("label"))
    masked = "" if ok.all() else tr(K + "keys_masked", k=int((~ok).sum()))
    return styled([bars, text], wrap(tr(K + "query_steps", q=r.labels[i]) + masked, 28), height(len(keys)) + 40)


def weighted_sum(r: CalcResult, i: int, lang: str = "en"):
    """b^i = sum_j alpha'_ij v^j written out for query i (0-based): one row per key's alpha'_ij v^j, then b^i."""
    tr = i18n.translator(lang)
    w, v = np_(r.parts["weights"][0, i]), np_(r.parts["v"][0])  # (n,), (n, d_h)
    rows = [tr(K + "wsum_row", k=lab) for lab in r.labels] + [tr(K + "wsum_total", q=r.labels[i])]
    mat = np.vstack([w[:, None] * v, (w[:, None] * v).sum(0, keepdims=True)])  # (n + 1, d_h)
    cols = [f"b{j + 1}" for j in range(v.shape[1])]
    return heat(long(mat, rows, cols), rows, cols, wrap(tr(K + "wsum")), tr(K + "dimension"), None, tr(K + "value"))


def shuffled(r: CalcResult, lang: str = "en"):
    """Outputs on the shuffled tokens beside the original outputs put in the shuffled order (one heatmap)."""
    tr = i18n.translator(lang)
    lab = [f"{p + 1} {r.tokens[j]}" for p, j in enumerate(r.perm)]
    a, b = np_(r.shuffled_out), np_(r.parts["out"][r.perm])  # (n, d) each
    ca, cb = [f"f(Pa) b{j + 1}" for j in range(a.shape[1])], [f"P f(a) b{j + 1}" for j in range(a.shape[1])]
    df = pd.concat([long(a, lab, ca), long(b, lab, cb)], ignore_index=True)
    return heat(df, lab, ca + cb, wrap(tr(K + "shuffled")), tr(K + "dimension"), tr(K + "shuffled_position"),
                tr(K + "value"), all_x=False)
