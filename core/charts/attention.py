"""Charts of the self-attention page: heatmaps of Q, K, V, scores and weights, one query step by step,
masks and their cost, convolution against window attention, and a tiny transformer's maps while it trains."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.attention import MODEL_NAMES, CalcResult, ConvCompare, TrainResult
from core.charts import PALETTE, style

MODEL_COLORS = alt.Scale(domain=list(MODEL_NAMES), range=[PALETTE[0], PALETTE[5]])
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


# style()'s look, computed once: applying it per chart costs five deep copies of the chart
_CONFIG = style(alt.Chart()).config


def _styled(ch, height: int):
    """The projector-legible look of ``core.charts.style`` in one step."""
    return ch.properties(height=height, width="container", config=_CONFIG)


def _heat(df: pd.DataFrame, rows: list[str], cols: list[str], title: str, x_title: str, y_title: str | None,
          scheme: str = "blueorange", domain=None, text: bool = False, height: int = 300):
    """A heatmap (masked cells grey with a ×), one chart, or a layer of two with the values written in."""
    scale = alt.Scale(scheme=scheme, **({"domain": list(domain)} if domain is not None else {"domainMid": 0}))
    fill = alt.Color("value:Q", title=None, scale=scale, legend=alt.Legend(orient="right", gradientLength=120))
    base = alt.Chart(df).encode(
        x=alt.X("col:N", sort=list(cols), title=x_title, axis=alt.Axis(labelAngle=-40, labelLimit=90)),
        y=alt.Y("row:N", sort=list(rows), title=y_title, axis=alt.Axis(labelLimit=110)),
        tooltip=["row", "col", alt.Tooltip("label:N", title="value")])
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        color=alt.condition("datum.masked", alt.value("#dddddd"), fill) if df.masked.any() else fill)
    if not text:
        return _styled(rect.properties(title=title), height)
    vals = df.value[~df.masked]
    lo, hi = (domain if domain is not None else (float(vals.min()), float(vals.max())) if len(vals) else (0.0, 1.0))
    cut = lo + 0.65 * (hi - lo) if domain is not None else max(abs(lo), abs(hi)) * 0.6
    dark = f"datum.value > {cut}" if domain is not None else f"abs(datum.value) > {cut}"
    txt = base.mark_text(fontSize=12).encode(
        text="label:N", color=alt.condition(f"!datum.masked && {dark}", alt.value("white"), alt.value("#222")))
    return _styled(alt.layer(rect, txt, title=title), height)


def _height(n: int) -> int:
    return int(np.clip(34 * n + 40, 160, 460))


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
    return _heat(pd.concat(frames, ignore_index=True), r.labels, cols, title, "dimension", None, height=_height(r.n))


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


def query_steps(r: CalcResult):
    """The followed query in head 1: alpha_ij and alpha'_ij side by side over the keys j, values written on."""
    i = r.query
    a = _np(r.parts["scores"][0, i])  # (n,)
    w = _np(r.parts["weights"][0, i])  # (n,)
    ok = np.isfinite(a)
    steps = ["α = q·k (score)", "α′ = softmax(α)"]
    keys = np.asarray(r.labels, dtype=object)[ok]
    df = pd.concat([pd.DataFrame({"key": keys, "value": a[ok], "step": steps[0]}),
                    pd.DataFrame({"key": keys, "value": w[ok], "step": steps[1]})], ignore_index=True)
    df["label"] = [f"{v:.2f}" for v in df.value]
    base = alt.Chart(df).encode(
        x=alt.X("key:N", sort=list(r.labels), title="key j", axis=alt.Axis(labelAngle=-40)),
        xOffset=alt.XOffset("step:N", sort=steps),
        y=alt.Y("value:Q", title="value"),
        tooltip=["key", "step", "label"])
    bars = base.mark_bar().encode(color=alt.Color("step:N", sort=steps, title=None,
                                                  scale=alt.Scale(domain=steps, range=[PALETTE[1], PALETTE[0]])))
    labels = base.mark_text(dy=-9, fontSize=12, color="#222").encode(text="label:N")
    masked = "" if ok.all() else f" ({int((~ok).sum())} keys masked)"
    return _styled(alt.layer(bars, labels, title=f"query {r.labels[i]}, head 1: α, then α′{masked}"), 300)


def weighted_sum(r: CalcResult):
    """b^i = sum_j alpha'_ij v^j written out: one row per key's alpha'_ij v^j, then their sum b^i."""
    i = r.query
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
                 "shuffled position", height=_height(r.n))


def cost_chart(df: pd.DataFrame):
    """Scores to compute against sequence length n: n² for full attention, about n·w for a window."""
    ch = alt.Chart(df).mark_line(point=True, strokeWidth=3).encode(
        x=alt.X("n:Q", title="sequence length n (log)", scale=alt.Scale(type="log", base=2)),
        y=alt.Y("scores:Q", title="scores computed (log)", scale=alt.Scale(type="log")),
        color=alt.Color("attention:N", title=None, scale=alt.Scale(range=[PALETTE[5], PALETTE[2]])),
        tooltip=["n", "attention", alt.Tooltip("scores:Q", format=",")])
    return _styled(ch.properties(title="cost: n² against n·w"), 300)


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
    return _heat(_long(mat, lab, lab), lab, lab, title, "attends to (position: token)", "position: token", "blues",
                 (0.0, 1.0), height=300)


def accuracy_chart(t: TrainResult):
    """Per-token accuracy on held-out sequences against step, with and without positional encoding; chance dashed."""
    h = t.history[np.isfinite(t.history.accuracy)]
    ch = alt.Chart(h).mark_line(strokeWidth=3).encode(
        x=alt.X("step:Q", title="update", scale=alt.Scale(domain=[0, t.config.steps])),
        y=alt.Y("accuracy:Q", title="accuracy per token", scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("model:N", scale=MODEL_COLORS, title=None),
        tooltip=["step", "model", alt.Tooltip("accuracy:Q", format=".3f"), alt.Tooltip("loss:Q", format=".3f")])
    return _styled(ch.properties(title=f"learning to {t.config.task} (chance = 1/{t.config.vocab})"), 300)
