"""Charts of the weakness part: the CNN's probabilities for the turned digit, and its confidence in the true
digit against the angle and against the scale, each point coloured by whether its answer is right."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, hex_of, mark, n, o, q, scale, styled
from core.charts.spatial.images import ANSWER_COLOURS, height_for, image_layer

DIGIT_WIDTH = 180  # the digit's column (a third of the right-hand column) in pixels at 1280×720
from core.spatial import Weak


def digit_chart(w: Weak, lang: str = "en"):
    """The digit as the CNN sees it, turned and scaled (its pixels square in the narrow left column)."""
    tr = i18n.translator(lang)
    h, wd = w.shown.shape
    dom = ([0, wd], [h, 0])
    return styled(image_layer([(w.shown, 0, 0, 1)], *dom, tr("spatial.charts.value")),
                  tr("spatial.charts.turned", h=h, w=wd), height=height_for(wd, h, width=DIGIT_WIDTH))


def probs_chart(w: Weak, lang: str = "en"):
    """The CNN's probability of each digit; the true digit's bar in the right-answer colour, the others grey."""
    tr = i18n.translator(lang)
    p = tr("spatial.charts.probability")
    df = pd.DataFrame({"digit": range(10), "p": w.probs.astype(float),
                       "kind": [tr("spatial.charts.true_digit") if d == w.label else tr("spatial.charts.other")
                                for d in range(10)]})
    dom = [tr("spatial.charts.true_digit"), tr("spatial.charts.other")]
    bars = mark(df, {"type": "bar"}, x=o("digit", tr("spatial.charts.digit"), axis={"labelAngle": 0}),
                y=q("p", p, scale={"domain": [0, 1]}, axis={"format": "%"}),
                color=n("kind", "", scale=scale(dom, [hex_of(ANSWER_COLOURS["right"]), GREY])),
                tooltip=[o("digit", tr("spatial.charts.digit")), q("p", p, format=".1%")])
    return styled(bars, tr("spatial.charts.probs"), height=300, legend={"orient": "top"})


def curve_chart(w: Weak, along: str, lang: str = "en"):
    """The CNN's probability of the true digit along ``along`` ("angle" or "scale"), its answer written over
    each point (blue: right, vermillion: wrong), and a dashed grey rule at the current setting."""
    tr = i18n.translator(lang)
    df = (w.angles if along == "angle" else w.scales).copy()
    words = {True: tr("spatial.charts.right"), False: tr("spatial.charts.wrong")}
    df["answer"] = df.right.map(words)
    df["read"] = df.read.astype(str)
    p, xt = tr("spatial.charts.p_true", digit=w.label), tr(f"spatial.charts.{along}")
    x = q(along, xt, axis={"values": [-180, -90, 0, 90, 180]} if along == "angle" else {},
          scale={"domain": [min(df[along]), max(df[along])], "zero": False, "nice": False})
    dom = [words[True], words[False]]
    sc = scale(dom, [COLOURS[ANSWER_COLOURS["right"]], COLOURS[ANSWER_COLOURS["wrong"]]])
    y = q("p", p, scale={"domain": [0, 1.12]}, axis={"format": "%", "values": [0, 0.25, 0.5, 0.75, 1]})
    line = mark(df, {"type": "line", "color": GREY, "strokeWidth": 2}, x=x, y=y)
    pts = mark(df, {"type": "point", "filled": True, "size": 80, "opacity": 1}, x=x, y=y,
               color=n("answer", tr("spatial.charts.answer"), scale=sc, sort=dom),
               tooltip=[q(along, xt), q("p", p, format=".1%"), n("read", tr("spatial.charts.read"))])
    text = mark(df, {"type": "text", "dy": -14, "fontSize": 13}, x=x, y=y, text=n("read"),
                color=n("answer", scale=sc, sort=dom, legend=None))
    now = w.view.turn if along == "angle" else w.view.size
    rule = mark(pd.DataFrame({along: [now]}), {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 2},
                x=x)
    return styled([rule, line, pts, text], tr(f"spatial.charts.along_{along}"), height=260, legend={"orient": "top"})
