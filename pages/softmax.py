"""Softmax and cross-entropy: the softmax lab, softmax against dividing by the sum, MSE against cross-entropy on the error surface, a live
classifier on 2-D data, and the PyTorch pitfall (nn.CrossEntropyLoss wants logits)."""
from dataclasses import replace

import streamlit as st

from core import softmax
from core.charts import softmax as charts
from pages import _kit as kit
from pages._softmax_parts import gaps_part
from pages._takehome import take_home

T = "softmax"
tx = kit.Text(T)
L = kit.Form(T, softmax.LabConfig)
S = kit.Form(T, softmax.SurfaceConfig, prefix="sf_")
C = kit.Form(T, softmax.ClassifyConfig, prefix="cl_")
V = kit.Form(T, softmax.SoftmaxView)
kit.page(T, [L, S, C, V], [
    kit.Preset("cold", {"temperature": 0.25}),
    kit.Preset("wrong", {"target": 3}),
    kit.Preset("gaps", {**{f"z{i + 1}": v for i, v in enumerate(softmax.GAPS_PRESET)}, "part": "gaps"},
               {"soft": f"{softmax.gaps(softmax.GAPS_PRESET).max_soft:.0%}",
                "share": f"{softmax.gaps(softmax.GAPS_PRESET).max_share:.0%}", "wide": f"{softmax.WIDE_FROM:g}"}),
    kit.Preset("plateau", {"sf_y1": -10.0, "sf_y2": 10.0, "sf_steps": 100}, {"plateau": softmax.MSE_PLATEAU}),
    kit.Preset("spirals", {"cl_data": "spirals", "part": "classify"}),
    kit.Preset("mse", {**{f"cl_{k}": v for k, v in softmax.MSE_DATA.items()}, "cl_loss": "MSE", "part": "classify"},
               {"pct": round((softmax.MSE_WORSE - 1) * 100)}),
], r"\begin{gathered}y'_i = \frac{e^{y_i/T}}{\sum_j e^{y_j/T}},\quad e = -\sum_i \hat y_i \ln y'_i,\quad"
   r"\frac{\partial e}{\partial y_i} = \frac{y'_i - \hat y_i}{T}\\"
   r"\text{" + tx("two_classes") + r"} y'_1 = \sigma\big((y_1 - y_2)/T\big)\\"  # a line each: it fits 中文 at 150 %
   r"e_{\mathrm{MSE}} = \frac{1}{C}\sum_{i=1}^{C} (y'_i - \hat y_i)^2\end{gathered}")

# ---------------------------------------------------------------- the softmax lab (always shown)
left, right = st.columns([1, 3], gap="medium")
with left:
    classes = L("classes")
    for i in range(1, classes + 1):
        L(f"z{i}")
    L("target")
    L("temperature")
lab = kit.shared(f"{T}-lab", softmax.lab, L.config(), gate=False)
with right:
    c1, c2 = st.columns(2)
    kit.chart(charts.lab_bars, lab, where=c1)
    kit.chart(charts.lab_gradient, lab, where=c2)
    st.markdown(tx("lab.loss", k=lab.target + 1, p=lab.p_target, e=lab.loss, T=lab.config.temperature))
    kit.chart(charts.lab_sigmoid, lab)
    kit.notice(tx("lab.notice", bar=kit.colour(charts.LAB_COLOURS["probability"]),
                  grad=kit.colour(charts.LAB_COLOURS["gradient"]), dot=kit.colour(charts.LAB_COLOURS["current"]),
                  grey=kit.colour("grey")))


def classifier_controls(loss: bool) -> softmax.ClassifyConfig:
    """The classifier's data and training settings (the pitfall trains the same network on the same data)."""
    data = C("data")
    if data in softmax.REAL:  # feature names made now, in this session's language
        names = {i: tx(f"charts.feature.{data}_{i % softmax.FEATURES[data]}") for i in range(13)}
        C("fx", fmt=names.get), C("fy", fmt=names.get)
    else:
        C("n"), C("noise")
    for name in ("loss", "hidden", "lr", "steps") if loss else ("hidden", "lr", "steps"):
        C(name)
    return C.config(seed=kit.seed())


def surface_part() -> None:
    """MSE against cross-entropy on the error surfaces, replayed step by step."""
    st.header(tx("surface.header"))
    st.markdown(tx("surface.intro"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("y1", "y2", "lr", "steps"):
            S(name)
    surf = kit.shared(f"{T}-surface", softmax.surface, S.config(), gate=False)
    with right:
        def frame(step: int) -> None:
            a, b = st.columns(2)
            kit.chart(charts.surface_chart, surf, 0, step, where=a)
            kit.chart(charts.surface_chart, surf, 1, step, where=b)
            kit.chart(charts.grad_chart, surf, step)

        # one replay slider per step count: a slider whose range changes would lose its position
        n_steps = surf.config.steps
        kit.player("sf_step" + ("" if n_steps == softmax.SurfaceConfig.steps else str(n_steps)), n_steps, frame)
        f = surf.facts()
        words = dict(f, path=kit.colour(charts.PATH_COLOUR), ce=kit.colour(charts.LOSS_COLOURS["cross-entropy"]),
                     mse=kit.colour(charts.LOSS_COLOURS["MSE"]), lost=f"{1 - softmax.CE_LEFT:.0%}",
                     kept=f"{softmax.MSE_KEPT:.0%}")
        st.markdown(tx("surface.numbers", **words))
        kit.notice(tx("surface.stalled" if f["stalled"] else "surface.other", **words))


def classify_part() -> None:
    """Softmax regression and a network trained live on 2-D data."""
    st.header(tx("classify.header"))
    st.caption(tx("classify.intro"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        cfg = classifier_controls(loss=True)
    with right:
        def draw(r: softmax.Run, live: bool = False) -> None:
            for col, m in zip(st.columns(2), softmax.MODELS):
                kit.chart(charts.regions_chart, r, m, where=col, live=live)
            for col, column in zip(st.columns(2), ("loss", "accuracy")):
                kit.chart(charts.history_chart, r, column, where=col, live=live)

        run = kit.train_live(f"{T}-classify", softmax.classify, cfg, frame=lambda r: draw(r, True))
        draw(run)
        kit.report(run.log, [tx(f"charts.model.{m}") for m in softmax.MODELS])
        f = softmax.classify_facts(run)
        for col, ((m, s), acc) in zip(st.columns(4), f["accuracy"].items()):
            col.metric(tx("classify.metric", model=tx(f"charts.model.{m}"), split=tx(f"charts.{s}")), f"{acc:.0%}")
        kit.notice(tx("classify.notice", loss=tx(f"charts.loss.{cfg.loss}"), ce_lin=f["ce_lin"], ce_net=f["ce_net"],
                      lin=kit.colour(charts.MODEL_COLOURS["softmax regression"]),
                      net=kit.colour(charts.MODEL_COLOURS["network"])))
        take_home(T, softmax.script(cfg, kit.lang()), softmax.SCRIPT_FILE)


def pitfall_part() -> None:
    """The same network trained on logits and on softmax outputs."""
    st.header(tx("pitfall.header"))
    left, right = st.columns([1, 3], gap="medium")
    with left:
        cfg = replace(classifier_controls(loss=False), loss="cross-entropy")  # one result whatever the loss control
    with right:
        st.markdown(tx("pitfall.intro", hidden=cfg.hidden, steps=cfg.steps))
        st.code("loss = nn.CrossEntropyLoss()(logits, y)                  # right\n"
                "loss = nn.CrossEntropyLoss()(logits.softmax(dim=1), y)   # wrong: softmax twice", language="python")

        def draw(r: softmax.Run, live: bool = False) -> None:
            for col, column in zip(st.columns(2), ("trained_on", "loss")):
                kit.chart(charts.history_chart, r, column, where=col, live=live)

        pit = kit.train_live(f"{T}-pitfall", softmax.pitfall, cfg, frame=lambda r: draw(r, True))
        draw(pit)
        kit.report(pit.log, [tx(f"charts.model.{m}") for m in softmax.PITFALL])
        kit.notice(tx("pitfall.notice", **softmax.pitfall_facts(pit), grey=kit.colour("grey"),
                      right=kit.colour(charts.PITFALL_COLOURS["logits"]),
                      wrong=kit.colour(charts.PITFALL_COLOURS["softmax outputs"])))


# ---------------------------------------------------------------- the parts below: only the chosen one is computed
kit.parts(V, {"gaps": lambda: gaps_part(lab), "surface": surface_part, "classify": classify_part, "pitfall": pitfall_part},
          label_visibility="collapsed", width="stretch")
