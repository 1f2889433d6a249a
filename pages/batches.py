"""Batches and epochs: one gradient descent with the full batch, a mini-batch and one example at a time,
from one start on one loss surface, replayed epoch by epoch; then a batch-size lab timed on this machine."""
import math

import streamlit as st

from core import batches
from core.charts import batches as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "batches"
FRAMES = 48  # moments of a replay: one timeline in epochs for the three paths, whatever the settings
FPS = 4.0  # a frame (two chart specs, the surface included) must finish well within 1/FPS on a busy 2-core server
F = kit.Form(T, batches.PathConfig)
V = kit.Form(T, batches.PathView, skip=("seed", "epochs_shown", "update"))  # the replay (kit.player) is the moment
L = kit.Form(f"{T}.lab", batches.LabConfig, prefix="lab_")
LV = kit.Form(f"{T}.lab", batches.LabView, keys={"show": "lab"}, prefix="lab_")
kit.page(T, [F, V, L, LV], [
    kit.Preset("one", {"epochs": 1}),
    kit.Preset("big_lr", {"lr": 0.3}),
    kit.Preset("more", {"epochs": 10}),
    kit.Preset("lab", {"lab": True}),
], r"\begin{gathered}\theta \leftarrow \theta - \eta\,\nabla_\theta L_{\mathcal{B}}(\theta),\qquad "
   r"L_{\mathcal{B}}(\theta) = \frac{1}{B}\sum_{n \in \mathcal{B}} \big(b + w\,x_n - \hat y_n\big)^2\\"
   r"U_{\mathrm{epoch}} = \lceil N/B \rceil\end{gathered}")
tx = kit.Text(T)
sep = tx("sep")


def who(m: str) -> str:
    """A path's name with the colour the charts draw it in."""
    return tx("who", name=tx(f"opt.method.{m}"), colour=kit.colour(charts.PATH_COLOURS[m]))


def each(key: str, values: dict, spec: str) -> str:
    """``key`` said for every path, e.g. "full batch 5, mini-batch 25, single example 200"."""
    said = {m: format(v, spec) if math.isfinite(v) else "–" for m, v in values.items()}
    return sep.join(tx(key, name=tx(f"opt.method.{m}"), v=said[m]) for m in batches.METHODS)


def paths_part(cfg: batches.PathConfig, method: str, loss_x: str) -> None:
    """The three paths, replayed epoch by epoch, and what to notice about them."""
    bar = st.empty()  # the queue message, if this run has to wait
    r = kit.shared(T, batches.paths, cfg, queued=kit.queued(bar))
    bar.empty()

    def frame(f: int) -> None:
        """Moment f of FRAMES: every path after the same f / FRAMES of the run's epochs."""
        m = r.moment(cfg.epochs * f / FRAMES, method)
        counts = sep.join(tx("count", name=who(k), n=m.done[k]) for k in batches.METHODS)
        where = (tx("moment_batch", j=m.in_epoch, of=r.per_epoch[method], epoch=m.epoch, size=m.size, n=len(r.x))
                 if m.update else tx("moment_start"))
        st.caption(tx("moment", e=f"{m.epochs:.2f}".rstrip("0").rstrip("."), epochs=cfg.epochs, counts=counts,
                      where=where))
        live = f != FRAMES  # the whole run is drawn once for every session; a replay's frames are drawn fresh
        a, b = st.columns([3, 2], gap="small")
        kit.chart(charts.path_map, r, m.epochs, where=a, live=live)
        kit.chart(charts.data_chart, r, method, m.update, where=b, live=live)

    kit.player("at", FRAMES, frame, fps=FPS, label=tx("replay", frames=FRAMES))
    st.caption(tx("map_caption", start=kit.colour(charts.MARKER_COLOURS["start"]),
                  minimum=kit.colour(charts.MARKER_COLOURS["minimum"]),
                  per=sep.join(str(r.per_epoch[m]) for m in batches.METHODS)))
    names = charts.method_names(r, kit.lang())
    for m in batches.METHODS:
        kit.report(r.logs[m], [names[m]])
    kit.chart(charts.loss_chart, r, loss_x)

    f = batches.path_facts(r)
    single = batches.METHODS[-1]
    rises = sep.join(tx("rise", name=tx(f"opt.method.{m}"), k=f.rises[m], u=f.updates[m]) for m in batches.METHODS)
    lines = [tx("notice.updates" if f.holds["more_updates"] else "notice.updates_plain", epochs=cfg.epochs,
                counts=each("value", f.updates, "d")),
             tx("notice.zigzag" if f.holds["zigzag"] else "notice.turning", full=who(batches.METHODS[0]),
                single=who(single), angles=each("angle", f.turning, ".0f")),
             tx("notice.falls" if f.holds["falls"] else "notice.rises", k=f.rises[single], u=f.updates[single],
                rises=rises),
             tx("notice.closer" if f.holds["closer"] else "notice.closest", epochs=cfg.epochs, name=who(f.closest),
                gaps=each("value", f.gap, ".2g"))]
    kit.notice(tx("notice.head") + "\n" + "\n".join(f"- {s}" for s in lines))
    kit.download(tx("dl.paths"), lambda: r.paths.to_csv(index=False).encode(), "batch_paths.csv", "text/csv",
                 tx("dl.paths_help"))
    take_home(T, batches.paths_script(cfg, kit.lang()), batches.PATHS_FILE)


def lab_part(cfg: batches.LabConfig, loss_x: str) -> None:
    """The batch-size lab: time and accuracy against B, measured on this machine."""
    lab = kit.train_live(f"{T}-lab", batches.batch_lab, cfg)
    c1, c2 = st.columns(2)
    kit.chart(charts.lab_time_chart, lab, where=c1)
    kit.chart(charts.lab_acc_chart, lab, where=c2)
    for size, log in lab.logs.items():
        kit.report(log, [f"B = {size}"])
    kit.chart(charts.lab_loss_chart, lab, loss_x)
    f = batches.lab_facts(lab)
    dev = tx(f"lab.device.{lab.device}") if lab.device in ("cpu", "cuda", "mps") else lab.device
    pct = "{:.0%}".format
    nums = dict(small=f.smallest, full=f.full, epochs=cfg.epochs, lr=cfg.lr, device=dev,
                tr_s=pct(f.train_acc[0]), va_s=pct(f.val_acc[0]), tr_f=pct(f.train_acc[1]), va_f=pct(f.val_acc[1]),
                small_ms=f"{f.ms_per_epoch[0]:.3g}", full_ms=f"{f.ms_per_epoch[1]:.3g}", ratio=f"{f.per_update:.2g}",
                examples=f"{f.examples:.0f}")
    lines = [tx(f"lab.notice.{'acc_claim' if f.holds['small_wins'] else 'acc_plain'}", **nums),
             tx(f"lab.notice.{'epoch_less' if f.holds['epoch_faster'] else 'epoch_more'}", **nums),
             tx(f"lab.notice.{'update_claim' if f.holds['update_sublinear'] else 'update_plain'}", **nums),
             tx("lab.notice.measured")]
    kit.notice(tx("notice.head") + "\n" + "\n".join(f"- {s}" for s in lines))
    take_home(T, batches.lab_script(cfg, kit.lang()), batches.LAB_FILE)


left, right = st.columns([1, 3], gap="medium")
with left:
    for name in ("n", "batch", "epochs", "lr", "start_w", "start_b"):
        F(name)
    method, loss_x = V("method"), V("loss_x")
with right:
    paths_part(F.config(seed=kit.seed()), method, loss_x)

st.divider()
st.header(tx("lab.header"))
st.markdown(tx("lab.intro"))
if LV("show"):
    a, b = st.columns([1, 3], gap="medium")
    with a:
        for name in ("smallest", "epochs", "lr", "hidden"):
            L(name)
        lab_x = LV("loss_x")
    with b:
        lab_part(L.config(seed=kit.seed()), lab_x)
