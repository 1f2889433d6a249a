"""Charts of the sigmoid/ReLU fitting page. Every word from core/locales/<lang>/fitting.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, hex_of, mark, n, o, q, scale, styled
from core.fitting import NAMES, SWEEP_STEPS, FitResult, MatrixForm, ReluPair

MODEL_COLOURS = {"sigmoid": "blue", "ReLU": "orange"}  # names of core.charts.COLOURS, read by page text
PAIR_COLOURS = {"relu1": "sky blue", "relu2": "vermillion", "sum": "grey", "hard": "green"}
SPLIT_COLOURS = {"train": "green", "validation": "vermillion"}  # the complexity sweep
SIGN_COLOURS = {"negative": "blue", "positive": "orange"}  # the matrix form's cells (each column scaled by its largest
MATRIX_RANGE = [COLOURS[SIGN_COLOURS["negative"]], "#eeeeee", COLOURS[SIGN_COLOURS["positive"]]]  # |value|), 0 pale
MATRIX_LABELS = 20  # the matrix form writes each cell's value when it has at most this many rows


def _disp(a_b: tuple[float, float], v: np.ndarray) -> np.ndarray:
    return a_b[0] + a_b[1] * np.asarray(v)


def _models(lang: str) -> tuple[list[str], dict]:
    tr = i18n.translator(lang)
    names = [tr(f"fitting.charts.model.{m}") for m in NAMES]
    return names, scale(names, [hex_of(MODEL_COLOURS[m]) for m in NAMES])


def _axes(r: FitResult, lang: str) -> tuple[dict, dict]:
    tr = i18n.translator(lang)
    c = r.curve
    real = c.y_true is None
    xt = tr("fitting.charts.day") if real else "x"
    yt = tr("fitting.charts.temperature") if real else "y"
    return q("x", xt, scale={"nice": False}), q("y", yt)


def fit_panel(r: FitResult, model: int, lang: str = "en"):
    """Data (train filled, validation hollow), the true curve (dashed grey), and model ``model``'s fit."""
    return _fit(r, model, r.pred[model], lang)


def fit_frame(r: FitResult, model: int, frame: int, lang: str = "en"):
    """``fit_panel`` at replay frame ``frame`` (the fit at epoch ``r.frame_epochs[frame]``): the same spec
    for every frame but the fit's data, so a replay updates the drawing in place."""
    return _fit(r, model, r.frames[frame, model], lang)


def _fit(r: FitResult, model: int, pred: np.ndarray, lang: str):
    tr = i18n.translator(lang)
    c = r.curve
    x, y = c.x[:, 0].numpy(), c.y[:, 0].numpy()
    is_val = np.zeros(len(x), dtype=bool)
    is_val[r.val_idx.numpy()] = True
    split = np.where(is_val, tr("fitting.charts.validation"), tr("fitting.charts.train"))
    pts = pd.DataFrame({"x": _disp(c.to_x, x), "y": _disp(c.to_y, y), "split": split})
    xs, ys = _axes(r, lang)
    dom = [tr("fitting.charts.train"), tr("fitting.charts.validation")]
    layers = [mark(pts, {"type": "point", "size": 30, "opacity": 0.6, "color": GREY}, x=xs, y=ys,
                   shape=n("split", scale=scale(dom, ["circle", "triangle"]), legend=None),
                   fill={"condition": {"test": f"datum.split == '{dom[0]}'", "value": GREY}, "value": "transparent"})]
    if c.y_true is not None:
        true = pd.DataFrame({"x": _disp(c.to_x, c.x_true), "y": _disp(c.to_y, c.y_true)})
        layers.append(mark(true, {"type": "line", "strokeDash": [6, 4], "color": GREY, "strokeWidth": 2}, x=xs, y=ys))
    names, sc = _models(lang)
    fit = pd.DataFrame({"x": _disp(c.to_x, r.grid), "y": _disp(c.to_y, pred), "model": names[model]})
    layers.append(mark(fit, {"type": "line", "strokeWidth": 4}, x=xs, y=ys, color=n("model", scale=sc, legend=None)))
    units = r.parts[model].shape[1]
    title = tr("fitting.charts.fit_title", units=units, model=names[model], depth=r.config.depth)
    return styled(layers, title, height=330)


def parts_panel(r: FitResult, model: int, lang: str = "en"):
    """Each last-layer unit's contribution c_i a_i(x), one thin line each; b + their sum dashed grey."""
    tr = i18n.translator(lang)
    c = r.curve
    parts = r.parts[model]  # (G, units)
    gx = _disp(c.to_x, r.grid)
    df = pd.DataFrame({"x": np.tile(gx, parts.shape[1]), "y": parts.T.ravel() * c.to_y[1],
                       "unit": np.repeat(np.arange(1, parts.shape[1] + 1), len(gx))})
    total = pd.DataFrame({"x": gx, "y": (parts.sum(1) + r.bias[model]) * c.to_y[1]})
    xs, _ = _axes(r, lang)
    ys = q("y", tr("fitting.charts.contribution"))
    lines = mark(df, {"type": "line", "strokeWidth": 1.5, "opacity": 0.8}, x=xs, y=ys,
                 color=n("unit", tr("fitting.charts.unit"), legend=None, scale={"scheme": "tableau20"}),
                 detail=n("unit"))
    tot = mark(total, {"type": "line", "strokeWidth": 3.5, "color": GREY, "strokeDash": [2, 2]}, x=xs, y=ys)
    names, _ = _models(lang)
    return styled([lines, tot], tr("fitting.charts.parts_title", model=names[model]), height=230)


def _split_dash(lang: str) -> tuple[list[str], dict]:
    tr = i18n.translator(lang)
    dom = [tr("fitting.charts.train"), tr("fitting.charts.validation")]
    return dom, scale(dom, [[1, 0], [6, 4]])


def _localised(history: pd.DataFrame, lang: str) -> pd.DataFrame:
    tr = i18n.translator(lang)
    df = history[history.loss > 0].copy()
    df["model"] = df.model.map({m: tr(f"fitting.charts.model.{m}") for m in NAMES})
    df["split"] = df.split.map({s: tr(f"fitting.charts.{s}") for s in ("train", "validation")})
    return df


def loss_chart(history: pd.DataFrame, loss_name: str = "MSE", lang: str = "en", upto: int | None = None):
    """Train (solid) and validation (dashed) loss of both models against epoch, log scale; with ``upto``,
    only the epochs up to it, on the same axes (a replay frame)."""
    tr = i18n.translator(lang)
    last = int(history.epoch.max()) if len(history) else 1
    df = _localised(history if upto is None else history[history.epoch <= upto], lang)
    names, sc = _models(lang)
    _, dash = _split_dash(lang)
    line = mark(df, {"type": "line", "strokeWidth": 2.5},
                x=q("epoch", tr("fitting.charts.epoch"), scale={"domain": [0, max(1, last)]}),
                y=q("loss", tr("fitting.charts.loss_log", loss=loss_name), scale={"type": "log"}),
                color=n("model", tr("fitting.charts.model_title"), scale=sc),
                strokeDash=n("split", tr("fitting.charts.data"), scale=dash),
                tooltip=[q("epoch", tr("fitting.charts.epoch")), n("model", tr("fitting.charts.model_title")),
                         n("split", tr("fitting.charts.data")), q("loss", loss_name, format=".4f")])
    return styled(line, height=280, legend={"orient": "right"})


def relu_pair_chart(p: ReluPair, lang: str = "en"):
    """Two ReLUs (thin), their sum (thick grey) and the hard sigmoid it equals (dashed green)."""
    tr = i18n.translator(lang)
    dom = [tr("fitting.charts.relu1"), tr("fitting.charts.relu2"), tr("fitting.charts.sum"), tr("fitting.charts.hard")]
    df = pd.concat([pd.DataFrame({"x": p.x, "y": v, "curve": d})
                    for v, d in zip((p.relu1, p.relu2, p.total, p.hard_sigmoid), dom)], ignore_index=True)
    cols = [hex_of(PAIR_COLOURS[k]) for k in ("relu1", "relu2", "sum", "hard")]
    line = mark(df, "line", x=q("x", "x", scale={"nice": False}), y=q("y", tr("fitting.charts.output")),
                color=n("curve", None, scale=scale(dom, cols)),
                strokeDash=n("curve", scale=scale(dom, [[1, 0], [1, 0], [1, 0], [8, 6]]), legend=None),
                size=n("curve", scale=scale(dom, [2, 2, 5, 3]), legend=None))
    return styled(line, height=300, legend={"orient": "right"})


def sweep_chart(df: pd.DataFrame, model: str, loss_name: str = "MSE", lang: str = "en"):
    """One model's final train and validation loss against K (one chart per model: two slots); the title says
    after how many updates (the sweep's ``steps`` column: the work budget may make them fewer than SWEEP_STEPS)."""
    tr = i18n.translator(lang)
    steps = int(df.steps.iloc[0]) if "steps" in df.columns and len(df) else SWEEP_STEPS
    d = df[np.isfinite(df.loss) & (df.loss > 0) & (df.model == model)].copy()
    dom = [tr("fitting.charts.train"), tr("fitting.charts.validation")]
    d["split"] = d.split.map({"train": dom[0], "validation": dom[1]})
    sc = scale(dom, [hex_of(SPLIT_COLOURS["train"]), hex_of(SPLIT_COLOURS["validation"])])
    enc = dict(x=q("k", tr("fitting.charts.k_axis"), scale={"type": "log", "base": 2}),
               y=q("loss", tr("fitting.charts.final_log", loss=loss_name), scale={"type": "log"}),
               color=n("split", tr("fitting.charts.data"), scale=sc),
               tooltip=[q("k", "K"), q("units", tr("fitting.charts.units")), q("params", tr("fitting.charts.params")),
                        n("split", tr("fitting.charts.data")), q("loss", loss_name, format=".4f")])
    names = dict(zip(NAMES, _models(lang)[0]))
    return styled([mark(d, {"type": "line", "strokeWidth": 2.5}, **enc),
                   mark(d, {"type": "point", "size": 60, "filled": True}, **enc)],
                  tr("fitting.charts.sweep_title", model=names.get(model, model), steps=steps), height=260)


def divergence_chart(losses: np.ndarray, diverged_at: tuple, lang: str = "en"):
    """Minibatch loss of each update until the run diverged (log scale): the explosion, step by step."""
    tr = i18n.translator(lang)
    names, sc = _models(lang)
    rows = [(i + 1, names[m], float(losses[i, m])) for i in range(losses.shape[0]) for m in range(losses.shape[1])
            if np.isfinite(losses[i, m]) and losses[i, m] > 0]
    df = pd.DataFrame(rows, columns=["update", "model", "loss"])
    first = min(d for d in diverged_at if d is not None)
    line = mark(df, {"type": "line", "strokeWidth": 2.5, "point": {"size": 70}},
                x=q("update", tr("fitting.charts.update"), scale={"domain": [0, first]}, axis={"tickMinStep": 1}),
                y=q("loss", tr("fitting.charts.minibatch_log"), scale={"type": "log"}),
                color=n("model", tr("fitting.charts.model_title"), scale=sc),
                tooltip=[q("update"), n("model"), q("loss", format=".3g")])
    rule = mark(pd.DataFrame({"update": [first]}), {"type": "rule", "color": COLOURS["vermillion"],
                                                    "strokeDash": [6, 4], "strokeWidth": 2}, x=q("update"))
    return styled([line, rule], tr("fitting.charts.explodes", step=first), height=280, legend={"orient": "right"})


def _sup(l: int, depth: int) -> str:
    """Layer l's superscript, ⁽ˡ⁾, only when there are several layers."""
    return "" if depth == 1 else "⁽" + "⁰¹²³⁴⁵⁶⁷⁸⁹"[l + 1] + "⁾"


def _cells(cols: list[tuple[str, np.ndarray]], rows: int) -> pd.DataFrame:
    """Long frame of named columns of values, each column's shade its value over its largest |value|."""
    out = []
    for name, v in cols:
        v = np.nan_to_num(np.asarray(v, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
        top = float(np.abs(v).max()) or 1.0
        out.append(pd.DataFrame({"col": name, "i": np.arange(1, rows + 1), "v": v, "shade": v / top,
                                 "label": [f"{x:.2f}" for x in v]}))
    return pd.concat(out, ignore_index=True)


def matrix_vectors(m: MatrixForm, lang: str = "en"):
    """The matrix form at one x: a column per vector (the first layer's W, then b, r = b + Wa, a = σ(r) of each
    layer, then c and the terms c_i a_i), a row per unit; colour: the value over its column's largest |value|
    (blue negative, orange positive), the value written in each cell when there are few rows."""
    tr = i18n.translator(lang)
    L = m.depth
    cols = [(f"W{_sup(0, L)}", m.W[0][:, 0])]
    for l in range(L):
        s = _sup(l, L)
        cols += [(f"b{s}", m.b[l]), (f"r{s}", m.r[l]), (f"a{s} = σ(r{s})", m.a[l])]
    cols += [("c", m.c), ("cᵢaᵢ", m.terms)]
    df = _cells(cols, m.units)
    names = [c for c, _ in cols]
    x = n("col", "", sort=names, axis={"orient": "top", "labelAngle": 0, "labelFontSize": 14, "labelLimit": 140})
    y = o("i", tr("fitting.charts.matrix_unit"), axis={"labelFontSize": 12 if m.units > 16 else 14})
    tip = [o("i", tr("fitting.charts.matrix_unit")), n("col", tr("fitting.charts.matrix_vector")),
           q("v", tr("fitting.charts.matrix_value"), format=".4f")]
    layers = [mark(df, {"type": "rect", "stroke": GREY, "strokeWidth": 0.4}, x=x, y=y, tooltip=tip,
                   color=q("shade", None, scale={"range": MATRIX_RANGE, "domain": [-1, 0, 1]}, legend=None))]
    if m.units <= MATRIX_LABELS:
        layers.append(mark(df, {"type": "text", "fontSize": 12}, x=x, y=y, text=n("label"), tooltip=tip,
                           color={"condition": {"test": "datum.shade < -0.6", "value": "white"}, "value": "#333333"}))
    title = tr("fitting.charts.matrix_title", x=m.x, model=tr(f"fitting.charts.model.{m.model}"), k=m.units)
    return styled(layers, title, height=int(np.clip(24 * m.units + 110, 240, 620)))


def matrix_weights(m: MatrixForm, layer: int, lang: str = "en"):
    """The trained K×K weight matrix W⁽ˡ⁾ of a deeper layer (``layer`` ≥ 1, 0-based) as a small heatmap."""
    tr = i18n.translator(lang)
    W = m.W[layer]  # (K, K) rows: this layer's units, columns: the previous layer's
    i, j = np.meshgrid(np.arange(1, W.shape[0] + 1), np.arange(1, W.shape[1] + 1), indexing="ij")
    top = float(np.abs(W).max()) or 1.0
    df = pd.DataFrame({"i": i.ravel(), "j": j.ravel(), "v": W.ravel(), "shade": W.ravel() / top})
    tip = [o("i", tr("fitting.charts.matrix_unit")), o("j", tr("fitting.charts.matrix_from")),
           q("v", tr("fitting.charts.matrix_value"), format=".4f")]
    small = {"labelFontSize": 11, "labelAngle": 0, "labelOverlap": "greedy"}
    rect = mark(df, {"type": "rect"}, x=o("j", tr("fitting.charts.matrix_from"), axis=small),
                y=o("i", tr("fitting.charts.matrix_unit"), axis=small), tooltip=tip,
                color=q("shade", None, scale={"range": MATRIX_RANGE, "domain": [-1, 0, 1]}, legend=None))
    return styled(rect, tr("fitting.charts.matrix_w", layer=f"W{_sup(layer, m.depth)}", max=top), height=280)
