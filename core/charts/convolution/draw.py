"""Charts of the draw part: the two networks' probabilities for one digit, and their confidence in it as
it moves sideways."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import GREY, mark, n, o, q, styled
from core.charts.convolution.race import model_names, model_scale
from core.convolution import MODELS


def probs_chart(pred: dict, lang: str = "en"):
    """Each network's probability for each digit."""
    tr = i18n.translator(lang)
    names = model_names(tr)
    dom, sc = model_scale(tr)
    df = pd.DataFrame([(d, names[m], float(pred[m][d])) for m in MODELS for d in range(10)],
                      columns=["digit", "name", "p"])
    p = tr("convolution.charts.probability")
    bars = mark(df, {"type": "bar"}, x=o("digit", tr("convolution.charts.digit"), axis={"labelAngle": 0}),
                xOffset=n("name", sort=dom), y=q("p", p, scale={"domain": [0, 1]}),
                color=n("name", tr("convolution.charts.model_title"), scale=sc, sort=dom),
                tooltip=[n("name", tr("convolution.charts.model_title")), o("digit", tr("convolution.charts.digit")),
                         q("p", p, format=".1%")])
    return styled(bars, tr("convolution.charts.probs"), height=300, legend={"orient": "top", "direction": "horizontal"})


def shift_curve_chart(df: pd.DataFrame, shift: int, lang: str = "en"):
    """Each network's probability of the true digit against the sideways shift; a rule at the current one."""
    tr = i18n.translator(lang)
    names = model_names(tr)
    dom, sc = model_scale(tr)
    d = df.assign(name=df.model.map(names))
    p = tr("convolution.charts.p_true")
    x = q("shift", tr("convolution.charts.shift_px"), axis={"values": sorted(d["shift"].unique().tolist())})
    line = mark(d, {"type": "line", "strokeWidth": 3, "point": {"size": 60, "filled": True}}, x=x,
                y=q("p", p, scale={"domain": [0, 1]}), color=n("name", None, scale=sc, sort=dom),
                tooltip=[n("name", tr("convolution.charts.model_title")), q("shift", tr("convolution.charts.shift_px")),
                         q("p", p, format=".1%")])
    rule = mark(pd.DataFrame({"shift": [shift]}),
                {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 2}, x=q("shift"))
    # one row of legend on top, no legend title: a bottom legend with a title left the plot about 50 px tall
    # (Vega's fit counts a legend's height twice) and pushed the title up under the text above
    return styled([rule, line], tr("convolution.charts.shift_curve"), height=300,
                  legend={"symbolType": "stroke", "symbolStrokeWidth": 4, "orient": "top", "direction": "horizontal",
                          "title": None})
