"""The self-attention page's two comparisons after the RNN (its parts 8 and 9), kept here so pages/attention.py
stays short: self-attention for images against a CNN (trained live against the training-set size), and an RNN
against one attention layer timed live on growing lengths, with the input reversed."""
from __future__ import annotations

import streamlit as st

from core import attention as att
from core.charts import attention as charts
from pages import _kit as kit

T = "attention"
IF = kit.Form(T, att.ImagesConfig, prefix="at_img_")
PF = kit.Form(T, att.ParallelConfig, prefix="at_par_")
tx = kit.Text(T)


def images() -> None:
    """Part 8: a CNN and self-attention on 4×4 patches, trained on digits at several training-set sizes."""
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("smallest", "largest", "sizes", "steps"):
            IF(name)
    cfg = IF.config(seed=kit.seed())
    with right:
        st.markdown(tx("images.intro", pa=att.n_parameters(att.KINDS[1]), pc=att.n_parameters(att.KINDS[0]),
                       steps=cfg.steps, b=att.images.BATCH, test=att.images.N_TEST))
        res = kit.train_live(f"{T}-images", att.train_images, cfg,
                             frame=lambda x: kit.chart(charts.size_chart, x, live=True))
        kit.chart(charts.size_chart, res)
        kit.report(res.log, [f"{tx(f'charts.images.{k}')}, n = {n}" for k in ("cnn", "attention") for n in res.sizes])
        run, seeds, notice = charts.images_words(att.images_facts(res), res, kit.lang())
        st.markdown(run)
        st.caption(seeds)
        kit.notice(notice)
        st.caption(tx("images.maps"))
        c1, c2, c3 = st.columns(3)
        kit.chart(charts.patches_chart, res, where=c1)
        for h, col in enumerate((c2, c3)):
            kit.chart(charts.patch_weights, res, h, where=col)


def parallel() -> None:
    """Part 9: an RNN against one attention layer, timed on this server, and the input reversed."""
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("longest", "width", "positions"):
            PF(name)
    cfg = PF.config(seed=kit.seed())
    with right:
        st.markdown(tx("parallel.intro", d=cfg.width, repeats=att.parallel.REPEATS))
        res = kit.shared(f"{T}-parallel", att.measure, cfg, queued=kit.queued(st.empty()))
        kit.chart(charts.timing_chart, res)
        kit.chart(charts.reversal_chart, res)
        measured, notice = charts.parallel_words(att.parallel_facts(res), res, kit.lang())
        st.markdown(measured)
        kit.notice(notice)
