"""Optimizer race: momentum, Adagrad, RMSProp and Adam (the lecture's forms and PyTorch's) on one surface,
replayed step by step; learning-rate schedules; a look inside one optimizer; Adam's bias correction; many starts;
a real race on digits."""
import math

import streamlit as st

from core import optimizers as opt
from core.charts import optimizers as charts
from pages import _kit as kit

T = "optimizers"
tx = kit.Text(T)
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


B1, B2 = opt.ADAM_BETAS  # Adam's formula (its last three lines) shows the values the racers use
EPS = round(math.log10(opt.ADAM_EPS))
NOISY = only(sgd=0.15, mom_lecture=0.03, adam=0.1)
EXPLODE = {"or_steps": 300, "or_inspect": "Adagrad (lecture)", "or_t": 30, "or_ends": "Adagrad (lecture)",
           **only(adagrad_lecture=0.5, adagrad_torch=0.5)}
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
   r"\sigma_t^2 = \alpha\sigma_{t-1}^2 + (1-\alpha)\,g_t^2\\"
   r"m_t = \beta_1 m_{t-1} + (1-\beta_1)\,g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2)\,g_t^2\\"
   r"\hat m_t = \frac{m_t}{1-\beta_1^{\,t}},\quad \hat v_t = \frac{v_t}{1-\beta_2^{\,t}}\\"
   r"\theta_t = \theta_{t-1} - \eta_t\,\frac{\hat m_t}{\sqrt{\hat v_t}+\varepsilon}\qquad"
   rf"\beta_1 = {B1:g},\ \beta_2 = {B2:g},\ \varepsilon = 10^{{{EPS}}}\end{{gathered}}")
lang = kit.lang()
NAME = {n: charts.racer_label(n, lang) for n in opt.NAMES}


def race_part(cfg: opt.RaceConfig, target: float) -> tuple:
    """The race replayed on the map, the loss curves, the leaderboard and what to notice: (race, board, grid)."""
    ss = st.session_state
    moved = ss.get("or_upto") != ss.get("_or_upto_drawn")  # the replay slider was moved in this run
    if ss.get("_or_race") not in (None, cfg) and not moved:  # a new race: its replay shows the whole run
        ss["or_upto"] = 10**9  # the player clamps it to the last step
    ss["_or_race"] = cfg
    r = kit.train_live(T, opt.race, cfg)
    hist = kit.shared(f"{T}-hist", opt.history, r, gate=False)
    grid, last = opt.surface_grid(cfg.surface), r.steps_done
    if not r.racers:
        kit.problem(tx("none_racing"))

    legend = charts.racer_legend(r.racers, lang)  # HTML: it wraps at any width, so no racer's name is cut

    def frame(u: int) -> None:
        ss["_or_upto_drawn"] = u
        st.html(legend)  # above the map: on the first screen with it at 1280×720
        kit.chart(charts.race_map, r, grid, hist, u, live=u != last)

    kit.player("or_upto", last, frame, fps=min(12.0, max(4.0, last / 15)), label=tx("replay"))
    st.caption(tx("map_caption", start=kit.colour(charts.START_COLOUR), minimum=kit.colour(charts.MINIMUM_COLOUR)))
    kit.report(r.log, [NAME[n] for n in r.racers])
    if len(hist):
        kit.chart(charts.loss_chart, hist, r.racers)
    board = kit.shared(f"{T}-board", opt.leaderboard, r, target, gate=False)
    if len(board):
        st.markdown(tx("board.head", target=f"{target:g}"))
        table, width = charts.board_table(board, r.log.diverged, len(r.starts) > 0, lang)
        cc, share = {c: st.column_config.Column(width=w) for c, w in width.items()}, tx("board.share")
        if share in cc:  # the share of starts at the minimum, as a bar
            cc[share] = st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0,
                                                        width=width[share], help=tx("board.share_help"))
        st.dataframe(table, hide_index=True, width="stretch", column_config=cc)
        kit.notice(charts.race_notice(opt.race_facts(r, target), r, target, lang))
    kit.download(tx("dl.history"), lambda: opt.history_csv(r), "optimizer_race.csv", "text/csv",
                 tx("dl.history_help"))
    return r, board, grid


def schedules_part(cfg: opt.RaceConfig) -> None:
    """Every schedule's factor, and at the lecture Adagrad's η which schedules tame it (the batched sweep)."""
    st.divider()
    st.header(tx("sched.header"))
    a, b = st.columns([3, 2], gap="large")
    kit.chart(charts.schedule_chart, opt.schedule_frame(cfg.steps), cfg.schedule, where=a)
    b.markdown(tx("sched.text"))
    lr = cfg.lrs.adagrad_lecture
    if lr <= 0:
        b.caption(tx("sched.off"))
        return
    sweep = kit.shared(f"{T}-taming", opt.explosions, opt.TAMING_SURFACE, queued=kit.queued(b.empty()))
    f = kit.shared(f"{T}-runs", opt.taming_facts, sweep, lr, gate=False)
    b.info(charts.taming_notice(f, lr, lang), icon=":material/visibility:")


def inside_part(r: opt.RaceResult, cfg: opt.RaceConfig) -> None:
    """One racer at one update: its arrows, ηₜ/σ per parameter, and what they say."""
    st.divider()
    st.header(tx("inside.header"))
    a, b = st.columns([1, 3], gap="medium")
    who, moment = V("inspect", where=a, fmt=NAME.get), V("moment", where=a)
    k = r.racers.index(who) if who in r.racers else -1
    t = opt.update_at(r, moment)
    ins = kit.shared(f"{T}-inside", opt.inside, r, k, t, gate=False) if k >= 0 else None  # its spec is memoised
    if k < 0:
        return kit.problem(tx("inside.off", name=NAME[who]), where=a)
    if ins is None:
        d = r.diverged_at(k)
        return kit.problem(tx("inside.diverged", name=NAME[who], step=d) if d else
                           tx("inside.none", name=NAME[who], t=t), where=a)
    e, g = ins.eff_lr, ins.grad
    for label, v in [(tx("inside.t"), f"{t} / {r.steps_done}"), ("ηₜ", f"{ins.lr:.3g}"),
                     ("ηₜ/σ · x", f"{e[0]:.3g}"), ("ηₜ/σ · y", f"{e[1]:.3g}"), ("g", f"{g[0]:.2g}, {g[1]:.2g}")]:
        a.metric(label, v)
    c1, c2 = b.columns(2)
    kit.chart(charts.inside_chart, r, k, ins, where=c1)
    kit.chart(charts.eff_lr_chart, kit.shared(f"{T}-eff", opt.inside_frame, r, k, gate=False), who, t, where=c2)
    kit.notice(charts.inside_notice(opt.inside_facts(ins), ins, cfg.beta, lang), where=b)


def adam_part(r: opt.RaceResult) -> None:
    """Adam's first updates in this race: the step it took (bias-corrected) against the same m and v uncorrected."""
    st.divider()
    st.header(tx("adam.header"))
    k = opt.adam_racer(r)
    if k < 0:
        return kit.problem(tx("adam.none"))
    steps = kit.shared(f"{T}-adam", opt.first_steps, r, k, gate=False)
    a, b = st.columns([3, 2], gap="large")
    if len(steps):
        kit.chart(charts.adam_chart, steps, r.racers[k], where=a)
    b.markdown(tx("adam.text", m1=f"{1 - B1:g}", v1=f"{1 - B2:g}", name=NAME[r.racers[k]], n=len(steps)))
    f = opt.adam_facts(r, steps)
    if f is not None:
        kit.notice(charts.adam_notice(f, lang), where=b)


def ends_part(r: opt.RaceResult, board, grid) -> None:
    """Where the chosen racer ends from the random starts, and the share of starts at the minimum per racer."""
    st.divider()
    st.header(tx("ends.header"))
    a, b = st.columns([1, 3], gap="medium")
    ends_of = V("ends_of", where=a, fmt=NAME.get)
    F("starts", where=a)
    a.caption(tx("ends.caption"))
    if not len(r.starts):
        return kit.problem(tx("ends.no_starts"), where=b)
    if ends_of not in r.racers:
        return kit.problem(tx("inside.off", name=NAME[ends_of]), where=b)
    kit.chart(charts.ends_chart, r, grid, r.racers.index(ends_of), where=b)
    kit.chart(charts.share_chart, board, where=b)
    kit.notice(charts.ends_notice(opt.ends_facts(r), lang), where=b)


def real_part(racers: list[str]) -> None:
    """The racers on the surface each train one network on the digits (only when switched on)."""
    st.divider()
    st.header(tx("real.header"))
    st.markdown(tx("real.intro"))
    if not RV("show"):
        return
    a, b = st.columns([1, 3], gap="medium")
    R("lr_scale", where=a, fmt=lambda v: f"×{v:g}")
    R("steps", where=a)
    rc = R.config(seed=kit.seed(), racers=tuple(racers))
    if not rc.racers:
        return kit.problem(tx("none_racing"), where=b)
    with b:
        real = kit.train_live(f"{T}-real", opt.real_race, rc)
        kit.report(real.log, [NAME[n] for n in real.racers])
        st.html(charts.racer_legend(real.racers, lang))
        c1, c2 = st.columns(2)
        kit.chart(charts.real_chart, real, "step", where=c1)
        kit.chart(charts.real_chart, real, "seconds", where=c2)
        kit.notice(charts.real_notice(opt.real_facts(real), rc.steps, lang))
        if real.weights:
            kit.download(tx("dl.weights"), lambda: opt.weights_safetensors(real), "digits_race.safetensors",
                         "application/octet-stream", tx("dl.weights_help"))


# A narrow screen (150% zoom, sidebar open or not) stacks the two columns: the race first and full width, its
# controls under it, so the projected chart stays near the top and its legend takes two rows, not three
st.html("<style>@media (max-width: 1100px) { .st-key-or-race > [data-testid='stLayoutWrapper'] > "
        "[data-testid='stHorizontalBlock'] > [data-testid='stColumn'] { flex: 1 1 100% !important; min-width: 100%; }"
        " .st-key-or-race > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] > "
        "[data-testid='stColumn']:first-child { order: 2; } }</style>")
left, right = st.container(key="or-race").columns([1, 3], gap="medium")
with left:  # the race's controls
    surface = F("surface", fmt={s: charts.surface_label(s, lang) for s in opt.SURFACES}.get)
    st.caption(opt.describe(surface, lang))
    F("batch", fmt=lambda b: tx("full_batch", n=opt.N_EXAMPLES) if b == opt.N_EXAMPLES else str(b))
    F("steps")
    F("schedule", fmt={k: charts.schedule_label(k, lang) for k in opt.SCHEDULES}.get)
    F("beta")
    with st.expander(tx("lrs"), icon=":material/tune:"):
        for rc in opt.RACERS:
            L(rc.key, label=NAME[rc.name], help=tx("ctl.lr.help", racer=NAME[rc.name]),
              fmt=lambda v: tx("off") if v == 0 else f"{v:g}")
    target = V("target")
cfg = F.config(seed=kit.seed(), lrs=L.config())
with right:
    race, board, grid = race_part(cfg, target)
schedules_part(cfg)
inside_part(race, cfg)
adam_part(race)
ends_part(race, board, grid)
real_part(race.racers)
