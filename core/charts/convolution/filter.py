"""Charts of the filter part (and the pooling part's maps): an image or a feature map, and the kernel."""
from __future__ import annotations

import numpy as np

from core import i18n
from core.charts import mark, q, styled
from core.charts.convolution.grid import IMAGE_RANGE, SIGNED, UNSIGNED, grid_frame, heat, height_of, tips
from core.convolution import FilterResult


def image_chart(a: np.ndarray, title_key: str, signed: bool = False, image: bool = False, legend: bool = True,
                lang: str = "en"):
    """One image or map: grey for an input image, blue-orange around 0 for a signed map, viridis otherwise."""
    tr = i18n.translator(lang)
    if a.size == 0:
        a = np.zeros((1, 1))
    if image:
        colour = {"scale": {"range": IMAGE_RANGE, "domain": [0, 1]}, "legend": None}
    elif signed:
        m = float(np.abs(a).max()) or 1.0
        colour = {"scale": {"range": SIGNED, "domain": [-m, 0, m]}}
    else:
        colour = {"scale": {"scheme": UNSIGNED, "domain": [0, float(a.max()) or 1.0]}}
    ch = heat(grid_frame(a), colour, tips(tr), a.shape, tr("convolution.charts.value"), legend=legend)
    return styled(ch, tr(title_key, h=a.shape[0], w=a.shape[1]), height=height_of(a.shape),
                  legend={"orient": "right", "gradientLength": 120})


def kernel_chart(res: FilterResult, lang: str = "en"):
    """The kernel's weights as a grid with each number written in its cell."""
    tr = i18n.translator(lang)
    k = res.kernel
    df = grid_frame(k)
    m = float(np.abs(k).max()) or 1.0
    cells = heat(df, {"scale": {"range": SIGNED, "domain": [-m, 0, m]}}, tips(tr), k.shape, "w", legend=False)
    df["label"] = [f"{v:.3g}" for v in k.ravel()]
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    text = mark(df, {"type": "text", "fontSize": 16 if k.shape[0] == 3 else 12, "fontWeight": "bold",
                     "color": "#111111"},
                x=q("xc", scale={"domain": [0, k.shape[1]], "nice": False}, axis=None),
                y=q("yc", scale={"domain": [k.shape[0], 0], "nice": False}, axis=None), text={"field": "label"})
    return styled([cells, text], tr("convolution.charts.kernel", k=k.shape[0]), height=200)
