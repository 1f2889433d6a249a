"""Charts of the batches-and-epochs page: three paths on one loss surface, the data with the current
batch, loss against update or epoch, and the batch-size lab's time and accuracy against B."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.batches import METHODS, LabResult, PathResult
from core.charts import COLOURS, GREY, mark, n, q, scale, styled

K = "batches.charts."
PATH_COLOURS = {"full batch": "blue", "mini-batch": "green", "single example": "vermillion"}  # keys of COLOURS
MARKER_COLOURS = {"start": "pink", "minimum": "yellow"}  # the start square and the minimum's cross
TIME_COLOURS = {"per update": "blue", "per epoch": "orange"}
SPLIT_COLOURS = {"training": "green", "validation": "pink"}
LAB_COLOURS = ("blue", "orange", "green", "pink", "sky blue", "vermillion")  # lab batch sizes, smallest first


def method_names(r: PathResult, lang: str = "en") -> dict[str, str]:
    """Raw method name -> its legend entry in ``lang`` (with B)."""
    tr = i18n.translator(lang)
    key = {"full batch": "full_batch", "mini-batch": "mini_batch", "single example": "single_example"}
    return {m: tr(K + "method." + key[m], b=r.batch_sizes[m]) for m in METHODS}


def _colour_scale(names: dict[str, str], colours: dict[str, str]) -> dict:
    return scale([names[m] for m in names], [COLOURS[colours[m]] for m in names])


def _upto(r: PathResult, epochs: float | None) -> pd.DataFrame:
    df = r.paths if epochs is None else r.paths[r.paths.epochs_done <= epochs + 1e-9]
    return df[np.isfinite(df[["w", "b", "loss"]].to_numpy(dtype=float)).all(1)]


def path_map(r: PathResult, epochs: float | None = None, lang: str = "en"):
    """The loss surface (grey levels) and the three paths on it, each up to ``epochs`` epochs (all when
    None); a dot per update, a large dot where each path is now, the start and the minimum marked."""
    tr = i18n.translator(lang)
    names = method_names(r, lang)
    g = r.grid
    box = (float(g.w.min()), float(g.w2.max()), float(g.b.min()), float(g.b2.max()))
    xs = q("w", tr(K + "axis.w"), scale={"domain": [box[0], box[1]], "nice": False, "zero": False},
           axis={"tickCount": 6})
    ys = q("b", tr(K + "axis.b"), scale={"domain": [box[2], box[3]], "nice": False, "zero": False})
    heat = mark(g, {"type": "rect", "opacity": 0.7}, x=xs, x2={"field": "w2"}, y=ys, y2={"field": "b2"},
                color=q("level", None, scale={"type": "quantize", "scheme": "greys", "nice": True}, legend=None),
                tooltip=[q("w", tr(K + "axis.w"), format=".2f"), q("b", tr(K + "axis.b"), format=".2f"),
                         q("loss", tr(K + "axis.loss"), format=".3f")])
    df = _upto(r, epochs)
    df = df.assign(name=df.method.map(names))[["name", "update", "epoch", "w", "b", "loss"]]
    df = df[df.w.between(box[0], box[1]) & df.b.between(box[2], box[3])]
    col = n("name", None, scale=_colour_scale(names, PATH_COLOURS), legend=None)  # the loss chart and the page name them
    quiet = {**col, "legend": None}
    tip = [n("name", tr(K + "tip.method")), q("update", tr(K + "tip.update")), q("epoch", tr(K + "tip.epoch")),
           q("w", "w", format=".3f"), q("b", "b", format=".3f"), q("loss", tr(K + "axis.loss"), format=".4f")]
    lines = mark(df, {"type": "line", "strokeWidth": 2.5, "clip": True}, x=xs, y=ys, color=col,
                 order=q("update"), detail=n("name"))
    dots = mark(df, {"type": "circle", "size": 22, "opacity": 0.9, "clip": True}, x=xs, y=ys, color=quiet,
                tooltip=tip)
    heads = mark(df.loc[df.groupby("name").update.idxmax()] if len(df) else df,
                 {"type": "circle", "size": 200, "stroke": "white", "strokeWidth": 1.5, "opacity": 1}, x=xs, y=ys,
                 color=quiet, tooltip=tip)
    marks = pd.DataFrame({"w": [r.config.start_w, r.optimum[0]], "b": [r.config.start_b, r.optimum[1]],
                          "what": [tr(K + "start"), tr(K + "minimum")]})
    start = mark(marks.iloc[:1], {"type": "point", "shape": "square", "size": 180, "filled": True,
                                  "color": COLOURS[MARKER_COLOURS["start"]], "stroke": "white", "opacity": 1},
                 x=xs, y=ys, tooltip=[n("what", tr(K + "tip.what"))])
    best = mark(marks.iloc[1:], {"type": "point", "shape": "cross", "size": 260, "filled": True,
                                 "color": COLOURS[MARKER_COLOURS["minimum"]], "stroke": "white", "opacity": 1},
                x=xs, y=ys, tooltip=[n("what", tr(K + "tip.what"))])
    # no title: the page's line above says the moment; a replay's frames keep one spec, only data changes
    return styled([heat, lines, dots, heads, start, best], height=310)


def data_chart(r: PathResult, method: str, update: int, lang: str = "en"):
    """The N training days (today's maximum, tomorrow's) with the batch of update ``update`` (1-based) of
    ``method`` highlighted, and that path's line y = b + w x after the update."""
    tr = i18n.translator(lang)
    mu, sd = r.celsius
    U = r.updates(method)
    u = int(np.clip(update, 0, U))
    used = np.zeros(len(r.x), dtype=bool)
    if u >= 1:
        used[r.batch_of(method, u)] = True
    what = np.where(used, tr(K + "in_batch"), tr(K + "other_examples"))
    pts = pd.DataFrame({"today": mu + sd * r.x, "tomorrow": mu + sd * r.y, "what": what})
    # axes fixed by the examples (the line is clipped), so a replay's axes stay put from frame to frame
    lo_c, hi_c = float(min(pts.today.min(), pts.tomorrow.min())), float(max(pts.today.max(), pts.tomorrow.max()))
    pad = 0.05 * (hi_c - lo_c) + 0.5
    dom = {"domain": [lo_c - pad, hi_c + pad], "nice": False, "zero": False}
    xs = q("today", tr(K + "axis.today"), scale=dom)
    ys = q("tomorrow", tr(K + "axis.tomorrow"), scale=dom)
    colour = COLOURS[PATH_COLOURS[method]]
    dom = [tr(K + "in_batch"), tr(K + "other_examples")]
    dots = mark(pts.sort_values("what", key=lambda s: s == dom[0]), {"type": "circle", "opacity": 0.85},
                x=xs, y=ys, color=n("what", None, scale=scale(dom, [colour, GREY]), legend={"columns": 1, "title": None}),
                size=n("what", None, scale=scale(dom, [110, 30]), legend=None),
                tooltip=[q("today", tr(K + "axis.today"), format=".1f"),
                         q("tomorrow", tr(K + "axis.tomorrow"), format=".1f")])
    p = r.path(method)
    w, b = float(p.w.iloc[u]), float(p.b.iloc[u])
    lo, hi = float(r.x.min()), float(r.x.max())
    line = pd.DataFrame({"today": mu + sd * np.array([lo, hi]), "tomorrow": mu + sd * (b + w * np.array([lo, hi]))})
    fit = mark(line, {"type": "line", "strokeWidth": 3.5, "color": colour, "clip": True}, x=xs, y=ys)
    return styled([dots, fit], height=310)  # no title: it sits beside the map, under the page's line of the moment


def loss_chart(r: PathResult, x: str = "epoch", lang: str = "en"):
    """Training loss (all N examples) after every update of each path, against the update count or
    against epochs (update / updates per epoch); log scale."""
    tr = i18n.translator(lang)
    names = method_names(r, lang)
    df = _upto(r, None)
    df = df[df.loss > 0].assign(name=df.method.map(names))[["name", "update", "epochs_done", "loss"]]
    field = "update" if x == "update" else "epochs_done"
    xs = q(field, tr(K + ("axis.update" if x == "update" else "axis.epoch")))
    ch = mark(df, {"type": "line", "strokeWidth": 2.5, "point": {"size": 20, "filled": True}},
              x=xs, y=q("loss", tr(K + "axis.loss_log"), scale={"type": "log"}),
              color=n("name", None, scale=_colour_scale(names, PATH_COLOURS), legend={"columns": 3, "title": None}),
              tooltip=[n("name", tr(K + "tip.method")), q("update", tr(K + "tip.update")),
                       q("epochs_done", tr(K + "tip.epoch"), format=".2f"), q("loss", tr(K + "axis.loss"), format=".4f")])
    key = "title.loss_update" if x == "update" else "title.loss_epoch"
    return styled(ch, tr(K + key), height=330)


def _b_label(r: LabResult, b: int, tr) -> str:
    return tr(K + "lab.full", b=b) if b == r.n_train else tr(K + "lab.batch", b=b)


def lab_time_chart(r: LabResult, lang: str = "en"):
    """Measured milliseconds per update and per epoch against B (log-log)."""
    tr = i18n.translator(lang)
    t = r.table
    names = {"per update": tr(K + "lab.per_update"), "per epoch": tr(K + "lab.per_epoch")}
    df = pd.concat([pd.DataFrame({"batch": t.batch, "what": names["per update"], "ms": t.ms_per_update}),
                    pd.DataFrame({"batch": t.batch, "what": names["per epoch"], "ms": 1e3 * t.s_per_epoch})])
    df = df[np.isfinite(df.ms.to_numpy(dtype=float)) & (df.ms > 0)]
    ch = mark(df, {"type": "line", "strokeWidth": 2.5, "point": {"size": 70, "filled": True}},
              x=q("batch", tr(K + "axis.batch_log"), scale={"type": "log", "base": 2}),
              y=q("ms", tr(K + "axis.ms_log"), scale={"type": "log"}),
              color=n("what", None, scale=_colour_scale(names, TIME_COLOURS), legend={"title": None}),
              tooltip=[q("batch", tr(K + "axis.batch")), n("what", tr(K + "tip.what")), q("ms", "ms", format=".3f")])
    return styled(ch, tr(K + "title.time", device=r.device.upper()), height=300)


def lab_acc_chart(r: LabResult, lang: str = "en"):
    """Training and validation accuracy against B after the same number of epochs."""
    tr = i18n.translator(lang)
    t = r.table
    names = {"training": tr(K + "lab.training"), "validation": tr(K + "lab.validation")}
    df = pd.concat([pd.DataFrame({"batch": t.batch, "split": names["training"], "accuracy": t.train_acc}),
                    pd.DataFrame({"batch": t.batch, "split": names["validation"], "accuracy": t.val_acc})])
    df = df[np.isfinite(df.accuracy.to_numpy(dtype=float))]
    ch = mark(df, {"type": "line", "strokeWidth": 2.5, "point": {"size": 70, "filled": True}},
              x=q("batch", tr(K + "axis.batch_log"), scale={"type": "log", "base": 2}),
              y=q("accuracy", tr(K + "axis.accuracy"), axis={"format": "%"}, scale={"domain": [0, 1]}),
              color=n("split", None, scale=_colour_scale(names, SPLIT_COLOURS), legend={"title": None}),
              strokeDash=n("split", None, scale=scale(list(names.values()), [[1, 0], [6, 4]]), legend=None),
              tooltip=[q("batch", tr(K + "axis.batch")), n("split", tr(K + "tip.split")),
                       q("accuracy", tr(K + "axis.accuracy"), format=".1%")])
    return styled(ch, tr(K + "title.acc", epochs=r.config.epochs, lr=r.config.lr), height=300)


def lab_loss_chart(r: LabResult, x: str = "epoch", lang: str = "en"):
    """Training loss after each epoch of every batch size, against epochs or against updates made (log)."""
    tr = i18n.translator(lang)
    sizes = [int(b) for b in r.table.batch]
    names = {b: _b_label(r, b, tr) for b in sizes}
    h = r.history[np.isfinite(r.history.train_loss.to_numpy(dtype=float))]
    if x == "update":
        h = h[h.updates > 0]
    df = h.assign(name=h.batch.map(names))[["name", "batch", "epoch", "updates", "train_loss"]]
    xs = (q("updates", tr(K + "axis.updates_log"), scale={"type": "log"}) if x == "update"
          else q("epoch", tr(K + "axis.epoch"), axis={"tickMinStep": 1}))
    dom = [names[b] for b in sizes]
    ch = mark(df, {"type": "line", "strokeWidth": 2.5, "point": {"size": 50, "filled": True}},
              x=xs, y=q("train_loss", tr(K + "axis.ce")),
              color=n("name", None, scale=scale(dom, [COLOURS[c] for c in LAB_COLOURS[:len(dom)]]),
                      sort=dom, legend={"columns": 3, "title": None}),
              tooltip=[n("name", "B"), q("epoch", tr(K + "tip.epoch")), q("updates", tr(K + "tip.update")),
                       q("train_loss", tr(K + "axis.ce"), format=".3f")])
    key = "title.lab_loss_update" if x == "update" else "title.lab_loss_epoch"
    return styled(ch, tr(K + key), height=340)
