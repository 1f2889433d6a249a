"""Optimizer race: momentum, Adagrad, RMSProp and Adam (the lecture's forms and PyTorch's) on one surface,
replayed step by step; learning-rate schedules; a look inside one optimizer; Adam's bias correction; many starts;
a real race on digits and why warm-up (both in pages/_optimizers_warmup.py)."""
import streamlit as st

from core import optimizers as opt
from core.charts import optimizers as charts
from pages import _kit as kit
from pages._optimizers_warmup import FORMS, real_part, section, warmup_part
from pages._takehome import take_home

T = "optimizers"
tx = kit.Text(T)
F = kit.Form(T, opt.RaceConfig, keys={"schedule": "or_sched"}, prefix="or_")
L = kit.Form(T, opt.RaceLRs, keys=opt.LR_KEYS)
V = kit.Form(T, opt.RaceView, keys={"moment": "or_t", "ends_of": "or_ends"}, prefix="or_", skip=("upto",))
kit.page(T, [F, L, V, *FORMS], [kit.Preset(name, values) for name, values in opt.PRESETS.items()], opt.FORMULA)
lang = kit.lang()
NAME = {n: charts.racer_label(n, lang) for n in opt.NAMES}


def race_part(cfg: opt.RaceConfig, target: float) -> tuple:
    """The race replayed on the map, the loss curves, the leaderboard and what to notice: (race, board, grid)."""
    kit.replay_from_end("or_upto", cfg)  # a new race: its replay shows the whole run
    r = kit.train_live(T, opt.race, cfg)
    hist = kit.shared(f"{T}-hist", opt.history, r, gate=False)
    grid, last = opt.surface_grid(cfg.surface), r.steps_done
    if not r.racers:
        kit.problem(tx("none_racing"))
    legend = charts.racer_legend(r.racers, lang)  # HTML: it wraps at any width, so no racer's name is cut

    def frame(u: int) -> None:
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
        kit.dataframe(*charts.board_table(board, r.log.diverged, len(r.starts) > 0, lang),
                      shares={tx("board.share"): tx("board.share_help")})  # the share of starts at the minimum: a bar
        kit.notice(charts.race_notice(opt.race_facts(r, target), r, target, lang))
    kit.exports(T, [("history", lambda: opt.history_csv(r), "optimizer_race.csv")])
    take_home(f"{T}_race", opt.race_script(cfg, lang), opt.RACE_FILE)  # its note: the racers one after another
    return r, board, grid


def schedules_part(cfg: opt.RaceConfig) -> None:
    """Every schedule's factor, and at the lecture Adagrad's η which schedules tame it (the batched sweep)."""
    a, b = section("sched", 3, 2, gap="large")
    kit.chart(charts.schedule_chart, opt.schedule_frame(cfg.steps), cfg.schedule, where=a)
    b.markdown(tx("sched.text"))
    if (lr := cfg.lrs.adagrad_lecture) <= 0:
        return b.caption(tx("sched.off"))
    sweep = kit.shared(f"{T}-taming", opt.explosions, opt.TAMING_SURFACE, queued=kit.queued(b.empty()))
    f = kit.shared(f"{T}-runs", opt.taming_facts, sweep, lr, gate=False)
    b.info(charts.taming_notice(f, lr, lang), icon=":material/visibility:")


def inside_part(r: opt.RaceResult, cfg: opt.RaceConfig) -> None:
    """One racer at one update: its arrows, ηₜ/σ per parameter, and what they say."""
    a, b = section("inside", 1, 3)
    who, moment = V("inspect", where=a, fmt=NAME.get), V("moment", where=a)
    k = r.racers.index(who) if who in r.racers else -1
    t = opt.update_at(r, moment)
    ins = kit.shared(f"{T}-inside", opt.inside, r, k, t, gate=False) if k >= 0 else None  # its spec is memoised
    if ins is None:  # not racing, or diverged before update t
        return kit.problem(charts.inside_missing(r, who, t, lang), where=a)
    for label, v in charts.inside_metrics(ins, t, r.steps_done, lang):
        a.metric(label, v)
    c1, c2 = b.columns(2)
    kit.chart(charts.inside_chart, r, k, ins, where=c1)
    kit.chart(charts.eff_lr_chart, kit.shared(f"{T}-eff", opt.inside_frame, r, k, gate=False), who, t, where=c2)
    kit.notice(charts.inside_notice(opt.inside_facts(ins), ins, cfg.beta, lang), where=b)


def adam_part(r: opt.RaceResult) -> None:
    """Adam's first updates in this race: the step it took (bias-corrected) against the same m and v uncorrected."""
    section("adam")
    k = opt.adam_racer(r)
    if k < 0:
        return kit.problem(tx("adam.none"))
    steps = kit.shared(f"{T}-adam", opt.first_steps, r, k, gate=False)
    a, b = st.columns([3, 2], gap="large")
    if len(steps):
        kit.chart(charts.adam_chart, steps, r.racers[k], where=a)
    b.markdown(charts.adam_text(r.racers[k], len(steps), lang))
    if (f := opt.adam_facts(r, steps)) is not None:
        kit.notice(charts.adam_notice(f, lang), where=b)


def ends_part(r: opt.RaceResult, board, grid) -> None:
    """Where the chosen racer ends from the random starts, and the share of starts at the minimum per racer."""
    a, b = section("ends", 1, 3)
    ends_of = V("ends_of", where=a, fmt=NAME.get)
    F("starts", where=a)
    a.caption(tx("ends.caption"))
    if (why := charts.no_ends(r, ends_of, lang)) is not None:  # no random starts, or the racer is not racing
        return kit.problem(why, where=b)
    kit.chart(charts.ends_chart, r, grid, r.racers.index(ends_of), where=b)
    kit.chart(charts.share_chart, board, where=b)
    kit.notice(charts.ends_notice(opt.ends_facts(r), lang), where=b)


# at 150% zoom the race stacks full width above its controls: its legend takes two rows, not three
left, right = kit.stacking_columns("or-race")
with left:  # the race's controls
    surface = F("surface", fmt={s: charts.surface_label(s, lang) for s in opt.SURFACES}.get)
    st.caption(opt.describe(surface, lang))
    F("batch", fmt=lambda b: charts.batch_label(b, lang))
    F("steps")
    F("schedule", fmt={k: charts.schedule_label(k, lang) for k in opt.SCHEDULES}.get)
    F("beta")
    with st.expander(tx("lrs"), icon=":material/tune:"):
        for rc in opt.RACERS:
            L(rc.key, label=NAME[rc.name], help=tx("ctl.lr.help", racer=NAME[rc.name]),
              fmt=lambda v: charts.lr_label(v, lang))
    target = V("target")
cfg = F.config(seed=kit.seed(), lrs=L.config())
with right:
    race, board, grid = race_part(cfg, target)
schedules_part(cfg)
inside_part(race, cfg)
adam_part(race)
ends_part(race, board, grid)
real_part(race.racers)
warmup_part()
