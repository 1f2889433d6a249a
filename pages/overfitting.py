"""Overfitting and its cures: the lecture's debugging guide on a live network, model bias against
optimisation by depth, each cure trained on one overfitting setup, the |H|·2·exp(−2Nε²) bound measured,
and the train/validation/test discipline. Only the chosen part is computed and drawn."""
import streamlit as st

from core import overfitting as of, overfitting_bound as ob, overfitting_depth as od, overfitting_guide as og
from core.charts import overfitting as charts
from pages import _kit as kit

T = "overfitting"
V = kit.Form(T, charts.OverfitView)
C = kit.Form(T, of.CuresConfig)
G = kit.Form(T, og.GuideConfig, prefix="g_")
D = kit.Form(T, od.DepthConfig, prefix="d_")
B = kit.Form(T, ob.BoundConfig, prefix="b_")
kit.page(T, [V, C, G, D, B], [
    kit.Preset("optim", {"lab": "guide"}),
    kit.Preset("adam", {"lab": "depth", "d_act": "ReLU", "d_optimizer": "Adam"}),
    kit.Preset("l2", {"cure": "L2"}),
    kit.Preset("bound", {"lab": "bound", "b_h_size": 1000}),
    kit.Preset("peek", {"lab": "box", "choose_on": "test"}),
], r"\begin{gathered}P(\mathcal{D}_{train}\ \mathrm{bad}) \le |\mathcal{H}|\cdot 2\exp(-2N\varepsilon^2)\\"
   r"L'(\theta) = L(\theta) + \tfrac{\lambda}{2}\|\theta\|^2\end{gathered}")
lang = kit.lang()
t = kit.t
colour = lambda name: t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws
model = lambda m: t(f"{T}.charts.model.{m}")  # noqa: E731
left, right = st.columns([1, 3], gap="medium")
with left:
    lab = V("lab", horizontal=False)


def shared_run(name, fn, cfg, builder, *args):
    """One shared training, drawn live the first time this setting is asked for."""
    bar, live = st.empty(), st.empty()

    def draw(r):
        bar.progress(min(1.0, r.log.steps / max(1, r.log.planned)), text=t("common.training", done=r.log.steps,
                                                                             total=r.log.planned))
        with live.container():
            kit.chart(builder, r, *args, lang, live=True)

    r = kit.shared(name, fn, cfg, progress=draw, queued=kit.queued(bar))
    bar.empty()
    live.empty()
    return r


if lab == "cures":
    with left:
        cure = V("cure")
        for f in ("n", "n_more", "noise", "units", "patience", "weight_decay", "dropout"):
            C(f)
    with right:
        r = shared_run(T, of.cures, C.config(seed=kit.seed()), charts.cures_chart, cure)
        kit.chart(charts.cures_chart, r, cure, lang)
        cfg = r.config
        what = {"more data": dict(n=cfg.n, more=max(cfg.n, cfg.n_more)), "augmentation": dict(n=cfg.n, noise=cfg.noise),
                "fewer units": dict(units=min(cfg.units, of.WIDTH), width=of.WIDTH),
                "early stopping": dict(best=r.best_val, step=r.best_step, stop=r.stop_step, patience=cfg.patience,
                                       restored=r.restored_val, c=colour(charts.CURE_COLOURS["stop"])),
                "L2": dict(lam=cfg.weight_decay, c=colour(charts.CURE_COLOURS["penalty"])),
                "dropout": dict(p=cfg.dropout, a=", ".join(f"{v:.3f}" for v in r.dropout_demo[0]),
                                b=", ".join(f"{v:.3f}" for v in r.dropout_demo[1]),
                                e=", ".join(f"{v:.3f}" for v in r.dropout_demo[2]),
                                same=t(f"{T}.cures.same" if (r.dropout_demo[2] == r.dropout_demo[3]).all()
                                       else f"{T}.cures.differ"))}[cure]
        st.caption(t(f"{T}.cures.what.{cure}", **what))
        kit.chart(charts.cures_bars, r, lang)
        base = r.val("no cure")
        lower = [model(m) for m in of.CURES if r.val(m) < base]
        higher = [model(m) for m in of.CURES if r.val(m) >= base]
        notes = [t(f"{T}.cures.notice", base=base, train=float(r.final.train[0]), nc=colour(charts.CURE_COLOURS["no cure"]),
                   cc=colour(charts.CURE_COLOURS["cure"]), lower=", ".join(lower) or t(f"{T}.none"),
                   lin_train=r.lin_train, lin_val=r.lin_val,
                   verdict=t(f"{T}.cures.overfits" if r.overfits else f"{T}.cures.not_overfit"))]
        if higher:
            notes.append(t(f"{T}.cures.higher", higher=", ".join(higher)))
        notes.append(t(f"{T}.cures.checked", seeds=len(of.CLAIM_SEEDS),
                       always=", ".join(model(m) for m, k in of.CHECKED.items() if k == len(of.CLAIM_SEEDS)),
                       some="; ".join(t(f"{T}.cures.some", cure=model(m), k=k, seeds=len(of.CLAIM_SEEDS)) for m, k in of.CHECKED.items()
                                      if k < len(of.CLAIM_SEEDS)) or t(f"{T}.none")))
        kit.notice(" ".join(notes))
        kit.download(t(f"{T}.dl.history"), lambda: of.history_csv(r), "overfitting_history.csv", "text/csv",
                     t(f"{T}.dl.history_help"))

elif lab == "depth":
    with left:
        D("act", label=t(f"{T}.ctl.act.label"), help=t(f"{T}.ctl.act.help"))
        D("optimizer", label=t(f"{T}.ctl.optimizer.label"), help=t(f"{T}.ctl.optimizer.help"))
        D("n", label=t(f"{T}.ctl.n_depth.label"), help=t(f"{T}.ctl.n_depth.help"))
    with right:
        r = shared_run(f"{T}-depth", od.depth, D.config(seed=kit.seed()), charts.depth_chart)
        kit.report(r.log, [charts.layers(t, d) for d in od.DEPTHS])
        kit.chart(charts.depth_chart, r, lang)
        kit.chart(charts.depth_bars, r, lang)
        if r.worse:
            pairs = ", ".join(t(f"{T}.depth.pair", deep=a, shallow=b) for a, b in r.worse)
            note = t(f"{T}.depth.worse", pairs=pairs)
        else:
            note = t(f"{T}.depth.fine")
        kit.notice(note + " " + t(f"{T}.depth.checked", seeds=len(of.CLAIM_SEEDS)))

elif lab == "guide":
    with left:
        for f in ("layers", "width", "act", "optimizer", "n"):
            G(f, label=t(f"{T}.ctl.{f}.label" if f != "n" else f"{T}.ctl.n_depth.label"),
              help=t(f"{T}.ctl.{f}.help" if f != "n" else f"{T}.ctl.n_depth.help"))
    with right:
        r = shared_run(f"{T}-guide", og.guide, G.config(seed=kit.seed()), charts.guide_chart)
        kit.report(r.log, [t(f"{T}.charts.guide.{m}") for m in og.MODELS])
        kit.chart(charts.guide_chart, r, lang)
        high = r.verdict in ("optimisation", "model bias")
        yes, no = t(f"{T}.yes"), t(f"{T}.no")
        steps = [t(f"{T}.guide.q1", train=r.train, lin=r.lin_train, a=yes if high else no)]
        if high:
            steps.append(t(f"{T}.guide.q2", layers=r.config.layers, ref=r.ref_train,
                           a=yes if r.verdict == "optimisation" else no))
        else:
            steps.append(t(f"{T}.guide.q3", val=r.val, lin=r.lin_val, train=r.train,
                           a=yes if r.verdict == "overfitting" else no))
        st.markdown("\n".join(f"{i + 1}. {s}" for i, s in enumerate(steps)))
        kit.notice(t(f"{T}.guide.verdict.{r.verdict}", test=r.test))

elif lab == "bound":
    with left:
        for f in ("h_size", "eps", "n"):
            B(f, label=t(f"{T}.ctl.{f}_b.label"), help=t(f"{T}.ctl.{f}_b.help"))
    with right:
        r = kit.shared(f"{T}-bound", ob.bound, B.config(seed=kit.seed()), gate=False)
        kit.chart(charts.bound_chart, r, lang)
        kit.chart(charts.example_chart, r, lang)
        c = r.curve
        under = bool((c.measured <= c.bound).all())
        useful = c.N[c.raw_bound < 1]
        kit.notice(t(f"{T}.bound.notice", sets=ob.SETS, mc=colour(charts.BOUND_COLOURS["measured"]),
                     bc=colour(charts.BOUND_COLOURS["bound"]), under=t(f"{T}.bound.under" if under else f"{T}.bound.over"),
                     first=float(c.measured.iloc[0]), n0=int(c.N.iloc[0]), last=float(c.measured.iloc[-1]),
                     n1=int(c.N.iloc[-1]),
                     useful=t(f"{T}.bound.useful", n=int(useful.iloc[0])) if len(useful) else t(f"{T}.bound.useless"),
                     example=t(f"{T}.bound.bad" if r.example_bad else f"{T}.bound.good", n=r.config.n,
                               ec=colour(charts.BOUND_COLOURS["example"]))) + " "
                   + t(f"{T}.bound.checked", seeds=len(of.CLAIM_SEEDS)))

else:  # the train / validation / test box
    with left:
        on = V("choose_on")
    with right:
        r = shared_run(T, of.cures, C.config(seed=kit.seed()), charts.cures_chart, "early stopping")
        kit.chart(charts.box_chart, r, on, lang)
        f = r.final.set_index("model")
        by_val, by_test = f.validation.idxmin(), f.test.idxmin()
        st.markdown(t(f"{T}.box.rules"))
        kit.notice(t(f"{T}.box.{on}", val_pick=model(by_val), val=float(f.validation[by_val]),
                     test_of_val=float(f.test[by_val]), test_pick=model(by_test), test=float(f.test[by_test])))
