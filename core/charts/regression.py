"""Charts of the regression page: the data with the current line, the error surface with the descent's path,
the loss against update, MSE against MAE with an outlier, and training/validation loss against features.
Every word from core/locales/<lang>/regression.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.regression import Compare, Features, RegResult

K = "regression.charts."
PATH_COLOURS = {"path": "blue", "start": "pink", "optimum": "vermillion"}  # keys of COLOURS, read by page text
FIT_COLOURS = {("MSE", "with"): "blue", ("MSE", "without"): "sky blue", ("MAE", "with"): "vermillion",
               ("MAE", "without"): "orange"}  # MSE against MAE: each exact fit, with and without the outlier
OUTLIER_COLOUR = "pink"
SPLIT_COLOURS = {"train": "green", "validation": "pink"}
WEIGHT_COLOUR = "blue"
NO_TITLE = {"title": None}  # legends whose entries say it all


def _axis_titles(data: str, feature: str, lang: str) -> tuple[str, str]:
    tr = i18n.translator(lang)
    if data == "diabetes":
        return tr(K + "axis.feature", name=tr(K + f"feature.{feature}")), tr(K + "axis.progression")
    if data == "synthetic":
        return "x", "y"
    return tr(K + "axis.today"), tr(K + "axis.tomorrow")


def _disp(ab: tuple[float, float], v) -> np.ndarray:
    return ab[0] + ab[1] * np.asarray(v, dtype=float)


def _wb(lang: str, bx) -> tuple[dict, dict]:
    tr = i18n.translator(lang)
    return (q("w", tr(K + "axis.w"), scale={"domain": [bx[0], bx[1]], "nice": False, "zero": False}),
            q("b", tr(K + "axis.b"), scale={"domain": [bx[2], bx[3]], "nice": False, "zero": False}))


def _contour_layer(segs: pd.DataFrame, xs: dict, ys: dict, lang: str):
    tr = i18n.translator(lang)
    return mark(segs, {"type": "rule", "color": GREY, "strokeWidth": 1.6, "opacity": 0.85, "clip": True},
                x=xs, y=ys, x2={"field": "w2"}, y2={"field": "b2"},
                tooltip=[q("loss", tr(K + "tip.level"), format=".3g")])


def _point(df: pd.DataFrame, shape: str, colour: str, xs: dict, ys: dict, size: int = 220, tip=None):
    md = {"type": "point", "shape": shape, "size": size, "filled": True, "color": COLOURS[colour],
          "stroke": "white", "strokeWidth": 1.2, "opacity": 1, "clip": True}
    return mark(df, md, x=xs, y=ys, **({"tooltip": tip} if tip else {}))


def surface_chart(r: RegResult, step: int, lang: str = "en"):
    """Contours of the chosen loss over (w, b), the path up to ``step``, start, where it is, the exact optimum."""
    tr = i18n.translator(lang)
    xs, ys = _wb(lang, r.box)
    s = int(np.clip(step, 0, r.last))
    p = pd.DataFrame({"update": np.arange(s + 1), "w": r.path[: s + 1, 0], "b": r.path[: s + 1, 1],
                      "loss": r.losses[: s + 1]})
    tip = [q("update", tr(K + "tip.update")), q("w", "w", format=".3f"), q("b", "b", format=".3f"),
           q("loss", r.config.loss, format=".4g")]
    colour = COLOURS[PATH_COLOURS["path"]]
    line = mark(p, {"type": "line", "strokeWidth": 2.5, "color": colour, "clip": True,
                    "point": {"size": 25, "color": colour}}, x=xs, y=ys, order=q("update"), tooltip=tip)
    now = mark(p.iloc[-1:], {"type": "circle", "size": 230, "color": colour, "stroke": "white", "strokeWidth": 1.5,
                             "opacity": 1, "clip": True}, x=xs, y=ys, tooltip=tip)
    dom = [tr(K + "start"), tr(K + f"optimum.{r.config.loss}")]
    what = pd.DataFrame({"w": [r.config.start_w, r.optimum[0]], "b": [r.config.start_b, r.optimum[1]], "what": dom})
    marks = mark(what, {"type": "point", "size": 260, "filled": True, "opacity": 1, "clip": True}, x=xs, y=ys,
                 color=n("what", None, scale=scale(dom, [COLOURS[PATH_COLOURS[k]] for k in ("start", "optimum")]),
                         legend=NO_TITLE),
                 shape=n("what", scale=scale(dom, ["square", "cross"]), legend=NO_TITLE),
                 tooltip=[n("what", tr(K + "tip.what")), q("w", "w", format=".3f"), q("b", "b", format=".3f")])
    layers = [_contour_layer(r.contours, xs, ys, lang), line, now, marks]
    return styled(layers, tr(K + "title.surface", loss=r.config.loss, lr=f"{r.config.lr:g}"), height=360,
                  legend={"columns": 1})


def data_chart(r: RegResult, step: int, lang: str = "en"):
    """The examples, the line y = b + w x after ``step`` updates, and the exact optimum's line (dashed)."""
    tr = i18n.translator(lang)
    d, cfg = r.data, r.config
    xt, yt = _axis_titles(cfg.data, cfg.feature, lang)
    x, y = d.x.numpy(), d.y.numpy()
    kind = np.where(np.arange(len(x)) == len(x) - 1, "outlier", "example") if d.has_outlier else "example"
    pts = pd.DataFrame({"x": _disp(d.to_x, x), "y": _disp(d.to_y, y), "kind": kind})
    xs = q("x", xt, scale={"zero": False, "nice": False})
    lo, hi = float(pts.y.min()), float(pts.y.max())
    ys = q("y", yt, scale={"zero": False, "domain": [lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo)]})  # the data's range
    s = int(np.clip(step, 0, r.last))
    w, b = r.path[s]
    ends = np.array([x.min(), x.max()])
    lines = pd.DataFrame({"x": np.r_[_disp(d.to_x, ends), _disp(d.to_x, ends)],
                          "y": np.r_[_disp(d.to_y, b + w * ends), _disp(d.to_y, r.optimum[1] + r.optimum[0] * ends)],
                          "line": [tr(K + "line.now")] * 2 + [tr(K + f"optimum.{cfg.loss}")] * 2})
    dom = [tr(K + "line.now"), tr(K + f"optimum.{cfg.loss}")]
    sc = scale(dom, [COLOURS[PATH_COLOURS["path"]], COLOURS[PATH_COLOURS["optimum"]]])
    layers = [mark(pts, {"type": "point", "size": 36, "opacity": 0.75, "color": GREY, "filled": True}, x=xs, y=ys,
                   shape=n("kind", scale=scale(["example", "outlier"], ["circle", "diamond"]), legend=None),
                   size={"condition": {"test": "datum.kind == 'outlier'", "value": 160}, "value": 36}),
              mark(lines, {"type": "line", "strokeWidth": 3, "clip": True}, x=xs, y=ys,
                   color=n("line", None, scale=sc, legend=NO_TITLE),
                   strokeDash=n("line", scale=scale(dom, [[1, 0], [7, 5]]), legend=NO_TITLE))]
    return styled(layers, tr(K + f"title.data.{cfg.data}"), height=360, legend={"columns": 1})


def loss_chart(r: RegResult, step: int, lang: str = "en"):
    """The loss after each update (log scale), where the replay is, and the exact optimum's loss (dashed)."""
    tr = i18n.translator(lang)
    s = int(np.clip(step, 0, r.last))
    floor = max(float(r.losses.min()), 1e-12) * 0.5
    df = pd.DataFrame({"update": np.arange(r.last + 1), "loss": np.maximum(r.losses, floor)})
    xs = q("update", tr(K + "axis.update"), scale={"domain": [0, max(1, r.config.steps)], "nice": False})
    ys = q("loss", tr(K + "axis.loss_log", loss=r.config.loss), scale={"type": "log"})
    colour = COLOURS[PATH_COLOURS["path"]]
    tip = [q("update", tr(K + "tip.update")), q("loss", r.config.loss, format=".4g")]
    best = pd.DataFrame({"loss": [max(r.optimum[2], floor)], "what": [tr(K + f"optimum.{r.config.loss}")]})
    layers = [mark(df, {"type": "line", "strokeWidth": 2.5, "color": colour}, x=xs, y=ys, tooltip=tip),
              mark(df.iloc[s:s + 1], {"type": "circle", "size": 200, "color": colour, "stroke": "white",
                                      "opacity": 1}, x=xs, y=ys, tooltip=tip),
              mark(best, {"type": "rule", "strokeDash": [7, 5], "strokeWidth": 2,
                          "color": COLOURS[PATH_COLOURS["optimum"]]}, y=ys, tooltip=[n("what", tr(K + "tip.what"))])]
    return styled(layers, tr(K + "title.loss"), height=230)


def _fit_names(lang: str) -> dict:
    tr = i18n.translator(lang)
    return {k: tr(K + f"fit.{k[0]}.{k[1]}") for k in FIT_COLOURS}


def compare_surface(c: Compare, kind: str, lang: str = "en"):
    """One loss's contours on the data (outlier included) with its exact fit with and without the outlier."""
    tr = i18n.translator(lang)
    xs, ys = _wb(lang, c.box)
    names = _fit_names(lang)
    keys = [(kind, "without"), (kind, "with")] if c.has_outlier else [(kind, "with")]
    df = pd.DataFrame([(names[k], *c.fits[k]) for k in keys], columns=["fit", "w", "b"])
    sc = scale([names[k] for k in keys], [COLOURS[FIT_COLOURS[k]] for k in keys])
    pts = mark(df, {"type": "point", "size": 300, "filled": True, "opacity": 1, "clip": True}, x=xs, y=ys, color=n("fit", None, scale=sc, legend=NO_TITLE),
               shape=n("fit", scale=scale([names[k] for k in keys], ["circle", "cross"][-len(keys):]), legend=NO_TITLE),
               tooltip=[n("fit", tr(K + "tip.what")), q("w", "w", format=".3f"), q("b", "b", format=".3f")])
    return styled([_contour_layer(c.surfaces[kind], xs, ys, lang), pts], tr(K + f"title.compare.{kind}"),
                  height=300, legend={"orient": "bottom", "columns": 1})


def compare_data(c: Compare, data: str, feature: str, lang: str = "en"):
    """The examples (the outlier as a large diamond) and the four exact fits: MSE and MAE, with and without."""
    xt, yt = _axis_titles(data, feature, lang)
    names = _fit_names(lang)
    keys = [k for k in FIT_COLOURS if c.has_outlier or k[1] == "with"]
    ends = np.array([c.x.min(), c.x.max()])
    lines = pd.DataFrame([(names[k], _disp(c.to_x, e), _disp(c.to_y, c.fits[k][1] + c.fits[k][0] * e))
                          for k in keys for e in ends], columns=["fit", "x", "y"])
    out = np.arange(len(c.x)) == len(c.x) - 1 if c.has_outlier else np.zeros(len(c.x), dtype=bool)
    pts = pd.DataFrame({"x": _disp(c.to_x, c.x), "y": _disp(c.to_y, c.y)})
    xs, ys = q("x", xt, scale={"zero": False, "nice": False}), q("y", yt, scale={"zero": False})
    dom = [names[k] for k in keys]
    layers = [mark(pts[~out], {"type": "circle", "size": 30, "opacity": 0.6, "color": GREY}, x=xs, y=ys),
              mark(lines, {"type": "line", "strokeWidth": 3}, x=xs, y=ys,
                   color=n("fit", None, scale=scale(dom, [COLOURS[FIT_COLOURS[k]] for k in keys]), legend=NO_TITLE),
                   strokeDash=n("fit", scale=scale(dom, [[1, 0] if k[1] == "with" else [7, 5] for k in keys]),
                                legend=NO_TITLE))]
    if c.has_outlier:
        layers.append(mark(pts[out], {"type": "point", "shape": "diamond", "size": 260, "filled": True,
                                      "color": COLOURS[OUTLIER_COLOUR], "stroke": "white", "opacity": 1}, x=xs, y=ys))
    return styled(layers, i18n.text(lang, K + "title.compare.data"), height=300, legend={"orient": "right"})


def features_chart(f: Features, k: int, lang: str = "en"):
    """Training and validation MSE against the number of features k; the chosen k marked."""
    tr = i18n.translator(lang)
    dom = [tr(K + "split.train"), tr(K + "split.validation")]
    df = pd.DataFrame({"k": np.r_[f.ks, f.ks], "loss": np.r_[f.train, f.val], "split": np.repeat(dom, len(f.ks))})
    sc = scale(dom, [COLOURS[SPLIT_COLOURS["train"]], COLOURS[SPLIT_COLOURS["validation"]]])
    enc = dict(x=q("k", tr(K + f"axis.k.{f.config.source}"), scale={"nice": False}, axis={"tickMinStep": 1}),
               y=q("loss", tr(K + f"axis.mse.{f.config.source}"), scale={"zero": False}),
               color=n("split", None, scale=sc, legend=NO_TITLE),
               tooltip=[q("k", "k"), n("split", tr(K + "tip.split")), q("loss", "MSE", format=".4g")])
    rule = mark(pd.DataFrame({"k": [min(k, int(f.ks[-1]))]}), {"type": "rule", "strokeDash": [4, 4],
                                                               "color": GREY, "strokeWidth": 2}, x=q("k"))
    return styled([mark(df, {"type": "line", "strokeWidth": 2.5}, **enc),
                   mark(df, {"type": "point", "size": 40, "filled": True}, **enc), rule],
                  tr(K + f"title.features.{f.config.source}"), height=300)


def weights_chart(f: Features, k: int, lang: str = "en"):
    """The weights w_1..w_k of the model with k features, in the order the features were added."""
    tr = i18n.translator(lang)
    k = int(np.clip(k, 1, len(f.ks)))
    names = [tr(K + f"feature.{nm}") if f.config.source == "diabetes" else nm for nm in f.names[:k]]
    df = pd.DataFrame({"feature": names, "w": f.weights[k - 1], "order": np.arange(k)})
    bars = mark(df, {"type": "bar", "color": COLOURS[WEIGHT_COLOUR]},
                x=n("feature", tr(K + f"axis.which.{f.config.source}"), sort={"field": "order"},
                    axis={"labelAngle": -40 if f.config.source == "diabetes" else 0}),
                y=q("w", tr(K + "axis.weight")),
                tooltip=[n("feature", tr(K + "tip.feature")), q("w", "w", format=".4g")])
    return styled(bars, tr(K + "title.weights", k=k), height=300)
