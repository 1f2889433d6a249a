"""The fitting page's parts under the experiment, kept here so pages/fitting.py stays short: two ReLUs make a hard
sigmoid (the lecture's construction), and the experiment's trained fit in the lecture's matrix form y = b + cᵀσ(b + Wx)."""
from __future__ import annotations

import streamlit as st

from core import fitting
from core.charts import fitting as charts
from pages import _kit as kit

T = "fitting"
tx = kit.Text(T)
P = kit.Form(T, fitting.PairView)
M = kit.Form(T, fitting.MatrixView, prefix="mx_")


def relu_pair() -> None:
    """Two ReLUs make a hard sigmoid: the lecture's construction, with its weights written out."""
    st.header(tx("pair.header"))
    a, b = st.columns([1, 2], gap="large")
    with a:
        try:
            pair = fitting.relu_pair(P("x0"), P("x1"), P("height"))
        except ValueError:
            kit.problem(tx("pair.bad"))
            return
    with b:
        w = pair.weights
        st.latex(rf"\begin{{aligned}}&{w['c1']:.2f}\,\max(0,\;{w['b1']:.2f} + {w['w1']:.2f}\,x)\\"
                 rf"+\;&({w['c2']:.2f})\,\max(0,\;{w['b2']:.2f} + {w['w2']:.2f}\,x)\end{{aligned}}")
        kit.chart(charts.relu_pair_chart, pair)
        st.caption(tx("pair.caption", sum=kit.colour(charts.PAIR_COLOURS["sum"]),
                      hard=kit.colour(charts.PAIR_COLOURS["hard"])))


def matrix(result: fitting.FitResult) -> None:
    """The matrix form y = b + cᵀσ(b + Wx) of the experiment's trained weights, at one x (no training)."""
    st.header(tx("matrix.header"))
    if result.log.diverged or not result.weights:
        kit.problem(tx("matrix.diverged"))
        return
    intro = st.empty()  # the intro names the activation function of the model picked below
    a, b = st.columns([1, 3], gap="medium")
    with a:
        model, x = M("model", fmt=lambda m: tx(f"charts.model.{m}")), M("x")
    m = fitting.matrix_of(result, model, x)
    f = fitting.matrix_facts(m)
    intro.markdown(kit.join([tx("matrix.intro", act=tx(f"matrix.act.{model}"), neg=kit.colour(charts.SIGN_COLOURS["negative"]),
                                pos=kit.colour(charts.SIGN_COLOURS["positive"])),
                             tx("matrix.intro_deep", depth=m.depth) if m.depth > 1 else ""]))
    with b:
        kit.chart(charts.matrix_vectors, m)
        for col, layer in zip(st.columns(2), range(1, m.depth)):
            kit.chart(charts.matrix_weights, m, layer, where=col)
        st.latex(rf"y = b + c^\top a = {m.b_out:.4f} + ({m.y - m.b_out:.4f}) = {m.y:.4f}")
        st.caption(tx("matrix.same", y=fitting.torch_forward(result.weights[fitting.NAMES.index(model)], model, m.x)))
        said = [tx(f"matrix.units.{model}", on=f.on, off=f.off, k=m.units, x=m.x, r=fitting.SATURATED_R,
                   last=tx("matrix.last") if m.depth > 1 else ""),
                tx("matrix.top", i=f.top, term=f.top_term, x=m.x)]
        kit.notice(" ".join(said))
        c = result.curve
        if c.y_true is None:  # real data: the model's units are not the chart's
            st.caption(tx("matrix.real", x=m.x, day=c.to_x[0] + c.to_x[1] * m.x, y=m.y,
                          temp=c.to_y[0] + c.to_y[1] * m.y))
