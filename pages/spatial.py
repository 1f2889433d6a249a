"""Spatial transformer: a plain CNN and a CNN behind a learned warp trained side by side on turned, scaled and
shifted digits; the CNN's weakness; the warp itself; and what the transformer learned. Only the chosen part is
computed and drawn."""
from dataclasses import replace

import streamlit as st

from core import convolution as cv
from core import spatial as sp
from core.charts import spatial as charts
from pages import _canvas, _kit as kit
from pages._takehome import take_home

T = "spatial"
tx = kit.Text(T)
V, R, L = kit.Form(T, sp.SpatialView), kit.Form(T, sp.TrainConfig), kit.Form(T, sp.LearnedView)
K, W = kit.Form(T, sp.WeakView), kit.Form(T, sp.WarpConfig)
kit.page(T, [V, R, L, K, W], [
    kit.Preset("full", {"epochs": sp.FULL_EPOCHS}),
    kit.Preset("augment", {"augment": True}),
    kit.Preset("weakness", {"part": "weakness", "turn": 90}),
    kit.Preset("zoom", {"part": "warp", "s": 0.5}),
], r"\begin{gathered}\begin{pmatrix} x^s \\ y^s \end{pmatrix} = \theta \begin{pmatrix} x^t \\ y^t \\ 1"
   r"\end{pmatrix}\\ \theta = f_{\text{loc}}(U) = \begin{bmatrix} s\cos\varphi & s\sin\varphi & t_x \\"
   r" -s\sin\varphi & s\cos\varphi & t_y \end{bmatrix}\\"
   r"V(x^t, y^t) = \sum_{n}\sum_{m} U_{nm}\, k(x^s - m)\, k(y^s - n)\\ k(d) = \max(0,\ 1 - |d|)\end{gathered}")
NAMES = [tx(f"charts.racer.{k}") for k in sp.RACERS]
COLOUR = {k: kit.colour(v) for k, v in charts.RACER_COLOURS.items()}  # the word for each racer's colour
WORDS = {"grid": kit.colour(charts.GRID_COLOUR), "grey": kit.colour("grey"), "fit": kit.colour(charts.FIT_COLOUR),
         "blue": kit.colour(charts.ANSWER_COLOURS["right"]), "vermillion": kit.colour(charts.ANSWER_COLOURS["wrong"])}
left, right = st.columns([1, 3], gap="medium")


def trained(extra=None, augment: bool = True):
    """The race's controls (and ``extra``'s) on the left; the race trained once for the server, drawn live. Without
    ``augment`` the augmented racer's switch is not drawn (a part that shows only the transformer: the others do
    not change its numbers), its value kept, so the race a student just trained is reused."""
    with left:  # the part's own control first, where a teacher finds it without scrolling
        shown = extra() if extra is not None else None
        for name in ("rotation", "scale_min", "scale_max", "shift", "epochs", "augment")[:None if augment else -1]:
            R(name)
    with right:
        res = kit.train_live(T, sp.race, R.config(seed=kit.seed()),
                             frame=lambda r: kit.chart(charts.curve_chart, r, live=True))
        kit.report(res.log, NAMES[:len(res.config.racers())])
    return res, shown


def train_part() -> None:
    res, _ = trained()
    f = sp.race_facts(res)
    pct = lambda v: f"{v:.0%}"  # noqa: E731
    with right:
        kit.chart(charts.curve_chart, res)
        notes = [tx("train.result", epochs=res.config.epochs, st=pct(f.st), cnn=pct(f.cnn), stc=COLOUR["ST"],
                    cnnc=COLOUR["CNN"])]
        if f.augmented is not None:
            notes.append(tx("train.augmented", aug=pct(f.augmented), augc=COLOUR["augmented"]))
        if f.claimed:
            notes.append(tx("train.claim", epochs=res.config.epochs, **sp.SAID))
        kit.notice(" ".join(notes))
        n = res.config.epochs  # a replay of another length is another control (its own key): it starts at its end
        kit.player("epoch" + ("" if n == sp.TrainConfig.epochs else str(n)), n, lambda e: kit.chart(
            charts.replay_chart, kit.shared(f"{T}-frame", sp.frame_at, res, e, gate=False)), label=tx("epoch"))
        st.caption(kit.join([tx("train.replay", **WORDS),
                             tx("train.parameters", cnn=sp.classifier_params(), loc=sp.localiser_params())]))
        take_home(T, sp.script(res.config, kit.lang()), sp.SCRIPT_FILE)


def learned_part() -> None:
    res, probe = trained(lambda: L("probe"), augment=False)
    with right:
        le = kit.shared(f"{T}-learned", sp.learned, res, probe, gate=False)
        kit.chart(charts.angle_chart, le)
        if le.corr is None:
            kit.notice(tx("learned.none"))
            return
        f = sp.learned_facts(le, res.config)
        notes = [tx("learned.notice", **le.numbers(), **WORDS),
                 tx("learned.undone" if le.undoes() else "learned.not_undone", **le.numbers())]
        if f.claimed:
            notes.append(tx("learned.claim", epochs=res.config.epochs, **f.said()))
        kit.notice(" ".join(notes))
        if probe == "test" and le.size_corr is not None:
            kit.chart(charts.size_chart, le)
            st.caption(tx("learned.size", **le.numbers(), **WORDS))


def weakness_part() -> None:
    with left:  # the board first, so that it is on the first screen (without the package: a test digit)
        drawn = _canvas.drawn_digit(cv.CANVAS, f"{T}_canvas", tx("weak.canvas"))
        for name in ("pick", "turn", "size"):
            K(name)
    view = K.config()
    with right:
        conv = kit.train_live("convolution", cv.race, replace(sp.CONV, seed=kit.seed()))  # the convolution page's
        w = (sp.weakness(conv, drawn, None, view) if drawn is not None
             else kit.shared(f"{T}-weak", sp.weak_test, conv, view, gate=False))
        live = drawn is not None  # a drawing is seen once: nothing of it is kept
        c1, c2 = st.columns([1, 2])
        kit.chart(charts.digit_chart, w, where=c1, live=live)
        kit.chart(charts.probs_chart, w, where=c2, live=live)
        said = w.numbers()
        notes = [tx("weak.drawn", **said)] if live else []
        notes.append(tx("weak.says", **said))
        notes.append(tx("weak.holds" if said["lo"] != "–" else "weak.lost", **said))
        kit.notice(" ".join(notes))
        for col, along in zip(st.columns(2), ("angle", "scale")):
            kit.chart(charts.along_chart, w, along, where=col, live=live)
        st.caption(kit.join([tx("weak.about", **WORDS), "" if _canvas.AVAILABLE else tx("weak.fallback")]))


def warp_part() -> None:
    with left:
        for name in ("digit", "phi", "s", "tx", "ty"):
            W(name)
    with right:
        res = kit.shared(f"{T}-warp", sp.warp_lab, W.config(), gate=False)
        kit.chart(charts.warp_chart, res)
        st.latex(sp.matrix_tex(res))
        kit.notice(tx("warp.notice", **res.numbers(), **WORDS))


kit.parts(V, {"train": train_part, "weakness": weakness_part, "warp": warp_part, "learned": learned_part},
          where=left, horizontal=False)
