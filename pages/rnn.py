"""RNN and LSTM gates: the lecture's hand-made LSTM, a trained LSTM's gates, the memory race, the vanishing
gradient, slot filling, the Elman network unrolled (the same weights at every step), and whether the GRU
overfits less than the LSTM. Only the chosen part is computed and drawn."""
from dataclasses import replace

import streamlit as st

from core import rnn
from core.charts import rnn as charts
from pages import _kit as kit
from pages._rnn_parts import FORMS, V, gradient, kinds, overfit, unrolled, variants
from pages._takehome import take_home

T = "rnn"
L = kit.Form(T, rnn.LectureConfig, keys={"sequence": "seq", "sharpness": "sharp"})
R = kit.Form(T, rnn.RaceConfig, keys={"gate_bias": "bias"})
kit.page(T, [V, L, R, *FORMS], [
    kit.Preset("soft", {"sharp": 1.0}),
    kit.Preset("race", {"part": "race"}),
    kit.Preset("bias0", {"part": "race", "bias": 0.0}),
    kit.Preset("vanish", {"part": "gradient"}),
    kit.Preset("future", {"part": "variants", "example": "Taipei … arrive"}),
], r"\begin{gathered}\text{LSTM: } c' = g(z)\,f(z_i) + c\,f(z_f),\quad a = h(c')\,f(z_o)\\"
   r"z = W x,\ z_i = W_i x,\ z_f = W_f x,\ z_o = W_o x\\"
   r"\text{GRU: } r = f(W_r x + U_r h),\quad u = f(W_u x + U_u h)\\"
   r"n = \tanh(W_n x + r \odot U_n h),\quad h' = (1 - u) \odot n + u \odot h\\"
   r"\text{Elman: } h_t = \tanh(W_x x_t + W_h h_{t-1} + b)\end{gathered}")
tx = kit.Text(T)
left, right = st.columns([1, 3], gap="medium")


def stepper() -> None:
    with left:
        L("sequence")
        L("sharpness")
    cfg, bad = rnn.checked(L.config())  # a bad text is said here, so the shared store only holds good runs
    with right:
        if bad is not None:
            kit.problem(tx(f"bad.{bad.reason}", step=bad.step, max=rnn.MAX_STEPS, big=f"{rnn.MAX_VALUE:g}"))
        trace = kit.shared(f"{T}-lecture", rnn.run, cfg, gate=False)

        def frame(step: int) -> None:  # step t = 1..T is the table's column t; t = 0 is the start (c = 0)
            kit.chart(charts.stepper_heat, trace, step)
            for col, k in zip(st.columns(5), ("input_gate", "forget_gate", "output_gate", "c", "y")):
                start = "0.00" if k == "c" else "–"  # before the first input: no gate has opened yet
                col.metric(tx(f"charts.row.{k}"), f"{trace.values[k][step - 1]:.2f}" if step else start)
            if not step:
                st.caption(tx("start"))

        kit.player("t", trace.steps, frame, label=tx("charts.time"))  # paced by the kit: ~1 step a second here
        kit.chart(charts.stepper_output, trace, trace.steps)
        f = rnn.stepper_facts(trace)
        st.caption(tx("outputs", n=trace.steps, ys=f.outputs, outline=kit.colour(charts.STEP_COLOUR),
                      c=kit.colour(charts.MEMORY_COLOURS["c"]), y=kit.colour(charts.MEMORY_COLOURS["y"]))
                   + tx("join") + tx("lecture_same" if f.lecture else "lecture_edit"))
        kit.notice(tx("notice.stepper", s=f"{trace.config.sharpness:g}", lo=f"{f.closed:.2f}", hi=f"{f.kept:.2f}"))


def race_of(extra: str):
    """The race's controls and ``extra`` view control on the left; the race trained once for the server,
    its curves drawn live the first time, at the updates the part's budget of work allows (``rnn.race_updates``)."""
    with left:
        for name in ("gap", "updates", "gate_bias"):
            R(name)
        shown = V(extra)
    asked, longer = R.config(seed=kit.seed()), extra == "longer" and shown
    cfg = replace(asked, updates=rnn.race_updates(asked, longer))  # within the part's budget of work
    with right:
        res = kit.train_live(f"{T}-race", rnn.race, cfg,
                             frame=lambda r: kit.chart(charts.race_curves, r, live=True))
        if cfg.updates < asked.updates and not longer:  # with the longer race on, its caption says so
            st.caption(tx("race_cut", gap=cfg.gap, updates=cfg.updates, asked=asked.updates,
                          work=f"{rnn.PAGE_WORK:,}"))
    return res, shown


def inspector() -> None:
    res, sample = race_of("sample")
    with right:
        ins = kit.shared(f"{T}-inspect", rnn.inspect, res, sample, gate=False)
        kit.chart(charts.inspector_tokens, ins)
        kit.chart(charts.inspector_heat, ins)
        st.caption(tx("inspect_caption", yellow=kit.colour(charts.SYMBOL_COLOUR), answer=ins.answer, guess=ins.guess,
                      acc=f"{res.accuracy['LSTM']:.0%}", units=len(ins.units), f=f"{ins.mean_forget:.2f}"))
        f = rnn.inspector_facts(ins)
        notes = [tx(f"notice.inspector_{f.pattern}", units=len(ins.units), first=f"{f.first:.2f}", last=f"{f.last:.1f}",
                    growing=f"{f.growing:.0%}", steps=len(ins.tokens), moved=f"{f.moved:.0%}",
                    f=f"{ins.mean_forget:.2f}", gap=ins.gap, kept=f"{ins.kept:.2g}"),
                 tx("notice.inspector_sign" if f.sign_set else "notice.inspector_nosign", n=ins.sequences,
                    agree=f"{ins.sign_agree:.0%}")]
        if f.sign_set and f.saturated:
            notes.append(tx("notice.inspector_saturated", sat=f"{rnn.SATURATED:g}"))
        kit.notice(tx("join").join(notes))


def race() -> None:
    res, longer = race_of("longer")
    cfg, acc, f, c = res.config, res.accuracy, rnn.race_facts(res), rnn.CLAIM
    with right:
        kit.chart(charts.race_curves, res)
        for col, k in zip(st.columns(3), rnn.KINDS):
            col.metric(tx("metric_acc", model=tx(f"charts.kind.{k}")), f"{acc[k]:.0%}")
        kit.chart(charts.params_chart, res)
        st.markdown(tx("gate_inputs"))  # which inputs each gate takes: the lecture's simplified and real LSTMs
        said = tx("verdicts_join").join(tx(f"verdict.{f.verdict[k]}", model=tx(f"charts.kind.{k}"), acc=f"{acc[k]:.0%}",
                                           low=f"{rnn.LOW:.0%}") for k in rnn.KINDS)
        notes = [tx("notice.race", **{k.lower(): c for k, c in kinds().items()}, grey=kit.colour("grey")),
                 tx("this_run", gap=cfg.gap, updates=cfg.updates, verdicts=said)]
        if f.claimed:
            notes.append(tx("claim", n=rnn.CLAIM_SEEDS, gap=c.gap, updates=c.updates, bias=f"{c.gate_bias:g}",
                            lstm_n=rnn.CLAIM_LSTM_SOLVED, gru_n=rnn.CLAIM_GRU_SOLVED, rnn_n=rnn.CLAIM_RNN_SOLVED,
                            solved=f"{rnn.SOLVED:.0%}", low=f"{rnn.LOW:.0%}", low_n=rnn.CLAIM_RNN_LOW))
        notes.append(tx("bias_note", bias=f"{cfg.gate_bias:g}", keep=f"{f.keep:.2f}", gap=cfg.gap,
                        kept=f"{f.kept:.2g}"))
        kit.notice(tx("join").join(notes))
        st.caption(tx("why", gap=c.gap, updates=c.updates, bias=f"{c.gate_bias:g}", short=rnn.SHORT_GAP))
        take_home(T, rnn.script(cfg, kit.lang()), rnn.SCRIPT_FILE)
        if longer:  # the page's race is one of the longer race's: not trained again
            sw = kit.train_live(f"{T}-sweep", lambda c, progress=None: rnn.sweep(c, progress=progress, done=res), cfg,
                                frame=lambda s: kit.chart(charts.sweep_chart, s.frame, live=True))
            kit.chart(charts.sweep_chart, sw.frame)
            st.caption(tx("sweep_caption", updates=cfg.updates, bias=f"{cfg.gate_bias:g}",
                          gaps=", ".join(map(str, rnn.sweep_gaps(cfg)))))
            asked = R.config().updates
            if cfg.updates < asked:
                st.caption(tx("sweep_cut", updates=cfg.updates, asked=asked, work=f"{rnn.PAGE_WORK:,}"))


kit.parts(V, {"stepper": stepper, "inspector": inspector, "race": race, "gradient": lambda: gradient(left, right),
              "variants": lambda: variants(left, right), "unrolled": lambda: unrolled(left, right),
              "overfit": lambda: overfit(left, right)}, where=left, horizontal=False)
