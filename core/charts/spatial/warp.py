"""Chart of the warp part: the input with the sampling grid over it, and the output read through that grid,
side by side in one chart at the same size (so a turned grid looks turned, not sheared)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import styled
from core.charts.spatial.images import grid_layers, height_for, image_layer, label_layer, outline_layer
from core.spatial import WarpResult

GAP = 0.12  # between the two panels, as a fraction of a panel


def warp_chart(res: WarpResult, lang: str = "en"):
    """Left: the input, zoomed out as far as the grid reaches, with the grid over it. Right: the output."""
    tr = i18n.translator(lang)
    side = res.image.shape[0]
    pts = np.concatenate([res.grid.reshape(-1, 2), res.outline])
    lo = float(min(0.0, pts.min())) - 0.5
    hi = float(max(side, pts.max())) + 0.5
    span = hi - lo
    x0 = span * (1 + GAP)  # the output panel's left edge, the same size as the input panel
    top = span * 0.09
    dom = ([lo, lo + x0 + span], [hi, lo - top])
    value = tr("spatial.charts.value")
    layers = [image_layer([(res.image, 0, 0, 1), (res.out, lo + x0, lo, span / side)], *dom, value),
              outline_layer([(0, 0, side), (lo + x0, lo, span)], dom)]
    layers += grid_layers([(res.grid, res.outline, 0, 0)], 1, dom)
    words = pd.DataFrame({"x": [lo + span / 2, lo + x0 + span / 2], "y": [lo - top / 2] * 2,
                          "text": [tr("spatial.charts.input"), tr("spatial.charts.output")]})
    layers.append(label_layer(words, dom, size=16))
    return styled(layers, tr("spatial.charts.warp", digit=res.label), height=height_for(x0 + span, span + top, hi=420))
