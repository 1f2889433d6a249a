"""Charts of the depth part: the weights of three stacked 3×3 convolutions against one 7×7, and the deep, narrow
network's test accuracy against the wide, shallow one's while they train."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import COLOURS, mark, n, q, scale, styled
from core.charts.convolution.grid import DEPTH_COLOURS
from core.convolution import DEPTH_MODELS, Counts, DepthResult


def _names(tr) -> tuple[dict[str, str], list[str], dict]:
    names = {m: tr(f"convolution.charts.depth.{m}") for m in DEPTH_MODELS}
    dom = list(names.values())
    return names, dom, scale(dom, [COLOURS[DEPTH_COLOURS[m]] for m in DEPTH_MODELS])


def counts_chart(c: Counts, lang: str = "en"):
    """Weights of the 3×3 stack and of the 7×7 layer (c → c), each bar labelled with its count."""
    tr = i18n.translator(lang)
    names = {"deep": tr("convolution.charts.depth.stack"), "wide": tr("convolution.charts.depth.big")}
    dom = list(names.values())
    sc = scale(dom, [COLOURS[DEPTH_COLOURS[m]] for m in DEPTH_MODELS])
    df = pd.DataFrame({"layer": dom, "count": [c.stack_weights, c.big_weights]})
    w = tr("convolution.charts.depth.weights")
    y = n("layer", None, sort=dom, axis={"title": None, "labelLimit": 260})
    x = q("count", w, axis={"format": ",.0f", "tickCount": 4}, scale={"domain": [0, 1.3 * c.big_weights]})  # room for the labels
    bars = mark(df, {"type": "bar", "height": {"band": 0.7}}, y=y, x=x,
                color=n("layer", None, scale=sc, sort=dom, legend=None),
                tooltip=[n("layer", tr("convolution.charts.share.legend")), q("count", w, format=",")])
    text = mark(df, {"type": "text", "align": "left", "dx": 4, "fontSize": 14}, y=y, x=x,
                text={"field": "count", "type": "quantitative", "format": ","})
    return styled([bars, text], tr("convolution.charts.depth.counts", c=c.c), height=200)


def depth_chart(res: DepthResult, lang: str = "en"):
    """Test accuracy of the deep and the wide network (seed 0 of the run) against the step."""
    tr = i18n.translator(lang)
    names, dom, sc = _names(tr)
    df = res.history.assign(name=res.history.model.map(names))
    acc = tr("convolution.charts.accuracy")
    line = mark(df, {"type": "line", "strokeWidth": 3}, x=q("step", tr("convolution.charts.step")),
                y=q("accuracy", acc, scale={"domain": [0, 1]}, axis={"format": "%"}),
                color=n("name", None, scale=sc, sort=dom),
                tooltip=[n("name", tr("convolution.charts.model_title")), q("step", tr("convolution.charts.step")),
                         q("accuracy", acc, format=".1%")])
    return styled(line, tr("convolution.charts.depth.curve", t=res.numbers()["t"]), height=300,
                  legend={"symbolType": "stroke", "symbolStrokeWidth": 4, "orient": "top", "direction": "horizontal",
                          "title": None})
