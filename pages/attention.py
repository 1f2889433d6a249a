"""Self-attention: one sentence through one layer, then a tiny transformer and an RNN learning live."""
from dataclasses import replace

import numpy as np
import streamlit as st

from core import attention as att
from core.charts import attention as charts
from pages import _kit as kit

T = "attention"
F = kit.Form(T, att.CalcConfig, prefix="at_", keys={"sentence": "at_text", "positional": "at_pe", "window": "at_w",
                                                     "activation": "at_act"})
TF = kit.Form(T, att.TrainConfig, prefix="at_", keys={"heads": "at_theads", "pe": "at_pek"},
              skip=("seed", "length", "vocab", "d"))
V = kit.Form(T, charts.TrainView, prefix="at_")
R = kit.Form(T, att.RnnConfig, prefix="at_rnn_", skip=("seed", "length", "vocab", "lr", "steps"))
kit.page(T, [F, TF, V, R], [
    kit.Preset("order", {"at_pe": False, "at_section": "position"}),
    kit.Preset("causal", {"at_mask": "causal", "at_query": 6}),
    kit.Preset("window", {"at_mask": "window", "at_w": 3, "at_section": "masks"}),
    kit.Preset("relu", {"at_act": "ReLU"}),
    kit.Preset("sort", {"at_task": "sort", "at_steps": 300, "at_section": "train"}),
    kit.Preset("rnn", {"at_section": "rnn"}),
], r"\begin{gathered}q^i = W^q a^i,\quad k^j = W^k a^j,\quad v^j = W^v a^j\\"
   r"\alpha_{i,j} = \frac{q^i\cdot k^j}{\sqrt{d_k}},\qquad"
   r"\alpha'_{i,j} = \frac{e^{\alpha_{i,j}}}{\sum_{j'} e^{\alpha_{i,j'}}}\\ b^i = \sum_j \alpha'_{i,j}\, v^j\end{gathered}")
lang = kit.lang()
t = lambda key, **kw: kit.t(f"{T}.{key}", **kw)  # noqa: E731 - this page's text
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws

# ---------------------------------------------------------------- the calculator: its central picture first
left, right = st.columns([1, 3], gap="medium")
with left:
    for name in ("sentence", "query", "d", "heads", "scale", "positional", "activation", "mask"):
        F(name)
    if F.value("mask") == "window" or V.value("section") in ("masks", "cnn"):  # the width is used only there
        F("window")
cfg = F.config(seed=kit.seed())
# the followed query only picks a row, the width matters only under the window mask: keep both out of the key
calc = replace(cfg, query=1, window=cfg.window if cfg.mask == "window" else att.CalcConfig().window)
try:
    r = kit.shared(f"{T}-calc", att.calculate, calc, gate=False)
except att.NoWordError:
    r = None
    kit.problem(t("no_word"), where=right)
if r is not None:
    qi = min(cfg.query, r.n) - 1
    soft = cfg.activation == "softmax"
    with right:
        c1, c2 = st.columns([5, 4], gap="small")
        kit.chart(charts.followed, r, qi, lang, where=c1)
        kit.chart(charts.query_steps, r, qi, lang, where=c2)
        sums = r.row_sums(0).numpy()
        st.caption(t("follow", q=r.labels[qi], outline=colour(charts.FOLLOWED_COLOUR))
                   + (t("masked", grey=colour("grey")) if cfg.mask != "none" else "")
                   + (t("gap") + t("masks.causal") if cfg.mask == "causal" else "")
                   + (t("follow_last", n=r.n) if qi + 1 < cfg.query else ""))
        st.markdown(t("rows.softmax" if soft else "rows.relu", lo=f"{sums.min():.2f}", hi=f"{sums.max():.2f}",
                      all=t("sep").join(f"{lab} **{v:.2f}**" for lab, v in zip(r.labels, sums)),
                      top=r.labels[int(r.parts['weights'][0, qi].argmax())],
                      w=f"{float(r.parts['weights'][0, qi].max()):.2f}"))
        kit.notice(t("notice.calc", how=t("notice.softmax" if soft else "notice.relu"), act=cfg.activation,
                     div=r"/√d_k" if cfg.scale else ""))

# ---------------------------------------------------------------- the sections: only the chosen one is computed
section = V("section", label_visibility="collapsed", width="stretch")
tcfg = TF.config(seed=kit.seed())
if r is not None:
    if section == "steps":
        kit.chart(charts.matrices, r, ("embed", "pe", "a"), lang)
        rep = att.repeated_token(r.tokens)
        same = (t("same.word", w=rep, at=t("sep").join(map(str, att.positions_of(r.tokens, rep)))) if rep else
                t("same.none"))
        st.caption(same + t("gap") + t("same.pe" if cfg.positional else "same.no_pe"))
        kit.chart(charts.matrices, r, ("Q", "K", "V"), lang)
        c1, c2 = st.columns(2)
        kit.chart(charts.scores, r, 0, "scores", lang, where=c1)
        kit.chart(charts.weighted_sum, r, qi, lang, where=c2)
        if soft:
            other = kit.shared(f"{T}-calc", att.calculate, replace(calc, scale=not cfg.scale), gate=False)
            peak = {cfg.scale: r, not cfg.scale: other}
            top = {k: float(v.parts["weights"][0].max(-1).values.mean()) for k, v in peak.items()}
            st.markdown(t("scale", on=f"{top[True]:.2f}", off=f"{top[False]:.2f}")
                        + (t("gap") + t("scale_seeds") if cfg.mask == "none" else ""))

    elif section == "heads":
        st.markdown(t("heads.intro", h=cfg.heads, dk=r.d_head))
        cols = st.columns(min(cfg.heads, 2))
        for h in range(cfg.heads):
            kit.chart(charts.scores, r, h, "weights", lang, where=cols[h % len(cols)])
        kit.chart(charts.matrices, r, ("concat", "out"), lang)

    elif section == "position":
        st.markdown(t("position.intro"))
        kit.chart(charts.shuffled, r, lang)
        err = r.equivariance_error
        m1, m2 = st.columns(2)
        m1.metric(t("position.metric"), f"{err:.2e}")
        m2.metric(t("position.pe"), t("on" if cfg.positional else "off"))
        if err < 1e-5:
            st.success(t("position.same"), icon=":material/check_circle:")
        else:
            why = t("position.why_pe") if cfg.positional else t("position.why_mask", mask=t(f"opt.mask.{cfg.mask}"))
            kit.notice(t("position.differ", err=f"{err:.2f}", why=why))

    elif section == "masks":
        n, w = r.n, cfg.window
        full, done = att.cost(n, "none", w)["full"], att.cost(n, cfg.mask, w)["computed"]
        c1, c2 = st.columns([1, 2], gap="large")
        c1.metric(t("masks.full", n=n), f"{full}")
        c1.metric(t(f"masks.done.{cfg.mask}"), f"{done}", delta=f"{done - full}", delta_color="inverse")
        if cfg.mask == "graph":
            nb = {lab: [r.labels[j] for j in range(n) if r.allowed[i, j] and j != i] for i, lab in enumerate(r.labels)}
            c1.caption(t("masks.graph", edges=t("semi").join(f"{k} → {t('sep').join(v) or '∅'}"
                                                                  for k, v in nb.items())))
        elif cfg.mask == "causal":
            c1.caption(t("masks.causal"))
        kit.chart(charts.cost_chart, kit.shared(f"{T}-cost", att.cost_table, w, gate=False), w, lang, where=c2)
        kit.notice(t("masks.notice", full=colour(charts.COST_COLOURS["full"]),
                     window=colour(charts.COST_COLOURS["window"]), w=w))

    elif section == "cnn":
        cc = kit.shared(f"{T}-conv", att.compare_conv, replace(cfg, mask="none", query=1), gate=False)
        c1, c2 = st.columns(2)
        kit.chart(charts.mixing, cc, "conv", lang, where=c1)
        kit.chart(charts.mixing, cc, "attn", lang, where=c2)
        st.markdown(t("cnn.gap", gap=f"{cc.interior_gap:.1e}"))
        kit.notice(t("cnn.notice"))

# ---------------------------------------------------------------- the tiny transformer, trained live
if section == "train":
    tl, tr_ = st.columns([1, 3], gap="medium")
    with tl:
        for name in ("task", "layers", "heads", "pe", "steps", "lr"):
            TF(name, label=t(f"ctl.t{name}.label"), help=t(f"ctl.t{name}.help"))
    with tr_:
        st.markdown(t("train.intro", T=tcfg.length, v=tcfg.vocab - 1, b=att.BATCH, pe=t(f"opt.pe.{tcfg.pe}")))
        bar, acc_ph = st.empty(), st.empty()
        maps_ph = st.container()  # the maps are drawn once training is over (directly, not into placeholders)

        def draw(res: att.TrainResult, live: bool) -> None:
            if live:
                bar.progress(min(1.0, res.log.steps / max(1, res.log.planned)),
                             text=kit.t("common.training", done=res.log.steps, total=res.log.planned))
            kit.chart(charts.accuracy_chart, res, lang, where=acc_ph, live=live)

        res = kit.shared(f"{T}-train", att.train_tiny, tcfg, progress=lambda x: draw(x, True), queued=kit.queued(bar))
        bar.empty()
        draw(res, False)
        with maps_ph:
            st.caption(t("train.maps"))
            L, n_maps = tcfg.layers - 1, min(4, tcfg.heads) + 1  # every head with the encoding, then head 1 without
            per_row = 2 if n_maps == 2 else 3
            cols = [c for _ in range(-(-n_maps // per_row)) for c in st.columns(per_row)]
            for h in range(n_maps - 1):
                kit.chart(charts.train_map, res, 0, L, h, lang, where=cols[h])
            kit.chart(charts.train_map, res, 1, L, 0, lang, where=cols[n_maps - 1])
        kit.report(res.log, [t(f"charts.models.{k}") for k in ("with_pe", "without_pe")])
        m = st.columns(4)
        for col, (k, v) in zip(m, [("acc_pe", res.accuracy[0]), ("acc_nope", res.accuracy[1]),
                                   ("exact_pe", res.exact[0]), ("exact_nope", res.exact[1])]):
            col.metric(t(f"train.{k}"), f"{v:.1%}")
        x, y = res.example
        seq = lambda s: " ".join(map(str, s))  # noqa: E731
        st.markdown(t("train.example", x=seq(x), y=seq(y), p0=seq(res.predicted[0]), p1=seq(res.predicted[1])))
        Lm, Tn = res.maps[0, tcfg.layers - 1], tcfg.length  # (H, T, T)
        want = {"reverse": Tn - 1 - np.arange(Tn), "shift by 1": (np.arange(Tn) - 1) % Tn}.get(tcfg.task)
        if want is not None:
            peaks = bool((Lm.argmax(-1) == want).all())
            shape = t(f"train.shape.{tcfg.task}.{'yes' if peaks else 'no'}")
        else:
            moved = bool((Lm.argmax(-1) != res.maps_second[0, tcfg.layers - 1].argmax(-1)).any())
            shape = t(f"train.shape.sort.{'yes' if moved else 'no'}")
        kit.notice(t("train.notice", need=t(f"train.need.{tcfg.task}"), shape=shape, a0=f"{res.accuracy[0]:.1%}",
                     a1=f"{res.accuracy[1]:.1%}", e1=f"{res.exact[1]:.1%}"))
        if not res.log.diverged:
            d1, d2 = st.columns(2)
            kit.download(t("dl.history"), lambda: att.history_csv(res), "attention_history.csv", "text/csv",
                         t("dl.history_help"), where=d1)
            kit.download(t("dl.weights"), lambda: att.weights_safetensors(res), "tiny_transformer.safetensors",
                         "application/octet-stream", t("dl.weights_help"), where=d2)

# ---------------------------------------------------------------- an RNN on the same task
if section == "rnn":
    st.markdown(t("rnn.intro", T=tcfg.length, steps=2 * tcfg.length))
    c1, c2 = st.columns(2)
    rcfg = replace(att.rnn_config_for(tcfg), cell=R("cell", where=c1), hidden=R("hidden", where=c2))
    ph = st.empty()
    rnn = kit.shared(f"{T}-rnn", att.train_rnn, rcfg, queued=kit.queued(ph))
    tiny = kit.shared(f"{T}-train", att.train_tiny, replace(tcfg, task="reverse"), queued=kit.queued(ph))
    kit.chart(charts.distance_chart, att.distance_frame(tiny, rnn), lang)
    kit.chart(charts.steps_chart, att.steps_frame(tiny, rnn), lang)
    kit.report(rnn.log, [t(f"opt.cell.{rcfg.cell}")])
    acc, dist = rnn.position_accuracy, rnn.distance
    far = acc[dist >= 5]
    st.markdown(t("rnn.measured", cell=t(f"opt.cell.{rcfg.cell}"), last=f"{acc[0]:.0%}",
                  back=f"{far.max():.0%}" if len(far) else "–", far=f"{acc[-1]:.0%}", d=int(dist[-1]),
                  chance=f"{1 / tcfg.vocab:.0%}", att=f"{tiny.position_accuracy[0].min():.0%}",
                  layers=tiny.config.layers))
    kit.notice(t("rnn.notice", steps=rnn.sequential_steps, layers=tiny.config.layers,
                 att=colour(charts.SERIES_COLOURS[att.SERIES[0]]), rnn=colour(charts.SERIES_COLOURS[att.SERIES[1]])))
