"""Self-attention: one sentence through one layer, then a tiny transformer and an RNN learning live, attention
against a CNN on digits and an RNN timed beside attention (parts 6 to 9: pages/_attention_parts.py)."""
from dataclasses import replace

import streamlit as st

from core import attention as att
from core.charts import attention as charts
from pages import _kit as kit
from pages._attention_parts import IF, PF, R, TF, images, parallel, rnn, train

T = "attention"
F = kit.Form(T, att.CalcConfig, prefix="at_", keys={"sentence": "at_text", "positional": "at_pe", "window": "at_w",
                                                     "activation": "at_act"})
V = kit.Form(T, att.AttentionView)
kit.page(T, [F, TF, V, R, IF, PF], [
    kit.Preset("order", {"at_pe": False, "part": "position"}),
    kit.Preset("causal", {"at_mask": "causal", "at_query": 6}),
    kit.Preset("window", {"at_mask": "window", "at_w": 3, "part": "masks"}),
    kit.Preset("relu", {"at_act": "ReLU"}),
    kit.Preset("sort", {"at_task": "sort", "at_steps": 300, "part": "train"}),
    kit.Preset("rnn", {"part": "rnn"}),
], r"\begin{gathered}q^i = W^q a^i,\quad k^j = W^k a^j,\quad v^j = W^v a^j\\"
   r"\alpha_{i,j} = \frac{q^i\cdot k^j}{\sqrt{d_k}},\qquad"
   r"\alpha'_{i,j} = \frac{e^{\alpha_{i,j}}}{\sum_{j'} e^{\alpha_{i,j'}}}\\ b^i = \sum_j \alpha'_{i,j}\, v^j\end{gathered}")
tx = kit.Text(T)

# the calculator: its central picture first
left, right = st.columns([1, 3], gap="medium")
with left:
    for name in ("sentence", "query", "d", "heads", "scale", "positional", "activation", "mask"):
        F(name)
    if F.value("mask") == "window" or V.value("part") in att.WINDOW_PARTS:  # the width is used only there
        F("window")
cfg = F.config(seed=kit.seed())
try:
    r = kit.shared(f"{T}-calc", att.calculate, att.computed(cfg), gate=False)
except att.NoWordError:
    r = None
    kit.problem(tx("no_word"), where=right)
if r is not None:
    fl = att.follow(r, cfg.query)
    said = charts.calc_words(r, cfg, fl, kit.lang())
    with right:
        c1, c2 = st.columns([5, 4], gap="small")
        kit.chart(charts.followed, r, fl.row, where=c1)
        kit.chart(charts.query_steps, r, fl.row, where=c2)
        st.caption(said.caption)
        st.markdown(said.rows)
        kit.notice(said.notice)


# the parts below it: only the chosen one is computed and drawn
def steps() -> None:
    kit.chart(charts.matrices, r, ("embed", "pe", "a"))
    st.caption(charts.same_caption(r, cfg, kit.lang()))
    kit.chart(charts.matrices, r, ("Q", "K", "V"))
    c1, c2 = st.columns(2)
    kit.chart(charts.scores, r, 0, "scores", where=c1)
    kit.chart(charts.weighted_sum, r, fl.row, where=c2)
    if cfg.activation == "softmax":  # the same sentence with the other choice of scaling: how peaked the rows get
        other = kit.shared(f"{T}-calc", att.calculate, replace(att.computed(cfg), scale=not cfg.scale), gate=False)
        st.markdown(charts.scale_text(cfg, {cfg.scale: r.peak, not cfg.scale: other.peak}, kit.lang()))


def heads() -> None:
    st.markdown(tx("heads.intro", h=cfg.heads, dk=r.d_head))
    cols = st.columns(min(cfg.heads, 2))
    for h in range(cfg.heads):
        kit.chart(charts.scores, r, h, "weights", where=cols[h % len(cols)])
    kit.chart(charts.matrices, r, ("concat", "out"))


def position() -> None:
    st.markdown(tx("position.intro"))
    kit.chart(charts.shuffled, r)
    m = st.columns(2)
    m[0].metric(tx("position.metric"), f"{r.equivariance_error:.2e}")
    m[1].metric(tx("position.pe"), tx("on" if cfg.positional else "off"))
    if r.equivariant:
        st.success(tx("position.same"), icon=":material/check_circle:")
    else:
        kit.notice(charts.position_differ(r, cfg, kit.lang()))


def masks() -> None:
    w = cfg.window
    full, done = att.cost(r.n, "none", w)["full"], att.cost(r.n, cfg.mask, w)["computed"]
    c1, c2 = st.columns([1, 2], gap="large")
    c1.metric(tx("masks.full", n=r.n), f"{full}")
    c1.metric(tx(f"masks.done.{cfg.mask}"), f"{done}", delta=f"{done - full}", delta_color="inverse")
    if (caption := charts.mask_caption(r, cfg, kit.lang())) is not None:
        c1.caption(caption)
    kit.chart(charts.cost_chart, kit.shared(f"{T}-cost", att.cost_table, w, gate=False), w, where=c2)
    kit.notice(charts.masks_notice(w, kit.lang()))


def cnn() -> None:
    cc = kit.shared(f"{T}-conv", att.compare_conv, replace(cfg, mask="none", query=1), gate=False)
    for col, which in zip(st.columns(2), ("conv", "attn")):
        kit.chart(charts.mixing, cc, which, where=col)
    st.markdown(tx("cnn.gap", gap=f"{cc.interior_gap:.1e}"))
    kit.notice(tx("cnn.notice"))


parts = {"steps": steps, "heads": heads, "position": position, "masks": masks, "cnn": cnn, "train": train, "rnn": rnn,
         "images": images, "parallel": parallel}
kit.parts(V, {p: (fn if r is not None or p not in att.CALCULATOR_PARTS else (lambda: None)) for p, fn in parts.items()},
          label_visibility="collapsed", width="stretch")
