"""Charts of the receptive-field part: the field found by autograd against the formula's window, and the
parameters and multiply-adds of a convolutional against a fully connected layer."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import COLOURS, mark, n, q, scale, styled
from core.charts.convolution.grid import FIELD_COLOURS, SHARE_COLOURS, UNSIGNED, grid_frame, heat
from core.convolution import FieldResult, Sharing


def field_chart(res: FieldResult, lang: str = "en"):
    """|∂ unit / ∂ input| over the 32 × 32 input, with the formula's window outlined."""
    tr = i18n.translator(lang)
    g = res.grad
    ch = heat(grid_frame(g), {"scale": {"scheme": UNSIGNED, "domain": [0, float(g.max()) or 1.0]}},
              [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
               q("v", tr("convolution.charts.grad"), format=".0f")], g.shape, tr("convolution.charts.grad"))
    r0, c0 = res.start
    box = pd.DataFrame({"x": [c0], "x2": [c0 + res.r], "y": [r0], "y2": [r0 + res.r]})
    outline = mark(box, {"type": "rect", "fill": None, "stroke": COLOURS[FIELD_COLOURS["formula"]], "strokeWidth": 3},
                   x=q("x", scale={"domain": [0, g.shape[1]], "nice": False}, axis=None), x2={"field": "x2"},
                   y=q("y", scale={"domain": [g.shape[0], 0], "nice": False}, axis=None), y2={"field": "y2"})
    return styled([ch, outline], tr("convolution.charts.field"), height=330,
                  legend={"orient": "right", "gradientLength": 150})


def share_chart(s: Sharing, lang: str = "en"):
    """Parameters and multiply-adds of the two layers, on a log scale."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.share.{k}") for k in SHARE_COLOURS}
    what = [tr("convolution.charts.share.params"), tr("convolution.charts.share.macs")]
    df = pd.DataFrame([(what[0], names["convolution"], s.conv_params), (what[0], names["fully connected"], s.fc_params),
                       (what[1], names["convolution"], s.conv_macs), (what[1], names["fully connected"], s.fc_macs)],
                      columns=["what", "layer", "count"])
    dom = list(names.values())
    sc = scale(dom, [COLOURS[c] for c in SHARE_COLOURS.values()])
    bars = mark(df, {"type": "bar"}, y=n("what", None, axis={"title": None}), yOffset=n("layer", sort=dom),
                x=q("count", tr("convolution.charts.share.x"), scale={"type": "log", "domainMin": 1},
                    axis={"format": "~s"}, stack=None),  # stacked bars start at 0, which a log scale cannot show
                color=n("layer", tr("convolution.charts.share.legend"), scale=sc, sort=dom),
                tooltip=[n("layer", tr("convolution.charts.share.legend")), n("what", tr("convolution.charts.share.y")),
                         q("count", tr("convolution.charts.share.x"), format=",")])
    return styled(bars, tr("convolution.charts.share.title", n=s.image, c=s.channels, k=s.k), height=300)
