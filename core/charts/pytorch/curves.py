"""Training curves of the PyTorch-basics page: the script's loss per epoch and a few test predictions (replayed
section by section), a bug's broken and correct runs side by side on one scale, the memory a graph keeps, and
the autograd part's ``.grad`` over steps with and without ``zero_grad()``."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.pytorch import BugResult, GradResult, ScriptResult

K = "pytorch.charts."
SPLIT_COLOURS = {"train": "blue", "val": "orange"}  # training loss, validation loss
PRED_COLOURS = {"target": "grey", "prediction": "pink"}
DIVERGED_COLOUR = "vermillion"  # the broken run's divergence mark
MEMORY_COLOURS = {"broken": "vermillion", "correct": "green"}
LEAF_COLOURS = {"w": "blue", "b": "orange", "c": "green"}
MODE_COLOURS = {"zero_grad": "green", "forgot": "vermillion"}


def _hex(name: str) -> str:
    return GREY if name == "grey" else COLOURS[name]


def _colour(names: dict[str, str], colours: dict[str, str], legend=None) -> dict:
    """Colour by the column ``name`` (``legend=False``: none drawn)."""
    leg = None if legend is False else legend if legend is not None else {"title": None}
    return n("name", None, scale=scale(list(names.values()), [_hex(colours[k]) for k in names]), legend=leg)


def loss_chart(r: ScriptResult, upto: int, lang: str = "en"):
    """Training and validation loss after each epoch up to ``upto``; the constant guess's loss dashed grey."""
    tr = i18n.translator(lang)
    names = {s: tr(K + f"split.{s}") for s in SPLIT_COLOURS}
    h = r.history()
    h = h[h.epoch <= upto].assign(name=lambda d: d.split.map(names))
    xs = q("epoch", tr(K + "axis.epoch"), scale={"domain": [1, max(2, r.config.epochs)], "nice": False},
           axis={"tickMinStep": 1})
    seen = [v for v in [r.baseline, r.untrained] + r.train + r.val if math.isfinite(v) and 0 < v < 1e3]
    ys = q("loss", tr(K + ("axis.ce_log" if r.task == "digits" else "axis.mse_log")),
           scale={"type": "log", "domain": [0.8 * min(seen), 1.25 * max(seen)], "nice": False})
    lines = mark(h, {"type": "line", "strokeWidth": 3, "point": {"size": 45, "filled": True}, "clip": True}, x=xs, y=ys,
                 color=_colour(names, SPLIT_COLOURS),
                 tooltip=[q("epoch", tr(K + "axis.epoch")), n("name", tr(K + "tip.split")),
                          q("loss", tr(K + "tip.loss"), format=".4f")])
    guess = pd.DataFrame({"loss": [r.baseline], "label": [tr(K + ("uniform" if r.task == "digits" else "mean"))]})
    rule = mark(guess, {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2, "color": GREY}, y=q("loss"))
    note = mark(guess, {"type": "text", "align": "right", "dy": -8, "fontSize": 13, "color": GREY, "x": "width"},
                y=q("loss"), text=n("label"))
    return styled([rule, note, lines], tr(K + "loss_title"), height=250, legend={"orient": "top"})


def pred_chart(r: ScriptResult, epoch: int, lang: str = "en"):
    """The first test examples: each target and the prediction after ``epoch`` epochs (0: untrained)."""
    tr = i18n.translator(lang)
    e = int(np.clip(epoch, 0, len(r.preds) - 1))
    k = np.arange(1, len(r.targets) + 1)
    names = {s: tr(K + f"pred.{s}") for s in PRED_COLOURS}
    df = pd.concat([pd.DataFrame({"example": k, "name": names["target"], "value": r.targets}),
                    pd.DataFrame({"example": k, "name": names["prediction"], "value": r.preds[e]})])
    digits = r.task == "digits"
    lo, hi = (0, 9) if digits else (float(min(r.targets.min(), r.preds.min())), float(max(r.targets.max(),
                                                                                          r.preds.max())))
    pad = 0.5 if digits else 0.08 * (hi - lo) + 1e-6
    ys = q("value", tr(K + f"axis.{r.task}"), scale={"domain": [lo - pad, hi + pad], "nice": False, "zero": False},
           **({"axis": {"values": list(range(10))}} if digits else {}))
    xs = q("example", tr(K + "axis.example"), scale={"domain": [0.5, len(k) + 0.5], "nice": False},
           axis={"values": list(k)})
    pts = mark(df, {"type": "point", "filled": True, "size": 260, "opacity": 0.9}, x=xs, y=ys,
               color=_colour(names, PRED_COLOURS), shape=n("name", None, scale=scale(list(names.values()),
                                                                                ["circle", "diamond"]), legend=None),
               tooltip=[q("example", tr(K + "axis.example")), n("name", tr(K + "tip.what")),
                        q("value", tr(K + "tip.value"), format=".2f")])
    return styled(pts, tr(K + "pred_title", epoch=e), height=230, legend={"orient": "top"})


def bug_chart(r: BugResult, side: str, lang: str = "en"):
    """One run of a bug (``side``: "broken" or "correct"): the training loss at every update as the loop computed
    it, and the validation loss after every epoch; both runs on one log scale, x in epochs."""
    tr = i18n.translator(lang)
    run = getattr(r, side)
    names = {s: tr(K + f"split.{s}") for s in SPLIT_COLOURS}
    steps = np.arange(1, run.log.steps + 1) / r.per_epoch
    tl = run.log.losses[:, 0] if run.log.steps else np.zeros(0)
    df = pd.concat([pd.DataFrame({"epoch": steps, "loss": tl, "name": names["train"]}),
                    pd.DataFrame({"epoch": np.arange(1, len(run.val) + 1), "loss": run.val, "name": names["val"]})])
    df = df[np.isfinite(df.loss) & (df.loss > 0)]
    lo, hi = _range(r)
    ys = q("loss", tr(K + "axis.loss_log"), scale={"type": "log", "domain": [lo * 0.8, hi * 1.25], "nice": False})
    epochs = max(len(r.correct.val), 1)
    xs = q("epoch", tr(K + "axis.epoch"), scale={"domain": [0, epochs], "nice": False})
    col = _colour(names, SPLIT_COLOURS, legend=False)  # the caption under both panels names the two lines
    train = mark(df[df.name == names["train"]], {"type": "line", "strokeWidth": 1.2, "opacity": 0.7, "clip": True},
                 x=xs, y=ys, color=col)
    val = mark(df[df.name == names["val"]], {"type": "line", "strokeWidth": 3.5, "point": {"size": 70, "filled": True,
                                                                                            "clip": True},
                                             "clip": True}, x=xs, y=ys, color=col,
               tooltip=[q("epoch", tr(K + "axis.epoch"), format=".2f"), n("name", tr(K + "tip.split")),
                        q("loss", tr(K + "tip.loss"), format=".4f")])
    layers = [train, val]
    d = run.log.first_divergence
    title = tr(K + f"bug_{side}")
    if d is not None:  # a dashed rule where it diverged, said in the title (no room beside the rule)
        at = pd.DataFrame({"epoch": [d / r.per_epoch]})
        layers.append(mark(at, {"type": "rule", "strokeWidth": 3, "strokeDash": [4, 3],
                                "color": COLOURS[DIVERGED_COLOUR]}, x=q("epoch")))
        title += " · " + tr(K + "diverged", update=d)
    return styled(layers, title, height=300)


TOP = 30.0  # a bug chart's scale ends this many times above the highest validation loss (a blow-up leaves the top)


def _range(r: BugResult) -> tuple[float, float]:
    """Both panels' log scale: from the lowest loss of either run to TOP times the highest validation loss (and
    the correct run's highest training loss): a diverging run leaves the chart at the top."""
    vals = np.array(r.broken.val + r.correct.val + list(r.correct.log.losses[:, 0]), dtype=float)
    every = np.concatenate([x.log.losses[:, 0] for x in (r.broken, r.correct)] + [vals])
    every, vals = every[np.isfinite(every) & (every > 0)], vals[np.isfinite(vals) & (vals > 0)]
    if not len(every):
        return 0.01, 1.0
    lo = float(every.min())
    return lo, float(min(every.max(), TOP * vals.max())) if len(vals) else float(every.max())


def memory_chart(r: BugResult, lang: str = "en"):
    """Bytes autograd keeps after each validation batch, evaluated with and without torch.no_grad()."""
    tr = i18n.translator(lang)
    names = {s: tr(K + f"memory.{s}") for s in MEMORY_COLOURS}
    m = r.memory
    k = np.arange(1, len(m) + 1)
    df = pd.concat([pd.DataFrame({"batch": k, "kb": m[:, 0] / 1024, "name": names["broken"]}),
                    pd.DataFrame({"batch": k, "kb": m[:, 1] / 1024, "name": names["correct"]})])
    ch = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 60, "filled": True}},
              x=q("batch", tr(K + "axis.eval_batches"), axis={"tickMinStep": 1}), y=q("kb", tr(K + "axis.kb")),
              color=_colour(names, MEMORY_COLOURS),
              tooltip=[q("batch", tr(K + "axis.eval_batches")), n("name", tr(K + "tip.what")),
                       q("kb", tr(K + "axis.kb"), format=".1f")])
    return styled(ch, tr(K + "memory_title"), height=300)


def grad_chart(r: GradResult, lang: str = "en"):
    """Each leaf's ``.grad`` at every update: solid with zero_grad() first, dashed without (the sum so far)."""
    tr = i18n.translator(lang)
    modes = {m: tr(K + f"mode.{m}") for m in MODE_COLOURS}
    s = r.steps.assign(mode_name=lambda d: d["mode"].map(modes), name=lambda d: d.leaf)
    leaves = {k: k for k in r.names}
    ch = mark(s, {"type": "line", "strokeWidth": 3, "point": {"size": 55, "filled": True}},
              x=q("step", tr(K + "axis.step"), axis={"tickMinStep": 1}), y=q("grad", ".grad"),
              color=_colour(leaves, LEAF_COLOURS, {"title": None, "orient": "top"}),
              strokeDash=n("mode_name", None, scale=scale(list(modes.values()), [[1, 0], [7, 5]]), legend=None),
              detail=n("mode_name"),
              tooltip=[q("step", tr(K + "axis.step")), n("leaf", tr(K + "tip.leaf")),
                       n("mode_name", tr(K + "tip.what")), q("grad", ".grad", format=".4f"),
                       q("fresh", tr(K + "tip.fresh"), format=".4f")])
    return styled(ch, tr(K + "grad_title"), height=300)


def step_loss_chart(r: GradResult, lang: str = "en"):
    """The loss before each update, with and without zero_grad()."""
    tr = i18n.translator(lang)
    modes = {m: tr(K + f"mode.{m}") for m in MODE_COLOURS}
    s = r.steps.drop_duplicates(["step", "mode"]).assign(name=lambda d: d["mode"].map(modes))
    ch = mark(s, {"type": "line", "strokeWidth": 3, "point": {"size": 55, "filled": True}},
              x=q("step", tr(K + "axis.step"), axis={"tickMinStep": 1}), y=q("loss", "L"),
              color=_colour(modes, MODE_COLOURS),
              tooltip=[q("step", tr(K + "axis.step")), n("name", tr(K + "tip.what")), q("loss", "L", format=".4f")])
    return styled(ch, tr(K + "step_loss_title"), height=280)
