"""Altair chart builders: results in, ``alt.Chart`` out. No compute, no streamlit."""
from __future__ import annotations

import altair as alt

# Legible from the back of a lecture hall; colours safe for the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def style(chart: alt.TopLevelMixin, height: int = 300) -> alt.TopLevelMixin:
    """Common look: large labels, container width, fixed height."""
    return (chart.properties(height=height, width="container") if not isinstance(chart, (alt.FacetChart,
            alt.HConcatChart, alt.VConcatChart)) else chart).configure_axis(
        labelFontSize=14, titleFontSize=15, gridOpacity=0.5).configure_legend(
        labelFontSize=14, titleFontSize=14, orient="bottom").configure_title(fontSize=17, anchor="start").configure_header(
        labelFontSize=15, titleFontSize=15)


# style()'s look as one config dict, for builders that assemble charts directly (each configure_* call
# deep-copies a chart; assigning this dict once is much cheaper).
STYLE_CONFIG = style(alt.Chart()).to_dict(validate=False).get("config", {})
