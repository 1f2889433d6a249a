"""Charts of the critical-points page: results in, Altair charts out (no compute)."""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core.charts import PALETTE, STYLE_CONFIG
from core.critical import AXES, HI, LO, RUNS, EscapeResult, PointResult, RatioResult, SurfaceResult

KIND_COLORS = alt.Scale(domain=["minimum", "maximum", "saddle", "degenerate"],
                        range=[PALETTE[2], PALETTE[5], PALETTE[3], "#FFFFFF"])
RUN_COLORS = alt.Scale(domain=list(RUNS), range=[PALETTE[1], PALETTE[4]])
SIGN_COLORS = alt.Scale(domain=["λ < 0 (down)", "λ > 0 (up)", "λ ≈ 0 (flat)"], range=[PALETTE[5], PALETTE[0], "#999999"])


def _sign(lam: float, lams: np.ndarray) -> str:
    tol = 1e-4 * max(1.0, float(np.abs(lams).max()))
    return "λ < 0 (down)" if lam < -tol else "λ > 0 (up)" if lam > tol else "λ ≈ 0 (flat)"


# The maps are redrawn on every move of θ': their layers are written as plain Vega-Lite dicts, which
# Altair wraps without re-parsing (about four times faster than alt.X/alt.Color objects; the specs are
# validated against the Vega-Lite schema in tests/test_critical.py).

def _q(field: str, title: str | None = None, **kw) -> dict:
    return {"field": field, "type": "quantitative", **({"title": title} if title is not None else {}), **kw}


def _n(field: str, **kw) -> dict:
    return {"field": field, "type": "nominal", **kw}


def _scale(sc: alt.Scale) -> dict:
    return sc.to_dict(validate=False)


# style()'s look as one config dict: each configure_* call deep-copies the chart, this is one assignment
_STYLE = STYLE_CONFIG


def _styled(layers: list[alt.Chart], title: str, height: int, resolve: dict | None = None) -> alt.LayerChart:
    """A layer chart with the look of ``core.charts.style``, container width and fixed height."""
    kw = {"resolve": {"scale": resolve}} if resolve else {}
    return alt.LayerChart(layer=layers, title=title, height=height, width="container", config=_STYLE, **kw)


def _mark(df: pd.DataFrame, mark: dict, **enc) -> alt.Chart:
    return alt.Chart(df, mark=alt.MarkDef(**mark), encoding=alt.FacetedEncoding(**enc))


def _xy(name: str, xlim: tuple[float, float], ylim: tuple[float, float]) -> dict:
    ax, ay = AXES[name]
    return dict(x=_q("x", ax, scale={"domain": list(xlim), "nice": False, "zero": False}),
                y=_q("y", ay, scale={"domain": list(ylim), "nice": False, "zero": False}))


def _arrows(p: PointResult, length: float, full: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Eigenvector segments through θ' (both directions: ±u is the same axis) and their labels."""
    x0, y0 = p.config.x, p.config.y
    rows, labels = [], []
    for k in range(2):
        u = p.eigvecs[:, k]
        sign = _sign(p.eigvals[k], p.eigvals)
        rows.append(dict(x=x0 - length * u[0], y=y0 - length * u[1], x2=x0 + length * u[0], y2=y0 + length * u[1],
                         sign=sign, name=f"u{k + 1}", lam=float(p.eigvals[k])))
        labels.append(dict(x=x0 + 1.15 * length * u[0], y=y0 + 1.15 * length * u[1],
                           text=f"u{k + 1}: λ={p.eigvals[k]:.3g}" if full else f"u{k + 1}"))
    return pd.DataFrame(rows), pd.DataFrame(labels)


def _point_layers(p: PointResult, xy: dict, length: float, show_lambda: bool) -> list[alt.Chart]:
    """θ' as a cross, its eigenvectors (red λ < 0, blue λ > 0, grey λ ≈ 0), and −g dashed."""
    arrows, labels = _arrows(p, length, full=show_lambda)
    color = _n("sign", scale=_scale(SIGN_COLORS), legend=None)
    out = [_mark(arrows, {"type": "rule", "strokeWidth": 5}, **xy, x2={"field": "x2"}, y2={"field": "y2"}, color=color,
                 tooltip=[_n("name", title="eigenvector"), _q("lam", "λ", format=".4g")]),
           _mark(labels, {"type": "text", "fontSize": 15, "fontWeight": "bold", "color": "white"}, **xy,
                 text=_n("text"))]
    gn = float(np.linalg.norm(p.grad))
    if gn > 1e-9:
        d = -p.grad / gn * length * 0.9
        g = pd.DataFrame({"x": [p.config.x], "y": [p.config.y], "x2": [p.config.x + d[0]], "y2": [p.config.y + d[1]],
                          "what": ["−g: downhill"]})
        out.append(_mark(g, {"type": "rule", "strokeWidth": 3, "strokeDash": [4, 3], "color": "black"}, **xy,
                         x2={"field": "x2"}, y2={"field": "y2"}, tooltip=[_n("what")]))
    out.append(_mark(pd.DataFrame({"x": [p.config.x], "y": [p.config.y]}),
                     {"type": "point", "shape": "cross", "size": 260, "filled": True, "color": "black",
                      "stroke": "white", "strokeWidth": 1}, **xy))
    return out


def contour_chart(s: SurfaceResult, p: PointResult, e: EscapeResult | None) -> alt.LayerChart:
    """The loss in view (colour bands between contour lines), every critical point classified,
    the chosen point with its eigenvectors (red: λ < 0, blue: λ > 0), and the escape paths."""
    name = s.config.name
    xy = _xy(name, (LO, HI), (LO, HI))
    nb = int(s.cells.band.max()) if len(s.cells) else 1
    layers = [
        _mark(s.cells, {"type": "rect", "opacity": 0.9}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
              color=_q("band", scale={"scheme": "viridis", "domain": [0, nb]}, legend=None),
              tooltip=[_q("loss", format=".4g")]),
        _mark(s.lines, {"type": "rule", "color": "white", "strokeWidth": 1, "opacity": 0.7}, **xy,
              x2={"field": "x2"}, y2={"field": "y2"}),
    ]
    if e is not None and len(e.paths):
        paths = e.paths[(e.paths.x.between(LO, HI)) & (e.paths.y.between(LO, HI))]
        layers.append(_mark(paths, {"type": "line", "strokeWidth": 3, "point": {"size": 14}}, **xy,
                            order=_q("step"), color=_n("run", scale=_scale(RUN_COLORS), legend=None),
                            detail=_n("run")))
    crit = s.critical
    if len(crit):
        layers.append(_mark(crit, {"type": "point", "size": 150, "filled": True, "stroke": "black", "strokeWidth": 1.5,
                                   "opacity": 1}, **xy,
                            color=_n("kind", scale=_scale(KIND_COLORS), title="critical points",
                                     legend={"columns": 2}),
                            shape=_n("kind", scale={"domain": KIND_COLORS.domain,
                                                    "range": ["circle", "triangle-down", "diamond", "square"]},
                                     title="critical points", legend={"columns": 2}),
                            tooltip=[_n("kind"), _n("higher_order", title="true loss nearby says"),
                                     _q("x", format=".3f"), _q("y", format=".3f"), _q("loss", format=".4g"),
                                     _q("lambda1", "λ1", format=".3g"), _q("lambda2", "λ2", format=".3g")]))
    if s.trained is not None:
        tr = pd.DataFrame({"x": [s.trained[0]], "y": [s.trained[1]], "text": ["trained weights"]})
        layers.append(_mark(tr, {"type": "text", "dy": -16, "fontSize": 14, "fontWeight": "bold", "color": "white"},
                            **xy, text=_n("text")))
    layers += _point_layers(p, xy, 0.35, show_lambda=True)
    title = f"{name}, θ' = ({p.config.x:.2f}, {p.config.y:.2f})"
    return _styled(layers, title, 620, {"color": "independent", "shape": "independent"})


def local_chart(p: PointResult, which: str) -> alt.LayerChart:
    """``which`` = "true loss" or "quadratic approximation" near θ', on one shared colour scale."""
    w, x0, y0 = p.config.window, p.config.x, p.config.y
    xy = _xy(p.config.name, (x0 - w, x0 + w), (y0 - w, y0 + w))
    vals = p.local.loss.to_numpy()
    lo, hi = (float(np.quantile(vals, 0.02)), float(np.quantile(vals, 0.98))) if len(vals) else (0.0, 1.0)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    d = p.local[p.local.surface == which]
    heat = _mark(d, {"type": "rect"}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
                 color=_q("loss", "loss", scale={"scheme": "viridis", "domain": [lo, hi], "clamp": True}, legend=None),
                 tooltip=[_q("loss", format=".4g")])
    title = "true loss near θ'" if which == "true loss" else "L(θ') + (θ−θ')ᵀg + ½(θ−θ')ᵀH(θ−θ')"
    return _styled([heat] + _point_layers(p, xy, 0.6 * w, show_lambda=False), title, 340, {"color": "independent"})


def slices_chart(p: PointResult) -> alt.LayerChart:
    """The true loss (solid) and the quadratic approximation (dashed) along each eigenvector through θ'."""
    line = _mark(p.slices, {"type": "line", "strokeWidth": 3},
                 x=_q("t", "step t along the eigenvector (θ = θ' + t·u)", scale={"nice": False}),
                 y=_q("loss", "loss", scale={"zero": False}),
                 color=_n("direction", title=None, scale={"range": [PALETTE[5], PALETTE[0]]}),
                 strokeDash=_n("curve", legend=None, scale={"domain": ["true loss", "quadratic"],
                                                               "range": [[1, 0], [7, 5]]}),
                 tooltip=[_n("direction"), _n("curve"), _q("t", format=".3f"), _q("loss", format=".4g")])
    return _styled([line], "along u1 and u2: true (solid) vs quadratic", 340)


def escape_chart(e: EscapeResult) -> alt.LayerChart:
    """Loss against step of both runs, with the saddle's loss as a dotted line."""
    line = _mark(e.history, {"type": "line", "strokeWidth": 3},
                 x=_q("step", "gradient-descent step", scale={"nice": False}),
                 y=_q("loss", "loss", scale={"zero": False}),
                 color=_n("run", scale=_scale(RUN_COLORS), title=None),
                 tooltip=[_n("run"), _q("step"), _q("loss", format=".5g")])
    rule = _mark(pd.DataFrame({"loss": [e.saddle_loss], "label": ["loss at the saddle"]}),
                 {"type": "rule", "strokeDash": [3, 3], "color": "#888", "strokeWidth": 2},
                 y=_q("loss"), tooltip=[_n("label")])
    return _styled([line, rule], "escaping the saddle: loss per step (dotted: the saddle's loss)", 340)


RATIO_VERDICTS = ["has a λ < 0: not a minimum", "all λ > 0: a minimum"]


def ratio_chart(r: RatioResult) -> alt.LayerChart:
    """Minimum ratio against training loss, one dot per trained network (the lecture's scatter)."""
    t = r.table[np.isfinite(r.table.loss) & np.isfinite(r.table.min_ratio)].copy()
    t["verdict"] = np.where(t.negative > 0, RATIO_VERDICTS[0], RATIO_VERDICTS[1])
    x = _q("min_ratio", "minimum ratio = positive eigenvalues / all", scale={"zero": False, "padding": 14})
    dots = _mark(t, {"type": "point", "size": 140, "filled": True, "opacity": 0.85, "stroke": "black", "strokeWidth": 0.8},
                 x=x, y=_q("loss", "training loss (MSE) at the end", scale={"zero": False, "padding": 14}),
                 color=_n("verdict", scale={"domain": RATIO_VERDICTS, "range": [PALETTE[5], PALETTE[2]]}, title=None),
                 tooltip=[_q("run"), _q("loss", format=".4f"), _q("min_ratio", format=".3f"), _q("positive"),
                          _q("negative"), _q("near_zero"), _q("lambda_min", "most negative λ", format=".3g"),
                          _q("grad_norm", "‖g‖", format=".2g")])
    one = _mark(pd.DataFrame({"min_ratio": [1.0], "label": ["ratio 1: a true minimum"]}),
                {"type": "rule", "strokeDash": [5, 4], "color": "#888", "strokeWidth": 2}, x=x, tooltip=[_n("label")])
    title = f"{len(t)} networks, {r.n_params} weights each"
    return _styled([dots, one], title, 400)


def spectrum_chart(r: RatioResult) -> alt.LayerChart:
    """Every network's Hessian eigenvalues on a symmetric-log axis: the few negative ones show in red."""
    lam = r.eigvals  # (runs, P)
    runs = r.table.run.to_numpy()
    df = pd.DataFrame({"run": np.repeat(runs, lam.shape[1]), "lambda": lam.ravel()})
    df = df[np.isfinite(df["lambda"])]
    df["sign"] = np.where(df["lambda"] < 0, "negative", "positive")
    ticks = [-1, -0.1, -0.01, 0, 0.01, 0.1, 1, 10, 100]
    ch = _mark(df, {"type": "tick", "thickness": 2, "size": 14},
               x=_q("lambda", "Hessian eigenvalue λ (symmetric log)",
                    scale={"type": "symlog", "constant": 1e-3}, axis={"values": ticks, "labelAngle": 0, "format": "~g"}),
               y={"field": "run", "type": "ordinal", "title": "run"},
               color=_n("sign", scale={"domain": ["negative", "positive"], "range": [PALETTE[5], PALETTE[0]]}, title=None),
               tooltip=[_q("run"), _q("lambda", "λ", format=".3g")])
    return _styled([ch], "every run's eigenvalues", 400)
