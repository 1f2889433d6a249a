"""The softmax page's "softmax against the sum" part, kept here so pages/softmax.py stays short: the lab's logits
as shares of their sum beside softmax at T = 1, and whether softmax widens their gaps (decided in core)."""
from __future__ import annotations

import streamlit as st

from core import softmax
from core.charts import softmax as charts
from pages import _kit as kit

T = "softmax"
tx = kit.Text(T)


def gaps_part(lab: softmax.LabResult) -> None:
    """Softmax widens the gaps: the lab's logits as shares of their sum beside softmax at T = 1 (when positive)."""
    st.header(tx("gaps.header"))
    g = softmax.gaps(lab.logits)
    if not g.positive:
        bad = ", ".join(f"y{i + 1} = {z:g}" for i, z in enumerate(g.logits) if z <= 0)
        kit.problem(tx("gaps.nonpositive", bad=bad, wide=f"{softmax.WIDE_FROM:g}"))
        return
    small = softmax.gaps(softmax.SMALL_EXAMPLE)
    words = dict(soft_max=g.max_soft, share_max=g.max_share, soft_min=g.min_soft, share_min=g.min_share,
                 top=g.top + 1, bottom=g.bottom + 1, wide=f"{softmax.WIDE_FROM:g}", T=lab.config.temperature,
                 soft=kit.colour(charts.GAPS_COLOURS["softmax"]), share=kit.colour(charts.GAPS_COLOURS["share"]),
                 example=", ".join(f"{z:g}" for z in softmax.SMALL_EXAMPLE), ex_share=small.max_share,
                 ex_soft=small.max_soft)
    st.markdown(tx("gaps.intro", **words))
    if lab.config.temperature != 1.0:
        st.caption(tx("gaps.temperature", **words))
    kit.chart(charts.gaps_bars, g)
    said = [tx(f"gaps.{g.verdict}", **words)]
    if g.verdict != "equal":
        said.append(tx("gaps.rule_holds" if g.all_wide else "gaps.rule_small", **words))
    kit.notice(" ".join(said))
