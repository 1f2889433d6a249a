"""RNN and LSTM gates: the lecture's hand-made LSTM, a trained LSTM's gates, the memory race, the vanishing
gradient, slot filling, the Elman network unrolled (the same weights at every step), and whether the GRU
overfits less than the LSTM. Only the chosen part is computed and drawn."""
from dataclasses import replace

import streamlit as st

from core import rnn
from core.charts import rnn as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "rnn"
V = kit.Form(T, rnn.RnnView)
L = kit.Form(T, rnn.LectureConfig, keys={"sequence": "seq", "sharpness": "sharp"})
R = kit.Form(T, rnn.RaceConfig, keys={"gate_bias": "bias"})
G = kit.Form(T, rnn.GradConfig, keys={"length": "g_len", "gate_bias": "g_bias"})
S = kit.Form(T, rnn.SlotConfig, keys={"steps": "slot_steps"})
O = kit.Form(T, rnn.OverfitConfig, keys={"n": "of_n"})
kit.page(T, [V, L, R, G, S, O], [
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
kinds = {k: kit.colour(charts.KIND_COLOURS[k]) for k in rnn.KINDS}  # the word for each model's line colour
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
    its curves drawn live the first time (with the longer race on, at the updates every one of its races makes)."""
    with left:
        for name in ("gap", "updates", "gate_bias"):
            R(name)
        shown = V(extra)
    cfg = R.config(seed=kit.seed())
    if extra == "longer" and shown:
        cfg = replace(cfg, updates=rnn.sweep_updates(cfg))
    with right:
        res = kit.train_live(f"{T}-race", rnn.race, cfg,
                             frame=lambda r: kit.chart(charts.race_curves, r, live=True))
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
        notes = [tx("notice.race", rnn=kinds["RNN"], lstm=kinds["LSTM"], gru=kinds["GRU"], grey=kit.colour("grey")),
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


def gradient() -> None:
    with left:
        G("length")
        G("gate_bias")
    with right:
        g = kit.shared(f"{T}-grad", rnn.gradients, G.config(seed=kit.seed()), gate=False)
        kit.chart(charts.gradient_chart, g)
        f = rnn.gradient_facts(g)
        st.caption(tx("grad_caption", far=f.far, **{k.lower(): f"{v:.2f}" for k, v in f.per_step.items()},
                      **{f"{k.lower()}_r": f"{v:.1e}" for k, v in f.ratio.items()}))
        notes = [tx("notice.gradient", rnn=kinds["RNN"], lstm=kinds["LSTM"], gru=kinds["GRU"]),
                 tx("notice.gradient_claim", n=rnn.CLAIM_SEEDS, far=rnn.FAR, keep=f"{rnn.RNN_KEEPS:.0%}",
                    times=rnn.LSTM_TIMES)]
        kit.notice(tx("join").join(notes + ([tx("notice.gradient_bias0")] if f.bias0 else [])))


def variants() -> None:
    with left:
        S("steps")
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


def unrolled() -> None:
    with left:
        S("steps")
        ex = V("example", horizontal=False)
    with right:
        s = kit.shared(f"{T}-slots", rnn.tag, S.config(seed=kit.seed()), queued=kit.queued(st.empty()))  # as variants
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


def overfit() -> None:
    with left:
        O("n")
    with right:
        r = kit.train_live(f"{T}-overfit", rnn.overfit, O.config(seed=kit.seed()),
                           frame=lambda p: kit.chart(charts.overfit_curves, p, live=True))
        kit.chart(charts.overfit_curves, r)
        for col, (k, split) in zip(st.columns(4), [(k, s) for k in rnn.CELLS for s in ("train", "validation")]):
            acc = (r.train_acc if split == "train" else r.val_acc)[k]
            col.metric(tx(f"metric_{split}", model=tx(f"charts.kind.{k}")), f"{acc:.0%}")
        f, c = rnn.overfit_facts(r), rnn.OVERFIT_CLAIM
        pct = lambda v: f"{100 * v:.0f}"  # noqa: E731 - points of accuracy
        notes = [tx("notice.overfit", lstm=kinds["LSTM"], gru=kinds["GRU"], val=rnn.OVERFIT_VAL,
                    p_lstm=f"{r.params['LSTM']:,}", p_gru=f"{r.params['GRU']:,}"),
                 tx(f"overfit_run.{f.verdict}", n=r.config.n, by=pct(f.by), tie=pct(rnn.TIE),
                    lstm_gap=pct(r.gap("LSTM")), gru_gap=pct(r.gap("GRU"))),
                 tx("overfit_claim", seeds=rnn.CLAIM_SEEDS, n=c.n, fit=f"{rnn.FIT:.0%}", gap=pct(rnn.OVERFIT_GAP),
                    close=pct(rnn.CLOSE), each=rnn.EACH_AHEAD)]
        kit.notice(tx("join").join(notes))


kit.parts(V, {"stepper": stepper, "inspector": inspector, "race": race, "gradient": gradient, "variants": variants,
              "unrolled": unrolled, "overfit": overfit},
          where=left, horizontal=False)
