"""Charts of the resize part: what the CNN says of a digit at another size as it is, and what both networks say
of it rescaled to their input (the two images are drawn by ``filter.image_chart``)."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import COLOURS, mark, n, o, q, scale, styled
from core.charts.convolution.filter import image_chart
from core.charts.convolution.grid import RESIZE_COLOURS
from core.convolution import Resized

IMAGE_HEIGHT = 190  # the two images side by side in narrow columns: square, not stretched to the default 300 px


def resize_image_chart(a, title_key: str, lang: str = "en"):
    """One of the two digits (before, after) as a grey image, square in its narrow column."""
    chart = image_chart(a, title_key, False, True, True, lang)
    chart.height = IMAGE_HEIGHT
    return chart


def resize_probs_chart(r: Resized, lang: str = "en"):
    """Probabilities of each digit: the CNN on the image as it is, then the CNN and the fully connected network
    on the rescaled one."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.resize.{k}", s=r.size) for k in RESIZE_COLOURS}
    dom = list(names.values())
    sc = scale(dom, [COLOURS[c] for c in RESIZE_COLOURS.values()])
    rows = [(d, names["before"], float(r.before[d])) for d in range(10)]
    rows += [(d, names[k], float(r.after[m][d])) for k, m in (("cnn", "CNN"), ("fc", "fully connected"))
             for d in range(10)]
    df = pd.DataFrame(rows, columns=["digit", "name", "p"])
    p = tr("convolution.charts.probability")
    bars = mark(df, {"type": "bar"}, x=o("digit", tr("convolution.charts.digit"), axis={"labelAngle": 0}),
                xOffset=n("name", sort=dom), y=q("p", p, scale={"domain": [0, 1]}),
                color=n("name", None, scale=sc, sort=dom),
                tooltip=[n("name", tr("convolution.charts.model_title")), o("digit", tr("convolution.charts.digit")),
                         q("p", p, format=".1%")])
    return styled(bars, tr("convolution.charts.probs"), height=330,
                  legend={"orient": "top", "direction": "vertical", "title": None})
