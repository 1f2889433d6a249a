"""Charts of the critical-points page: results in, Altair charts out (no compute).

Every word drawn comes from ``core/locales/<lang>/critical.charts.toml`` (keys ``critical.charts.*``);
every colour from the named constants below, whose values are keys of ``core.charts.COLOURS``, so page
text can name them (``i18n.text(lang, "common.colour." + ARROW_COLOURS["λ < 0"])``).
"""
from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, grid32, mark, n, o, q, styled
from core.critical import AXES, HI, LO, RUNS, SIGNS, VERDICTS, EscapeResult, PointResult, RatioResult, SurfaceResult, sign_of

K = "critical.charts."
# Arrows by sign (λ > 0 green, as the ratio's minimum); runs in blues, dashed apart: no run shares an arrow's hue
ARROW_COLOURS = {SIGNS[0]: "vermillion", SIGNS[1]: "green", SIGNS[2]: "pink"}
RUN_COLOURS = {RUNS[0]: "sky blue", RUNS[1]: "blue"}  # the two escape runs (lines, map paths)
RUN_DASH = {RUNS[0]: [7, 4], RUNS[1]: [1, 0]}  # plain descent dashed, the escape step's run solid
RATIO_COLOURS = {VERDICTS[0]: "vermillion", VERDICTS[1]: "pink", VERDICTS[2]: "green"}  # the ratio dots, by signs
KINDS = ("minimum", "maximum", "saddle", "degenerate")
KIND_SHAPES = {"minimum": "circle", "maximum": "triangle-down", "saddle": "diamond", "degenerate": "square"}
KIND_GLYPHS = {"minimum": "○", "maximum": "▽", "saddle": "◇", "degenerate": "□"}  # the shapes, in the map's caption
KIND_FILL = "#FFFFFF"  # critical points: white markers told apart by shape (colours belong to arrows and runs)
GRADIENT_COLOUR = "#FFFFFF"  # −g, dashed, on the heat map (white reads on viridis)
MAP_HEIGHT = 380  # the whole map (title and axes included): its plot is about square in the page's 350 px slot,
# and its x axis is on the first screen at 1280×720 with a "Try this" sentence above it


def short(v: float) -> str:
    """A metric value as the page shows it: whole, and short enough for a narrow column."""
    return "0" if v == 0 else f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.2e}"


def fact_words(f: dict) -> dict:
    """``RatioResult.facts`` as the page writes them: ratios and losses to 3 digits, ‖g‖ as 1.2e-03."""
    return {k: (f"{v:.3g}" if k.startswith(("ratio", "loss")) else f"{v:.1e}") if isinstance(v, float) else v
            for k, v in f.items()}


def legend_words(lang: str = "en") -> dict[str, str]:
    """The words the page's captions use for what the charts draw: each colour by role (the arrows' neg/pos/zero,
    ARROW_COLOURS; the ratio dots' down/flat/minimum, RATIO_COLOURS; the escape runs' plain/esc, RUN_COLOURS),
    ``white`` (KIND_FILL and GRADIENT_COLOUR on the map) and ``kinds``, the critical points' shapes (KIND_GLYPHS)."""
    tr = i18n.translator(lang)
    roles = {**dict(zip(("neg", "pos", "zero"), ARROW_COLOURS.values())),
             **dict(zip(("down", "flat", "minimum"), RATIO_COLOURS.values())),
             **dict(zip(("plain", "esc"), RUN_COLOURS.values()))}
    kinds = tr("critical.sep").join(f"{KIND_GLYPHS[k]} {tr(K + 'kind.' + k)}" for k in KINDS)
    return {**{k: tr("common.colour." + v) for k, v in roles.items()}, "white": tr("critical.white"), "kinds": kinds}


def escape_words(e: EscapeResult, lang: str = "en") -> dict[str, str]:
    """The escape notice's two sentences (``story`` and ``drop``), as ``critical.escape.notice`` takes them."""
    tr, cfg = i18n.translator(lang), e.config
    p, k = (e.escape_steps[r] for r in RUNS)
    words = dict(p=p, steps=cfg.steps, offset=f"{cfg.offset:g}", **legend_words(lang),
                 q=tr("critical.escape.at_once") if k == 0 else tr("critical.escape.after", k=k))
    return dict(story=tr(f"critical.escape.{e.story()}", **words),
                drop=tr("critical.escape.drop", jump=f"{cfg.jump:g}", actual=short(e.actual_drop), pred=short(e.predicted_drop)))


def _hex(names: dict) -> list[str]:
    return [COLOURS[v] for v in names.values()]


def _surface_name(tr, name: str) -> str:
    return tr(K + "surface." + name)


def _xy(tr, name: str, xlim: tuple[float, float], ylim: tuple[float, float]) -> dict:
    ax, ay = AXES[name]
    return dict(x=q("x", tr(K + "axis." + ax), scale={"domain": list(xlim), "nice": False, "zero": False},
                  axis={"tickCount": 6}),
                y=q("y", tr(K + "axis." + ay), scale={"domain": list(ylim), "nice": False, "zero": False},
                  axis={"tickCount": 6}))


def _inside(v: float, lo: float, hi: float, margin: float) -> float:
    return float(min(max(v, lo + margin), hi - margin))


def _arrows(p: PointResult, length: float, box: tuple[float, float, float, float], full: bool, tr):
    """Eigenvector segments through θ' (±u is one axis) and their labels. Each label sits at the end of
    its segment that lies deeper inside the view, clamped inside it; two labels that would overlap are
    pulled apart vertically."""
    x0, y0 = p.config.x, p.config.y
    xl, xh, yl, yh = box
    sx, sy = xh - xl, yh - yl
    rows, labels = [], []
    for k in range(2):
        u = p.eigvecs[:, k]
        sign = sign_of(p.eigvals[k], p.eigvals)
        rows.append(dict(x=x0 - length * u[0], y=y0 - length * u[1], x2=x0 + length * u[0], y2=y0 + length * u[1],
                         sign=tr(K + "sign." + sign), name=f"u{k + 1}", lam=float(p.eigvals[k])))
        ends = [(x0 + e * 1.25 * length * u[0], y0 + e * 1.25 * length * u[1]) for e in (1, -1)]
        depth = [min((ex - xl) / sx, (xh - ex) / sx, (ey - yl) / sy, (yh - ey) / sy) for ex, ey in ends]
        ex, ey = ends[int(np.argmax(depth))]
        labels.append(dict(x=_inside(ex, xl, xh, 0.12 * sx), y=_inside(ey, yl, yh, 0.05 * sy),
                           text=f"u{k + 1}: λ={p.eigvals[k]:.4g}" if full else f"u{k + 1}"))
    a, b = labels
    if abs(a["x"] - b["x"]) < 0.3 * sx and abs(a["y"] - b["y"]) < 0.07 * sy:
        b["y"] = a["y"] - 0.08 * sy if a["y"] - 0.08 * sy > yl + 0.04 * sy else a["y"] + 0.08 * sy
    return pd.DataFrame(rows), pd.DataFrame(labels)


def _point_layers(p: PointResult, xy: dict, length: float, box, show_lambda: bool, tr) -> list[alt.Chart]:
    """θ' as a cross, its eigenvectors (ARROW_COLOURS by sign), and −g dashed."""
    arrows, labels = _arrows(p, length, box, show_lambda, tr)
    dom = [tr(K + "sign." + s) for s in ARROW_COLOURS]
    # a white halo under each eigenvector and label: they stay apart from an escape path drawn in a close
    # colour along the same line (plain descent leaves a saddle along u1), and legible on every band
    text = {"type": "text", "fontSize": 15, "fontWeight": "bold"}
    out = [mark(arrows, {"type": "rule", "strokeWidth": 9, "color": "white", "clip": True}, **xy,
                x2={"field": "x2"}, y2={"field": "y2"}),
           mark(arrows, {"type": "rule", "strokeWidth": 5, "clip": True}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
                color=n("sign", scale={"domain": dom, "range": _hex(ARROW_COLOURS)}, legend=None),
                tooltip=[n("name", tr(K + "tip.eigenvector")), n("sign", tr(K + "tip.sign")), q("lam", "λ", format=".4g")]),
           mark(labels, {**text, "color": "white", "stroke": "white", "strokeWidth": 4, "strokeJoin": "round"}, **xy,
                text=n("text")),
           mark(labels, {**text, "color": "#111111"}, **xy, text=n("text"))]
    gn = float(np.linalg.norm(p.grad))
    if gn > 1e-9:
        d = -p.grad / gn * length * 0.9
        g = pd.DataFrame({"x": [p.config.x], "y": [p.config.y], "x2": [p.config.x + d[0]], "y2": [p.config.y + d[1]],
                          "what": [tr(K + "tip.downhill")]})
        # a dark line under the white dashes: −g stays visible where it crosses an eigenvector's white halo
        out.append(mark(g, {"type": "rule", "strokeWidth": 5, "color": "#111111", "opacity": 0.7, "clip": True}, **xy,
                        x2={"field": "x2"}, y2={"field": "y2"}))
        out.append(mark(g, {"type": "rule", "strokeWidth": 3, "strokeDash": [4, 3], "color": GRADIENT_COLOUR, "clip": True}, **xy,
                        x2={"field": "x2"}, y2={"field": "y2"}, tooltip=[n("what", "−g")]))
    out.append(mark(pd.DataFrame({"x": [p.config.x], "y": [p.config.y]}),
                    {"type": "point", "shape": "cross", "size": 260, "filled": True, "color": "white", "clip": True,
                     "stroke": "black", "strokeWidth": 1}, **xy))
    return out


def contour_chart(s: SurfaceResult, p: PointResult, e: EscapeResult | None, lang: str = "en") -> alt.LayerChart:
    """The loss in view (colour bands between contour lines), every critical point (shape by kind),
    the chosen point with its eigenvectors (ARROW_COLOURS) and the escape paths (RUN_COLOURS)."""
    tr = i18n.translator(lang)
    name = s.config.name
    xy = _xy(tr, name, (LO, HI), (LO, HI))
    nb = int(s.cells.band.max()) if len(s.cells) else 1
    layers = [
        mark(grid32(s.cells), {"type": "rect", "opacity": 0.9}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
             color=q("band", scale={"scheme": "viridis", "domain": [0, nb]}, legend=None),
             tooltip=[q("loss", tr(K + "tip.loss"), format=".4g")]),
        mark(grid32(s.lines), {"type": "rule", "color": "white", "strokeWidth": 1, "opacity": 0.6}, **xy,
             x2={"field": "x2"}, y2={"field": "y2"}),
    ]
    if e is not None and len(e.paths):
        paths = e.paths[(e.paths.x.between(LO, HI)) & (e.paths.y.between(LO, HI))].copy()
        paths["run"] = [tr(K + "run." + r) for r in paths.run]
        layers.append(mark(paths, {"type": "line", "strokeWidth": 3, "point": {"size": 14}, "clip": True}, **xy,
                           order=q("step"), detail=n("run"),
                           color=n("run", scale={"domain": [tr(K + "run." + r) for r in RUN_COLOURS],
                                                 "range": _hex(RUN_COLOURS)}, legend=None),
                           strokeDash=n("run", scale={"domain": [tr(K + "run." + r) for r in RUN_DASH], "range": list(RUN_DASH.values())}, legend=None)))
    crit = s.critical.copy()
    if len(crit):
        crit["kind_t"] = [tr(K + "kind." + k) for k in crit.kind]
        crit["higher_t"] = [tr(K + "higher." + k) for k in crit.higher_order]
        dom = [tr(K + "kind." + k) for k in KINDS]
        layers.append(mark(crit, {"type": "point", "size": 150, "filled": True, "fill": KIND_FILL, "stroke": "black",
                                  "strokeWidth": 1.5, "opacity": 1}, **xy,
                           # no legend: the caption under the map names each shape (KIND_GLYPHS); a legend here
                           # took 140 px off the plot and pushed the x axis below the first screen
                           shape=n("kind_t", tr(K + "legend.critical"), scale={"domain": dom, "range": list(KIND_SHAPES.values())},
                                   legend=None),
                           tooltip=[n("kind_t", tr(K + "tip.kind")), n("higher_t", tr(K + "tip.higher")),
                                    q("x", format=".3f"), q("y", format=".3f"), q("loss", tr(K + "tip.loss"), format=".4g"),
                                    q("lambda1", "λ1", format=".3g"), q("lambda2", "λ2", format=".3g")]))
    if s.trained is not None:
        tx, ty = _inside(s.trained[0], LO, HI, 0.5), _inside(s.trained[1], LO, HI - 0.3, 0.1)
        tr_df = pd.DataFrame({"x": [tx], "y": [ty], "text": [tr(K + "trained")]})
        layers.append(mark(tr_df, {"type": "text", "dy": -16, "fontSize": 13, "fontWeight": "bold", "color": "white"},
                           **xy, text=n("text")))
    layers += _point_layers(p, xy, 0.5, (LO, HI, LO, HI), True, tr)
    title = tr(K + "title.map", surface=_surface_name(tr, name), x=f"{p.config.x:.2f}", y=f"{p.config.y:.2f}")
    # MAP_HEIGHT in all (Streamlit fits title and axes inside): the plot is about square in the page's map slot at
    # 1280 px, so the eigenvectors look perpendicular and the whole map is on the first screen
    return styled(layers, title, MAP_HEIGHT, {"color": "independent", "shape": "independent"})


def local_chart(p: PointResult, which: str, lang: str = "en") -> alt.LayerChart:
    """``which`` = "true loss" or "quadratic approximation" near θ', on one shared colour scale."""
    tr = i18n.translator(lang)
    w, x0, y0 = p.config.window, p.config.x, p.config.y
    box = (x0 - w, x0 + w, y0 - w, y0 + w)
    xy = _xy(tr, p.config.name, box[:2], box[2:])
    vals = p.local.loss.to_numpy()
    lo, hi = (float(np.quantile(vals, 0.02)), float(np.quantile(vals, 0.98))) if len(vals) else (0.0, 1.0)
    if not hi > lo:
        lo, hi = lo - 1.0, hi + 1.0
    d = p.local[p.local.surface == which]
    heat = mark(grid32(d), {"type": "rect"}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
                color=q("loss", scale={"scheme": "viridis", "domain": [lo, hi], "clamp": True}, legend=None),
                tooltip=[q("loss", tr(K + "tip.loss"), format=".4g")])
    title = tr(K + "title.true_local") if which == "true loss" else tr(K + "title.quadratic")
    return styled([heat] + _point_layers(p, xy, 0.6 * w, box, False, tr), title, 320, {"color": "independent"})


def slices_chart(p: PointResult, which: int, lang: str = "en") -> alt.LayerChart:
    """The true loss (solid) and the quadratic approximation (dashed) along eigenvector u{which + 1} through
    θ', in its arrow's colour on the map (ARROW_COLOURS, by the sign of its eigenvalue)."""
    tr = i18n.translator(lang)
    u = f"u{which + 1}"
    df = p.slices[p.slices.direction.str.startswith(u + " ")].copy()
    df["curve_t"] = [tr(K + "curve." + c) for c in df.curve]
    lam = float(p.eigvals[which])
    hex_ = COLOURS[ARROW_COLOURS[sign_of(lam, p.eigvals)]]
    line = mark(df, {"type": "line", "strokeWidth": 3, "color": hex_},
                x=q("t", tr(K + "axis.t"), scale={"nice": False},
                    axis={"tickCount": 5, **({} if which else {"title": None})}),  # one axis title under the pair
                y=q("loss", tr(K + "axis.loss"), scale={"zero": False}),
                # no legend: the caption under the three charts says solid is the true loss, dashed the
                # approximation (a legend left each plot about 40 px tall)
                strokeDash=n("curve_t", None, scale={"domain": [tr(K + "curve.true loss"), tr(K + "curve.quadratic")],
                                                     "range": [[1, 0], [7, 5]]}, legend=None),
                tooltip=[n("curve_t", tr(K + "tip.curve")), q("t", format=".3f"),
                         q("loss", tr(K + "tip.loss"), format=".4g")])
    # heights are the whole chart's (autosize fit): each plot at least 80 px tall (tests/test_browser.py), the pair a
    # little taller than the maps beside them
    return styled([line], tr(K + "title.slice", u=u, lam=f"{lam:.3g}"), 185 if which == 0 else 215)


def escape_chart(e: EscapeResult, lang: str = "en") -> alt.LayerChart:
    """Loss against step of both runs (RUN_COLOURS), with the saddle's loss as a dotted grey line."""
    tr = i18n.translator(lang)
    h = e.history.copy()
    h["run_t"] = [tr(K + "run." + r) for r in h.run]
    line = mark(h, {"type": "line", "strokeWidth": 3},
                x=q("step", tr(K + "axis.step"), scale={"nice": False}),
                y=q("loss", tr(K + "axis.loss"), scale={"zero": False}),
                color=n("run_t", None, scale={"domain": [tr(K + "run." + r) for r in RUN_COLOURS], "range": _hex(RUN_COLOURS)},
                        legend={"columns": 1, "title": None, "symbolStrokeWidth": 3, "symbolSize": 400}),
                strokeDash=n("run_t", None, scale={"domain": [tr(K + "run." + r) for r in RUN_DASH], "range": list(RUN_DASH.values())}),
                tooltip=[n("run_t", tr(K + "tip.run")), q("step"), q("loss", tr(K + "tip.loss"), format=".5g")])
    rule = mark(pd.DataFrame({"loss": [e.saddle_loss], "label": [tr(K + "saddle_loss")]}),
                {"type": "rule", "strokeDash": [3, 3], "color": GREY, "strokeWidth": 2},
                y=q("loss"), tooltip=[n("label", "")])
    return styled([line, rule], tr(K + "title.escape"), 320)


def ratio_chart(r: RatioResult, lang: str = "en") -> alt.LayerChart:
    """The lecture's scatter: minimum ratio (x) against training loss (y), one dot per network, coloured by
    its Hessian's signs (RATIO_COLOURS); the tooltip says how small its ‖g‖ got."""
    tr = i18n.translator(lang)
    t = r.table[np.isfinite(r.table.loss) & np.isfinite(r.table.min_ratio)].copy()
    t["verdict_t"] = [tr(K + "verdict." + v) for v in t.verdict]
    lo = min(0.5, float(np.floor(10 * t.min_ratio.min()) / 10)) if len(t) else 0.5  # the lecture's axis: 0.5 to 1
    x = q("min_ratio", tr(K + "axis.ratio"), scale={"domain": [lo, 1.02], "nice": False})
    dots = mark(t, {"type": "point", "size": 120, "opacity": 0.9, "strokeWidth": 2, "filled": True}, x=x,
                y=q("loss", tr(K + "axis.train_loss"), scale={"zero": False, "padding": 14}),
                color=n("verdict_t", None, scale={"domain": [tr(K + "verdict." + v) for v in RATIO_COLOURS],
                                                  "range": _hex(RATIO_COLOURS)},
                        legend=None),  # the caption under the pair names every colour; a legend here took the
                # plot down to 95 px and pushed the title above the chart's top
                tooltip=[q("run", tr(K + "tip.run")), q("loss", tr(K + "tip.loss"), format=".4f"),
                         q("min_ratio", tr(K + "tip.ratio"), format=".3f"), q("positive", "λ > 0"), q("negative", "λ < 0"),
                         q("near_zero", "λ ≈ 0"), q("lambda_min", tr(K + "tip.lambda_min"), format=".3g"),
                         q("grad_start", tr(K + "tip.grad_start"), format=".2e"),
                         q("grad_norm", tr(K + "tip.grad"), format=".2e")])
    one = mark(pd.DataFrame({"min_ratio": [1.0], "label": [tr(K + "ratio_one")]}),
               {"type": "rule", "strokeDash": [5, 4], "color": GREY, "strokeWidth": 2}, x=x, tooltip=[n("label", "")])
    return styled([dots, one], tr(K + "title.ratio", m=len(t)), 380)


def spectrum_chart(r: RatioResult, lang: str = "en") -> alt.LayerChart:
    """Every network's Hessian eigenvalues on a symmetric-log axis, coloured by sign (ARROW_COLOURS)."""
    tr = i18n.translator(lang)
    lam = r.eigvals  # (runs, P)
    runs = r.table.run.to_numpy()
    df = pd.DataFrame({"run": np.repeat(runs, lam.shape[1]), "lambda": lam.ravel(),
                       "sign": [tr(K + "sign." + sign_of(v, row)) for row in lam for v in row]})
    df = df[np.isfinite(df["lambda"])]
    ticks = [-1, -0.01, 0, 0.01, 1, 100]
    dom = [tr(K + "sign." + s) for s in ARROW_COLOURS]
    ch = mark(df, {"type": "tick", "thickness": 2, "size": 12},
              x=q("lambda", tr(K + "axis.lambda"), scale={"type": "symlog", "constant": 1e-3},
                  axis={"values": ticks, "labelAngle": 0, "format": "~g"}),
              y=o("run", tr(K + "tip.run")),
              color=n("sign", None, scale={"domain": dom, "range": _hex(ARROW_COLOURS)}, legend=None),  # the caption's
              tooltip=[q("run", tr(K + "tip.run")), q("lambda", "λ", format=".3g")])
    return styled([ch], tr(K + "title.spectrum"), 380)


TABLE = {"x": "x", "y": "y", "loss": "loss", "kind": "kind", "higher_order": "higher", "lambda1": "lambda1",
         "lambda2": "lambda2", "grad_norm": "grad"}  # column of SurfaceResult.critical -> key critical.table.<key>


def points_table(s: SurfaceResult, lang: str = "en") -> pd.DataFrame:
    """Every critical point in view as the page's table: kinds and column names in ``lang``."""
    tr = i18n.translator(lang)
    c = s.critical
    shown = c.assign(kind=[tr(K + "kind." + k) for k in c.kind], higher_order=[tr(K + "higher." + k) for k in c.higher_order])
    return shown.rename(columns={col: tr("critical.table." + k) for col, k in TABLE.items()})
