"""The self-attention page's parts that train or time their own models (parts 6 to 9), kept here so
pages/attention.py stays short: the tiny transformer trained live with and without positions, an RNN beside it on
reverse, self-attention for images against a CNN (trained live against the training-set size), and an RNN against
one attention layer timed live on growing lengths, with the input reversed. Each training part ends with its
take-home script (pages/_takehome.py)."""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core import attention as att
from core.charts import attention as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "attention"
IF = kit.Form(T, att.ImagesConfig, prefix="at_img_")
PF = kit.Form(T, att.ParallelConfig, prefix="at_par_")
TF = kit.Form(T, att.TrainConfig, prefix="at_", keys={"heads": "at_theads", "pe": "at_pek"},
              skip=("seed", "length", "vocab", "d"))
R = kit.Form(T, att.RnnConfig, prefix="at_rnn_", skip=("seed", "length", "vocab", "lr", "steps"))
tx = kit.Text(T)


def train() -> None:  # the tiny transformer, with and without positional encoding, trained live
    tl, tr_ = st.columns([1, 3], gap="medium")
    with tl:
        for name in ("task", "layers", "heads", "pe", "steps", "lr"):
            TF(name, label=tx(f"ctl.t{name}.label"), help=tx(f"ctl.t{name}.help"))
    tcfg = TF.config(seed=kit.seed())
    with tr_:
        st.markdown(charts.train_intro(tcfg, kit.lang()))
        res = kit.train_live(f"{T}-train", att.train_tiny, tcfg,
                             frame=lambda x: kit.chart(charts.accuracy_chart, x, live=True))
        kit.chart(charts.accuracy_chart, res)
        st.caption(tx("train.maps"))
        per_row, shown = charts.map_grid(tcfg.heads)
        for col, (m, h) in zip([c for _ in range(-(-len(shown) // per_row)) for c in st.columns(per_row)], shown):
            kit.chart(charts.train_map, res, m, tcfg.layers - 1, h, where=col)
        kit.report(res.log, [tx(f"charts.models.{k}") for k in ("with_pe", "without_pe")])
        for col, (label, value) in zip(st.columns(4), charts.train_metrics(res, kit.lang())):
            col.metric(label, value)
        example, notice = charts.train_words(res, kit.lang())
        st.markdown(example)
        kit.notice(notice)
        if not res.log.diverged:
            kit.exports(T, [("history", lambda: att.history_csv(res), "attention_history.csv"),
                            ("weights", lambda: att.weights_safetensors(res), "tiny_transformer.safetensors")])
        take_home(T, att.train_script(res.config, kit.lang()), att.TRAIN_FILE)


def rnn() -> None:  # an RNN on the same task (reverse) beside the tiny transformer
    tcfg = TF.config(seed=kit.seed())
    st.markdown(tx("rnn.intro", T=tcfg.length, steps=2 * tcfg.length))
    c1, c2 = st.columns(2)
    rcfg = replace(att.rnn_config_for(tcfg), cell=R("cell", where=c1), hidden=R("hidden", where=c2))
    ph = st.empty()
    rn = kit.shared(f"{T}-rnn", att.train_rnn, rcfg, queued=kit.queued(ph))
    tiny = kit.shared(f"{T}-train", att.train_tiny, replace(tcfg, task="reverse"), queued=kit.queued(ph))
    kit.chart(charts.distance_chart, att.distance_frame(tiny, rn))
    kit.chart(charts.steps_chart, att.steps_frame(tiny, rn))
    kit.report(rn.log, [tx(f"opt.cell.{rcfg.cell}")])
    measured, notice = charts.rnn_words(att.rnn_facts(rn, tiny), rn, tiny, rcfg, kit.lang())
    st.markdown(measured)
    kit.notice(notice)
    take_home(f"{T}_rnn", att.rnn_script(rn.config, kit.lang()), att.RNN_FILE)


def images() -> None:
    """Part 8: a CNN and self-attention on 4×4 patches, trained on digits at several training-set sizes."""
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("smallest", "largest", "sizes", "steps"):
            IF(name)
    cfg = IF.config(seed=kit.seed())
    with right:
        st.markdown(tx("images.intro", pa=att.n_parameters(att.KINDS[1]), pc=att.n_parameters(att.KINDS[0]),
                       steps=cfg.steps, b=att.images.BATCH, test=att.images.N_TEST))
        res = kit.train_live(f"{T}-images", att.train_images, cfg,
                             frame=lambda x: kit.chart(charts.size_chart, x, live=True))
        kit.chart(charts.size_chart, res)
        kit.report(res.log, [f"{tx(f'charts.images.{k}')}, n = {n}" for k in ("cnn", "attention") for n in res.sizes])
        run, seeds, notice = charts.images_words(att.images_facts(res), res, kit.lang())
        st.markdown(run)
        st.caption(seeds)
        kit.notice(notice)
        st.caption(tx("images.maps"))
        c1, c2, c3 = st.columns(3)
        kit.chart(charts.patches_chart, res, where=c1)
        for h, col in enumerate((c2, c3)):
            kit.chart(charts.patch_weights, res, h, where=col)
        take_home(f"{T}_images", att.images_script(res.config, kit.lang()), att.IMAGES_FILE)


def parallel() -> None:
    """Part 9: an RNN against one attention layer, timed on this server, and the input reversed."""
    left, right = st.columns([1, 3], gap="medium")
    with left:
        for name in ("longest", "width", "positions"):
            PF(name)
    cfg = PF.config(seed=kit.seed())
    with right:
        st.markdown(tx("parallel.intro", d=cfg.width, repeats=att.parallel.REPEATS))
        res = kit.shared(f"{T}-parallel", att.measure, cfg, queued=kit.queued(st.empty()))
        kit.chart(charts.timing_chart, res)
        kit.chart(charts.reversal_chart, res)
        measured, notice = charts.parallel_words(att.parallel_facts(res), res, kit.lang())
        st.markdown(measured)
        kit.notice(notice)
