"""The convolution page's parts kept here so that pages/convolution.py stays short: receptive fields and shared
parameters, and those added for the lecture's remaining points (issue 28): depth saves parameters, the two
observations behind CNNs on a Go board, and one size in. Each part draws its controls in ``left`` and its charts in
``right``; only the chosen part runs."""
from __future__ import annotations

import streamlit as st

from core import convolution as cv
from core.charts import convolution as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "convolution"
tx = kit.Text(T)
L, DP = kit.Form(T, cv.FieldConfig), kit.Form(T, cv.DepthConfig)
G, RV = kit.Form(T, cv.GoConfig), kit.Form(T, cv.ResizeView)
FORMS = [L, DP, G, RV]  # in the page's order, after its own forms


def field_part(left, right) -> None:
    """The receptive field of a stack of layers, and what sharing a filter's weights saves."""
    with left:
        stack = [f"{ks}{i}" for i in range(1, L("layers") + 1) for ks in "ks"]  # k1, s1, k2, s2, ...
        for name in stack + ["row", "col", "image", "channels"]:
            L(name)
    cfg = L.config()
    with right:
        res = kit.shared(f"{T}-field", cv.field_lab, cfg, gate=False)
        c1, c2 = st.columns([3, 2])
        if res.out_side == 0:
            kit.problem(tx("field.no_fit", n=cv.INPUT), where=c1)
        else:
            kit.chart(charts.field_chart, res, where=c1)
            c2.markdown(tx("field.text", **res.numbers(), box=kit.colour(charts.FIELD_COLOURS["formula"])))
            st.latex(cv.field_tex(res))
        s = kit.shared(f"{T}-share", cv.sharing, cfg, gate=False)
        kit.chart(charts.share_chart, s)
        kit.notice(tx("share.notice", **s.numbers()))


def depth_part(left, right) -> None:
    """Three 3×3 layers against one 7×7, and a deep narrow CNN trained against a wide shallow one."""
    with left:
        for name in ("deep_width", "deep_train", "deep_steps"):
            DP(name)
    with right:
        res = kit.train_live(f"{T}-depth", cv.depth, DP.config(seed=kit.seed()),
                             frame=lambda r: kit.chart(charts.depth_chart, r, live=True))
        kit.chart(charts.depth_chart, res)
        st.caption(tx("depth.status", **res.numbers()))
        kit.notice(charts.depth_notice(cv.depth_facts(res), kit.lang()))
        if cv.depth_checked(res.config):  # what the claim tests saw on 10 seeds, said only at their setting
            st.caption(tx("depth.checked", **cv.depth_said(res.config)))
        c = cv.counts(res.config.deep_width)
        c1, c2 = st.columns([3, 2])
        kit.chart(charts.counts_chart, c, where=c1)
        c2.markdown(tx("depth.counts", **c.numbers(), stack=kit.colour(charts.DEPTH_COLOURS["deep"]),
                       big=kit.colour(charts.DEPTH_COLOURS["wide"])))
        take_home(T, cv.depth_script(res.config, kit.lang()), cv.DEPTH_FILE)


def go_part(left, right) -> None:
    """One 3×3 filter over the whole Go board, and what 2×2 pooling of its answer loses."""
    with left:
        G("go_stones")
        G("go_colour", horizontal=True)
    with right:
        res = kit.shared(f"{T}-go", cv.go_lab, G.config(seed=kit.seed()), gate=False)
        c1, c2 = st.columns(2)
        kit.chart(charts.go_chart, res, where=c1)
        kit.chart(charts.go_pooled_chart, res, where=c2)
        kit.notice(charts.go_notice(cv.go_facts(res), res.numbers(), kit.lang()))
        st.markdown(tx("go.why"))


def resize_part(left, right, race_result, pick_control) -> None:
    """A test digit drawn at another size, as it is and rescaled to the race networks' input."""
    with left:
        pick = pick_control()
        size = RV("drawn_at")
    with right:
        res = race_result()
        r = kit.shared(f"{T}-resize", cv.resized, res, pick, size, gate=False)
        acc = cv.resize_gains(kit.shared(f"{T}-resize-all", cv.resize_accuracy, res, size, gate=False))
        c1, c2, c3 = st.columns([2, 2, 4])
        kit.chart(charts.resize_image_chart, r.drawn, f"{T}.charts.resize.drawn", where=c1)
        kit.chart(charts.resize_image_chart, r.fed, f"{T}.charts.resize.fed", where=c2)
        kit.chart(charts.resize_probs_chart, r, where=c3)
        kit.notice(charts.resize_notice(r, acc, kit.lang()))
        said = [tx("resize.how", side=res.racers.side)]
        if cv.resize_checked(res.config, size):  # what the claim test saw on 10 seeds, said only at its setting
            said.append(tx("resize.checked", **cv.RESIZE_SAID))
        st.caption(kit.join(said))
