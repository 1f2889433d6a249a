"""RNN and LSTM gates: the lecture's hand-made LSTM, a trained LSTM's gates, the memory race, the vanishing
gradient and slot filling. Only the chosen part is computed and drawn."""
import math

import streamlit as st

from core import rnn
from core.charts import rnn as charts
from core.charts import rnn_race as rcharts
from core.rnn_cells import KINDS
from core.rnn_gradient import FAR
from core.rnn_lecture import MAX_STEPS, MAX_VALUE, parse
from core.rnn_race import GAPS
from core.rnn_slots import example as example_sentence
from pages import _kit as kit

T = "rnn"
V = kit.Form(T, rnn.RnnView)
L = kit.Form(T, rnn.LectureConfig, keys={"sequence": "seq", "sharpness": "sharp"})
R = kit.Form(T, rnn.RaceConfig, keys={"forget_bias": "bias"})
G = kit.Form(T, rnn.GradConfig, keys={"length": "g_len", "forget_bias": "g_bias"})
S = kit.Form(T, rnn.SlotConfig, keys={"steps": "slot_steps"})
kit.page(T, [V, L, R, G, S], [
    kit.Preset("soft", {"sharp": 1.0}),
    kit.Preset("race", {"lab": "race"}),
    kit.Preset("bias0", {"lab": "race", "bias": 0.0}),
    kit.Preset("vanish", {"lab": "gradient"}),
    kit.Preset("future", {"lab": "variants", "example": "Taipei … arrive"}),
], r"\begin{gathered}c' = g(z)\,f(z_i) + c\,f(z_f)\\ a = h(c')\,f(z_o)\\"
   r"z = W x,\ z_i = W_i x,\ z_f = W_f x,\ z_o = W_o x\\ h_t = \tanh(W_x x_t + W_h h_{t-1} + b)\end{gathered}")
lang = kit.lang()
t = lambda key, **kw: kit.t(f"{T}.{key}", **kw)  # noqa: E731 - this page's text
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws
kind_name = lambda k: kit.t(f"{T}.charts.kind.{k}")  # noqa: E731

left, right = st.columns([1, 3], gap="medium")
with left:
    lab = V("lab", horizontal=False)


def race_result(cfg):
    """The race of ``cfg``, trained once for the server (live curves the first time)."""
    bar, live = st.empty(), st.empty()

    def draw_live(r) -> None:
        bar.progress(min(1.0, r.log.steps / max(1, r.log.planned)),
                     text=kit.t("common.training", done=r.log.steps, total=r.log.planned))
        kit.chart(rcharts.race_curves, r, lang, where=live, live=True)

    res = kit.shared(f"{T}-race", rnn.race, cfg, progress=draw_live, queued=kit.queued(bar))
    bar.empty()
    live.empty()
    return res


if lab == "stepper":
    with left:
        L("sequence")
        L("sharpness")
    cfg = L.config()
    with right:
        try:
            parse(cfg.sequence)  # checked here, so the shared store only ever holds good runs
        except rnn.SequenceError as e:
            kit.problem(t(f"bad.{e.reason}", step=e.step, max=MAX_STEPS, big=f"{MAX_VALUE:g}"))
            cfg = rnn.LectureConfig(sharpness=cfg.sharpness)
        trace = kit.shared(f"{T}-lecture", rnn.run, cfg, gate=False)

        def frame(step: int) -> None:
            kit.chart(charts.stepper_heat, trace, step, lang)
            v = {k: trace.values[k][step] for k in ("input_gate", "forget_gate", "output_gate", "c", "y")}
            cols = st.columns(5)
            for col, (k, x) in zip(cols, v.items()):
                col.metric(kit.t(f"{T}.charts.row.{k}"), f"{x:.2f}")

        kit.player("t", trace.steps - 1, frame, label=t("time_step"))
        kit.chart(charts.stepper_output, trace, trace.steps - 1, lang)
        ys = ", ".join(f"{v:.2f}".rstrip("0").rstrip(".").replace("-0", "0") for v in trace.y)
        same = cfg.sharpness == 100.0 and cfg.sequence == rnn.LectureConfig().sequence
        st.caption(t("outputs", ys=ys, outline=colour(charts.STEP_COLOUR), c=colour(charts.MEMORY_COLOURS["c"]),
                     y=colour(charts.MEMORY_COLOURS["y"])) + " " + t("lecture_same" if same else "lecture_edit"))
        kit.notice(t("notice.stepper", s=f"{cfg.sharpness:g}",
                     lo=f"{1 / (1 + math.exp(cfg.sharpness / 10)):.2f}", hi=f"{1 / (1 + math.exp(-cfg.sharpness / 10)):.2f}"))

elif lab in ("inspector", "race"):
    with left:
        for name in ("gap", "updates", "forget_bias"):
            R(name)
        extra = V("sample") if lab == "inspector" else V("longer")
    cfg = R.config(seed=kit.seed())
    with right:
        res = race_result(cfg)
        acc = res.accuracy
        keep = 1 / (1 + math.exp(-cfg.forget_bias))  # f(z_f) with z_f at its bias
        if lab == "inspector":
            ins = kit.shared(f"{T}-inspect", lambda c: rnn.inspect(res, c[1]), (cfg, extra), gate=False)
            kit.chart(charts.inspector_tokens, ins, lang)
            kit.chart(charts.inspector_heat, ins, lang)
            st.caption(t("inspect_caption", yellow=colour(charts.SYMBOL_COLOUR), answer=ins.answer, guess=ins.guess,
                         acc=f"{acc['LSTM']:.0%}", units=len(ins.units), f=f"{ins.mean_forget:.2f}"))
            kit.notice(t("notice.inspector", f=f"{ins.mean_forget:.2f}", gap=cfg.gap,
                         kept=f"{ins.mean_forget ** cfg.gap:.2g}"))
        else:
            kit.chart(rcharts.race_curves, res, lang)
            cols = st.columns(3)
            for col, k in zip(cols, KINDS):
                col.metric(t("metric_acc", model=kind_name(k)), f"{acc[k]:.0%}")
            kit.chart(rcharts.params_chart, res, lang)
            claim = (cfg.gap, cfg.updates, cfg.forget_bias) == (rnn.CLAIM_GAP, rnn.CLAIM_UPDATES, rnn.CLAIM_BIAS)
            notes = [t("notice.race", rnn=colour(rcharts.KIND_COLOURS["RNN"]), lstm=colour(rcharts.KIND_COLOURS["LSTM"]),
                       gru=colour(rcharts.KIND_COLOURS["GRU"]), grey=colour("grey"))]
            notes.append(t("this_run", gap=cfg.gap, updates=cfg.updates,
                           **{k.lower(): f"{acc[k]:.0%}" for k in KINDS}))
            if claim:
                notes.append(t("claim", n=rnn.CLAIM_SEEDS, gap=rnn.CLAIM_GAP, updates=rnn.CLAIM_UPDATES,
                               bias=f"{rnn.CLAIM_BIAS:g}", lstm_n=rnn.CLAIM_LSTM_SOLVED, rnn_n=rnn.CLAIM_RNN_SOLVED))
            notes.append(t("bias_note", bias=f"{cfg.forget_bias:g}", keep=f"{keep:.2f}", gap=cfg.gap,
                           kept=f"{keep ** cfg.gap:.2g}"))
            kit.notice(" ".join(notes))
            st.caption(t("why", gap=rnn.CLAIM_GAP, updates=rnn.CLAIM_UPDATES, bias=f"{rnn.CLAIM_BIAS:g}"))
            if extra:
                bar, live = st.empty(), st.empty()

                def sweep_live(df) -> None:
                    bar.progress(len(df) / (3 * len(GAPS)),
                                 text=t("sweep_progress", done=len(df) // 3, total=len(GAPS)))
                    kit.chart(rcharts.sweep_chart, df, lang, where=live, live=True)

                sw = kit.shared(f"{T}-sweep", rnn.sweep, cfg, progress=sweep_live, queued=kit.queued(bar))
                bar.empty()
                live.empty()
                kit.chart(rcharts.sweep_chart, sw, lang)
                st.caption(t("sweep_caption", updates=cfg.updates, bias=f"{cfg.forget_bias:g}"))

elif lab == "gradient":
    with left:
        G("length")
        G("forget_bias")
    cfg = G.config(seed=kit.seed())
    with right:
        g = kit.shared(f"{T}-grad", rnn.gradients, cfg, gate=False)
        kit.chart(rcharts.gradient_chart, g, lang)
        far = min(FAR, cfg.length - 1)
        st.caption(t("grad_caption", far=far, **{k.lower(): f"{g.per_step(k, far):.2f}" for k in KINDS},
                     **{f"{k.lower()}_r": f"{g.ratio(k, far):.1e}" for k in KINDS}))
        kit.notice(" ".join([t("notice.gradient", rnn=colour(rcharts.KIND_COLOURS["RNN"]),
                                lstm=colour(rcharts.KIND_COLOURS["LSTM"])),
                              t("notice.gradient_claim", n=rnn.CLAIM_SEEDS, far=FAR)]
                             + ([t("notice.gradient_bias0")] if cfg.forget_bias == 0 else [])))

else:
    with left:
        S("steps")
        ex = V("example", horizontal=False)
    cfg = S.config(seed=kit.seed())
    with right:
        s = kit.shared(f"{T}-slots", rnn.tag, cfg, queued=kit.queued(st.empty()))
        kit.chart(rcharts.slots_chart, s, lang)
        kit.chart(rcharts.slot_example, s, ex, example_sentence(ex)[0], lang)
        ca = s.city_accuracy
        st.caption(t("slots_caption", **{m.split("-")[0].lower(): f"{ca[m]['verb first']:.0%} / {ca[m]['verb last']:.0%}"
                                         for m in ca}))
        kit.notice(t("notice.variants") + " " + t("notice.variants_claim", n=rnn.CLAIM_SEEDS,
                                                                  steps=rnn.SlotConfig().steps))
