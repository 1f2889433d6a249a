"""Charts of the overfitting page (the augmentation part's two at the end). Every word from
core/locales/<lang>/overfitting.charts.toml; the raw English names stay in the results and are mapped here."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import GREY, hex_of, mark, n, q, scale, styled
from core.overfitting import DEPTHS, GUIDE_MODELS, BoundResult, CuresResult, DepthResult, GuideResult, pick
from core.overfitting.augment import AUGMENTS, AugmentResult
from core.overfitting.depth import name as depth_name

CURE_COLOURS = {"no cure": "blue", "cure": "orange", "penalty": "green", "stop": "pink"}  # COLOURS keys
DEPTH_COLOURS = {1: "blue", 2: "orange", 3: "green", 4: "pink", 5: "vermillion"}
GUIDE_COLOURS = {"your network": "blue", "1 layer": "orange", "least squares": "grey"}
BOUND_COLOURS = {"measured": "blue", "bound": "orange", "real": "grey", "example": "vermillion", "best": "green"}
SPLIT_COLOURS = {"train": "green", "validation": "sky blue", "test": "pink"}
SHARE_SCALE = {"domain": [0, 1], "nice": False, "zero": True, "padding": 0}  # 0% and 100% exactly at the axis ends
SHARE_AXIS = {"format": "%", "labelFlush": False}  # flush end labels sat ~6 px inside the 0% and 100% they name
Y_MAX = 2.0  # loss axes stop here (a loss above is drawn at the edge)
EXAMPLE_POINTS_MAX = 60  # example_chart draws each h's training error as a point up to this many h, else a step line
LINE_LEGEND = {"orient": "right", "symbolType": "stroke", "symbolStrokeWidth": 3, "symbolSize": 400}


def layers(tr, d: int) -> str:
    """'1 layer', '3 layers' in the chart's language."""
    return tr("overfitting.charts.layer1") if d == 1 else tr("overfitting.charts.layers", n=d)


def _splits(tr, names=("train", "validation")) -> tuple[list[str], dict]:
    dom = [tr(f"overfitting.charts.split.{s}") for s in names]
    return dom, scale(dom, [[1, 0], [6, 4], [2, 2]][: len(dom)])


def _y(tr, key: str = "mse") -> dict:
    return q("loss", tr(f"overfitting.charts.{key}"), scale={"domain": [0, Y_MAX], "clamp": True})


def cures_chart(r: CuresResult, cure: str, lang: str = "en"):
    """Training (solid) and validation (dashed) MSE of the plain model and of one cure, against the step.
    L2: its penalty λ/2·||θ||² as a third (dotted) line. Early stopping: the best step marked, and the stop."""
    tr = i18n.translator(lang)
    h = r.history[r.history.model.isin(["no cure", cure])].copy()
    h = h[(h.split != "penalty") | (h.model == cure)]
    h.loc[h.split == "penalty", "model"] = "penalty"
    key = {"no cure": "no cure", cure: "cure", "penalty": "penalty"}
    names = {"no cure": tr("overfitting.charts.model.no cure"), cure: tr(f"overfitting.charts.model.{cure}"),
             "penalty": tr("overfitting.charts.penalty")}
    h["model"] = h.model.map(names)
    h["split"] = h.split.map(lambda s: tr(f"overfitting.charts.split.{s}"))
    dom = [names[m] for m in ("no cure", cure)] + ([names["penalty"]] if (r.history.split == "penalty").any()
                                                   and cure == "L2" else [])
    colours = scale(dom, [hex_of(CURE_COLOURS[key[m]]) for m in ("no cure", cure, "penalty")[: len(dom)]])
    sdom, dash = _splits(tr, ("train", "validation", "penalty") if len(dom) == 3 else ("train", "validation"))
    x = q("step", tr("overfitting.charts.step"), scale={"domain": [0, int(r.history.step.max() or 1)]})
    layers = [mark(h, {"type": "line", "strokeWidth": 2.5, "clip": True}, x=x, y=_y(tr),
                   color=n("model", tr("overfitting.charts.model_title"), scale=colours),
                   strokeDash=n("split", tr("overfitting.charts.data"), scale=dash),
                   tooltip=[q("step", tr("overfitting.charts.step")), n("model", tr("overfitting.charts.model_title")),
                            n("split", tr("overfitting.charts.data")), q("loss", "MSE", format=".3f")])]
    if cure == "early stopping":
        pts = pd.DataFrame({"step": [r.best_step], "loss": [min(r.best_val, Y_MAX)], "what": [tr("overfitting.charts.best")]})
        stop = hex_of(CURE_COLOURS["stop"])
        layers.append(mark(pd.DataFrame({"step": [r.stop_step], "what": [tr("overfitting.charts.stop")]}),
                           {"type": "rule", "color": stop, "strokeWidth": 2}, x=q("step"),
                           tooltip=[n("what", ""), q("step", tr("overfitting.charts.step"))]))
        layers.append(mark(pts, {"type": "point", "color": stop, "size": 160, "filled": True}, x=q("step"),
                           y=q("loss"), tooltip=[n("what", ""), q("step", tr("overfitting.charts.step")),
                                                 q("loss", "MSE", format=".3f")]))
    title = tr("overfitting.charts.cures_title", cure=names[cure])
    return styled(layers, title=title, height=290, legend=LINE_LEGEND)


def cures_bars(r: CuresResult, lang: str = "en"):
    """Each model's validation MSE at the end (early stopping: with its best weights restored); a rule
    at the plain model's."""
    tr = i18n.translator(lang)
    df = r.final.copy()
    df["name"] = [tr(f"overfitting.charts.model.{m}") for m in df.model]
    df["kind"] = [tr("overfitting.charts.model.no cure") if m == "no cure" else tr("overfitting.charts.a_cure")
                  for m in df.model]
    df["shown"] = df.validation.clip(upper=Y_MAX)
    kinds = [tr("overfitting.charts.model.no cure"), tr("overfitting.charts.a_cure")]
    y = n("name", None, sort=list(df.name), axis={"title": None, "labelLimit": 200, "labelOverlap": False})
    top = float(min(Y_MAX, max(1.0, 1.15 * df.shown.max())))
    bars = mark(df, {"type": "bar", "height": {"band": 0.75}}, y=y,
                x=q("shown", tr("overfitting.charts.val_mse"), scale={"domain": [0, top], "clamp": True}),
                color=n("kind", tr("overfitting.charts.model_title"),
                        scale=scale(kinds, [hex_of(CURE_COLOURS["no cure"]), hex_of(CURE_COLOURS["cure"])])),
                tooltip=[n("name", tr("overfitting.charts.model_title")), q("validation", "MSE", format=".3f"),
                         q("test", tr("overfitting.charts.test_mse"), format=".3f")])
    text = mark(df, {"type": "text", "align": "left", "dx": 4, "fontSize": 14}, y=y, x=q("shown"),
                text=q("validation", format=".2f"))
    base = mark(df[df.model == "no cure"], {"type": "rule", "color": hex_of(CURE_COLOURS["no cure"]),
                                            "strokeDash": [4, 3]}, x=q("shown"))
    return styled([bars, text, base], title=tr("overfitting.charts.bars_title"), height=300, legend={"orient": "right"})


def depth_chart(r: DepthResult, lang: str = "en"):
    """Training MSE of each depth against the step."""
    tr = i18n.translator(lang)
    h = r.history[r.history.split == "train"].copy()
    names = {depth_name(d): layers(tr, d) for d in DEPTHS}
    h["model"] = h.model.map(names)
    dom = [names[depth_name(d)] for d in DEPTHS]
    # one layer per depth, the deeper ones thinner and on top, the deepest dashed: curves that coincide (deep
    # sigmoid networks that learn nothing all sit at MSE 1) stay visible through each other
    lines = [mark(h[h.model == name], {"type": "line", "strokeWidth": 5.0 - 0.8 * i, "clip": True,
                                       **({"strokeDash": [7, 5]} if i == len(dom) - 1 else {})},
                  x=q("step", tr("overfitting.charts.step")), y=_y(tr, "train_mse"),
                  color=n("model", tr("overfitting.charts.depth_title"),
                          scale=scale(dom, [hex_of(DEPTH_COLOURS[d]) for d in DEPTHS])),
                  tooltip=[q("step", tr("overfitting.charts.step")), n("model", tr("overfitting.charts.depth_title")),
                           q("loss", "MSE", format=".3f")])
             for i, name in enumerate(dom)]
    return styled(lines, title=tr("overfitting.charts.depth_curves"), height=290, legend=LINE_LEGEND)


def _split_bars(df: pd.DataFrame, xfield: str, xtitle: str, splits: tuple[str, ...], tr, title: str,
                chosen: str | None = None, height: int = 300):
    long = df.melt(id_vars=[xfield], value_vars=list(splits), var_name="split", value_name="loss")
    long["split"] = long.split.map(lambda s: tr(f"overfitting.charts.split.{s}"))
    long["shown"] = long.loss.clip(upper=Y_MAX)
    dom = [tr(f"overfitting.charts.split.{s}") for s in splits]
    top = float(min(Y_MAX, max(1.0, 1.1 * long.shown.max())))
    enc = dict(y=n(xfield, xtitle, sort=list(df[xfield]), axis={"labelLimit": 200, "labelOverlap": False}),
               yOffset=n("split", None, sort=dom),
               x=q("shown", "MSE", scale={"domain": [0, top], "clamp": True}),
               color=n("split", tr("overfitting.charts.data"), scale=scale(dom, [hex_of(SPLIT_COLOURS[s]) for s in splits])),
               tooltip=[n(xfield, xtitle), n("split", tr("overfitting.charts.data")), q("loss", "MSE", format=".3f")])
    if chosen is not None:
        long["is"] = long[xfield] == chosen
        enc["opacity"] = {"field": "is", "type": "nominal", "scale": {"domain": [False, True], "range": [0.35, 1]},
                          "legend": None}
    return styled(mark(long, {"type": "bar", "height": {"band": 0.9}}, **enc), title=title, height=height,
                  legend={"orient": "right"})


def depth_bars(r: DepthResult, lang: str = "en"):
    """Final training and validation MSE of each depth."""
    tr = i18n.translator(lang)
    df = r.final.copy()
    df["depth"] = [layers(tr, int(d)) for d in df.depth]
    return _split_bars(df, "depth", tr("overfitting.charts.depth_title"), ("train", "validation"), tr,
                       tr("overfitting.charts.depth_bars"), height=280)


def guide_chart(r: GuideResult, lang: str = "en"):
    """Training (solid) and validation (dashed) MSE of the network and its 1-layer twin; least squares' two
    losses as grey rules."""
    tr = i18n.translator(lang)
    h = r.history.copy()
    names = {m: tr(f"overfitting.charts.guide.{m}") for m in GUIDE_MODELS}
    h["model"] = h.model.map(names)
    h["split"] = h.split.map(lambda s: tr(f"overfitting.charts.split.{s}"))
    sdom, dash = _splits(tr)
    dom = [names[m] for m in GUIDE_MODELS] + [tr("overfitting.charts.guide.least squares")]
    colours = scale(dom, [hex_of(GUIDE_COLOURS[m]) for m in (*GUIDE_MODELS, "least squares")])
    lin = pd.DataFrame({"loss": [r.lin_train, r.lin_val], "split": sdom, "model": dom[-1]})
    tip = [n("model", tr("overfitting.charts.model_title")), n("split", tr("overfitting.charts.data")),
           q("loss", "MSE", format=".3f")]
    line = mark(h, {"type": "line", "strokeWidth": 2.5, "clip": True}, x=q("step", tr("overfitting.charts.step")),
                y=_y(tr), color=n("model", tr("overfitting.charts.model_title"), scale=colours),
                strokeDash=n("split", tr("overfitting.charts.data"), scale=dash), tooltip=tip)
    rule = mark(lin, {"type": "rule", "strokeWidth": 1.5}, y=q("loss"),
                color=n("model", tr("overfitting.charts.model_title"), scale=colours),
                strokeDash=n("split", tr("overfitting.charts.data"), scale=dash), tooltip=tip)
    return styled([line, rule], title=tr("overfitting.charts.guide_title"), height=290, legend=LINE_LEGEND)


def bound_chart(r: BoundResult, lang: str = "en"):
    """Measured share of bad training sets against N (log), under the bound min(1, |H|·2·exp(−2Nε²));
    the N drawn below marked."""
    tr = i18n.translator(lang)
    c = r.curve.copy()
    m, b = tr("overfitting.charts.measured"), tr("overfitting.charts.bound")
    long = pd.concat([pd.DataFrame({"N": c.N, "share": c.measured, "what": m}),
                      pd.DataFrame({"N": c.N, "share": c.bound, "what": b})], ignore_index=True)
    colours = scale([m, b], [hex_of(BOUND_COLOURS["measured"]), hex_of(BOUND_COLOURS["bound"])])
    x = q("N", tr("overfitting.charts.n_axis"), scale={"type": "log"})
    enc = dict(x=x, y=q("share", tr("overfitting.charts.share"), scale=SHARE_SCALE, axis=SHARE_AXIS),
               color=n("what", "", scale=colours),
               tooltip=[q("N", "N"), n("what", ""), q("share", tr("overfitting.charts.share"), format=".3f")])
    lines = mark(long, {"type": "line", "strokeWidth": 2.5, "point": {"size": 70}}, **enc,
                 strokeDash=n("what", "", scale=scale([m, b], [[1, 0], [6, 4]])))
    here = mark(pd.DataFrame({"N": [r.config.n]}), {"type": "rule", "color": GREY, "strokeDash": [2, 3]}, x=q("N"))
    return styled([lines, here], title=tr("overfitting.charts.bound_title", h=r.config.h_size, eps=r.config.eps),
                  height=340, legend={"orient": "bottom", "direction": "vertical", "symbolType": "stroke",
                                      "symbolStrokeWidth": 3, "symbolSize": 400})


def example_drawn(r: BoundResult) -> str:
    """How example_chart draws the training errors: "points" or "line" (the page's sentence names what is drawn)."""
    return "points" if len(r.thresholds) <= EXAMPLE_POINTS_MAX else "line"


def example_chart(r: BoundResult, lang: str = "en"):
    """One training set of size N: each h's training loss against its real loss, with the band ±ε."""
    tr = i18n.translator(lang)
    eps = r.config.eps
    df = pd.DataFrame({"t": r.thresholds, "real": r.real, "lo": r.real - eps, "hi": r.real + eps,
                       "train": r.example})
    x = q("t", tr("overfitting.charts.threshold"), scale={"domain": [0, 1]})
    band = mark(df, {"type": "area", "opacity": 0.25, "color": GREY}, x=x, y=q("lo", tr("overfitting.charts.error")),
                y2={"field": "hi"})
    real = mark(df, {"type": "line", "color": GREY, "strokeWidth": 2}, x=x, y=q("real"))
    md = {"type": "line", "color": hex_of(BOUND_COLOURS["example"]), "strokeWidth": 2, "interpolate": "step-after"}
    if example_drawn(r) == "points":
        md = {"type": "point", "color": hex_of(BOUND_COLOURS["example"]), "filled": True, "size": 50}
    pts = mark(df, md, x=x, y=q("train"),
               tooltip=[q("t", tr("overfitting.charts.threshold"), format=".3f"),
                        q("real", tr("overfitting.charts.real"), format=".3f"),
                        q("train", tr("overfitting.charts.train_err"), format=".3f")])
    return styled([band, real, pts], title=tr("overfitting.charts.example_title", n=r.config.n), height=280)


def sizes_chart(r: BoundResult, lang: str = "en"):
    """At N = config.n: the share of bad training sets against |H| (log; the same sets for every H), under the
    bound; the chosen |H| marked."""
    tr = i18n.translator(lang)
    z = r.sizes
    m, b = tr("overfitting.charts.measured_short"), tr("overfitting.charts.bound_short")
    long = pd.concat([pd.DataFrame({"H": z.h_size, "share": z.measured, "what": m}),
                      pd.DataFrame({"H": z.h_size, "share": z.bound, "what": b})], ignore_index=True)
    x = q("H", tr("overfitting.charts.h_axis"), scale={"type": "log"}, axis={"values": [1, 10, 100, 1000]})
    lines = mark(long, {"type": "line", "strokeWidth": 2.5, "point": {"size": 50}}, x=x,
                 y=q("share", tr("overfitting.charts.share"), scale=SHARE_SCALE, axis=SHARE_AXIS),
                 color=n("what", "", scale=scale([m, b], [hex_of(BOUND_COLOURS["measured"]),
                                                          hex_of(BOUND_COLOURS["bound"])])),
                 strokeDash=n("what", "", scale=scale([m, b], [[1, 0], [6, 4]])),
                 tooltip=[q("H", "|H|"), n("what", ""), q("share", tr("overfitting.charts.share"), format=".3f")])
    here = mark(pd.DataFrame({"H": [r.config.h_size]}), {"type": "rule", "color": GREY, "strokeDash": [2, 3]}, x=q("H"))
    return styled([lines, here], title=tr("overfitting.charts.sizes_title", n=r.config.n, eps=r.config.eps),
                  height=300, legend={"orient": "top", "direction": "horizontal", "symbolType": "stroke",
                                      "symbolStrokeWidth": 3, "symbolSize": 300})


def best_chart(r: BoundResult, lang: str = "en"):
    """The lowest real error any h of H has, against |H| (log): a small H misses the best threshold."""
    tr = i18n.translator(lang)
    z = r.sizes.rename(columns={"h_size": "H"})
    x = q("H", tr("overfitting.charts.h_axis"), scale={"type": "log"}, axis={"values": [1, 10, 100, 1000]})
    line = mark(z, {"type": "line", "strokeWidth": 2.5, "color": hex_of(BOUND_COLOURS["best"]), "point": True}, x=x,
                y=q("best", tr("overfitting.charts.best_axis"), scale={"zero": False}),
                tooltip=[q("H", "|H|"), q("best", tr("overfitting.charts.best_axis"), format=".4f")])
    here = mark(pd.DataFrame({"H": [r.config.h_size]}), {"type": "rule", "color": GREY, "strokeDash": [2, 3]}, x=q("H"))
    return styled([line, here], title=tr("overfitting.charts.best_title"), height=300)


def box_chart(r: CuresResult, choose_on: str, lang: str = "en"):
    """Validation and test MSE of every trained model; the one ``choose_on`` picks drawn opaque."""
    tr = i18n.translator(lang)
    df = r.final.copy()
    chosen = pick(r, choose_on)
    df["model"] = [tr(f"overfitting.charts.model.{m}") for m in df.model]
    return _split_bars(df, "model", tr("overfitting.charts.model_title"), ("validation", "test"), tr,
                       tr("overfitting.charts.box_title"), chosen=tr(f"overfitting.charts.model.{chosen}"), height=360)


AUGMENT_COLOURS = {"none": "blue", "shift": "green", "rotate 180°": "vermillion", "mirror": "orange"}


def _augments(tr, names) -> tuple[dict, dict]:
    shown = {a: tr(f"overfitting.charts.augment.{a}") for a in names}
    return shown, scale(list(shown.values()), [hex_of(AUGMENT_COLOURS[a]) for a in names])


def augment_bars(r: AugmentResult, lang: str = "en"):
    """Test accuracy after training with each augmentation (the label-keeping shift against the label-changing two)."""
    tr = i18n.translator(lang)
    shown, sc = _augments(tr, AUGMENTS)
    df = pd.DataFrame({"augment": [shown[a] for a in AUGMENTS], "acc": [r.accuracy[a] for a in AUGMENTS]})
    df["label"] = [f"{v:.1%}" for v in df.acc]
    y = n("augment", "", sort=list(shown.values()), axis={"labelLimit": 260})
    x = q("acc", tr("overfitting.charts.test_acc"), scale={"domain": [0, 1.15], "nice": False},
          axis={"format": ".0%", "values": [0, 0.25, 0.5, 0.75, 1]})
    bars = mark(df, {"type": "bar", "cornerRadiusEnd": 3}, y=y, x=x, color=n("augment", "", scale=sc, legend=None))
    text = mark(df, {"type": "text", "align": "left", "dx": 5, "fontSize": 14, "color": GREY}, y=y, x=x,
                text=n("label"))
    return styled([bars, text], tr("overfitting.charts.augment_title", n=r.config.n), height=220)


def augment_digits(r: AugmentResult, lang: str = "en"):
    """Each digit's test accuracy with each augmentation minus without (grouped bars, one group per digit)."""
    tr = i18n.translator(lang)
    shown, sc = _augments(tr, AUGMENTS[1:])
    df = pd.DataFrame([(str(d), shown[a], float(r.per_digit[a][d] - r.per_digit["none"][d]))
                       for d in range(10) for a in AUGMENTS[1:]], columns=["digit", "augment", "change"])
    return styled(mark(df, "bar", x=n("digit", tr("overfitting.charts.digit"), axis={"labelAngle": 0}),
                       xOffset=n("augment", sort=list(shown.values())),
                       y=q("change", tr("overfitting.charts.digit_change"), axis={"format": "+.0%"}),
                       color=n("augment", "", scale=sc, sort=list(shown.values())),
                       tooltip=[n("digit", tr("overfitting.charts.digit")), n("augment", ""),
                                q("change", tr("overfitting.charts.digit_change"), format="+.1%")]),
                  tr("overfitting.charts.digits_title"), height=260, legend={"orient": "right", "labelLimit": 260})
