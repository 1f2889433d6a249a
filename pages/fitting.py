"""Fitting curves with sigmoids and ReLUs: K sigmoids against 2K ReLUs, trained live side by side."""
import streamlit as st

from core import fitting
from core.charts import fitting as charts
from pages import _kit as kit

T = "fitting"
F = kit.Form(T, fitting.FitConfig, keys={"val_fraction": "val", "optimizer": "opt", "batch_size": "batch"})
V = kit.Form(T, charts.FitView)
P = kit.Form(T, charts.PairView)
kit.page(T, [F, V, P], [
    kit.Preset("few", {"k": 1}),
    kit.Preset("corners", {"target": "piecewise linear", "k": 3}),
    kit.Preset("real", {"target": "Seattle temperatures", "n": 400, "k": 16, "lr": 0.03, "batch": 512, "epochs": 1000}),
    kit.Preset("blowup", {"opt": "SGD", "lr": 100.0}),
    kit.Preset("overfit", {"target": "smooth and wiggly", "n": 100, "noise": 0.25, "val": 0.75, "k": 24, "epochs": 1000,
                           "sweep": True}),
], r"\begin{gathered}y = b + \sum_{i=1}^{K} c_i\,\mathrm{sigmoid}\Big(b_i + \sum_j w_{ij}x_j\Big)\\"
   r"y = b + \sum_{i=1}^{2K} c_i\,\max\Big(0,\; b_i + \sum_j w_{ij}x_j\Big)\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour the chart draws

left, right = st.columns([1, 3], gap="medium")
with left:
    for name in ("target", "k", "n", "noise", "val_fraction", "depth", "loss", "optimizer", "lr", "batch_size",
                 "epochs"):
        F(name)
    show_parts = V("parts")

cfg = F.config(seed=kit.seed())
names = [kit.t(f"{T}.charts.model.{m}") for m in fitting.NAMES]
with right:
    bar, live = st.empty(), st.empty()

    def draw_live(r: fitting.FitResult) -> None:
        """Frames while training runs (the first time this setting is asked for)."""
        bar.progress(min(1.0, r.log.steps / max(1, r.log.planned)),
                     text=kit.t("common.training", done=r.epochs_done, total=r.config.epochs))
        with live.container():
            c = st.columns(2)
            for m in range(2):
                kit.chart(charts.fit_panel, r, m, lang, where=c[m], live=True)
            if not r.history.empty:
                kit.chart(charts.loss_chart, r.history, r.config.loss, lang, live=True)

    result = kit.shared(T, fitting.fit, cfg, progress=draw_live, queued=kit.queued(bar))
    bar.empty()
    live.empty()
    kit.report(result.log, names)
    if result.log.diverged:
        kit.chart(charts.divergence_chart, result.log.losses, tuple(result.log.diverged_at), lang)
    else:
        def frame(f: int) -> None:
            """Replay frame f: both fits at epoch frame_epochs[f]."""
            c = st.columns(2)
            for m in range(2):
                kit.chart(charts.fit_frame, result, m, f, lang, where=c[m])

        kit.player("frame", len(result.frame_epochs) - 1, frame, label=kit.t(f"{T}.replay"))
        kit.chart(charts.loss_chart, result.history, cfg.loss, lang)
    n_train = len(result.train_idx)
    st.caption(kit.t(f"{T}.status", n=n_train, b=min(cfg.batch_size, n_train), per=result.updates_per_epoch,
                     total=result.updates_per_epoch * cfg.epochs, grey=colour("grey")))
    if not result.log.diverged:
        if show_parts:
            c = st.columns(2)
            for m in range(2):
                kit.chart(charts.parts_panel, result, m, lang, where=c[m])
        mcols = st.columns(4)
        for col, (m, s) in zip(mcols, [(mm, ss) for mm in fitting.NAMES for ss in ("train", "validation")]):
            col.metric(kit.t(f"{T}.metric", model=kit.t(f"{T}.charts.model.{m}"), split=kit.t(f"{T}.charts.{s}"),
                             loss=cfg.loss), f"{result.final_loss(m, s):.4f}")
        sig, relu = result.final_loss("sigmoid", "train"), result.final_loss("ReLU", "train")
        val = result.history[(result.history.split == "validation")]
        notes = [kit.t(f"{T}.notice", sig=colour(charts.MODEL_COLOURS["sigmoid"]),
                       relu=colour(charts.MODEL_COLOURS["ReLU"]))]
        notes.append(kit.t(f"{T}.compare", k=cfg.k, k2=2 * cfg.k, loss=cfg.loss, relu=relu, sig=sig,
                           better=kit.t(f"{T}.relu_better" if relu < sig else f"{T}.sig_better")))
        for m, name in zip(fitting.NAMES, names):  # overfitting, read from this run's validation curve
            v = val[val.model == m]
            if len(v) > 2 and v.loss.iloc[-1] > 1.2 * v.loss.min():
                best = v.loc[v.loss.idxmin()]
                notes.append(kit.t(f"{T}.overfits", model=name, best=float(best.loss), epoch=int(best.epoch),
                                   last=float(v.loss.iloc[-1])))
        kit.notice(" ".join(notes))
        st.caption(kit.t(f"{T}.dead_relu", revived=int(result.revived[1]) if result.revived is not None else 0))
    d1, d2 = st.columns(2)
    kit.download(kit.t(f"{T}.dl.history"), lambda: fitting.history_csv(result), "loss_history.csv", "text/csv",
                 kit.t(f"{T}.dl.history_help"), where=d1)
    if not result.log.diverged:
        kit.download(kit.t(f"{T}.dl.weights"), lambda: fitting.weights_safetensors(result), "fit_weights.safetensors",
                     "application/octet-stream", kit.t(f"{T}.dl.weights_help"), where=d2)

st.divider()
st.header(kit.t(f"{T}.pair.header"))
a, b = st.columns([1, 2], gap="large")
with a:
    x0, x1, height = P("x0"), P("x1"), P("height")
    try:
        pair = fitting.relu_pair(x0, x1, height)
    except ValueError:
        pair = None
        kit.problem(kit.t(f"{T}.pair.bad"))
with b:
    if pair is not None:
        w = pair.weights
        st.latex(rf"\begin{{aligned}}&{w['c1']:.2f}\,\max(0,\;{w['b1']:.2f} + {w['w1']:.2f}\,x)\\"
                 rf"+\;&({w['c2']:.2f})\,\max(0,\;{w['b2']:.2f} + {w['w2']:.2f}\,x)\end{{aligned}}")
        kit.chart(charts.relu_pair_chart, pair, lang)
        st.caption(kit.t(f"{T}.pair.caption", sum=colour(charts.PAIR_COLOURS["sum"]),
                         hard=colour(charts.PAIR_COLOURS["hard"])))

st.divider()
st.header(kit.t(f"{T}.sweep.header"))
st.markdown(kit.t(f"{T}.sweep.intro", ks=", ".join(map(str, fitting.SWEEP_KS)), models=2 * len(fitting.SWEEP_KS)))
if V("sweep"):
    sw = kit.shared(f"{T}-sweep", fitting.sweep, cfg, queued=kit.queued(st.empty()))
    c1, c2 = st.columns(2)
    for col, m in zip((c1, c2), fitting.NAMES):
        kit.chart(charts.sweep_chart, sw, m, cfg.loss, lang, where=col)
    best = sw[sw.split == "validation"].dropna(subset=["loss"])
    for m in fitting.NAMES:
        bm = best[best.model == m]
        if len(bm):
            row = bm.loc[bm.loss.idxmin()]
            st.markdown(kit.t(f"{T}.sweep.best", model=kit.t(f"{T}.charts.model.{m}"), k=int(row.k),
                              units=int(row.units), params=int(row.params)))
    gaps = []
    for m, name in zip(fitting.NAMES, names):
        a = sw[(sw.model == m)].pivot_table(index="k", columns="split", values="loss")
        if {"train", "validation"} <= set(a.columns) and len(a) >= 2:
            g = (a.validation - a.train).dropna()
            gaps.append(kit.t(f"{T}.sweep.gap", model=name, k0=int(g.index[0]), g0=float(g.iloc[0]),
                              k1=int(g.index[-1]), g1=float(g.iloc[-1]),
                              trend=kit.t(f"{T}.sweep.wider" if g.iloc[-1] > g.iloc[0] else f"{T}.sweep.narrower")))
    kit.notice(" ".join([kit.t(f"{T}.sweep.notice")] + gaps))
