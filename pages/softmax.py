"""Softmax and cross-entropy: the softmax lab, MSE against cross-entropy on the error surface, a live
classifier on 2-D data, and the PyTorch pitfall (nn.CrossEntropyLoss wants logits)."""
from dataclasses import replace

import streamlit as st

from core import softmax, softmax_classify as sc
from core.charts import softmax as charts
from pages import _kit as kit

T = "softmax"
L = kit.Form(T, softmax.LabConfig)
S = kit.Form(T, softmax.SurfaceConfig, prefix="sf_")
C = kit.Form(T, sc.ClassifyConfig, prefix="cl_")
V = kit.Form(T, charts.SoftmaxView)
kit.page(T, [L, S, C, V], [
    kit.Preset("cold", {"temperature": 0.25}),
    kit.Preset("wrong", {"target": 3}),
    kit.Preset("plateau", {"sf_y1": -10.0, "sf_y2": 10.0, "sf_steps": 100}),
    kit.Preset("spirals", {"cl_data": "spirals", "section": "classify"}),
    kit.Preset("mse", {"cl_data": "iris", "cl_fx": 0, "cl_fy": 1, "cl_loss": "MSE", "section": "classify"}),
], r"\begin{gathered}y'_i = \frac{e^{y_i/T}}{\sum_j e^{y_j/T}},\quad e = -\sum_i \hat y_i \ln y'_i,\quad"
   r"\frac{\partial e}{\partial y_i} = \frac{y'_i - \hat y_i}{T}\\"
   r"\text{2 classes: } y'_1 = \sigma\big((y_1 - y_2)/T\big),\qquad "
   r"e_{\mathrm{MSE}} = \sum_i (y'_i - \hat y_i)^2\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws


# ---------------------------------------------------------------- the softmax lab
left, right = st.columns([1, 3], gap="medium")
with left:
    classes = L("classes")
    for i in range(1, 6):
        if i <= classes:
            L(f"z{i}")
    L("target")
    L("temperature")
lab = kit.shared(f"{T}-lab", softmax.lab, L.config(), gate=False)
with right:
    c1, c2 = st.columns(2)
    kit.chart(charts.lab_bars, lab, lang, where=c1)
    kit.chart(charts.lab_gradient, lab, lang, where=c2)
    st.markdown(kit.t(f"{T}.lab.loss", k=lab.target + 1, p=lab.probs[lab.target], e=lab.loss, T=lab.config.temperature))
    kit.chart(charts.lab_sigmoid, lab, lang)
    kit.notice(kit.t(f"{T}.lab.notice", bar=colour(charts.LAB_COLOURS["probability"]),
                     grad=colour(charts.LAB_COLOURS["gradient"]), dot=colour(charts.LAB_COLOURS["current"]),
                     grey=colour("grey")))

# ---------------------------------------------------------------- the parts below: only the chosen one is computed
section = V("section", label_visibility="collapsed", width="stretch")
cfg = C.config(seed=kit.seed()) if section != "surface" else None


def classifier_controls(loss: bool) -> None:
    """The classifier's data and training settings (the pitfall trains the same network on the same data)."""
    data = C("data")
    if data in sc.REAL:  # feature names made now, in this session's language
        names = {i: kit.t(f"{T}.charts.feature.{data}_{i % sc.FEATURES[data]}") for i in range(13)}
        C("fx", fmt=names.get), C("fy", fmt=names.get)
    else:
        C("n"), C("noise")
    for name in ("loss", "hidden", "lr", "steps") if loss else ("hidden", "lr", "steps"):
        C(name)


if section == "surface":  # MSE against cross-entropy on the error surfaces
    st.header(kit.t(f"{T}.surface.header"))
    st.markdown(kit.t(f"{T}.surface.intro"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("y1", "y2", "lr", "steps"):
            S(name)
    surf = kit.shared(f"{T}-surface", softmax.surface, S.config(), gate=False)
    with right:

        def frame(step: int) -> None:
            a, b = st.columns(2)
            kit.chart(charts.surface_chart, surf, 0, step, lang, where=a)
            kit.chart(charts.surface_chart, surf, 1, step, lang, where=b)
            kit.chart(charts.grad_chart, surf, step, lang)

        # one replay slider per step count: a slider whose range changes would lose its position
        n_steps = surf.config.steps
        kit.player("sf_step" + ("" if n_steps == softmax.SurfaceConfig.steps else str(n_steps)), n_steps, frame)
        (ce0, m0), (ce1, m1) = surf.loss[0], surf.loss[-1]
        (g0, gm0) = surf.grad_norm[0]
        words = dict(steps=surf.config.steps, ce0=ce0, ce1=ce1, m0=m0, m1=m1, g0=g0, gm0=gm0,
                     path=colour(charts.PATH_COLOUR), ce=colour(charts.LOSS_COLOURS["cross-entropy"]),
                     mse=colour(charts.LOSS_COLOURS["MSE"]))
        st.markdown(kit.t(f"{T}.surface.numbers", **words))
        kit.notice(kit.t(f"{T}.surface.{'stalled' if surf.stalled() else 'other'}", **words))

elif section == "classify":  # the live classifier
    st.header(kit.t(f"{T}.classify.header"))
    st.caption(kit.t(f"{T}.classify.intro"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        classifier_controls(loss=True)
    with right:
        bar = st.empty()
        cols = st.columns(2)
        reg_ph = [c.empty() for c in cols]
        hist_ph = [c.empty() for c in st.columns(2)]

        def draw(r: sc.Run, live: bool) -> None:
            if live:
                bar.progress(min(1.0, r.done / max(1, r.config.steps)),
                             text=kit.t("common.training", done=r.done, total=r.config.steps))
            for ph, m in zip(reg_ph, sc.MODELS):
                kit.chart(charts.regions_chart, r, m, lang, where=ph, live=live)
            for ph, col in zip(hist_ph, ("loss", "accuracy")):
                kit.chart(charts.history_chart, r, col, lang, where=ph, live=live)

        run = kit.shared(f"{T}-classify", sc.classify, cfg, progress=lambda r: draw(r, True), queued=kit.queued(bar))
        bar.empty()
        draw(run, False)
        kit.report(run.log, [kit.t(f"{T}.charts.model.{m}") for m in sc.MODELS])
        mcols = st.columns(4)
        for col, (m, s) in zip(mcols, [(m, s) for m in sc.MODELS for s in ("train", "validation")]):
            col.metric(kit.t(f"{T}.classify.metric", model=kit.t(f"{T}.charts.model.{m}"),
                             split=kit.t(f"{T}.charts.{s}")), f"{run.final(m, s):.0%}")
        kit.notice(kit.t(f"{T}.classify.notice", loss=kit.t(f"{T}.charts.loss.{cfg.loss}"),
                         lin=colour(charts.MODEL_COLOURS["softmax regression"]),
                         net=colour(charts.MODEL_COLOURS["network"]),
                         ce_lin=run.final(sc.MODELS[0], "train", "loss"), ce_net=run.final(sc.MODELS[1], "train", "loss")))

else:  # the PyTorch pitfall: the same network trained on logits and on softmax outputs
    st.header(kit.t(f"{T}.pitfall.header"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        classifier_controls(loss=False)
    with right:
        st.markdown(kit.t(f"{T}.pitfall.intro", hidden=cfg.hidden, steps=cfg.steps))
        st.code("loss = nn.CrossEntropyLoss()(logits, y)                  # right\n"
                "loss = nn.CrossEntropyLoss()(logits.softmax(dim=1), y)   # wrong: softmax twice", language="python")
        pit_bar = st.empty()
        pit_ph = [c.empty() for c in st.columns(2)]

        def draw_pit(r: sc.Run, live: bool) -> None:
            if live:
                pit_bar.progress(min(1.0, r.done / max(1, r.config.steps)),
                                 text=kit.t("common.training", done=r.done, total=r.config.steps))
            for ph, col in zip(pit_ph, ("trained_on", "loss")):
                kit.chart(charts.history_chart, r, col, lang, where=ph, live=live)

        pit = kit.shared(f"{T}-pitfall", sc.pitfall, replace(cfg, loss="cross-entropy"),
                         progress=lambda r: draw_pit(r, True), queued=kit.queued(pit_bar))
        pit_bar.empty()
        draw_pit(pit, False)
        kit.report(pit.log, [kit.t(f"{T}.charts.model.{m}") for m in sc.PITFALL])
        kit.notice(kit.t(f"{T}.pitfall.notice", floor=sc.wrong_floor(pit.points.classes), C=pit.points.classes,
                         grey=colour("grey"), right=colour(charts.PITFALL_COLOURS["logits"]),
                         wrong=colour(charts.PITFALL_COLOURS["softmax outputs"]),
                         dw=pit.first(sc.PITFALL[1]) - pit.final(sc.PITFALL[1], "train", "trained_on"),
                         dr=pit.first(sc.PITFALL[0]) - pit.final(sc.PITFALL[0], "train", "trained_on"),
                         ce_right=pit.final(sc.PITFALL[0], "train", "loss"),
                         ce_wrong=pit.final(sc.PITFALL[1], "train", "loss"),
                         acc_right=pit.final(sc.PITFALL[0], "validation"),
                         acc_wrong=pit.final(sc.PITFALL[1], "validation")))
