"""Charts of the self-attention page: heatmaps of Q, K, V, scores and weights, one query step by step,
masks and their cost, convolution against window attention, and a tiny transformer's maps while it trains."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.attention import MODEL_NAMES, CalcResult, ConvCompare, TrainResult
from core.charts import PALETTE, STYLE_CONFIG

MATRICES = {
    "embed": ("word embeddings x^i", "x"),
    "pe": ("positional encoding e^i (sinusoids)", "e"),
    "a": ("input a^i = x^i + e^i", "a"),
    "Q": ("queries Q = A W^qᵀ", "q"),
    "K": ("keys K = A W^kᵀ", "k"),
    "V": ("values V = A W^vᵀ", "v"),
    "concat": ("heads concatenated", "concat"),
    "out": ("output after W^O", "b"),
}


def _np(t) -> np.ndarray:
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def _long(mat: np.ndarray, rows: list[str], cols: list[str], allowed: np.ndarray | None = None,
          fmt: str = "{:.2f}") -> pd.DataFrame:
    """(R, C) matrix -> long frame row, col, value, masked, label. Non-finite or disallowed cells are
    'masked' with value 0 (no NaN or inf ever reaches a chart)."""
    r, c = np.meshgrid(np.arange(len(rows)), np.arange(len(cols)), indexing="ij")
    v = mat.ravel().astype(float)
    masked = ~np.isfinite(v)
    if allowed is not None:
        masked |= ~np.asarray(allowed, dtype=bool).ravel()
    v = np.where(masked, 0.0, v)
    return pd.DataFrame({"row": np.asarray(rows, dtype=object)[r.ravel()], "col": np.asarray(cols, dtype=object)[c.ravel()],
                         "value": v, "masked": masked,
                         "label": ["×" if m else fmt.format(x) for x, m in zip(v, masked)]})


# style()'s look as one config: applying style() per chart costs five deep copies of the chart. The heatmaps
# are rebuilt on every control change, so their encodings are plain Vega-Lite dicts, which Altair wraps
# without parsing them (several times faster; tests/test_attention.py validates every spec against the schema).
_CONFIG = STYLE_CONFIG


def _heat(df: pd.DataFrame, rows: list[str], cols: list[str], title: str, x_title: str, y_title: str | None,
          scheme: str = "blueorange", domain=None, height: int = 300, upright_from: int = 9,
          legend: bool = True) -> alt.Chart:
    """A heatmap, one chart: a cell per (row, col), masked cells grey. From ``upright_from`` columns on, the
    column labels stand upright so that each still fits its narrow column."""
    scale = {"scheme": scheme, **({"domain": list(domain)} if domain is not None else {"domainMid": 0})}
    fill = {"field": "value", "type": "quantitative", "title": None, "scale": scale,
            "legend": {"orient": "right", "gradientLength": 120} if legend else None}
    angle = -40 if len(cols) < upright_from else -90
    enc = dict(
        x={"field": "col", "type": "nominal", "sort": list(cols), "title": x_title,
           "axis": {"labelAngle": angle, "labelLimit": 90}},
        y={"field": "row", "type": "nominal", "sort": list(rows), "title": y_title, "axis": {"labelLimit": 120}},
        tooltip=[{"field": "row", "type": "nominal"}, {"field": "col", "type": "nominal"},
                 {"field": "label", "type": "nominal", "title": "value"}],
        color={"condition": {"test": "datum.masked", "value": "#dddddd"}, **fill} if df.masked.any() else fill)
    return alt.Chart(df, mark=alt.MarkDef(type="rect", stroke="white", strokeWidth=0.5),
                     encoding=alt.FacetedEncoding(**enc), title=title, height=height, width="container",
                     config=_CONFIG)


def _height(n: int) -> int:
    """Total height for n rows: Streamlit fits the whole chart (title, rotated labels, axis title) into
    it, so about 30 px a row plus room for the decorations."""
    return int(np.clip(30 * n + 130, 230, 560))


def matrices(r: CalcResult, names: tuple[str, ...]):
    """Several (n, d) matrices of the calculator side by side in one heatmap: a row per token, a column
    per dimension, columns prefixed by the matrix's symbol (x1.. e1.. a1.., or q1.. k1.. v1..)."""
    frames, cols = [], []
    for which in names:
        _, sym = MATRICES[which]
        mat = _np(r.parts[which] if which in r.parts else getattr(r, which))  # (n, d)
        cs = [f"{sym}{j + 1}" if which != "concat" else f"h{j // r.d_head + 1}·{j % r.d_head + 1}"
              for j in range(mat.shape[1])]
        frames.append(_long(mat, r.labels, cs))
        cols += cs
    title = " | ".join(MATRICES[w][0] if (w != "a" or r.config.positional) else "input a^i = x^i (no encoding)"
                       for w in names)
    return _heat(pd.concat(frames, ignore_index=True), r.labels, cols, title, "dimension", None, height=_height(r.n),
                 upright_from=33)


def scores(r: CalcResult, head: int = 0, kind: str = "weights"):
    """Scores alpha (masked cells grey) or softmax weights alpha' of one head: a row per query, a column per key."""
    mat = _np(r.parts[kind][head])  # (n, n)
    scaled = "/√d_k" if r.config.scale else ""
    if kind == "scores":
        title, dom, scheme = f"head {head + 1}: scores α = q·k{scaled}", None, "blueorange"
    else:
        title, dom, scheme = f"head {head + 1}: weights α′ = softmax(α)", (0.0, 1.0), "blues"
    if r.config.mask != "none":
        title += f" · {r.config.mask} mask"
    df = _long(mat, r.labels, r.labels, _np(r.allowed))
    return _heat(df, r.labels, r.labels, title, "key j", "query i", scheme, dom, height=_height(r.n))


def query_steps(r: CalcResult, i: int):
    """Query i (0-based) in head 1: alpha_ij and alpha'_ij side by side over the keys j, values written on."""
    a = _np(r.parts["scores"][0, i])  # (n,)
    w = _np(r.parts["weights"][0, i])  # (n,)
    ok = np.isfinite(a)
    steps = ["α = q·k (score)", "α′ = softmax(α)"]
    keys = np.asarray(r.labels, dtype=object)[ok]
    df = pd.concat([pd.DataFrame({"key": keys, "value": a[ok], "step": steps[0]}),
                    pd.DataFrame({"key": keys, "value": w[ok], "step": steps[1]})], ignore_index=True)
    df["label"] = [f"{v:.2f}" for v in df.value]
    enc = dict(x={"field": "key", "type": "nominal", "sort": list(r.labels), "title": "key j",
                  "axis": {"labelAngle": -40}},
               xOffset={"field": "step", "type": "nominal", "sort": steps},
               y={"field": "value", "type": "quantitative", "title": "value"},
               tooltip=[{"field": "key", "type": "nominal"}, {"field": "step", "type": "nominal"},
                        {"field": "label", "type": "nominal", "title": "value"}])
    bars = alt.Chart(mark=alt.MarkDef(type="bar"), encoding=alt.FacetedEncoding(
        **enc, color={"field": "step", "type": "nominal", "sort": steps, "title": None,
                      "scale": {"domain": steps, "range": [PALETTE[1], PALETTE[0]]}}))
    text = alt.Chart(mark=alt.MarkDef(type="text", dy=-9, fontSize=12),  # theme colour: legible light or dark
                     encoding=alt.FacetedEncoding(**enc, text={"field": "label", "type": "nominal"}))
    masked = "" if ok.all() else f" ({int((~ok).sum())} keys masked)"
    return alt.LayerChart(data=df, layer=[bars, text], title=f"query {r.labels[i]}, head 1: α, then α′{masked}",
                          height=320, width="container", config=_CONFIG)


def weighted_sum(r: CalcResult, i: int):
    """b^i = sum_j alpha'_ij v^j written out for query i (0-based): one row per key's alpha'_ij v^j, then b^i."""
    w = _np(r.parts["weights"][0, i])  # (n,)
    v = _np(r.parts["v"][0])  # (n, d_h)
    rows = [f"α′·v of {lab}" for lab in r.labels] + [f"b of {r.labels[i]} = Σ"]
    mat = np.vstack([w[:, None] * v, (w[:, None] * v).sum(0, keepdims=True)])  # (n + 1, d_h)
    cols = [f"b{j + 1}" for j in range(v.shape[1])]
    return _heat(_long(mat, rows, cols), rows, cols, "b^i = Σ_j α′_ij v^j (head 1)", "dimension", None,
                 height=_height(len(rows)))


def shuffled(r: CalcResult):
    """Outputs on the shuffled words beside the original outputs put in the shuffled order (one heatmap)."""
    lab = [f"{p + 1} {r.tokens[j]}" for p, j in enumerate(r.perm)]
    a = _np(r.shuffled_out)  # (n, d)
    b = _np(r.parts["out"][r.perm])  # (n, d)
    d = a.shape[1]
    ca, cb = [f"f(Pa) b{j + 1}" for j in range(d)], [f"P f(a) b{j + 1}" for j in range(d)]
    df = pd.concat([_long(a, lab, ca), _long(b, lab, cb)], ignore_index=True)
    return _heat(df, lab, ca + cb, "outputs on the shuffled words | original outputs, rows shuffled", "dimension",
                 "shuffled position", height=_height(r.n), upright_from=17)


def cost_chart(df: pd.DataFrame) -> alt.Chart:
    """Scores to compute against sequence length n: n² for full attention, about n·w for a window."""
    enc = dict(x={"field": "n", "type": "quantitative", "title": "sequence length n (log)",
                  "scale": {"type": "log", "base": 2}},
               y={"field": "scores", "type": "quantitative", "title": "scores computed (log)", "scale": {"type": "log"}},
               color={"field": "attention", "type": "nominal", "title": None,
                      "scale": {"range": [PALETTE[5], PALETTE[2]]}, "legend": {"labelLimit": 300}},
               tooltip=[{"field": "n", "type": "quantitative"}, {"field": "attention", "type": "nominal"},
                        {"field": "scores", "type": "quantitative", "format": ","}])
    return alt.Chart(df, mark=alt.MarkDef(type="line", point=True, strokeWidth=3), encoding=alt.FacetedEncoding(**enc),
                     title="cost: n² against n·w", height=320, width="container", config=_CONFIG)


def mixing(c: ConvCompare, which: str):
    """How much output i takes from input j: a convolution (same weights on every row) or window attention."""
    mat = _np(c.conv_mix if which == "conv" else c.attn_mix)  # (n, n)
    n = len(c.labels)
    r = (c.window - 1) // 2
    idx = np.arange(n)
    inside = np.abs(idx[:, None] - idx[None, :]) <= r
    title = (f"1-D convolution, width {c.window}: the same weights on every row" if which == "conv"
             else f"window attention, width {c.window}: weights from the content")
    return _heat(_long(mat, c.labels, c.labels, inside), c.labels, c.labels, title, "input j", "output i", "blues",
                 (0.0, 1.0), height=_height(n))


def train_map(t: TrainResult, m: int, layer: int, head: int):
    """Attention weights of one head of the tiny transformer on the shown example sequence."""
    x, _ = t.example
    lab = [f"{p + 1}: {tok}" for p, tok in enumerate(x)]
    mat = t.maps[m, layer, head]  # (T, T)
    name = "with PE" if m == 0 else "without PE"
    title = f"{name} · layer {layer + 1} head {head + 1}"
    return _heat(_long(mat, lab, lab), lab, lab, title, "attends to", "position: token", "blues",
                 (0.0, 1.0), height=_height(len(lab)), legend=False, upright_from=7)


def accuracy_chart(t: TrainResult) -> alt.Chart:
    """Per-token accuracy on held-out sequences against step, with and without positional encoding."""
    h = t.history[np.isfinite(t.history.accuracy)]
    enc = dict(x={"field": "step", "type": "quantitative", "title": "update", "scale": {"domain": [0, t.config.steps]}},
               y={"field": "accuracy", "type": "quantitative", "title": "accuracy per token",
                  "scale": {"domain": [0, 1]}},
               color={"field": "model", "type": "nominal", "title": None,
                      "scale": {"domain": list(MODEL_NAMES), "range": [PALETTE[0], PALETTE[5]]},
                      "legend": {"labelLimit": 400, "columns": 1}},
               tooltip=[{"field": "step", "type": "quantitative"}, {"field": "model", "type": "nominal"},
                        {"field": "accuracy", "type": "quantitative", "format": ".3f"},
                        {"field": "loss", "type": "quantitative", "format": ".3f"}])
    return alt.Chart(h, mark=alt.MarkDef(type="line", strokeWidth=3), encoding=alt.FacetedEncoding(**enc),
                     title=f"learning to {t.config.task} (chance = 1/{t.config.vocab})", height=380,
                     width="container", config=_CONFIG)
