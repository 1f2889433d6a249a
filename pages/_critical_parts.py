"""The critical-points page's minimum-ratio part, kept here so that pages/critical.py stays short: many small
networks trained on the diabetes data, their ‖g‖² minimised, their Hessians' signs, and the experiment as a
take-home script. Only drawn when the page's switch asks for it."""
from __future__ import annotations

import streamlit as st

from core import critical
from core.charts import critical as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "critical"
tx = kit.Text(T)
R = kit.Form(f"{T}.ratio", critical.RatioConfig, prefix="cp_", keys={"steps": "cp_rsteps"}, skip=("seed", "lr"))


def ratio_part(seed: int, arrow: dict) -> None:
    """The lecture's experiment: many networks trained, their ‖g‖² minimised, their Hessians' signs."""
    a, b = st.columns([1, 3], gap="medium")
    with a:
        R("runs")
        R("hidden", help=tx("ratio.ctl.hidden.help", h=R.value("hidden"), p=critical.n_params(10, R.value("hidden"))))
        R("steps")
    cfg = R.config(seed=seed)
    with b:
        bar = st.empty()
        with st.spinner(tx("ratio.spinner", runs=cfg.runs)):
            rr = kit.shared(f"{T}-ratio", critical.min_ratio, cfg, queued=kit.queued(bar))
        bar.empty()
        kit.report(rr.log, [tx("ratio.run", i=i) for i in range(cfg.runs)])
        if rr.table.empty:
            return kit.problem(tx("ratio.all_diverged"))
        p1, p2 = st.columns(2)
        kit.chart(charts.ratio_chart, rr, where=p1)
        kit.chart(charts.spectrum_chart, rr, where=p2)
        st.caption(tx("ratio.colours", **arrow, tol=f"{critical.EIG_TOL:g}"))
        f = charts.fact_words(rr.facts())
        kit.notice(tx(f"ratio.story.{f['story']}", **f, h=cfg.hidden, s="" if cfg.hidden == 1 else "s"))
        st.markdown(kit.join([tx("ratio.ratios", **f), tx("ratio.grad", **f, gtol=f"{critical.GRAD_TOL:g}")]))
        for col, (k, fn, file, mime) in zip(st.columns(2), critical.RATIO_FILES):
            kit.download(tx(f"dl.{k}"), lambda fn=fn: fn(rr), file, mime, tx(f"dl.{k}_help"), where=col)
        take_home(T, critical.ratio_script(cfg, kit.lang()), critical.RATIO_FILE)
