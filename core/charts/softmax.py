"""Charts of the softmax page: the lab (probabilities, gradient, the sigmoid), the two error surfaces with
their descent paths, and the live classifier (decision regions, loss and accuracy, the pitfall)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import GREY, hex_of, mark, n, o, q, scale, styled
from core.softmax import PITFALL, Gaps, LabResult, Run, SurfaceResult, sigmoid_curve, wrong_floor

# named colours (keys of COLOURS) that the page's text reads
LAB_COLOURS = {"probability": "blue", "gradient": "vermillion", "current": "vermillion", "dots": "blue"}
LOSS_COLOURS = {"cross-entropy": "blue", "MSE": "orange"}
MODEL_COLOURS = {"softmax regression": "blue", "network": "orange"}
PITFALL_COLOURS = {"logits": "green", "softmax outputs": "vermillion"}
CLASS_COLOURS = ("blue", "orange", "green")
PATH_COLOUR = "pink"  # the descent path on either surface (stands out on viridis)
GAPS_COLOURS = {"softmax": "blue", "share": "orange"}  # part "gaps": softmax (the lab's bars' blue), y / Σ y


def lab_bars(r: LabResult, lang: str = "en"):
    """y' = softmax(z/T) as bars, the one-hot target ŷ as an outline around them."""
    tr = i18n.translator(lang)
    C = len(r.probs)
    df = pd.DataFrame({"cls": [str(i + 1) for i in range(C)], "p": r.probs, "t": r.onehot, "z": r.logits,
                       "label": [f"{p:.2f}" for p in r.probs]})
    x = o("cls", tr("softmax.charts.cls"), axis={"labelAngle": 0})
    tip = [o("cls", tr("softmax.charts.cls")), q("z", tr("softmax.charts.logit"), format=".2f"),
           q("p", "y′", format=".3f"), q("t", "ŷ")]
    bars = mark(df, {"type": "bar", "color": hex_of(LAB_COLOURS["probability"]), "width": {"band": 0.6}},
                x=x, y=q("p", tr("softmax.charts.prob"), scale={"domain": [0, 1]}), tooltip=tip)
    target = mark(df, {"type": "bar", "fillOpacity": 0, "stroke": GREY, "strokeWidth": 3, "strokeDash": [6, 4],
                       "width": {"band": 0.8}}, x=x, y=q("t"), tooltip=tip)
    text = mark(df, {"type": "text", "dy": -10, "fontSize": 15, "color": GREY}, x=x, y=q("p"), text=n("label"))
    return styled([bars, target, text], tr("softmax.charts.bars_title"), height=260)


def gaps_bars(g: Gaps, lang: str = "en"):
    """Part "gaps": each class's softmax share at T = 1 beside its share of the sum y_i / Σ y (positive logits),
    a value over each bar."""
    tr = i18n.translator(lang)
    dom = [tr(f"softmax.charts.gaps.{k}") for k in GAPS_COLOURS]
    cls = [str(i + 1) for i in range(len(g.logits))]
    df = pd.DataFrame({"cls": cls * 2, "what": [dom[0]] * len(cls) + [dom[1]] * len(cls),
                       "p": np.concatenate([g.soft, g.share]), "z": np.concatenate([g.logits, g.logits])})
    df["label"] = [f"{p:.0%}" for p in df.p]
    share = tr("softmax.charts.gaps.y")
    enc = dict(x=o("cls", tr("softmax.charts.cls"), axis={"labelAngle": 0}), xOffset=n("what", sort=dom),
               y=q("p", share, scale={"domain": [0, 1]}))
    sc = scale(dom, [hex_of(c) for c in GAPS_COLOURS.values()])
    bars = mark(df, {"type": "bar"}, **enc, color=n("what", None, sort=dom, scale=sc, legend={"title": None}),
                tooltip=[o("cls", tr("softmax.charts.cls")), q("z", tr("softmax.charts.logit"), format=".1f"),
                         n("what", tr("softmax.charts.gaps.what")), q("p", share, format=".1%")])
    text = mark(df, {"type": "text", "dy": -10, "fontSize": 14, "color": GREY}, **enc, text=n("label"))
    return styled([bars, text], tr("softmax.charts.gaps.title"), height=300,
                  legend={"orient": "top", "direction": "horizontal"})


def lab_gradient(r: LabResult, lang: str = "en"):
    """∂e/∂z_i = (y'_i − ŷ_i)/T for each logit: negative for the true class, positive for the others."""
    tr = i18n.translator(lang)
    df = pd.DataFrame({"cls": [str(i + 1) for i in range(len(r.probs))], "g": r.gradient,
                       "label": [f"{g:+.2f}" for g in r.gradient]})
    x = o("cls", tr("softmax.charts.cls"), axis={"labelAngle": 0})
    lim = max(1.0, float(np.abs(r.gradient).max()))
    bars = mark(df, {"type": "bar", "color": hex_of(LAB_COLOURS["gradient"]), "width": {"band": 0.6}}, x=x,
                y=q("g", tr("softmax.charts.grad"), scale={"domain": [-lim, lim]}),
                tooltip=[o("cls", tr("softmax.charts.cls")), q("g", tr("softmax.charts.grad"), format=".3f")])
    zero = mark(pd.DataFrame({"g": [0.0]}), {"type": "rule", "color": GREY}, y=q("g"))
    return styled([bars, zero], tr("softmax.charts.grad_title"), height=260)


def lab_sigmoid(r: LabResult, lang: str = "en"):
    """σ((z1 − z2)/T) against z1 − z2, softmax of two logits as dots on it, and the current pair."""
    tr = i18n.translator(lang)
    df = sigmoid_curve(r.config.temperature)
    d_title = tr("softmax.charts.diff")
    line = mark(df, {"type": "line", "color": GREY, "strokeWidth": 3}, x=q("d", d_title), y=q("sigmoid", "σ"))
    dots = mark(df[df["on"]], {"type": "point", "filled": True, "size": 70, "color": hex_of(LAB_COLOURS["dots"])},
                x=q("d"), y=q("softmax", tr("softmax.charts.pair_prob")),
                tooltip=[q("d", d_title, format=".1f"), q("softmax", tr("softmax.charts.pair_prob"), format=".3f")])
    now = pd.DataFrame({"d": [float(np.clip(r.pair_d, -12, 12))], "softmax": [r.pair_p]})
    cur = mark(now, {"type": "point", "filled": True, "size": 260, "shape": "diamond",
                     "color": hex_of(LAB_COLOURS["current"])}, x=q("d"), y=q("softmax"),
               tooltip=[q("d", d_title, format=".2f"), q("softmax", tr("softmax.charts.pair_prob"), format=".3f")])
    return styled([line, dots, cur], tr("softmax.charts.sigmoid_title"), height=260)


def surface_chart(res: SurfaceResult, which: int, step: int, lang: str = "en"):
    """One error surface (0: cross-entropy, 1: MSE) over (y1, y2), with its descent path up to ``step``."""
    tr = i18n.translator(lang)
    loss = ("cross-entropy", "MSE")[which]
    g = res.grid.rename(columns={loss: "e"})[["y1", "y2", "e"]].copy()
    half = float(np.diff(np.unique(g.y1)).min()) / 2  # half a grid cell
    g["y1a"], g["y1b"], g["y2a"], g["y2b"] = g.y1 - half, g.y1 + half, g.y2 - half, g.y2 + half
    s = int(np.clip(step, 0, len(res.path) - 1))
    p = pd.DataFrame({"y1": res.path[: s + 1, which, 0], "y2": res.path[: s + 1, which, 1],
                      "i": np.arange(s + 1), "e": res.loss[: s + 1, which]})
    lim = {"domain": [-10.5, 10.5], "nice": False}
    name = tr(f"softmax.charts.loss.{loss}")
    heat = mark(g, {"type": "rect"}, x=q("y1a", "y1", scale=lim), x2={"field": "y1b"}, y=q("y2a", "y2", scale=lim),
                y2={"field": "y2b"}, color=q("e", name, scale={"scheme": "viridis"}, legend={"orient": "right"}),
                tooltip=[q("y1", "y1"), q("y2", "y2"), q("e", name, format=".3f")])
    pc = hex_of(PATH_COLOUR)
    path = mark(p, {"type": "line", "color": pc, "strokeWidth": 3}, x=q("y1"), y=q("y2"), order=q("i"))
    pts = mark(p, {"type": "point", "filled": True, "color": pc, "size": 30, "stroke": "white", "strokeWidth": 0.5},
               x=q("y1"), y=q("y2"),
               tooltip=[q("i", tr("softmax.charts.step")), q("y1", "y1", format=".2f"),
                        q("y2", "y2", format=".2f"), q("e", name, format=".4f")])
    head = mark(p.tail(1), {"type": "point", "filled": True, "color": pc, "size": 220, "stroke": "white",
                            "strokeWidth": 2}, x=q("y1"), y=q("y2"))
    return styled([heat, path, pts, head], tr("softmax.charts.surface_title", loss=name), height=300)


def grad_chart(res: SurfaceResult, step: int, lang: str = "en"):
    """|∇e| along each path (log scale), both losses in one chart; a rule at ``step``."""
    tr = i18n.translator(lang)
    dom = [tr(f"softmax.charts.loss.{k}") for k in LOSS_COLOURS]
    rows = [(i, dom[m], float(res.grad_norm[i, m]), float(res.loss[i, m]))
            for i in range(len(res.grad_norm)) for m in range(2)]
    df = pd.DataFrame(rows, columns=["i", "loss", "g", "e"])
    df = df[df.g > 0]
    lo = max(1e-12, float(df.g.min()) / 2) if len(df) else 1e-12
    sc = scale(dom, [hex_of(c) for c in LOSS_COLOURS.values()])
    line = mark(df, {"type": "line", "strokeWidth": 3}, x=q("i", tr("softmax.charts.step")),
                y=q("g", tr("softmax.charts.grad_norm"), scale={"type": "log", "domain": [lo, 10]}),
                color=n("loss", tr("softmax.charts.loss_title"), scale=sc),
                tooltip=[q("i", tr("softmax.charts.step")), n("loss", tr("softmax.charts.loss_title")),
                         q("g", tr("softmax.charts.grad_norm"), format=".2e"), q("e", tr("softmax.charts.value"),
                                                                                 format=".4f")])
    rule = mark(pd.DataFrame({"i": [int(step)]}), {"type": "rule", "color": GREY, "strokeDash": [6, 4],
                                                   "strokeWidth": 2}, x=q("i"))
    return styled([line, rule], tr("softmax.charts.grad_path_title"), height=300, legend={"orient": "right"})  # whole chart (fit): 240 clipped its title


def regions_chart(run: Run, model: str, lang: str = "en"):
    """Decision regions of one model (colour: predicted class, opacity: its probability) and the data
    (filled: training set, hollow: validation set)."""
    tr = i18n.translator(lang)
    C = run.points.classes
    dom = [tr("softmax.charts.class_n", k=k + 1) for k in range(C)]
    sc = scale(dom, [hex_of(c) for c in CLASS_COLOURS[:C]])
    g = run.regions[run.regions.model == model].copy()
    g["c"] = [dom[k] for k in g.cls]
    ax = [tr(f"softmax.charts.feature.{a}") for a in run.points.axes]
    x = run.points.x.numpy()
    pts = pd.DataFrame({"x1": x[:, 0], "x2": x[:, 1], "c": [dom[k] for k in run.points.y.numpy()],
                        "set": np.where(run.points.train, tr("softmax.charts.train"), tr("softmax.charts.validation"))})
    lim1 = {"domain": [float(g.x1.min()), float(g.x1e.max())], "nice": False}
    lim2 = {"domain": [float(g.x2.min()), float(g.x2e.max())], "nice": False}
    heat = mark(g, {"type": "rect"}, x=q("x1", ax[0], scale=lim1), x2={"field": "x1e"}, y=q("x2", ax[1], scale=lim2),
                y2={"field": "x2e"}, color=n("c", tr("softmax.charts.predicted"), scale=sc),
                opacity=q("p", tr("softmax.charts.confidence"), scale={"domain": [1.0 / C, 1.0], "range": [0.05, 0.6]},
                          legend=None),
                tooltip=[n("c", tr("softmax.charts.predicted")), q("p", tr("softmax.charts.confidence"), format=".2f")])
    tr_pts = mark(pts[run.points.train], {"type": "point", "filled": True, "size": 45, "stroke": "white",
                                          "strokeWidth": 0.8, "opacity": 1},
                  x=q("x1"), y=q("x2"), color=n("c", tr("softmax.charts.predicted"), scale=sc),
                  tooltip=[n("c", tr("softmax.charts.true_class")), n("set", tr("softmax.charts.data"))])
    va_pts = mark(pts[~run.points.train], {"type": "point", "filled": False, "size": 60, "strokeWidth": 2.2,
                                           "opacity": 1}, x=q("x1"), y=q("x2"), color=n("c", tr("softmax.charts.predicted"), scale=sc),
                  tooltip=[n("c", tr("softmax.charts.true_class")), n("set", tr("softmax.charts.data"))])
    name = tr(f"softmax.charts.model.{model}")
    return styled([heat, tr_pts, va_pts], tr("softmax.charts.regions_title", model=name), height=380,
                  legend={"orient": "bottom"})


def history_chart(run: Run, column: str, lang: str = "en"):
    """``column`` (loss: the true cross-entropy, accuracy, or trained_on: the loss each model was trained
    on, as PyTorch reports it) against step; colour: model, dash: training or validation set."""
    tr = i18n.translator(lang)
    pit = run.names == PITFALL
    colours = PITFALL_COLOURS if pit else MODEL_COLOURS
    dom = [tr(f"softmax.charts.model.{m}") for m in colours]
    split = [tr("softmax.charts.train"), tr("softmax.charts.validation")]
    df = run.history[["step", "model", "split", column]].rename(columns={column: "v"}).copy()
    if column == "trained_on":
        df = df[df.split == "train"]
    df["model"] = df.model.map(dict(zip(colours, dom)))
    df["split"] = df.split.map({"train": split[0], "validation": split[1]})
    df = df[np.isfinite(df.v)]
    title = tr(f"softmax.charts.col.{column}")
    y = q("v", title, scale={"domain": [0, 1]} if column == "accuracy" else {"zero": True})
    layers = [mark(df, {"type": "line", "strokeWidth": 2.5}, x=q("step", tr("softmax.charts.step")), y=y,
                   color=n("model", tr("softmax.charts.model_title"), scale=scale(dom, [hex_of(c) for c in colours.values()])),
                   strokeDash=n("split", tr("softmax.charts.data"), scale=scale(split, [[1, 0], [6, 4]]),
                                legend=None),  # solid: training set, dashed: validation set (said in the text)
                   tooltip=[q("step", tr("softmax.charts.step")), n("model", tr("softmax.charts.model_title")),
                            n("split", tr("softmax.charts.data")), q("v", title, format=".3f")])]
    if column == "trained_on" and pit:
        floor = pd.DataFrame({"v": [wrong_floor(run.points.classes)]})
        layers.append(mark(floor, {"type": "rule", "color": GREY, "strokeDash": [2, 3], "strokeWidth": 2}, y=q("v")))
    return styled(layers, title, height=340, legend={"orient": "bottom", "direction": "vertical"})
