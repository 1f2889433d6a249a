"""The optimizer page's sections under the race (``section``), and the two that train networks on the digits, run
only when switched on: the real race (each racer trains one network) and why warm-up (two deep ReLU networks trained
by Adam with and without a warm-up, core.optimizers.warmup)."""
import streamlit as st

from core import optimizers as opt
from core.charts import optimizers as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "optimizers"
tx = kit.Text(T)
RV = kit.Form(f"{T}.real", opt.RealView, keys={"show": "or_real"})
R = kit.Form(f"{T}.real", opt.RealConfig, keys={"lr_scale": "or_real_lr"}, prefix="or_real_",
             skip=("seed", "batch", "hidden"))
WV = kit.Form(f"{T}.warmup", opt.WarmupView, keys={"show": "or_warm"})
W = kit.Form(f"{T}.warmup", opt.WarmupConfig, prefix="or_wu_")
FORMS = [RV, R, WV, W]  # for kit.page: read from the link, reset by the presets


def section(key: str, *columns, gap: str = "medium"):
    """A section of the page under the race: a rule, its header, and its columns if any."""
    st.divider()
    st.header(tx(f"{key}.header"))
    return st.columns(list(columns), gap=gap) if columns else None


def opened(key: str, view):
    """A section with its intro and a switch (``view("show")``): its controls' and charts' columns when switched
    on, else None (nothing trains)."""
    section(key)
    st.markdown(tx(f"{key}.intro"))
    return st.columns([1, 3], gap="medium") if view("show") else None


def real_part(racers: list[str]) -> None:
    """The racers on the surface each train one network on the digits (only when switched on)."""
    cols = opened("real", RV)
    if cols is None:
        return
    lang, (a, b) = kit.lang(), cols
    R("lr_scale", where=a, fmt=lambda v: f"×{v:g}")
    R("steps", where=a)
    rc = R.config(seed=kit.seed(), racers=tuple(racers))
    if not rc.racers:
        return kit.problem(tx("none_racing"), where=b)
    with b:
        real = kit.train_live(f"{T}-real", opt.real_race, rc)
        kit.report(real.log, [charts.racer_label(n, lang) for n in real.racers])
        st.html(charts.racer_legend(real.racers, lang))
        for col, x in zip(st.columns(2), ("step", "seconds")):
            kit.chart(charts.real_chart, real, x, where=col)
        kit.notice(charts.real_notice(opt.real_facts(real), rc.steps, lang))
        if real.weights:
            kit.exports(T, [("weights", lambda: opt.weights_safetensors(real), "digits_race.safetensors")])
        take_home(f"{T}_real", opt.real_script(rc, lang), opt.REAL_FILE)  # its note: the racers one after another


def warmup_part() -> None:
    """η_t of both runs, their loss, dead ReLUs and validation accuracy, and what to notice (only when switched on)."""
    cols = opened("warmup", WV)
    if cols is None:
        return
    lang, (a, b) = kit.lang(), cols
    W("lr", where=a)
    W("warm", where=a)
    W("after", where=a)
    W("depth", where=a)
    W("steps", where=a)
    cfg = W.config(seed=kit.seed())
    with b:
        r = kit.train_live(f"{T}-warmup", opt.warmup_runs, cfg)
        kit.report(r.log, [charts.run_label(k, lang) for k in opt.RUNS])
        st.html(charts.warmup_legend(lang))
        c1, c2 = st.columns(2)
        kit.chart(charts.warmup_eta_chart, r, where=c1)
        kit.chart(charts.warmup_loss_chart, r, where=c2)
        c3, c4 = st.columns(2)
        kit.chart(charts.warmup_dead_chart, r, where=c3)
        kit.chart(charts.warmup_acc_chart, r, where=c4)
        # st.info, not kit.notice: kit.join drops the newline after 中文 punctuation, which merged the bullets
        st.info(charts.warmup_notice(opt.warmup_facts(r), lang), icon=":material/visibility:")
        take_home(f"{T}_warmup", opt.warmup_script(cfg, lang), opt.WARMUP_FILE)  # its note: the runs one after another
