"""The overfitting page's bound and augmentation parts, kept here so that pages/overfitting.py stays short: the
|H|·2·exp(−2Nε²) bound measured (no training), and a small CNN on digits augmented with shifts, turns and mirrors.
Each part draws its controls in ``left`` and its charts in ``right``; only the chosen part runs."""
from __future__ import annotations

import streamlit as st

from core import overfitting as of
from core.charts import overfitting as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "overfitting"
tx = kit.Text(T)
B = kit.Form(T, of.BoundConfig, prefix="b_")
A = kit.Form(T, of.AugmentConfig, prefix="a_")
seeds = len(of.CLAIM_SEEDS)


def bound_part(left, right) -> None:
    """The share of bad training sets measured against the bound, and the trade-off at one N."""
    with left:
        for f in ("h_size", "eps", "n"):
            B(f, label=tx(f"ctl.{f}_b.label"), help=tx(f"ctl.{f}_b.help"))
    with right:
        r = kit.shared(f"{T}-bound", of.bound, B.config(seed=kit.seed()), gate=False)
        kit.chart(charts.bound_chart, r)
        kit.chart(charts.example_chart, r)
        f = of.bound_facts(r)
        hs, eps = [h for h, _ in of.BOUND_CHECKED], [e for _, e in of.BOUND_CHECKED]
        kit.notice(kit.join([
            tx("bound.notice", sets=of.SETS, mc=kit.colour(charts.BOUND_COLOURS["measured"]),
               bc=kit.colour(charts.BOUND_COLOURS["bound"]), under=tx("bound.under" if f.under else "bound.over"),
               first=f.first, n0=f.n0, last=f.last, n1=f.n1,
               useful=tx("bound.useful", n=f.useful_from) if f.useful_from else tx("bound.useless"),
               example=tx(f"bound.{'bad' if r.example_bad else 'good'}.{charts.example_drawn(r)}", n=r.config.n,
                          ec=kit.colour(charts.BOUND_COLOURS["example"]))),
            tx("bound.checked", seeds=seeds, settings=len(of.BOUND_CHECKED), h0=min(hs), h1=max(hs), e0=min(eps),
               e1=max(eps), rise=of.RISE_MAX)]))
        for col, chart in zip(st.columns(2), (charts.sizes_chart, charts.best_chart)):
            kit.chart(chart, r, where=col)
        t = of.trade_facts(r)
        nums = dict(h0=t.h0, h1=t.h1, share0=t.share0, share1=t.share1)
        kit.notice(kit.join([
            tx("bound.trade", boundary=of.BOUNDARY, n=r.config.n, eps=r.config.eps, sets=of.SETS, best0=t.best0,
               best1=t.best1, h0=t.h0, h1=t.h1, flip=of.FLIP,
               safer=tx("bound.safer" if t.safer else "bound.not_safer", **nums)),
            tx("bound.trade_checked", seeds=seeds, h0=t.h0, h1=t.h1, by=of.SAFER_BY, rise=of.RISE_MAX,
               settings=", ".join(f"({n}, {e:g})" for n, e in of.TRADE_CHECKED))]))


def augment_part(left, right) -> None:
    """A small CNN on the digits: a label-keeping augmentation against label-changing ones."""
    with left:
        A("n", label=tx("ctl.n_augment.label"), help=tx("ctl.n_augment.help"))
    with right:
        r = kit.train_live(f"{T}-augment", of.augment, A.config(seed=kit.seed()))
        c1, c2 = st.columns([3, 1])
        kit.chart(charts.augment_bars, r, where=c1)
        c2.image(of.sheet(r), caption=tx("augment.sheet", labels=", ".join(map(str, r.labels))), clamp=True)
        kit.chart(charts.augment_digits, r)
        f = of.augment_facts(r)
        pts = lambda v: f"{100 * v:+.1f}"  # noqa: E731 - points of accuracy
        col = {a: kit.colour(charts.AUGMENT_COLOURS[a]) for a in of.AUGMENTS}
        kit.notice(kit.join([
            tx("augment.notice", none=col["none"], shift=col["shift"], rotate=col["rotate 180°"], mirror=col["mirror"]),
            tx("augment.run", n=r.config.n, shift=pts(f.diff["shift"]), rotate=pts(f.diff["rotate 180°"]),
               mirror=pts(f.diff["mirror"])),
            *[tx(f"augment.worst.{k}", digit=f.worst[a]) for k, a in (("rotate", "rotate 180°"), ("mirror", "mirror"))
              if a in f.worst],
            tx("augment.checked", seeds=of.AUGMENT_SEEDS, n=of.AugmentConfig().n, hurt=f"{100 * of.HURT:.0f}",
               k=of.HURT_SEEDS, drop=f"{100 * of.DIGIT_DROP:.0f}")]))
        take_home(T, of.augment_script(r.config, kit.lang()), of.AUGMENT_FILE)
