"""Generative vs discriminative: Gaussians per class (closed form) against logistic regression (gradient
descent) on the same training sets, their boundaries, and test accuracy against training-set size."""
from dataclasses import replace

import streamlit as st

from core import generative
from core.charts import generative as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "generative"
F = kit.Form(T, generative.CurveConfig, prefix="gd_")
kit.page(T, [F], [
    kit.Preset("holds", {"gd_data": "two Gaussians", "gd_n_train": 8}),
    kit.Preset("broken", {"gd_data": "mixture"}),
    kit.Preset("wine", {"gd_data": "wine", "gd_n_train": 8}),
    kit.Preset("naive", {"gd_covariance": "diagonal"}),
], r"\begin{gathered}P(C_1|x) = \frac{P(x|C_1)P(C_1)}{P(x|C_1)P(C_1) + P(x|C_0)P(C_0)}\\"
   r"= \sigma(w\cdot x + b),\quad w = \Sigma^{-1}(\mu_1 - \mu_0)\\"
   r"b = -\tfrac12\mu_1^\top\Sigma^{-1}\mu_1 + \tfrac12\mu_0^\top\Sigma^{-1}\mu_0 + \ln\frac{N_1}{N_0}\end{gathered}")
tx = kit.Text(T)


def controls() -> generative.CurveConfig:
    if F("data") == "mixture":
        F("mismatch")
    if F("covariance") == "shrinkage":  # the amount matters only there
        F("shrink")
    for name in ("n_train", "resamples"):
        F(name)
    cfg = F.config(seed=kit.seed())
    if cfg.covariance != "shrinkage":  # one result (and cache entry) whatever the hidden amount says
        cfg = replace(cfg, shrink=generative.CurveConfig.shrink)
    return cfg


def boundary_part(cfg: generative.CurveConfig) -> None:
    """One training set: each model's P(C1|x) over the plane, its line (w, b) and its test accuracy."""
    bnd = kit.shared(f"{T}-boundary", generative.boundary, cfg, queued=kit.queued(st.empty()))
    for col, m in zip(st.columns(2), generative.MODELS):
        kit.chart(charts.boundary_chart, bnd, m, where=col)
        line, name = bnd.lines[m], tx(f"charts.model.{m}")
        if line is None:
            col.caption(tx("text.curved", model=name, acc=bnd.accuracy[m]))
        else:
            col.caption(tx("text.line", model=name, w1=line[0][0], w2=line[0][1], b=line[1], acc=bnd.accuracy[m]))
    take_home(T, generative.script(cfg, kit.lang()), generative.SCRIPT_FILE)


def curve_part(cfg: generative.CurveConfig) -> None:
    """Test accuracy against training-set size, both models on the same random training sets."""
    curve = kit.train_live(f"{T}-curve", generative.learning_curve,
                           replace(cfg, n_train=generative.CurveConfig.n_train))  # n_train plays no part here
    kit.chart(charts.curve_chart, curve)
    f = curve.facts
    kit.notice(tx("text.notice", resamples=cfg.resamples, gc=kit.colour(charts.MODEL_COLOURS["generative"]),
                  lc=kit.colour(charts.MODEL_COLOURS["logistic regression"]),
                  gen=", ".join(map(str, f.generative)) or tx("text.none"),
                  lr=", ".join(map(str, f.logistic)) or tx("text.none")))
    kit.download(tx("dl.curve"), lambda: curve.curve.to_csv(index=False).encode(), "generative_curve.csv",
                 "text/csv", tx("dl.curve_help"))


left, right = st.columns([1, 3], gap="medium")
with left:
    cfg = controls()
with right:
    boundary_part(cfg)
    curve_part(cfg)
