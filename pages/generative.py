"""Generative vs discriminative: Gaussians per class (closed form) against logistic regression (gradient
descent) on the same training sets, their boundaries, and test accuracy against training-set size."""
from dataclasses import replace

import streamlit as st

from core import generative_curve as gc
from core.charts import generative as charts
from pages import _kit as kit

T = "generative"
F = kit.Form(T, gc.CurveConfig, prefix="gd_")
kit.page(T, [F], [
    kit.Preset("holds", {"gd_data": "two Gaussians", "gd_n_train": 8}),
    kit.Preset("broken", {"gd_data": "mixture"}),
    kit.Preset("wine", {"gd_data": "wine", "gd_n_train": 8}),
    kit.Preset("naive", {"gd_covariance": "diagonal"}),
], r"\begin{gathered}P(C_1|x) = \frac{P(x|C_1)P(C_1)}{P(x|C_1)P(C_1) + P(x|C_0)P(C_0)}\\"
   r"= \sigma(w\cdot x + b),\quad w = \Sigma^{-1}(\mu_1 - \mu_0)\\"
   r"b = -\tfrac12\mu_1^\top\Sigma^{-1}\mu_1 + \tfrac12\mu_0^\top\Sigma^{-1}\mu_0 + \ln\frac{N_1}{N_0}\end{gathered}")
lang = kit.lang()

left, right = st.columns([1, 3], gap="medium")
with left:
    data = F("data")
    if data == "mixture":
        F("mismatch")
    if F("covariance") == "shrinkage":  # the amount matters only there
        F("shrink")
    for name in ("n_train", "resamples"):
        F(name)
cfg = F.config(seed=kit.seed())
if cfg.covariance != "shrinkage":  # one result (and cache entry) whatever the hidden amount says
    cfg = replace(cfg, shrink=gc.CurveConfig.shrink)
with right:
    bnd = kit.shared(f"{T}-boundary", gc.boundary, cfg, queued=kit.queued(st.empty()))
    cols = st.columns(2)
    for col, m in zip(cols, gc.MODELS):
        kit.chart(charts.boundary_chart, bnd, m, lang, where=col)
        line = bnd.lines[m]
        name = kit.t(f"{T}.charts.model.{m}")
        if line is None:
            col.caption(kit.t(f"{T}.text.curved", model=name, acc=bnd.accuracy[m]))
        else:
            col.caption(kit.t(f"{T}.text.line", model=name, w1=line[0][0], w2=line[0][1], b=line[1], acc=bnd.accuracy[m]))
    curve = kit.shared(f"{T}-curve", gc.learning_curve, replace(cfg, n_train=gc.CurveConfig.n_train),
                       queued=kit.queued(st.empty()))
    kit.chart(charts.curve_chart, curve, lang)
    piv = curve.curve.pivot(index="size", columns="model", values="mean")
    gen = [str(s) for s in piv.index if piv.loc[s, "generative"] > piv.loc[s, "logistic regression"]]
    lr = [str(s) for s in piv.index if piv.loc[s, "generative"] < piv.loc[s, "logistic regression"]]
    kit.notice(kit.t(f"{T}.text.notice", resamples=cfg.resamples,
                     gc=kit.t(f"common.colour.{charts.MODEL_COLOURS['generative']}"),
                     lc=kit.t(f"common.colour.{charts.MODEL_COLOURS['logistic regression']}"), gen=", ".join(gen) or kit.t(f"{T}.text.none"),
                     lr=", ".join(lr) or kit.t(f"{T}.text.none")))
    kit.download(kit.t(f"{T}.dl.curve"), lambda: curve.curve.to_csv(index=False).encode(), "generative_curve.csv",
                 "text/csv", kit.t(f"{T}.dl.curve_help"))
