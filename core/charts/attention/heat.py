"""The heatmap of the self-attention charts: one rect per cell, masked cells grey, every token label shown
(labels upright and smaller when columns are narrow), the row, column and value on hover."""
from __future__ import annotations

import unicodedata

import altair as alt
import numpy as np
import pandas as pd

from core.charts import GREY, mark, styled

K = "attention.charts."  # the catalogue of the page's chart words
SCHEMES = {"signed": "blueorange", "weights": "blues"}  # colour schemes: signed values, weights in [0, 1]


def _w(text: str) -> int:
    """Display width in Latin characters: a Chinese (wide) character counts as two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int = 38) -> list[str] | str:
    """A title in lines of about ``width`` Latin characters (split at ' | ', spaces, or inside a long run of
    Chinese), so a 350 px slot clips nothing."""
    lines: list[str] = []
    for part in text.split(" | "):
        cur = ""
        for word in part.split(" "):
            while _w(word) > width:  # a run without spaces (Chinese): cut it
                cut = max(1, max(i for i in range(1, len(word) + 1) if _w(word[:i]) <= width - _w(cur) - 1)
                          if _w(cur) + 2 < width else 0)
                if cur and _w(cur) + 2 >= width:
                    lines.append(cur)
                    cur = ""
                    continue
                lines.append(f"{cur} {word[:cut]}".strip())
                cur, word = "", word[cut:]
            if cur and _w(cur) + 1 + _w(word) > width:
                lines.append(cur)
                cur = word
            else:
                cur = f"{cur} {word}" if cur else word
        lines.append(cur)
    lines = [ln for ln in lines if ln]
    return lines if len(lines) > 1 else (lines[0] if lines else "")


def np_(t) -> np.ndarray:
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


def long(mat: np.ndarray, rows: list[str], cols: list[str], allowed: np.ndarray | None = None,
         fmt: str = "{:.2f}") -> pd.DataFrame:
    """(R, C) matrix -> long frame row, col, value, masked, label. Non-finite or disallowed cells are
    'masked' with value 0 (no NaN or inf ever reaches a chart)."""
    r, c = np.meshgrid(np.arange(len(rows)), np.arange(len(cols)), indexing="ij")
    v = np.asarray(mat, dtype=float).ravel()
    masked = ~np.isfinite(v)
    if allowed is not None:
        masked |= ~np.asarray(allowed, dtype=bool).ravel()
    v = np.where(masked, 0.0, v)
    return pd.DataFrame({"row": np.asarray(rows, dtype=object)[r.ravel()],
                         "col": np.asarray(cols, dtype=object)[c.ravel()],
                         "value": v, "masked": masked,
                         "label": ["×" if m else fmt.format(x) for x, m in zip(v, masked)]})


def height(n: int) -> int:
    """Total height for n rows: about 30 px a row plus room for the title, upright labels and axis title."""
    return int(np.clip(30 * n + 170, 270, 600))


def heat(df: pd.DataFrame, rows: list[str], cols: list[str], title, x_title: str, y_title: str | None,
         value_title: str, kind: str = "signed", domain=None, legend: bool = True,
         all_x: bool = True) -> alt.LayerChart:
    """A heatmap: a cell per (row, col), masked cells grey. Every row label is drawn; every column label too
    when ``all_x`` (token axes), else as many as fit (dimension axes: the column is on hover)."""
    scale = {"scheme": SCHEMES[kind], **({"domain": list(domain)} if domain is not None else {"domainMid": 0})}
    fill = {"field": "value", "type": "quantitative", "title": None, "scale": scale,
            "legend": {"orient": "right", "gradientLength": 110} if legend else None}
    many = len(cols) > 8
    x_axis = {"labelAngle": -90 if len(cols) > 4 else -40, "labelLimit": 90, "labelFontSize": 12 if many else 14,
              "labelOverlap": False if all_x else "greedy"}
    enc = dict(
        x={"field": "col", "type": "nominal", "sort": list(cols), "title": x_title, "axis": x_axis},
        y={"field": "row", "type": "nominal", "sort": list(rows), "title": y_title,
           "axis": {"labelLimit": 120, "labelOverlap": False, "labelFontSize": 12 if len(rows) > 8 else 14}},
        tooltip=[{"field": "row", "type": "nominal", "title": y_title or x_title},
                 {"field": "col", "type": "nominal", "title": x_title},
                 {"field": "label", "type": "nominal", "title": value_title}],
        color={"condition": {"test": "datum.masked", "value": GREY}, **fill} if df.masked.any() else fill)
    rect = mark(df, {"type": "rect", "stroke": GREY, "strokeWidth": 0.3}, **enc)
    return styled(rect, title, height(len(rows)))
