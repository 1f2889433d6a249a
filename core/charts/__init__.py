"""Altair chart builders: results in, ``alt.Chart`` out. No compute, no streamlit.

One style for every builder: charts are Altair objects whose encodings are written as plain
Vega-Lite dicts with the helpers below (``q``, ``n``, ``mark``), then wrapped by ``styled`` (one config
dict, container width, fixed height). Dict encodings skip Altair's object parsing, which makes a
layered chart several times cheaper to build; specs are validated against the Vega-Lite schema in
the tests. Builders take ``lang`` last and read every word they draw from ``core.i18n``.
"""
from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

# Okabe & Ito's colour-blind-safe palette, without black (it vanishes on the dark theme). The names are
# what page text calls them: core.i18n "common.colour.<name>" in each language.
COLOURS: dict[str, str] = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "pink": "#CC79A7",
    "sky blue": "#56B4E9", "vermillion": "#D55E00", "yellow": "#F0E442",
}
PALETTE = list(COLOURS.values())
GREY = "#8A8A8A"  # neutral marks (true curves, sums, data points): visible on both themes
MAX_SERIES = 6  # series drawn in one chart by default; more are one click away


def colour_name(hex_colour: str) -> str:
    """The palette name of a colour (the key for its word in each language)."""
    for k, v in COLOURS.items():
        if v.lower() == hex_colour.lower():
            return k
    return "grey" if hex_colour.lower() == GREY.lower() else hex_colour


STYLE_CONFIG: dict[str, Any] = {
    "axis": {"labelFontSize": 14, "titleFontSize": 15, "gridOpacity": 0.5, "labelOverlap": "greedy"},
    "legend": {"labelFontSize": 14, "titleFontSize": 14, "orient": "bottom", "labelLimit": 280},
    "title": {"fontSize": 17, "anchor": "start", "limit": 0},
    "header": {"labelFontSize": 15, "titleFontSize": 15},
    "view": {"continuousWidth": 300},
}


def q(field: str, title: str | None = None, **kw) -> dict:
    """A quantitative encoding channel."""
    return {"field": field, "type": "quantitative", **({"title": title} if title is not None else {}), **kw}


def n(field: str, title: str | None = None, **kw) -> dict:
    """A nominal encoding channel."""
    return {"field": field, "type": "nominal", **({"title": title} if title is not None else {}), **kw}


def o(field: str, title: str | None = None, **kw) -> dict:
    """An ordinal encoding channel."""
    return {"field": field, "type": "ordinal", **({"title": title} if title is not None else {}), **kw}


def scale(domain: list, colours: list) -> dict:
    return {"domain": list(domain), "range": list(colours)}


def hex_of(name: str) -> str:
    """The hex of a named colour (a key of COLOURS, or "grey"): what the text names, the chart draws."""
    return GREY if name == "grey" else COLOURS[name]


def grid32(df: pd.DataFrame) -> pd.DataFrame:
    """A heat-map grid with its float columns as float32: half the bytes every view sends (surface grids
    are most of a page's data). Only for quantities drawn on continuous scales or shown through formatted
    tooltips: float32 keeps about 7 digits, and an unformatted label would show its binary rounding."""
    cols = {c: "float32" for c in df.columns if df[c].dtype == "float64"}
    return df.astype(cols) if cols else df


def mark(df: pd.DataFrame, mark_def: dict | str, **enc) -> alt.Chart:
    """One layer: ``mark_def`` a mark type or a dict of mark properties; ``enc`` dict channels."""
    md = {"type": mark_def} if isinstance(mark_def, str) else dict(mark_def)
    return alt.Chart(df, mark=alt.MarkDef(**md), encoding=alt.FacetedEncoding(**enc))


def styled(layers: list[alt.Chart] | alt.Chart, title: str = "", height: int = 300, resolve: dict | None = None,
           legend: dict | None = None, params: list | None = None) -> alt.LayerChart:
    """Layers with the common look, container width and a fixed height."""
    layers = layers if isinstance(layers, list) else [layers]
    config = STYLE_CONFIG if legend is None else {**STYLE_CONFIG, "legend": {**STYLE_CONFIG["legend"], **legend}}
    kw: dict[str, Any] = {}
    if resolve:
        kw["resolve"] = {"scale": resolve}
    if params:
        kw["params"] = params
    if title:
        kw["title"] = title
    return alt.LayerChart(layer=layers, height=height, width="container", config=config, **kw)


def style(chart: alt.TopLevelMixin, height: int = 300) -> alt.TopLevelMixin:
    """The common look for a chart built another way (concatenations): container width, fixed height."""
    if not isinstance(chart, (alt.FacetChart, alt.HConcatChart, alt.VConcatChart)):
        chart = chart.properties(height=height, width="container")
    chart.config = STYLE_CONFIG
    return chart
