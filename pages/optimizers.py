"""Optimizer race: momentum, Adagrad, RMSProp and Adam (the lecture's forms and PyTorch's) on one surface,
replayed step by step; learning-rate schedules; a look inside one optimizer; many starts; a real race on digits."""
import numpy as np
import pandas as pd
import streamlit as st

from core import optimizers as opt
from core.charts import optimizers as charts
from pages import _kit as kit

T = "optimizers"
LR_KEYS = {"sgd": "or_lr_sgd", "mom_lecture": "or_lr_moml", "mom_torch": "or_lr_mom", "nesterov": "or_lr_nag",
           "adagrad_lecture": "or_lr_adagl", "adagrad_torch": "or_lr_adagp", "rms_lecture": "or_lr_rmsl",
           "rms_torch": "or_lr_rms", "adam": "or_lr_adam", "adamw": "or_lr_adamw"}  # links in circulation
F = kit.Form(T, opt.RaceConfig, keys={"schedule": "or_sched"}, prefix="or_")
L = kit.Form(T, opt.RaceLRs, keys=LR_KEYS)
V = kit.Form(T, opt.RaceView, keys={"moment": "or_t", "ends_of": "or_ends"}, prefix="or_", skip=("upto",))
RV = kit.Form(f"{T}.real", opt.RealView, keys={"show": "or_real"})
R = kit.Form(f"{T}.real", opt.RealConfig, keys={"lr_scale": "or_real_lr"}, prefix="or_real_",
             skip=("seed", "batch", "hidden"))


def only(**on) -> dict:
    """URL values of a preset: the named racers at these η, every other racer off."""
    return {LR_KEYS[rc.key]: v for rc, v in zip(opt.RACERS, opt.lrs_of(opt.only(**on)))}


ADAGRADS = only(adagrad_lecture=0.5, adagrad_torch=0.5)
NOISY = only(sgd=0.15, mom_lecture=0.03, adam=0.1)
EXPLODE = {"or_steps": 300, "or_inspect": "Adagrad (lecture)", "or_t": 30, "or_ends": "Adagrad (lecture)", **ADAGRADS}
kit.page(T, [F, L, V, RV, R], [
    kit.Preset("explodes", EXPLODE),
    kit.Preset("tamed", {**EXPLODE, "or_sched": "exponential"}),
    kit.Preset("hill", {"or_surface": "small hill", "or_t": 8, "or_ends": "Momentum (lecture)",
                        **only(sgd=0.15, mom_lecture=0.03, nesterov=0.03)}),
    kit.Preset("noisy", {"or_batch": 4, "or_ends": "SGD", **NOISY}),
    kit.Preset("settle", {"or_batch": 4, "or_sched": "cosine", "or_ends": "SGD", **NOISY}),
], r"\small\begin{gathered}m_t = \lambda m_{t-1} - \eta_t g_t,\;\; \theta_t = \theta_{t-1} + m_t;\;\;\;"
   r"\theta_t = \theta_{t-1} - \tfrac{\eta_t}{\sigma_t} g_t\\"
   r"\sigma_t = \sqrt{\tfrac{1}{t+1}\textstyle\sum_{s\le t} g_s^2}\qquad"
   r"\sigma_t^2 = \alpha\sigma_{t-1}^2 + (1-\alpha)\,g_t^2\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour a chart draws
NAME = {n: charts.racer_label(n, lang) for n in opt.NAMES}
sep = kit.t(f"{T}.sep")
names = lambda ns: sep.join(f"**{NAME[n]}**" for n in ns)  # noqa: E731
bullets = lambda lines: kit.t(f"{T}.notice_head") + "\n" + "\n".join(f"- {s}" for s in lines)  # noqa: E731
off = kit.t(f"{T}.off")

left, right = st.columns([1, 3], gap="medium")
with left:
    surface = F("surface", fmt={s: charts.surface_label(s, lang) for s in opt.SURFACES}.get)
    st.caption(opt.describe(surface, lang))
    full = kit.t(f"{T}.full_batch", n=opt.N_EXAMPLES)
    F("batch", fmt=lambda b: full if b == opt.N_EXAMPLES else str(b))
    F("steps")
    F("schedule", fmt={k: charts.schedule_label(k, lang) for k in opt.SCHEDULES}.get)
    F("beta")
    with st.expander(kit.t(f"{T}.lrs"), icon=":material/tune:"):
        for rc in opt.RACERS:
            L(rc.key, label=NAME[rc.name], help=kit.t(f"{T}.ctl.lr.help", racer=NAME[rc.name]),
              fmt=lambda v: off if v == 0 else f"{v:g}")
    target = V("target")

cfg = F.config(seed=kit.seed(), lrs=L.config())
ss = st.session_state
moved = ss.get("or_upto") != ss.get("_or_upto_drawn")  # the replay slider was moved in this run
if ss.get("_or_race") not in (None, cfg) and not moved:  # a new race: its replay shows the whole run
    ss["or_upto"] = 10**9  # the player clamps it to the last step
ss["_or_race"] = cfg
with right:
    bar = st.empty()
    r = kit.shared(T, opt.race, cfg, queued=kit.queued(bar))
    bar.empty()
    hist = kit.shared(f"{T}-hist", lambda _c, res: opt.history(res), cfg, r, gate=False)
    board = kit.shared(f"{T}-board", lambda key, res: opt.leaderboard(res, key[1]), (cfg, target), r, gate=False)
    grid, last = opt.surface_grid(cfg.surface), r.steps_done
    if not r.racers:
        kit.problem(kit.t(f"{T}.none_racing"))
    def frame(u: int) -> None:
        ss["_or_upto_drawn"] = u
        kit.chart(charts.race_map, r, grid, hist, u, lang, live=u != last)

    kit.player("or_upto", last, frame, fps=min(12.0, max(4.0, last / 15)), label=kit.t(f"{T}.replay"))
    st.caption(kit.t(f"{T}.map_caption", start=colour(charts.START_COLOUR), minimum=colour(charts.MINIMUM_COLOUR)))
    kit.report(r.log, [NAME[n] for n in r.racers])
    if len(hist):
        kit.chart(charts.loss_chart, hist, r.racers, lang)
    if len(board):
        st.markdown(kit.t(f"{T}.board.head", target=f"{target:g}"))
        col = {c: kit.t(f"{T}.board.{c}") for c in ("rank", "optimizer", "steps", "final", "diverged", "share")}
        nr, no = kit.t(f"{T}.board.not_reached"), kit.t(f"{T}.board.no")
        whole = lambda v, none: none if v is None or pd.isna(v) else f"{int(v)}"  # noqa: E731
        table = pd.DataFrame({
            col["rank"]: board["rank"], col["optimizer"]: board.optimizer.map(NAME), "η": board["η"].map("{:g}".format),
            col["steps"]: [whole(v, nr) for v in board["steps to target"]],
            col["final"]: [no if v is None or pd.isna(v) else f"{v:.2e}" for v in board["final loss"]],
            col["diverged"]: [whole(v, no) for v in board["diverged at"]],
            col["share"]: board["share of starts at the minimum"]})
        shown = [c for c in table if not (c == col["diverged"] and not r.log.diverged or c == col["share"] and not
                                         len(r.starts))]  # columns only for what happened in this run
        width = {col["rank"]: 40, col["optimizer"]: 165, "η": 56, col["steps"]: 118, col["final"]: 86,
                 col["diverged"]: 90, col["share"]: 110}
        cc = {c: st.column_config.Column(width=width[c]) for c in shown}
        cc[col["share"]] = st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0,
                                                           width=width[col["share"]], help=kit.t(f"{T}.board.share_help"))
        st.dataframe(table[shown], hide_index=True, width="stretch", column_config=cc)
        # What to notice, from this run: who got to the target, who did not, who diverged, and the surface's own
        reach = dict(zip(r.racers, opt.steps_to_target(r, target)))
        dead = [n for k, n in enumerate(r.racers) if r.diverged_at(k) is not None]
        got = sorted((s, n) for n, s in reach.items() if s is not None)
        lines = [kit.t(f"{T}.notice.first", name=NAME[got[0][1]], steps=got[0][0], target=f"{target:g}",
                       others=names([n for _, n in got[1:]]) or "–") if got else
                 kit.t(f"{T}.notice.nobody", steps=last, target=f"{target:g}")]
        slow = [n for n, s in reach.items() if s is None and n not in dead]
        if got and slow:
            lines.append(kit.t(f"{T}.notice.not_reached", names=names(slow), steps=last))
        if dead:
            lines.append(kit.t(f"{T}.notice.diverged", names=names(dead)))
        jumps = [(n, j) for n, j in zip(r.racers, opt.jumped_at(r)) if j is not None and n not in dead]
        if jumps and cfg.batch == opt.N_EXAMPLES:  # with minibatches the loss near the minimum is noise
            lines.append(kit.t(f"{T}.notice.jump", parts=sep.join(kit.t(f"{T}.notice.jump_at", name=NAME[n], step=j)
                                                                   for n, j in jumps)))
        s = opt.SURFACES[cfg.surface]
        ada = [n for k, n in enumerate(r.racers) if opt.BY_NAME[n].sigma is not None and n not in dead
               and r.eff_lr.shape[1] and (r.eff_lr[k, :20, 0] > r.eff_lr[k, :20, 1]).all()]
        if s.key == "valley" and ada:
            lines.append(kit.t(f"{T}.notice.valley", names=names(ada)))
        end_x = {n: r.path[k, -1, 0] for k, n in enumerate(r.racers) if n not in dead}
        stuck = [n for n, x in end_x.items() if s.local and abs(x - s.local[0][0]) < 0.05]
        over = [n for n, x in end_x.items() if s.local and abs(x - s.minima[0][0]) < 0.05]
        if s.key == "hill" and stuck and over:
            lines.append(kit.t(f"{T}.notice.hill", stuck=names(stuck), over=names(over), lx=f"{s.local[0][0]:.2f}",
                               gx=f"{s.minima[0][0]:.2f}"))
        kit.notice(bullets(lines))
    kit.download(kit.t(f"{T}.dl.history"), lambda: opt.history_csv(r), "optimizer_race.csv", "text/csv",
                 kit.t(f"{T}.dl.history_help"))

st.divider()
st.header(kit.t(f"{T}.sched.header"))
a, b = st.columns([3, 2], gap="large")
kit.chart(charts.schedule_chart, opt.schedule_frame(cfg.steps), cfg.schedule, lang, where=a)
b.markdown(kit.t(f"{T}.sched.text"))
lr = cfg.lrs.adagrad_lecture
if lr > 0:
    sweep = kit.shared(f"{T}-taming", lambda _k: opt.explosions(), "valley", queued=kit.queued(b.empty()))
    runs = kit.shared(f"{T}-runs", lambda lr_: {k: opt.shortest_exploding_run(sweep, k, lr_) for k in opt.SCHEDULES},
                      lr, gate=False)
    label = lambda k: charts.schedule_label(k, lang)  # noqa: E731
    boom = sep.join(kit.t(f"{T}.sched.from", schedule=label(k), steps=v) for k, v in runs.items() if v is not None)
    calm = sep.join(label(k) for k, v in runs.items() if v is None)
    key = "all" if not calm else "none" if not boom else "some"
    b.info(kit.t(f"{T}.sched.notice.{key}", lr=f"{lr:g}", boom=boom, calm=calm,
                 longest=max(opt.STEPS), shortest=min(opt.STEPS)), icon=":material/visibility:")
else:
    b.caption(kit.t(f"{T}.sched.off"))

st.divider()
st.header(kit.t(f"{T}.inside.header"))
a, b = st.columns([1, 3], gap="medium")
with a:
    who = V("inspect", fmt=NAME.get)
    V("moment")
k = r.racers.index(who) if who in r.racers else -1
t = opt.update_at(r, V.value("moment"))
ins = kit.shared(f"{T}-inside", lambda key, res: opt.inside(res, key[1], key[2]), (cfg, k, t), r,
                 gate=False) if k >= 0 else None  # one object per moment: its chart spec is then memoised
if k < 0:
    kit.problem(kit.t(f"{T}.inside.off", name=NAME[who]), where=a)
elif ins is None:
    d = r.diverged_at(k)
    kit.problem(kit.t(f"{T}.inside.diverged", name=NAME[who], step=d) if d else
                kit.t(f"{T}.inside.none", name=NAME[who], t=t), where=a)
else:
    a.metric(kit.t(f"{T}.inside.t"), f"{t} / {r.steps_done}")
    a.metric("η_t", f"{ins.lr:.3g}")
    a.metric("η_t/σ · x", f"{ins.eff_lr[0]:.3g}")
    a.metric("η_t/σ · y", f"{ins.eff_lr[1]:.3g}")
    a.metric("g", f"{ins.grad[0]:.2g}, {ins.grad[1]:.2g}")
    with b:
        c1, c2 = st.columns(2)
        kit.chart(charts.inside_chart, r, k, ins, lang, where=c1)
        frame = kit.shared(f"{T}-eff", lambda key, res: opt.inside_frame(res, key[1]), (cfg, k), r, gate=False)
        kit.chart(charts.eff_lr_chart, frame, who, t, lang, where=c2)
        arrow = {a_: colour(charts.ARROW_COLOURS[a_]) for a_ in charts.ARROW_COLOURS}
        lines = [kit.t(f"{T}.inside.arrows", grad=arrow["gradient"], update=arrow["update"])]
        if ins.kind == "carried":
            lines.append(kit.t(f"{T}.inside.carried_lecture" if who == "Momentum (lecture)" else f"{T}.inside.carried",
                               green=arrow["carried"], beta=f"{cfg.beta:g}"))
        elif ins.kind == "adam":
            lines.append(kit.t(f"{T}.inside.adam", green=arrow["adam"]))
        if opt.BY_NAME[who].sigma is not None:
            big = "x" if ins.eff_lr[0] > ins.eff_lr[1] else "y"
            lines.append(kit.t(f"{T}.inside.sigma", ex=f"{ins.eff_lr[0]:.3g}", ey=f"{ins.eff_lr[1]:.3g}", big=big,
                               x=colour(charts.PARAM_COLOURS["x"]), y=colour(charts.PARAM_COLOURS["y"])))
        else:
            lines.append(kit.t(f"{T}.inside.no_sigma", x=colour(charts.PARAM_COLOURS["x"]),
                               y=colour(charts.PARAM_COLOURS["y"])))
        kit.notice(bullets(lines))

st.divider()
st.header(kit.t(f"{T}.ends.header"))
a, b = st.columns([1, 3], gap="medium")
with a:
    ends_of = V("ends_of", fmt=NAME.get)
    F("starts")
    st.caption(kit.t(f"{T}.ends.caption"))
with b:
    S = len(r.starts)
    if not S:
        kit.problem(kit.t(f"{T}.ends.no_starts"))
    elif ends_of not in r.racers:
        kit.problem(kit.t(f"{T}.inside.off", name=NAME[ends_of]))
    else:
        kit.chart(charts.ends_chart, r, grid, r.racers.index(ends_of), lang)
        kit.chart(charts.share_chart, board, lang)
        n_at = {n: int(r.reached[k].sum()) for k, n in enumerate(r.racers)}
        top = max(n_at.values())
        lines = [kit.t(f"{T}.ends.best", names=names([n for n, v in n_at.items() if v == top]), n=top, total=S,
                       green=colour(charts.ENDS_COLOURS["reached"]), pink=colour(charts.ENDS_COLOURS["elsewhere"]))]
        if "SGD" in r.racers and r.diverged_at(r.racers.index("SGD")) is None:
            g = r.reached[r.racers.index("SGD")]
            more = {n: int((r.reached[k] & ~g).sum()) for k, n in enumerate(r.racers) if n != "SGD"}
            more = {n: v for n, v in more.items() if v > 0}
            if more:
                lines.append(kit.t(f"{T}.ends.over", parts=sep.join(
                    kit.t(f"{T}.ends.part", name=NAME[n], n=v) for n, v in more.items())))
        kit.notice(bullets(lines))

st.divider()
st.header(kit.t(f"{T}.real.header"))
st.markdown(kit.t(f"{T}.real.intro"))
if RV("show"):
    a, b = st.columns([1, 3], gap="medium")
    with a:
        R("lr_scale", fmt=lambda v: f"×{v:g}")
        R("steps")
    rc = R.config(seed=kit.seed(), racers=tuple(r.racers))
    with b:
        if not rc.racers:
            kit.problem(kit.t(f"{T}.none_racing"))
        else:
            rbar = st.empty()
            real = kit.shared(f"{T}-real", opt.real_race, rc, queued=kit.queued(rbar), progress=lambda log: rbar.progress(
                min(1.0, log.steps / max(1, log.planned)), text=kit.t("common.training", done=log.steps, total=log.planned)))
            rbar.empty()
            kit.report(real.log, [NAME[n] for n in real.racers])
            c1, c2 = st.columns(2)
            kit.chart(charts.real_chart, real, "step", lang, where=c1)
            kit.chart(charts.real_chart, real, "seconds", lang, where=c2)
            h = real.history
            first = min(100, rc.steps)
            mean = h[h.step <= first].groupby("optimizer").loss.mean()
            secs = h.groupby("optimizer").seconds.max()
            order = [n for n in sorted(mean.index, key=mean.get) if n in real.racers]
            acc = sep.join(kit.t(f"{T}.real.acc", name=NAME[n], v=f"{v:.1%}" if np.isfinite(v) else kit.t(f"{T}.real.dead"))
                           for n, v in real.val_acc.items())
            fast = sorted(secs.index, key=secs.get)
            kit.notice(bullets([
                kit.t(f"{T}.real.order", first=first, order=" < ".join(f"{NAME[n]} ({mean[n]:.2f})" for n in order)),
                kit.t(f"{T}.real.time", steps=rc.steps, order=" < ".join(f"{NAME[n]} ({secs[n]:.2f} s)" for n in fast)),
                kit.t(f"{T}.real.accs", accs=acc)]))
            if real.weights:
                kit.download(kit.t(f"{T}.dl.weights"), lambda: opt.weights_safetensors(real), "digits_race.safetensors",
                             "application/octet-stream", kit.t(f"{T}.dl.weights_help"))
