"""Charts of the learned part: the turn the transformer's warp applies to each test digit against the turn the
digit was given, and the size of its grid against the digit's scale."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, q, styled
from core.charts.spatial.images import FIT_COLOUR
from core.spatial import Learned

POINT_COLOUR = "blue"


def _scatter(df: pd.DataFrame, fx: str, fy: str, tx: str, ty: str, ideal: pd.DataFrame | None, slope: float | None,
             title: str, dom_x: list, dom_y: list):
    """Points, the dashed grey ``ideal`` line where given, and the least-squares line of slope ``slope``."""
    x, y = q(fx, tx, scale={"domain": dom_x, "zero": False}), q(fy, ty, scale={"domain": dom_y, "zero": False})
    layers = [] if ideal is None else [
        mark(ideal, {"type": "line", "color": GREY, "strokeDash": [6, 4], "strokeWidth": 2, "clip": True}, x=x, y=y)]
    layers.append(mark(df, {"type": "point", "filled": True, "size": 22, "opacity": 0.45,
                            "color": COLOURS[POINT_COLOUR]},
                       x=x, y=y, tooltip=[q(fx, tx, format=".2f"), q(fy, ty, format=".2f"), q("digit")]))
    if slope is not None:
        b = float(df[fy].mean() - slope * df[fx].mean())
        fit = pd.DataFrame({fx: dom_x, fy: [b + slope * v for v in dom_x]})
        layers.append(mark(fit, {"type": "line", "color": COLOURS[FIT_COLOUR], "strokeWidth": 3, "clip": True},
                           x=x, y=y))
    return styled(layers, title, height=340)


def angle_chart(le: Learned, lang: str = "en"):
    """Correction against the given turn; dashed grey: a warp that undoes the whole turn; vermillion: the fit."""
    tr = i18n.translator(lang)
    df = le.frame
    r = max(5.0, float(np.abs(df.angle).max()))
    ideal = pd.DataFrame({"angle": [-r, r], "correction": [r, -r]})
    c = max(r, float(np.abs(df.correction).max()))
    return _scatter(df, "angle", "correction", tr("spatial.charts.given"), tr("spatial.charts.correction"), ideal,
                    le.slope, tr("spatial.charts.learned_angle", n=len(df)), [-r, r], [-c, c])


def size_chart(le: Learned, lang: str = "en"):
    """The grid's size against the digit's scale, with the least-squares line (vermillion)."""
    tr = i18n.translator(lang)
    df = le.frame
    lo, hi = float(df.scale.min()) - 0.02, float(df.scale.max()) + 0.02
    slope = float(np.polyfit(df.scale, df["size"], 1)[0]) if le.size_corr is not None else None
    return _scatter(df, "scale", "size", tr("spatial.charts.scale_given"), tr("spatial.charts.size"), None, slope,
                    tr("spatial.charts.learned_size"), [lo, hi], [0, max(1.0, float(df["size"].max()) + 0.05)])
