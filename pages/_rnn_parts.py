"""The RNN page's parts after the memory race, kept here so that pages/rnn.py stays short: the vanishing gradient,
the slot-filling taggers (Elman, Jordan, bidirectional; one-hot or learned word vectors), the Elman network
unrolled (the same weights at every step), and whether the GRU overfits less than the LSTM. Each part draws its
controls in ``left`` and its charts in ``right``; only the chosen part runs."""
from __future__ import annotations

import streamlit as st

from core import rnn
from core.charts import rnn as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "rnn"
tx = kit.Text(T)
V = kit.Form(T, rnn.RnnView)
G = kit.Form(T, rnn.GradConfig, keys={"length": "g_len", "gate_bias": "g_bias"})
S = kit.Form(T, rnn.SlotConfig, keys={"steps": "slot_steps"})
O = kit.Form(T, rnn.OverfitConfig, keys={"n": "of_n"})
FORMS = [G, S, O]  # in the page's order, after its own forms


def kinds() -> dict[str, str]:
    """The word for each model's line colour, in this session's language."""
    return {k: kit.colour(charts.KIND_COLOURS[k]) for k in rnn.KINDS}


def gradient(left, right) -> None:
    with left:
        G("length")
        G("gate_bias")
    with right:
        g = kit.shared(f"{T}-grad", rnn.gradients, G.config(seed=kit.seed()), gate=False)
        kit.chart(charts.gradient_chart, g)
        f = rnn.gradient_facts(g)
        st.caption(tx("grad_caption", far=f.far, **{k.lower(): f"{v:.2f}" for k, v in f.per_step.items()},
                      **{f"{k.lower()}_r": f"{v:.1e}" for k, v in f.ratio.items()}))
        notes = [tx("notice.gradient", rnn=kinds()["RNN"], lstm=kinds()["LSTM"], gru=kinds()["GRU"]),
                 tx("notice.gradient_claim", n=rnn.CLAIM_SEEDS, far=rnn.FAR, keep=f"{rnn.RNN_KEEPS:.0%}",
                    times=rnn.LSTM_TIMES)]
        kit.notice(tx("join").join(notes + ([tx("notice.gradient_bias0")] if f.bias0 else [])))


def variants(left, right) -> None:
    with left:
        S("steps")
        S("inputs")
        ex = V("example", horizontal=False)
    with right:
        s = kit.shared(f"{T}-slots", rnn.tag, S.config(seed=kit.seed()), queued=kit.queued(st.empty()))
        kit.chart(charts.slots_chart, s)
        kit.chart(charts.slot_example, s, ex, rnn.example(ex)[0])
        ca = s.city_accuracy
        st.caption(tx("slots_caption", **{m.split("-")[0].lower(): " / ".join(f"{ca[m][o]:.0%}" for o in rnn.ORDERS)
                                          for m in ca}))
        kit.notice(tx("notice.variants") + tx("join") + tx("notice.variants_claim", n=rnn.CLAIM_SEEDS,
                                                           steps=rnn.SlotConfig().steps, guess=f"{rnn.GUESS:.0%}"))
        take_home(T, rnn.slots_script(s.config, kit.lang()), rnn.SLOTS_FILE)
        if s.vectors is not None:
            vectors(s)


def vectors(s: rnn.SlotResult) -> None:
    """The learned word vectors of the taggers in rnn.VECTORS_SHOWN, what they cost, and what to notice in them."""
    for col, m in zip(st.columns(len(rnn.VECTORS_SHOWN)), rnn.VECTORS_SHOWN):
        kit.chart(charts.vectors_chart, s, m, where=col)
    st.caption(tx("vectors_caption", e=rnn.EMBED, v=len(rnn.slots.WORDS), h=rnn.slots.HIDDEN,
                  oh=rnn.input_weights("one-hot", "Elman"), emb=s.input_weights["Elman"],
                  oh_bi=rnn.input_weights("one-hot", "bidirectional"), emb_bi=s.input_weights["bidirectional"]))
    f = rnn.vector_facts(s)
    ff, el = rnn.VECTORS_SHOWN
    kit.notice(tx("join").join([tx("notice.vectors", city=kit.colour(charts.WORD_KIND_COLOURS["city"]),
               day=kit.colour(charts.WORD_KIND_COLOURS["day"]), verb=kit.colour(charts.WORD_KIND_COLOURS["verb"])),
            tx("vectors_run", ff_c=f"{f.cities[ff]:.2f}", el_c=f"{f.cities[el]:.2f}", ff_d=f"{f.days[ff]:.2f}",
               el_d=f"{f.days[el]:.2f}", ff_v=f"{f.verbs[ff]:.2f}", el_v=f"{f.verbs[el]:.2f}"),
            tx("vectors_claim", n=rnn.CLAIM_SEEDS, steps=rnn.SlotConfig().steps, same=f"{rnn.SAME_KIND:g}",
               together=f"{rnn.TOGETHER:g}")]))


def unrolled(left, right) -> None:
    with left:
        S("steps")
        ex = V("example", horizontal=False)
    with right:
        cfg = S.config(seed=kit.seed(), inputs="one-hot")  # as variants, one-hot words (the drawn Wx: a column a word)
        s = kit.shared(f"{T}-slots", rnn.tag, cfg, queued=kit.queued(st.empty()))
        u = rnn.unroll(s, ex)
        kit.chart(charts.unrolled_chart, u)
        st.caption(tx("unrolled_caption", steps=s.config.steps, n=len(u.words), params=f"{u.params:,}",
                      shared=kit.colour(charts.SHARED_COLOUR), state=kit.colour(charts.STATE_COLOUR)))
        f = rnn.unrolled_facts(s)
        a, b = (tx(f"charts.tag.{g}") for g in f.tags)
        run_note = tx("unrolled_run" if f.differs else "unrolled_same", t=f.city_step, differ=f"{f.differ:.2f}",
                      min=f"{rnn.DIFFER:g}", a=a, b=b)
        kit.notice(tx("join").join([tx("notice.unrolled"), run_note,
                                    tx("unrolled_claim", seeds=rnn.CLAIM_SEEDS, steps=rnn.SlotConfig().steps,
                                       min=f"{rnn.DIFFER:g}")]))


def overfit(left, right) -> None:
    with left:
        O("n")
    with right:
        r = kit.train_live(f"{T}-overfit", rnn.overfit, O.config(seed=kit.seed()),
                           frame=lambda p: kit.chart(charts.overfit_curves, p, live=True))
        kit.chart(charts.overfit_curves, r)
        shown = r.shown()  # one decimal: the gaps the text states are the differences of these
        for col, (k, split) in zip(st.columns(4), [(k, s) for k in rnn.CELLS for s in ("train", "validation")]):
            col.metric(tx(f"metric_{split}", model=tx(f"charts.kind.{k}")), f"{shown[f'{k} {split}']:.1f}%")
        f, c = rnn.overfit_facts(r), rnn.OVERFIT_CLAIM
        pct = lambda v: f"{100 * v:.0f}"  # noqa: E731 - points of accuracy
        notes = [tx("notice.overfit", lstm=kinds()["LSTM"], gru=kinds()["GRU"], val=rnn.OVERFIT_VAL,
                    p_lstm=f"{r.params['LSTM']:,}", p_gru=f"{r.params['GRU']:,}"),
                 tx(f"overfit_run.{f.verdict}", n=r.config.n, by=f"{shown['difference']:.1f}", tie=pct(rnn.TIE),
                    lstm_gap=f"{shown['LSTM gap']:.1f}", gru_gap=f"{shown['GRU gap']:.1f}"),
                 tx("overfit_claim", seeds=rnn.CLAIM_SEEDS, n=c.n, fit=f"{rnn.FIT:.0%}", gap=pct(rnn.OVERFIT_GAP),
                    close=pct(rnn.CLOSE), each=rnn.EACH_AHEAD)]
        kit.notice(tx("join").join(notes))
        take_home(T, rnn.overfit_script(r.config, kit.lang()), rnn.OVERFIT_FILE)
