"""Overfitting and its cures: the lecture's debugging guide on a live network, model bias against
optimisation by depth, each cure trained on one overfitting setup, the |H|·2·exp(−2Nε²) bound measured,
the train/validation/test discipline, and augmentation with understanding (digits shifted, turned, mirrored).
Only the chosen part is computed and drawn."""
import streamlit as st

from core import overfitting as of
from core.charts import overfitting as charts
from pages import _kit as kit
from pages._overfitting_parts import A, B, augment_part, bound_part
from pages._takehome import take_home

T = "overfitting"
V = kit.Form(T, of.OverfitView)
C = kit.Form(T, of.CuresConfig)
G = kit.Form(T, of.GuideConfig, prefix="g_")
D = kit.Form(T, of.DepthConfig, prefix="d_")
kit.page(T, [V, C, G, D, B, A], [
    kit.Preset("optim", {"part": "guide"}),
    kit.Preset("adam", {"part": "depth", "d_act": "ReLU", "d_optimizer": "Adam"}),
    kit.Preset("l2", {"cure": "L2"}),
    kit.Preset("bound", {"part": "bound", "b_h_size": 1000}),
    kit.Preset("peek", {"part": "box", "choose_on": "test"}),
], r"\begin{gathered}P(\mathcal{D}_{train}\ \mathrm{bad}) \le |\mathcal{H}|\cdot 2\exp(-2N\varepsilon^2)\\"
   r"L'(\theta) = L(\theta) + \tfrac{\lambda}{2}\|\theta\|^2\end{gathered}")
tx = kit.Text(T)
model = lambda m: tx(f"charts.model.{m}")  # noqa: E731 - a model's name, as the charts write it
seeds = len(of.CLAIM_SEEDS)
left, right = st.columns([1, 3], gap="medium")


def live(name: str, fn, cfg, builder, *args):
    """One shared training, its chart drawn live the first time this setting is asked for."""
    return kit.train_live(name, fn, cfg, frame=lambda r: kit.chart(builder, r, *args, live=True))


def cures_part() -> None:
    with left:
        cure = V("cure")
        for f in ("n", "n_more", "noise", "units", "patience", "weight_decay", "dropout"):
            C(f)
    with right:
        r = live(T, of.cures, C.config(seed=kit.seed()), charts.cures_chart, cure)
        kit.chart(charts.cures_chart, r, cure)
        f = of.cures_facts(r)
        demo = [", ".join(f"{v:.3f}" for v in row) for row in r.dropout_demo]  # dropout's predictions, by mode
        marks = kit.colour(charts.CURE_COLOURS["stop" if cure == "early stopping" else "penalty"])
        st.caption(tx(f"cures.what.{cure}", **of.cure_setting(r, cure), c=marks, a=demo[0], b=demo[1], e=demo[2],
                      same=tx("cures.same" if f.dropout_same else "cures.differ")))
        kit.chart(charts.cures_bars, r)
        notes = [tx("cures.notice", base=f.base, train=f.train, nc=kit.colour(charts.CURE_COLOURS["no cure"]),
                    cc=kit.colour(charts.CURE_COLOURS["cure"]), lower=", ".join(map(model, f.lower)) or tx("none"),
                    lin_train=r.lin_train, lin_val=r.lin_val,
                    verdict=tx("cures.overfits" if f.overfits else "cures.not_overfit"))]
        if f.higher:
            notes.append(tx("cures.higher", higher=", ".join(map(model, f.higher))))
        notes.append(tx("cures.checked", seeds=seeds, always=", ".join(map(model, f.always)),
                        some="; ".join(tx("cures.some", cure=model(m), k=k, seeds=seeds) for m, k in f.some.items())
                        or tx("none")))
        kit.notice(" ".join(notes))
        kit.download(tx("dl.history"), lambda: of.history_csv(r), "overfitting_history.csv", "text/csv",
                     tx("dl.history_help"))
        take_home(T, of.cures_script(r.config, kit.lang()), of.CURES_FILE)


def depth_part() -> None:
    with left:
        D("act", label=tx("ctl.act.label"), help=tx("ctl.act.help"))
        D("optimizer", label=tx("ctl.optimizer.label"), help=tx("ctl.optimizer.help"))
        D("n", label=tx("ctl.n_depth.label"), help=tx("ctl.n_depth.help"))
    with right:
        r = live(f"{T}-depth", of.depth, D.config(seed=kit.seed()), charts.depth_chart)
        kit.report(r.log, [charts.layers(kit.t, d) for d in of.DEPTHS])
        kit.chart(charts.depth_chart, r)
        kit.chart(charts.depth_bars, r)
        pairs = ", ".join(tx("depth.pair", deep=a, shallow=b) for a, b in r.worse)
        note = tx("depth.worse", pairs=pairs, by=of.WORSE_BY) if r.worse else tx("depth.fine", by=of.WORSE_BY)
        kit.notice(note + " " + tx("depth.checked", seeds=seeds, a=of.DEEP_WORSE[0], b=of.DEEP_WORSE[-1],
                                   shallow=of.SHALLOW, better=of.DEEP_BETTER))
        take_home(T, of.depth_script(r.config, kit.lang()), of.DEPTH_FILE)


def guide_part() -> None:
    with left:
        for f in ("layers", "width", "act", "optimizer", "n"):
            name = "n_depth" if f == "n" else f
            G(f, label=tx(f"ctl.{name}.label"), help=tx(f"ctl.{name}.help"))
    with right:
        r = live(f"{T}-guide", of.guide, G.config(seed=kit.seed()), charts.guide_chart)
        kit.report(r.log, [tx(f"charts.guide.{m}") for m in of.GUIDE_MODELS])
        kit.chart(charts.guide_chart, r)
        steps = [tx(f"guide.{q}", a=tx("yes" if answer else "no"), **nums) for q, answer, nums in of.guide_steps(r)]
        st.markdown("\n".join(f"{i + 1}. {s}" for i, s in enumerate(steps)))
        kit.notice(tx(f"guide.verdict.{r.verdict}", test=r.test))
        take_home(T, of.guide_script(r.config, kit.lang()), of.GUIDE_FILE)


def box_part() -> None:
    with left:
        on = V("choose_on")
    with right:
        r = live(T, of.cures, C.config(seed=kit.seed()), charts.cures_chart, "early stopping")
        kit.chart(charts.box_chart, r, on)
        f = of.box_facts(r)
        st.markdown(tx("box.rules"))
        kit.notice(tx(f"box.{on}", val_pick=model(f.val_pick), val=f.val, test_of_val=f.test_of_val,
                      test_pick=model(f.test_pick), test=f.test))
        take_home(T, of.cures_script(r.config, kit.lang()), of.CURES_FILE)


kit.parts(V, {"cures": cures_part, "guide": guide_part, "depth": depth_part, "box": box_part,
              "bound": lambda: bound_part(left, right), "augment": lambda: augment_part(left, right)},
          where=left, horizontal=False)
