"""Charts of the critical-points page: results in, Altair charts out (no compute)."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.charts import PALETTE, style
from core.critical import AXES, HI, LO, RUNS, EscapeResult, PointResult, RatioResult, SurfaceResult

KIND_COLORS = alt.Scale(domain=["minimum", "maximum", "saddle", "degenerate"],
                        range=[PALETTE[2], PALETTE[5], PALETTE[3], "#FFFFFF"])
RUN_COLORS = alt.Scale(domain=list(RUNS), range=[PALETTE[1], PALETTE[4]])
SIGN_COLORS = alt.Scale(domain=["λ < 0 (down)", "λ > 0 (up)", "λ ≈ 0 (flat)"], range=[PALETTE[5], PALETTE[0], "#999999"])


def _sign(lam: float, lams: np.ndarray) -> str:
    tol = 1e-4 * max(1.0, float(np.abs(lams).max()))
    return "λ < 0 (down)" if lam < -tol else "λ > 0 (up)" if lam > tol else "λ ≈ 0 (flat)"


def _arrows(p: PointResult, length: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Eigenvector segments through θ' (both directions, ±u is the same axis) and their labels."""
    x0, y0 = p.config.x, p.config.y
    rows, labels = [], []
    for k in range(2):
        u = p.eigvecs[:, k]
        sign = _sign(p.eigvals[k], p.eigvals)
        rows.append(dict(x=x0 - length * u[0], y=y0 - length * u[1], x2=x0 + length * u[0], y2=y0 + length * u[1],
                         sign=sign, name=f"u{k + 1}", lam=float(p.eigvals[k])))
        labels.append(dict(x=x0 + 1.12 * length * u[0], y=y0 + 1.12 * length * u[1], text=f"u{k + 1}", sign=sign))
    return pd.DataFrame(rows), pd.DataFrame(labels)


def _axes(name: str, lo: float, hi: float):
    ax, ay = AXES[name]
    sc = alt.Scale(domain=[lo, hi], nice=False, zero=False)
    return alt.X("x:Q", title=ax, scale=sc), alt.Y("y:Q", title=ay, scale=sc)


def contour_chart(s: SurfaceResult, p: PointResult, e: EscapeResult | None) -> alt.LayerChart:
    """The loss in view (colour bands between contour lines), every critical point classified,
    the chosen point with its eigenvectors (red: λ < 0, blue: λ > 0), and the escape paths."""
    name = s.config.name
    xs, ys = _axes(name, LO, HI)
    nb = int(s.cells.band.max()) if len(s.cells) else 1
    heat = alt.Chart(s.cells).mark_rect(opacity=0.9).encode(
        xs, ys, x2="x2:Q", y2="y2:Q",
        color=alt.Color("band:Q", title="loss (low → high)", scale=alt.Scale(scheme="viridis", domain=[0, nb]),
                        legend=None),
        tooltip=[alt.Tooltip("loss:Q", format=".4g")])
    lines = alt.Chart(s.lines).mark_rule(color="white", strokeWidth=1, opacity=0.7).encode(xs, ys, x2="x2:Q", y2="y2:Q")
    layers = [heat, lines]
    if e is not None and len(e.paths):
        paths = e.paths[(e.paths.x.between(LO, HI)) & (e.paths.y.between(LO, HI))]
        layers.append(alt.Chart(paths).mark_line(strokeWidth=3, point=alt.OverlayMarkDef(size=14)).encode(
            xs, ys, order="step:Q", color=alt.Color("run:N", scale=RUN_COLORS, title="escape runs"), detail="run:N"))
    crit = s.critical
    if len(crit):
        layers.append(alt.Chart(crit).mark_point(size=150, filled=True, stroke="black", strokeWidth=1.5, opacity=1).encode(
            xs, ys, color=alt.Color("kind:N", scale=KIND_COLORS, title="critical points"),
            shape=alt.Shape("kind:N", scale=alt.Scale(domain=KIND_COLORS.domain,
                                                      range=["circle", "triangle-down", "diamond", "square"]), legend=None),
            tooltip=["kind", "higher_order", alt.Tooltip("x:Q", format=".3f"), alt.Tooltip("y:Q", format=".3f"),
                     alt.Tooltip("loss:Q", format=".4g"), alt.Tooltip("lambda1:Q", format=".3g"),
                     alt.Tooltip("lambda2:Q", format=".3g")]))
    if s.trained is not None:
        tr = pd.DataFrame({"x": [s.trained[0]], "y": [s.trained[1]], "text": ["trained weights"]})
        layers.append(alt.Chart(tr).mark_text(dy=-16, fontSize=14, fontWeight="bold", color="white").encode(xs, ys, text="text:N"))
    arrows, labels = _arrows(p, 0.35 * (HI - LO) / 4)
    layers += [
        alt.Chart(arrows).mark_rule(strokeWidth=5).encode(
            xs, ys, x2="x2:Q", y2="y2:Q", color=alt.Color("sign:N", scale=SIGN_COLORS, title="eigenvectors at θ'"),
            tooltip=["name", alt.Tooltip("lam:Q", format=".4g", title="λ")]),
        alt.Chart(labels).mark_text(fontSize=15, fontWeight="bold", color="white").encode(xs, ys, text="text:N"),
        alt.Chart(pd.DataFrame({"x": [p.config.x], "y": [p.config.y]})).mark_point(
            shape="cross", size=260, filled=True, color="black", stroke="white", strokeWidth=1).encode(xs, ys),
    ]
    gn = float(np.linalg.norm(p.grad))
    if gn > 1e-9:
        d = -p.grad / gn * 0.3
        g = pd.DataFrame({"x": [p.config.x], "y": [p.config.y], "x2": [p.config.x + d[0]], "y2": [p.config.y + d[1]]})
        layers.append(alt.Chart(g).mark_rule(strokeWidth=3, strokeDash=[4, 3], color="black").encode(xs, ys, x2="x2:Q", y2="y2:Q"))
    title = f"{name}: the loss in view, every critical point, and θ' = ({p.config.x:.2f}, {p.config.y:.2f})"
    return style(alt.layer(*layers).properties(title=title).resolve_scale(color="independent", shape="independent"), height=520)


def local_chart(p: PointResult, which: str) -> alt.LayerChart:
    """``which`` = "true loss" or "quadratic approximation" near θ', on one shared colour scale."""
    w, x0, y0 = p.config.window, p.config.x, p.config.y
    xs, ys = _axes(p.config.name, x0 - w, x0 + w)
    ys = alt.Y("y:Q", title=AXES[p.config.name][1], scale=alt.Scale(domain=[y0 - w, y0 + w], nice=False, zero=False))
    vals = p.local.loss.to_numpy()
    lo, hi = (float(np.quantile(vals, 0.02)), float(np.quantile(vals, 0.98))) if len(vals) else (0.0, 1.0)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    d = p.local[p.local.surface == which]
    heat = alt.Chart(d).mark_rect().encode(
        xs, ys, x2="x2:Q", y2="y2:Q",
        color=alt.Color("loss:Q", scale=alt.Scale(scheme="viridis", domain=[lo, hi], clamp=True), title="loss"),
        tooltip=[alt.Tooltip("loss:Q", format=".4g")])
    arrows, labels = _arrows(p, 0.6 * w)
    ar = alt.Chart(arrows).mark_rule(strokeWidth=4).encode(
        xs, ys, x2="x2:Q", y2="y2:Q", color=alt.Color("sign:N", scale=SIGN_COLORS, legend=None))
    lab = alt.Chart(labels).mark_text(fontSize=14, fontWeight="bold", color="white").encode(xs, ys, text="text:N")
    title = "true loss near θ'" if which == "true loss" else "L(θ') + (θ−θ')ᵀg + ½(θ−θ')ᵀH(θ−θ')"
    return style(alt.layer(heat, ar, lab).properties(title=title).resolve_scale(color="independent"), height=300)


def slices_chart(p: PointResult) -> alt.Chart:
    """The true loss (solid) and the quadratic approximation (dashed) along each eigenvector through θ'."""
    ch = alt.Chart(p.slices).mark_line(strokeWidth=3).encode(
        x=alt.X("t:Q", title="step t along the eigenvector (θ = θ' + t·u)", scale=alt.Scale(nice=False)),
        y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
        color=alt.Color("direction:N", title="direction", scale=alt.Scale(range=[PALETTE[5], PALETTE[0]])),
        strokeDash=alt.StrokeDash("curve:N", title="curve", scale=alt.Scale(domain=["true loss", "quadratic"],
                                                                           range=[[1, 0], [7, 5]])),
        tooltip=["direction", "curve", alt.Tooltip("t:Q", format=".3f"), alt.Tooltip("loss:Q", format=".4g")],
    )
    return style(ch.properties(title="along each eigenvector: true loss and its quadratic approximation"), height=300)


def escape_chart(e: EscapeResult) -> alt.LayerChart:
    """Loss against step of both runs, with the saddle's loss as a dotted line."""
    h = e.history
    line = alt.Chart(h).mark_line(strokeWidth=3).encode(
        x=alt.X("step:Q", title="gradient-descent step"),
        y=alt.Y("loss:Q", title="loss", scale=alt.Scale(zero=False)),
        color=alt.Color("run:N", scale=RUN_COLORS, title=None),
        tooltip=["run", "step", alt.Tooltip("loss:Q", format=".5g")])
    rule = alt.Chart(pd.DataFrame({"loss": [e.saddle_loss], "label": ["loss at the saddle"]})).mark_rule(
        strokeDash=[3, 3], color="#444", strokeWidth=2).encode(y="loss:Q", tooltip=["label"])
    return style(alt.layer(line, rule).properties(title="escaping the saddle: loss per step"), height=320)


def ratio_chart(r: RatioResult) -> alt.LayerChart:
    """Minimum ratio against training loss, one dot per trained network (the lecture's scatter)."""
    t = r.table[np.isfinite(r.table.loss) & np.isfinite(r.table.min_ratio)]
    dom = ["a negative eigenvalue: not a minimum", "all eigenvalues positive"]
    dots = alt.Chart(t).mark_point(size=140, filled=True, opacity=0.85, stroke="black", strokeWidth=0.8).encode(
        x=alt.X("min_ratio:Q", title="minimum ratio = positive eigenvalues / all eigenvalues",
                scale=alt.Scale(zero=False, padding=12)),
        y=alt.Y("loss:Q", title="training loss (MSE) where training stopped", scale=alt.Scale(zero=False, padding=12)),
        color=alt.Color("verdict:N", scale=alt.Scale(domain=dom, range=[PALETTE[5], PALETTE[2]]), title=None),
        tooltip=["run", alt.Tooltip("loss:Q", format=".4f"), alt.Tooltip("min_ratio:Q", format=".3f"), "positive",
                 "negative", "near_zero", alt.Tooltip("lambda_min:Q", format=".3g"), alt.Tooltip("grad_norm:Q", format=".2g")])
    one = alt.Chart(pd.DataFrame({"min_ratio": [1.0]})).mark_rule(strokeDash=[5, 4], color="#444", strokeWidth=2).encode(
        x="min_ratio:Q")
    txt = alt.Chart(pd.DataFrame({"min_ratio": [1.0], "label": ["true minimum"]})).mark_text(
        angle=270, dx=-10, dy=-8, fontSize=13, align="right", baseline="bottom").encode(x="min_ratio:Q", y=alt.value(0), text="label:N")
    n = len(t)
    title = f"{n} networks, {r.n_params} parameters each: where training stopped"
    return style(alt.layer(dots, one, txt).properties(title=title), height=360)


def spectrum_chart(r: RatioResult) -> alt.Chart:
    """Every network's Hessian eigenvalues, sorted, on a symmetric-log axis: the few negative ones show."""
    lam = r.eigvals  # (runs, P)
    runs = r.table.run.to_numpy()
    df = pd.DataFrame({"run": np.repeat(runs, lam.shape[1]), "index": np.tile(np.arange(lam.shape[1]), len(runs)),
                       "lambda": lam.ravel()})
    df = df[np.isfinite(df["lambda"])]
    df["sign"] = np.where(df["lambda"] < 0, "negative", "positive")
    ch = alt.Chart(df).mark_tick(thickness=2, size=18).encode(
        x=alt.X("lambda:Q", title="Hessian eigenvalue λ (symmetric log scale)", scale=alt.Scale(type="symlog", constant=1e-3)),
        y=alt.Y("run:O", title="run"),
        color=alt.Color("sign:N", scale=alt.Scale(domain=["negative", "positive"], range=[PALETTE[5], PALETTE[0]]), title=None),
        tooltip=["run", alt.Tooltip("lambda:Q", format=".3g")])
    return style(ch.properties(title="each run's eigenvalues"), height=360)
