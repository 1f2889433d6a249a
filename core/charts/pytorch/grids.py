"""Tensors drawn as labelled grids of their numbers (the shapes part) and the data part's batches.

A tensor of any rank is drawn as panels of its last two dims, one panel per index of the leading dims, side by
side and labelled with that index (``[1, :, :]``); a 1-D tensor is one row. Each cell is coloured by the input it
came from (a, b, or both for ``+`` and ``*``) and shows its value.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import torch

from core import i18n
from core.charts import COLOURS, GREY, mark, n, o, q, scale
from core.charts import STYLE_CONFIG
from core.pytorch import LoaderResult

K = "pytorch.charts."
ORIGIN_COLOURS = {"a": "blue", "b": "orange", "both": "green"}  # where an output element came from
BATCH_COLOURS = ("blue", "orange", "green")  # consecutive batches of an epoch, in turn
CELL = 38  # px per cell


def cells(t: torch.Tensor, origin: torch.Tensor | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells: x, y, value, origin; panel labels: x, y, label) of ``t`` laid out as panels side by side."""
    v = t.detach().reshape(1, 1, -1) if t.dim() <= 1 else t.detach()
    o = None if origin is None else (origin.reshape(v.shape) if origin.dim() <= 1 else origin)
    rows, cols = v.shape[-2], v.shape[-1]
    lead = v.shape[:-2]
    out, labels = [], []
    for p, idx in enumerate(itertools.product(*(range(s) for s in lead))):
        panel = v[idx] if idx else v
        opanel = None if o is None else (o[idx] if idx else o)
        x0 = p * (cols + 1)
        for r in range(rows):
            for c in range(cols):
                w = int(opanel[r, c]) if opanel is not None else 0
                out.append((x0 + c, r, _fmt(panel[r, c].item()), ("a", "b", "both")[w]))
        if t.dim() >= 3:
            labels.append((x0, -1, "[" + ", ".join(map(str, idx)) + ", :, :]"))
    df = pd.DataFrame(out, columns=["x", "y", "value", "origin"]).astype({"x": float, "y": float})
    return df.assign(x2=df.x + 1, y2=df.y + 1), pd.DataFrame(labels, columns=["x", "y", "label"]).astype(
        {"x": float, "y": float})


def _fmt(v: float) -> str:
    return f"{v:g}" if abs(v) < 1e5 else f"{v:.2e}"


def shape_text(t: torch.Tensor) -> str:
    return "(" + ", ".join(str(s) for s in t.shape) + ("," if t.dim() == 1 else "") + ")"


def tensor_chart(t: torch.Tensor, origin: torch.Tensor | None, lang: str = "en"):
    """The tensor ``t`` as labelled grids: one square band per element (the page names it and its shape)."""
    import altair as alt

    tr = i18n.translator(lang)
    df, labels = cells(t, origin)
    width, rows = int(df.x2.max()), int(df.y2.max())
    top = [-1] if len(labels) else []
    xs = {**o("x", None), "axis": None, "scale": {"domain": list(range(width)), "paddingInner": 0.08}}
    ys = {**o("y", None), "axis": None, "scale": {"domain": top + list(range(rows)), "paddingInner": 0.08}}
    names = {k: tr(K + f"origin.{k}") for k in ORIGIN_COLOURS}
    used = [k for k in ORIGIN_COLOURS if k in set(df.origin)]
    df = df.assign(name=df.origin.map(names), x=df.x.astype(int), y=df.y.astype(int))
    box = mark(df, {"type": "rect", "opacity": 0.45, "stroke": GREY, "strokeWidth": 1}, x=xs, y=ys,
               color=n("name", None, scale=scale([names[k] for k in used], [COLOURS[ORIGIN_COLOURS[k]] for k in used]),
                       legend=None), tooltip=[n("value", tr(K + "tip.value")), n("name", tr(K + "tip.what"))])
    text = mark(df, {"type": "text", "fontSize": 15, "fontWeight": "bold"}, x=xs, y=ys, text=n("value"))
    layers = [box, text]
    if len(labels):
        lab = labels.assign(x=(labels.x - (labels.x % 1)).astype(int), y=-1)
        layers.append(mark(lab, {"type": "text", "fontSize": 13, "color": GREY, "align": "left", "dx": -CELL / 2 + 2},
                           x=xs, y=ys, text=n("label")))
    return alt.LayerChart(layer=layers, width={"step": CELL}, height={"step": CELL}, config=STYLE_CONFIG)


def batches_chart(r: LoaderResult, lang: str = "en"):
    """One row per epoch: the example indices in the order the loader gave them, one colour per batch in turn
    (grey: left out by drop_last), a gap between batches."""
    import altair as alt

    tr = i18n.translator(lang)
    df = r.table.copy()
    df["x"] = df.slot + 0.35 * np.where(df.dropped, df.groupby("epoch").batch.transform("max") + 1, df.batch - 1)
    df["y"] = (df.epoch - 1).astype(float)
    df["x"] = df.x.astype(float)
    kept = [tr(K + "batch_word", k=k) for k in range(1, 4)]
    df["what"] = np.where(df.dropped, tr(K + "dropped"), [kept[(b - 1) % 3] for b in df.batch.clip(lower=1)])
    dom = kept + [tr(K + "dropped")]
    rng = [COLOURS[c] for c in BATCH_COLOURS] + [GREY]
    width = float(df.x.max() + 1) if len(df) else 1.0
    xs = q("x", None, axis=None, scale={"domain": [0, width], "nice": False, "zero": False})
    ys = {**q("y", tr(K + "axis.epoch"), scale={"domain": [-0.05, r.config.epochs + 0.05], "nice": False,
                                                     "reverse": True}),
          "axis": {"values": [e + 0.5 for e in range(r.config.epochs)], "labelExpr": "floor(datum.value) + 1",
                   "grid": False, "ticks": False, "domain": False}}
    d = df.assign(x2=df.x + 0.92, y2=df.y + 0.9, label=df["index"].astype(str), b=df.batch.astype(str))
    tip = [q("epoch", tr(K + "tip.epoch")), n("b", tr(K + "tip.batch")), q("index", tr(K + "tip.index"))]
    box = mark(d, {"type": "rect", "opacity": 0.5, "cornerRadius": 3}, x=xs, x2={"field": "x2"}, y=ys,
               y2={"field": "y2"}, color=n("what", None, scale=scale(dom, rng), legend={"title": None, "columns": 4}),
               tooltip=tip)
    text = mark(d.assign(x=d.x + 0.46, y=d.y + 0.45), {"type": "text", "fontSize": 14, "fontWeight": "bold"}, x=xs,
                y=ys, text=n("label"), tooltip=tip)
    return alt.LayerChart(layer=[box, text], width="container", height=60 * r.config.epochs + 40,
                          config=STYLE_CONFIG, title=tr(K + "batches_title"))
