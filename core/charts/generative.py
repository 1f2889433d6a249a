"""Charts of the generative-vs-discriminative page: each model's P(C1|x) over the plane with the training
set, and test accuracy against training-set size (mean line, 10th-90th percentile band)."""
from __future__ import annotations

import numpy as np

from core import i18n
from core.charts import COLOURS, mark, n, q, scale, styled
from core.generative import MODELS, Boundary, CurveResult

MODEL_COLOURS = {"generative": "green", "logistic regression": "vermillion"}  # the curves
CLASS_COLOURS = ("blue", "orange")  # class 0, class 1 (regions and points)


def boundary_chart(res: Boundary, model: str, lang: str = "en"):
    """P(C1|x) of one model as shading (colour: the predicted class, shade: its probability); training set
    filled, test examples small and hollow."""
    tr = i18n.translator(lang)
    dom = [tr("generative.charts.class_n", k=k) for k in (0, 1)]
    sc = scale(dom, [COLOURS[c] for c in CLASS_COLOURS])
    g = res.grid[res.grid.model == model].copy()
    g["c"] = np.where(g.p > 0.5, dom[1], dom[0])
    g["conf"] = np.maximum(g.p, 1 - g.p)
    lim1 = {"domain": [float(g.x1.min()), float(g.x1e.max())], "nice": False}
    lim2 = {"domain": [float(g.x2.min()), float(g.x2e.max())], "nice": False}
    ax = [tr(f"generative.charts.axis.{res.config.data}.{i}") for i in (0, 1)]
    heat = mark(g, {"type": "rect"}, x=q("x1", ax[0], scale=lim1), x2={"field": "x1e"}, y=q("x2", ax[1], scale=lim2),
                y2={"field": "x2e"}, color=n("c", tr("generative.charts.predicted"), scale=sc),
                opacity=q("conf", scale={"domain": [0.5, 1.0], "range": [0.05, 0.55]}, legend=None),
                tooltip=[n("c", tr("generative.charts.predicted")), q("p", "P(C1|x)", format=".2f")])
    te = res.test.assign(c=[dom[k] for k in res.test.cls])
    trn = res.train.assign(c=[dom[k] for k in res.train.cls])
    test = mark(te, {"type": "point", "filled": False, "size": 18, "opacity": 0.5}, x=q("x1"), y=q("x2"),
                color=n("c", tr("generative.charts.predicted"), scale=sc))
    train = mark(trn, {"type": "point", "filled": True, "size": 110, "stroke": "white", "strokeWidth": 1.2,
                       "opacity": 1}, x=q("x1"), y=q("x2"), color=n("c", tr("generative.charts.predicted"), scale=sc),
                 tooltip=[n("c", tr("generative.charts.true_class"))])
    return styled([heat, test, train], tr(f"generative.charts.model.{model}"), height=330, legend={"orient": "bottom"})


def curve_chart(res: CurveResult, lang: str = "en"):
    """Mean test accuracy against training-set size (log scale), with the 10th-90th percentile band."""
    tr = i18n.translator(lang)
    dom = [tr(f"generative.charts.model.{m}") for m in MODELS]
    sc = scale(dom, [COLOURS[MODEL_COLOURS[m]] for m in MODELS])
    df = res.curve.assign(name=res.curve.model.map(dict(zip(MODELS, dom))))
    x = q("size", tr("generative.charts.size"), scale={"type": "log", "base": 2}, axis={"values": sorted(df["size"].unique().tolist())})
    acc = tr("generative.charts.accuracy")
    band = mark(df, {"type": "area", "opacity": 0.18}, x=x, y=q("lo", acc, scale={"zero": False}), y2={"field": "hi"},
                color=n("name", tr("generative.charts.model_title"), scale=sc))
    line = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 60, "filled": True}}, x=x, y=q("mean", acc),
                color=n("name", tr("generative.charts.model_title"), scale=sc),
                tooltip=[q("size", tr("generative.charts.size")), n("name", tr("generative.charts.model_title")),
                         q("mean", acc, format=".3f"), q("lo", "10 %", format=".3f"), q("hi", "90 %", format=".3f"),
                         q("wins", tr("generative.charts.wins"), format=".0%")])
    return styled([band, line], tr("generative.charts.curve_title"), height=340,
                  legend={"symbolOpacity": 1, "symbolType": "stroke", "symbolStrokeWidth": 4})
