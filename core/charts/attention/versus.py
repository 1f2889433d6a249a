"""Charts of the two comparisons after the RNN part: self-attention for images against a CNN (test accuracy
against the training-set size, one digit as patches and where its tokens look) and sequential against parallel
(measured time against the length, and what reversing the input does)."""
from __future__ import annotations

import numpy as np

from core import i18n
from core.attention.images import (CLAIM_SEEDS, FAR_AHEAD, KINDS, MEAN_SHRINK, MOST, PATCH, ImagesConfig,
                                   ImagesFacts, ImagesResult, sizes_of)
from core.attention.parallel import MODELS, ParallelFacts, ParallelResult, growth
from core.charts import COLOURS, mark, n, q, scale, styled
from core.charts.attention.heat import K, heat, long, wrap

KIND_COLOURS = {KINDS[0]: "green", KINDS[1]: "blue"}  # images: CNN / self-attention (blue as in the other parts)
MODEL_COLOURS_PAR = {MODELS[0]: "orange", MODELS[1]: "blue"}  # parallel: RNN / self-attention (as in part 7)
NARROW = 16  # title width (Latin characters) of the three small heatmaps side by side
SPLITS = ("test", "train")  # solid: the fixed test set; dashed: the model's own training digits

_KIND_KEYS = dict(zip(KINDS, ("images.cnn", "images.attention")))
_MODEL_KEYS = dict(zip(MODELS, ("series.rnn", "series.attention")))


def size_chart(r: ImagesResult, lang: str = "en"):
    """Accuracy against the training-set size (log scale): each model on the fixed test set (solid) and on its
    own training digits (dashed, once training ended). Live frames show the test accuracies so far."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _KIND_KEYS.items()}
    split_names = {s: tr(K + f"images.{s}") for s in SPLITS}
    f = r.frame().melt(id_vars=["n", "kind"], value_vars=list(SPLITS), var_name="split", value_name="accuracy")
    f = f[np.isfinite(f.accuracy.to_numpy(dtype=float))]
    f = f.assign(model=f.kind.map(names), set=f.split.map(split_names))
    dom = [names[k] for k in KINDS]
    sizes = list(r.sizes)
    low = float(np.floor(10 * min(0.9, f.accuracy.min() if len(f) else 0.0)) / 10)  # every point shown, not squeezed
    enc = dict(x=q("n", tr(K + "images.n"), scale={"type": "log", "domain": [min(sizes), max(sizes)], "nice": False},
                   axis={"values": sizes, "format": "d"}),
               y=q("accuracy", tr(K + "images.accuracy"), scale={"domain": [low, 1]}),
               color=n("model", None, scale=scale(dom, [COLOURS[KIND_COLOURS[k]] for k in KINDS]),
                       legend={"title": None, "labelLimit": 400, "columns": 1}),
               strokeDash=n("set", None, scale=scale([split_names[s] for s in SPLITS], [[1, 0], [6, 4]]),
                            legend=None),  # said in the title: a dash legend's symbols vanish in the dark theme
               detail=n("split"),
               tooltip=[n("model", tr(K + "model")), n("set", tr(K + "images.set")), q("n", tr(K + "images.n")),
                        q("accuracy", tr(K + "images.accuracy"), format=".3f")])
    title = tr(K + "images.title", steps=r.config.steps) + " | " + tr(K + "images.dashes")
    return styled(mark(f, {"type": "line", "point": True, "strokeWidth": 3}, **enc), wrap(title), 420)


def patches_chart(r: ImagesResult, lang: str = "en"):
    """The first test digit as the attention model reads it: 8×8 pixels, each cell labelled with its patch
    (token) number."""
    tr = i18n.translator(lang)
    k = 8 // PATCH
    tok = np.array([[1 + (i // PATCH) * k + j // PATCH for j in range(8)] for i in range(8)])  # (8, 8)
    lab = [str(i + 1) for i in range(8)]
    df = long(r.digit, lab, lab)
    df["label"] = [f"{tr(K + 'images.token')} {t}" for t in tok.ravel()]
    return heat(df, lab, lab, wrap(tr(K + "images.digit"), NARROW), tr(K + "images.column"), tr(K + "images.row"),
                tr(K + "images.token"), "weights", (0.0, 1.0), legend=False)


def patch_weights(r: ImagesResult, head: int = 0, lang: str = "en"):
    """Head ``head``'s attention weights among the 4 patch tokens of that digit (model of the largest set)."""
    tr = i18n.translator(lang)
    lab = [f"{tr(K + 'images.token')} {i + 1}" for i in range(r.weights.shape[-1])]
    return heat(long(r.weights[head], lab, lab), lab, lab, wrap(tr(K + "images.weights", h=head + 1, n=max(r.sizes)), NARROW),
                tr(K + "key"), tr(K + "query"), tr(K + "value"), "weights", (0.0, 1.0), legend=False)


def timing_chart(r: ParallelResult, lang: str = "en"):
    """Measured time (the fastest of REPEATS runs, log scale) against the sequence length T (log scale), RNN and attention."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _MODEL_KEYS.items()}
    d = r.timing.assign(model=r.timing.model.map(names))
    dom = [names[m] for m in MODELS]
    Ts = sorted(set(r.timing["T"]))
    enc = dict(x=q("T", tr(K + "parallel.T"), scale={"type": "log", "base": 2, "nice": False},
                   axis={"values": Ts, "format": "d"}),
               y=q("ms", tr(K + "parallel.ms"), scale={"type": "log"}),
               color=n("model", None, scale=scale(dom, [COLOURS[MODEL_COLOURS_PAR[m]] for m in MODELS]),
                       legend={"title": None, "labelLimit": 400, "columns": 1}),
               tooltip=[n("model", tr(K + "model")), q("T", tr(K + "parallel.T")),
                        q("ms", tr(K + "parallel.ms"), format=".3f"),
                        q("sequential", tr(K + "rnn.sequential"))])
    return styled(mark(d, {"type": "line", "point": True, "strokeWidth": 3}, **enc),
                  wrap(tr(K + "parallel.title", d=r.config.width)), 400)


def reversal_chart(r: ParallelResult, lang: str = "en"):
    """|f(reversed x) − reversed f(x)| at each position: the RNN's outputs change, attention's (without
    positions) are only reversed (a bar of height 0)."""
    tr = i18n.translator(lang)
    names = {k: tr(K + v) for k, v in _MODEL_KEYS.items()}
    d = r.shown.assign(model=r.shown.model.map(names))
    dom = [names[m] for m in MODELS]
    enc = dict(x=n("position", tr(K + "parallel.position"), axis={"labelAngle": 0}),
               xOffset=n("model", None, sort=dom),
               y=q("gap", tr(K + "parallel.gap")),
               color=n("model", None, scale=scale(dom, [COLOURS[MODEL_COLOURS_PAR[m]] for m in MODELS]),
                       legend={"title": None, "labelLimit": 400, "columns": 1}),
               tooltip=[n("model", tr(K + "model")), q("position", tr(K + "parallel.position")),
                        q("gap", tr(K + "parallel.gap"), format=".2e")])
    title = tr(K + ("parallel.reversed_pe" if r.config.positions else "parallel.reversed"))
    return styled(mark(d, "bar", **enc), wrap(title), 360)



def images_words(f: ImagesFacts, r: ImagesResult, lang: str = "en") -> tuple[str, str, str]:
    """(this run's numbers and what they show, the ten-seed sentence, what to notice), in ``lang``."""
    tr = i18n.translator(lang)

    def w(key: str, **kw) -> str:
        return tr(f"attention.images.{key}", **kw)

    run = [w("run", small=f.small, large=f.large, c0=f"{f.cnn[0]:.2f}", a0=f"{f.attention[0]:.2f}",
             c1=f"{f.cnn[1]:.2f}", a1=f"{f.attention[1]:.2f}", l0=f"{f.lead[0]:+.2f}", l1=f"{f.lead[1]:+.2f}")]
    if len(r.sizes) > 1:
        run.append(w("shrank" if f.shrank else "not_shrank", small=f.small, large=f.large))
    run.append(w("caught_up", sizes=", ".join(str(n) for n in f.caught_up)) if f.caught_up else w("never_caught"))
    if f.fits is not None:
        run.append(w("fits", small=f.small, c=f"{f.fits[0]:.2f}", a=f"{f.fits[1]:.2f}", tc=f"{f.cnn[0]:.2f}",
                     ta=f"{f.attention[0]:.2f}"))
    default = sizes_of(ImagesConfig())  # the ten-seed sentence is about the defaults' smallest and largest sets
    seeds = w("seeds", seeds=CLAIM_SEEDS, far=f"{FAR_AHEAD:.2f}", shrink=f"{MEAN_SHRINK:.2f}", most=MOST,
              small=default[0], large=default[-1])
    c_cnn, c_att = (tr(f"common.colour.{KIND_COLOURS[k]}") for k in KINDS)
    return ("" if lang == "zh" else " ").join(run), seeds, w("notice", cnn=c_cnn, att=c_att)  # no space after 。


def parallel_words(f: ParallelFacts, r: ParallelResult, lang: str = "en") -> tuple[str, str]:
    """(what this run measured, what to notice about the reversal), in ``lang``."""
    tr = i18n.translator(lang)

    def w(key: str, **kw) -> str:
        return tr(f"attention.parallel.{key}", **kw)

    names = {k: tr(K + v) for k, v in _MODEL_KEYS.items()}
    grow = growth(r)
    measured = w("measured", T=f.longest, rnn=f"{f.rnn_ms:.2f}", att=f"{f.attention_ms:.2f}",
                 faster=names[f.faster], ratio=f"{max(f.rnn_ms, f.attention_ms) / max(min(f.rnn_ms, f.attention_ms), 1e-9):.1f}",
                 short=min(r.timing["T"]), g_rnn=f"{grow[MODELS[0]]:.0f}", g_att=f"{grow[MODELS[1]]:.0f}")
    c_rnn, c_att = (tr(f"common.colour.{MODEL_COLOURS_PAR[m]}") for m in MODELS)
    if f.attention_permutes:
        rev = w("permutes", rnn=c_rnn, att=c_att, gap=f"{r.gaps[MODELS[1]]:.0e}", rgap=f"{r.gaps[MODELS[0]]:.2f}")
    else:
        rev = w("changes", rnn=c_rnn, att=c_att, gap=f"{r.gaps[MODELS[1]]:.2f}", rgap=f"{r.gaps[MODELS[0]]:.2f}")
    return measured, rev
