"""Charts of the sigmoid/ReLU fitting page."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.charts import PALETTE, style
from core.fitting import NAMES, FitResult, ReluPair

MODEL_COLORS = alt.Scale(domain=list(NAMES), range=[PALETTE[0], PALETTE[1]])


def _disp(a_b: tuple[float, float], v: np.ndarray) -> np.ndarray:
    return a_b[0] + a_b[1] * np.asarray(v)


def fit_chart(r: FitResult, model: int) -> alt.Chart:
    """Data (train filled, validation hollow), the true curve, and model ``model``'s fit."""
    c = r.curve
    x, y = c.x[:, 0].numpy(), c.y[:, 0].numpy()
    split = np.array(["train"] * len(x), dtype=object)
    split[r.val_idx.numpy()] = "validation"
    pts = pd.DataFrame({"x": _disp(c.to_x, x), "y": _disp(c.to_y, y), "split": split})
    xs = alt.X("x:Q", title=c.x_label, scale=alt.Scale(nice=False))
    ys = alt.Y("y:Q", title=c.y_label)
    layers = [alt.Chart(pts).mark_point(size=30, opacity=0.6).encode(
        xs, ys, shape=alt.Shape("split:N", legend=None, scale=alt.Scale(domain=["train", "validation"],
                                                                      range=["circle", "triangle"])),
        fill=alt.condition("datum.split == 'train'", alt.value("#666"), alt.value("transparent")),
        color=alt.value("#666"))]
    if c.y_true is not None:
        true = pd.DataFrame({"x": _disp(c.to_x, c.x_true), "y": _disp(c.to_y, c.y_true)})
        layers.append(alt.Chart(true).mark_line(strokeDash=[6, 4], color="#888", strokeWidth=2).encode(xs, ys))
    name = NAMES[model]
    fit = pd.DataFrame({"x": _disp(r.curve.to_x, r.grid), "y": _disp(c.to_y, r.pred[model]), "model": name})
    layers.append(alt.Chart(fit).mark_line(strokeWidth=4).encode(xs, ys, color=alt.Color("model:N", scale=MODEL_COLORS, legend=None)))
    units = r.parts[model].shape[1]
    title = f"{units} {name} unit{'s' if units > 1 else ''} x {r.config.depth} layer{'s' if r.config.depth > 1 else ''}"
    return alt.layer(*layers).properties(title=title)


def parts_chart(r: FitResult, model: int) -> alt.Chart:
    """Each last-layer unit's contribution c_i a_i(x), one thin line each; b + their sum is the fit."""
    c = r.curve
    parts = r.parts[model]  # (G, units)
    gx = _disp(c.to_x, r.grid)
    frames = [pd.DataFrame({"x": gx, "y": parts[:, i] * c.to_y[1], "unit": f"unit {i + 1}"}) for i in range(parts.shape[1])]
    df = pd.concat(frames, ignore_index=True)
    total = pd.DataFrame({"x": gx, "y": (parts.sum(1) + r.bias[model]) * c.to_y[1], "unit": "b + sum"})
    xs = alt.X("x:Q", title=c.x_label, scale=alt.Scale(nice=False))
    ys = alt.Y("y:Q", title="contribution")
    lines = alt.Chart(df).mark_line(strokeWidth=1.5, opacity=0.8).encode(
        xs, ys, color=alt.Color("unit:N", legend=None, scale=alt.Scale(scheme="tableau20")), detail="unit:N")
    tot = alt.Chart(total).mark_line(strokeWidth=3.5, color="#8a8a8a", strokeDash=[2, 2]).encode(xs, ys)
    return alt.layer(lines, tot).properties(title=f"{NAMES[model]} units: c_i·a_i(x)")


def fit_panel(r: FitResult, model: int) -> alt.Chart:
    """Model ``model``'s fit on the data, styled for the page."""
    return style(fit_chart(r, model), height=340)


def parts_panel(r: FitResult, model: int) -> alt.Chart:
    """Model ``model``'s unit contributions, styled for the page."""
    return style(parts_chart(r, model), height=240)


def loss_chart(history: pd.DataFrame, loss_name: str = "MSE") -> alt.Chart:
    """Train (solid) and validation (dashed) loss of both models against epoch, log scale."""
    df = history[history.loss > 0]
    ch = alt.Chart(df).mark_line(strokeWidth=2.5).encode(
        x=alt.X("epoch:Q", title="epoch"),
        y=alt.Y("loss:Q", title=f"{loss_name} (log scale)", scale=alt.Scale(type="log")),
        color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
        strokeDash=alt.StrokeDash("split:N", title="data", scale=alt.Scale(domain=["train", "validation"], range=[[1, 0], [6, 4]])),
        tooltip=["epoch", "model", "split", alt.Tooltip("loss:Q", format=".4f")],
    )
    return style(ch, height=300).configure_legend(orient="right", labelFontSize=14, titleFontSize=14)


def relu_pair_chart(p: ReluPair) -> alt.Chart:
    """Two ReLUs (thin), their sum (thick) and the hard sigmoid it equals (dashed)."""
    df = pd.concat([
        pd.DataFrame({"x": p.x, "y": p.relu1, "curve": "c1·max(0, b1 + w1·x)"}),
        pd.DataFrame({"x": p.x, "y": p.relu2, "curve": "c2·max(0, b2 + w2·x)"}),
        pd.DataFrame({"x": p.x, "y": p.total, "curve": "sum of the two"}),
        pd.DataFrame({"x": p.x, "y": p.hard_sigmoid, "curve": "hard sigmoid"}),
    ], ignore_index=True)
    dom = ["c1·max(0, b1 + w1·x)", "c2·max(0, b2 + w2·x)", "sum of the two", "hard sigmoid"]
    ch = alt.Chart(df).mark_line().encode(
        x=alt.X("x:Q", scale=alt.Scale(nice=False)), y=alt.Y("y:Q", title="output"),
        color=alt.Color("curve:N", scale=alt.Scale(domain=dom, range=[PALETTE[4], PALETTE[5], "#8a8a8a", PALETTE[2]]), title=None),
        strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=dom, range=[[1, 0], [1, 0], [1, 0], [8, 6]]), legend=None),
        size=alt.Size("curve:N", scale=alt.Scale(domain=dom, range=[2, 2, 5, 3]), legend=None),
    )
    return style(ch, height=320).configure_legend(orient="right", labelFontSize=14, titleFontSize=14, labelLimit=260)


def sweep_chart(df: pd.DataFrame, loss_name: str = "MSE") -> alt.TopLevelMixin:
    """Final train and validation loss against K, one panel per model; the best K marked."""
    d = df[np.isfinite(df.loss) & (df.loss > 0)]
    base = alt.Chart(d).encode(
        x=alt.X("k:Q", title="K (sigmoid units; the ReLU model has 2K)", scale=alt.Scale(type="log", base=2)),
        y=alt.Y("loss:Q", title=f"final {loss_name} (log)", scale=alt.Scale(type="log")),
        color=alt.Color("split:N", title="data", scale=alt.Scale(domain=["train", "validation"], range=[PALETTE[2], PALETTE[5]])),
        tooltip=["model", "k", "units", "params", "split", alt.Tooltip("loss:Q", format=".4f")],
    )
    panels = [alt.layer(base.mark_line(strokeWidth=2.5), base.mark_point(size=60, filled=True)).transform_filter(
        alt.datum.model == m).properties(title=f"{m} model", height=260, width="container") for m in NAMES]
    return style(alt.hconcat(*panels))


def divergence_chart(losses: np.ndarray, diverged_at: list[int | None]) -> alt.Chart:
    """Minibatch loss of each update until the run diverged (log scale): the explosion, step by step."""
    rows = [(i + 1, NAMES[m], float(losses[i, m])) for i in range(losses.shape[0]) for m in range(losses.shape[1])
            if np.isfinite(losses[i, m]) and losses[i, m] > 0]
    df = pd.DataFrame(rows, columns=["update", "model", "loss"])
    first = min(d for d in diverged_at if d is not None)
    ch = alt.Chart(df).mark_line(point=alt.OverlayMarkDef(size=70), strokeWidth=2.5).encode(
        x=alt.X("update:Q", title="update", scale=alt.Scale(domain=[0, first]), axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("loss:Q", title="minibatch loss (log)", scale=alt.Scale(type="log")),
        color=alt.Color("model:N", scale=MODEL_COLORS, title="model"),
        tooltip=["update", "model", alt.Tooltip("loss:Q", format=".3g")],
    )
    rule = alt.Chart(pd.DataFrame({"update": [first]})).mark_rule(color=PALETTE[5], strokeDash=[6, 4], strokeWidth=2).encode(x="update:Q")
    return style(alt.layer(ch, rule).properties(title=f"the loss explodes: not finite at update {first} (dashed)"),
                 height=300).configure_legend(orient="right", labelFontSize=14, titleFontSize=14)
