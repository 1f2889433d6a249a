"""Batches and epochs: one gradient descent with the full batch, a mini-batch and one example at a time,
from one start on one loss surface, replayed epoch by epoch; then a batch-size lab timed on this machine."""
import math

import streamlit as st

from core import batches
from core.charts import batches as charts
from pages import _kit as kit

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
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour the chart draws
sep = kit.t(f"{T}.sep")


def who(m: str) -> str:
    """A path's name with the colour the charts draw it in."""
    return kit.t(f"{T}.who", name=kit.t(f"{T}.opt.method.{m}"), colour=colour(charts.PATH_COLOURS[m]))


left, right = st.columns([1, 3], gap="medium")
with left:
    for name in ("n", "batch", "epochs", "lr", "start_w", "start_b"):
        F(name)
    method = V("method")
    loss_x = V("loss_x")

cfg = F.config(seed=kit.seed())
with right:
    bar = st.empty()
    r = kit.shared(T, batches.paths, cfg, queued=kit.queued(bar))
    bar.empty()
    names = charts.method_names(r, lang)
    per = r.per_epoch[method]

    def frame(f: int) -> None:
        """Moment f of FRAMES: every path after the same f / FRAMES of the run's epochs."""
        e = cfg.epochs * f / FRAMES
        done = r.updates_by(e)
        u, k = done[method], math.ceil(done[method] / per)  # the followed path's update and its epoch (0: start)
        counts = sep.join(kit.t(f"{T}.count", name=who(m), n=done[m]) for m in batches.METHODS)
        where = (kit.t(f"{T}.moment_batch", j=u - (k - 1) * per, of=per, epoch=k, size=len(r.batch_of(method, u)),
                       n=len(r.x)) if u else kit.t(f"{T}.moment_start"))
        st.caption(kit.t(f"{T}.moment", e=f"{e:.2f}".rstrip("0").rstrip("."), epochs=cfg.epochs, counts=counts,
                         where=where))
        live = f != FRAMES  # the whole run is drawn once for every session; a replay's frames are drawn fresh
        a, b = st.columns([3, 2], gap="small")
        kit.chart(charts.path_map, r, e, lang, where=a, live=live)
        kit.chart(charts.data_chart, r, method, u, lang, where=b, live=live)

    kit.player("at", FRAMES, frame, fps=FPS, label=kit.t(f"{T}.replay", frames=FRAMES))
    st.caption(kit.t(f"{T}.map_caption", start=colour(charts.MARKER_COLOURS["start"]),
                     minimum=colour(charts.MARKER_COLOURS["minimum"]),
                     per=sep.join(str(r.per_epoch[m]) for m in batches.METHODS)))
    for m in batches.METHODS:
        kit.report(r.logs[m], [names[m]])
    kit.chart(charts.loss_chart, r, loss_x, lang)

    f = r.facts()
    holds = f["holds"]
    fmt = lambda key, d, spec: sep.join(kit.t(f"{T}.{key}", name=kit.t(f"{T}.opt.method.{m}"),  # noqa: E731
                                               v=format(d[m], spec) if math.isfinite(d[m]) else "–")
                                        for m in batches.METHODS)
    ups = f["updates"]
    lines = [kit.t(f"{T}.notice.updates" if holds["more_updates"] else f"{T}.notice.updates_plain",
                   epochs=cfg.epochs, counts=fmt("value", ups, "d")),
             kit.t(f"{T}.notice.zigzag" if holds["zigzag"] else f"{T}.notice.turning", full=who("full batch"),
                   single=who("single example"), angles=fmt("angle", f["turning"], ".0f")),
             kit.t(f"{T}.notice.falls" if holds["falls"] else f"{T}.notice.rises", k=f["rises"]["single example"],
                   u=ups["single example"], rises=sep.join(kit.t(f"{T}.rise", name=kit.t(f"{T}.opt.method.{m}"),
                                                                 k=f["rises"][m], u=ups[m]) for m in batches.METHODS))]
    closest = min(batches.METHODS, key=lambda m: f["gap"][m])
    lines.append(kit.t(f"{T}.notice.closer" if holds["closer"] else f"{T}.notice.closest", epochs=cfg.epochs,
                       name=who(closest), gaps=fmt("value", f["gap"], ".2g")))
    kit.notice(kit.t(f"{T}.notice.head") + "\n" + "\n".join(f"- {s}" for s in lines))
    kit.download(kit.t(f"{T}.dl.paths"), lambda: r.paths.to_csv(index=False).encode(), "batch_paths.csv", "text/csv",
                 kit.t(f"{T}.dl.paths_help"))

st.divider()
st.header(kit.t(f"{T}.lab.header"))
st.markdown(kit.t(f"{T}.lab.intro"))
if LV("show"):
    a, b = st.columns([1, 3], gap="medium")
    with a:
        for name in ("smallest", "epochs", "lr", "hidden"):
            L(name)
        lab_x = LV("loss_x")
    lcfg = L.config(seed=kit.seed())
    with b:
        lbar = st.empty()

        def progress(k: int, n: int, log) -> None:
            lbar.progress(min(1.0, (k + log.steps / max(1, log.planned)) / n), text=kit.t(f"{T}.lab.progress", k=k + 1, n=n))

        lab = kit.shared(f"{T}-lab", batches.batch_lab, lcfg, progress=progress, queued=kit.queued(lbar))
        lbar.empty()
        c1, c2 = st.columns(2)
        kit.chart(charts.lab_time_chart, lab, lang, where=c1)
        kit.chart(charts.lab_acc_chart, lab, lang, where=c2)
        for bsize, log in lab.logs.items():
            kit.report(log, [f"B = {bsize}"])
        kit.chart(charts.lab_loss_chart, lab, lab_x, lang)
        t, ok = lab.timing(), lab.holds()
        small, full = lab.table.iloc[0], lab.table.iloc[-1]
        dev = kit.t(f"{T}.lab.device.{lab.device}") if lab.device in ("cpu", "cuda", "mps") else lab.device
        pct = lambda v: f"{v:.0%}"  # noqa: E731
        nums = dict(small=int(small.batch), full=int(full.batch), epochs=lcfg.epochs, lr=lcfg.lr, device=dev,
                    tr_s=pct(small.train_acc), va_s=pct(small.val_acc), tr_f=pct(full.train_acc),
                    va_f=pct(full.val_acc), small_ms=f"{1e3 * small.s_per_epoch:.3g}",
                    full_ms=f"{1e3 * full.s_per_epoch:.3g}", ratio=f"{t['per_update']:.2g}",
                    examples=f"{t['examples']:.0f}")
        lines = [kit.t(f"{T}.lab.notice.{'acc_claim' if ok['small_wins'] else 'acc_plain'}", **nums),
                 kit.t(f"{T}.lab.notice.{'epoch_less' if ok['epoch_faster'] else 'epoch_more'}", **nums),
                 kit.t(f"{T}.lab.notice.{'update_claim' if ok['update_sublinear'] else 'update_plain'}", **nums),
                 kit.t(f"{T}.lab.notice.measured")]
        kit.notice(kit.t(f"{T}.notice.head") + "\n" + "\n".join(f"- {s}" for s in lines))
