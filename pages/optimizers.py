"""Optimizer race: momentum, Adagrad, RMSProp, Adam and learning-rate schedules on the same surface."""
import numpy as np
import streamlit as st

from core import optimizers as opt
from core.charts import optimizers as charts
from pages import _legacy as kit

kit.header(
    "Optimizer race",
    "Every optimizer below is a `torch.optim` optimizer (PyTorch's own, or the lecture's formula written as one), "
    "started from the same point on the same surface. "
    "**Momentum** moves by the last movement minus the gradient, so it can roll through a small hill. "
    "**Adaptive** methods divide η by σ, a running size of each parameter's past gradients: Adagrad uses the root "
    "mean square of all of them, RMSProp weights recent ones by α, and Adam is RMSProp plus momentum.",
    r"\begin{gathered}m_t = \lambda m_{t-1} - \eta\, g_t,\qquad \theta_{t+1} = \theta_t + m_t"
    r"\qquad\qquad \theta^i_{t+1} = \theta^i_t - \frac{\eta_t}{\sigma^i_t}\, g^i_t \\"
    r"\sigma^i_t = \sqrt{\tfrac{1}{t+1}\textstyle\sum_{s\le t} (g^i_s)^2}\ \text{(Adagrad)},\qquad"
    r"(\sigma^i_t)^2 = \alpha(\sigma^i_{t-1})^2 + (1-\alpha)(g^i_t)^2\ \text{(RMSProp)}\end{gathered}",
    "θ: the parameters (here the point (x, y)) · g_t: the gradient at step t · η: learning rate, η_t: after the "
    "schedule · m_t: the movement (momentum), λ its weight (β below) · σ^i_t: the running size of parameter i's past "
    "gradients · α: RMSProp's weight of the past (0.9 here). Adam keeps a momentum of g and an RMSProp σ.",
)

R = opt.RaceConfig()
LR_KEYS = tuple(f"or_lr_{rc.key}" for rc in opt.RACERS)
LR_OPTS = list(opt.LRS)
STEPS = list(opt.STEPS)
BATCHES = list(opt.BATCHES)
TARGETS = list(opt.TARGETS)
R_LRS = opt.lrs_of(R.lrs)
DEFAULTS = dict(or_surface=R.surface, or_batch=R.batch, or_steps=R.steps, or_sched=R.schedule, or_beta=R.beta,
                or_target=1e-3, or_inspect="Momentum (lecture)", or_t=10, or_ends="Adam", or_real=False,
                **dict(zip(LR_KEYS, R_LRS)))
ONLY = lambda **on: {f"or_lr_{k}": v for k, v in zip(opt.RaceLRs.__dataclass_fields__, opt.lrs_of(opt.only(**on)))}  # noqa: E731


def lr_fmt(v):
    if isinstance(v, str):
        return v
    return "off" if v == 0 else f"{v:g}"


def g_fmt(v):
    return v if isinstance(v, str) else f"{v:g}"


kit.try_this([
    kit.Preset("Adagrad's step explodes", "The lecture's Adagrad (root MEAN square) on the long valley: once the "
               "gradients across the valley are tiny for a while, σ shrinks, η/σ grows and the step shoots out.",
               dict(or_steps=300, or_inspect="Adagrad (lecture)", or_t=57, or_ends="Adagrad (lecture)",
                    **ONLY(adagrad_lecture=0.5, adagrad_torch=0.5))),
    kit.Preset("Decay tames it", "The same race with an exponentially decaying η: the explosion is gone. Not every "
               "decay does this at every η: at η = 0.5, step and cosine decay only postpone the explosion (on runs of "
               "500 steps or more it comes back); exponential decay and warm-up then decay tame it up to 1,000 steps.",
               dict(or_steps=300, or_sched="exponential", or_inspect="Adagrad (lecture)", or_t=57,
                    or_ends="Adagrad (lecture)", **ONLY(adagrad_lecture=0.5, adagrad_torch=0.5))),
    kit.Preset("Momentum rolls over a hill", "Plain gradient descent stops in the first dip; momentum carries "
               "its speed over the small hill to the deeper minimum.",
               dict(or_surface="small hill", or_inspect="Momentum (lecture)", or_t=8,
                    or_ends="Momentum (lecture)", **ONLY(sgd=0.15, mom_lecture=0.03, nesterov=0.03))),
    kit.Preset("Noisy small batches", "Minibatches of 4 examples: every gradient is noisy, the paths wander, and "
               "a constant η never settles; try the cosine schedule next.",
               dict(or_batch=4, or_ends="SGD", **ONLY(sgd=0.15, mom_lecture=0.03, adam=0.1))),
], DEFAULTS)

left, right = st.columns([1, 3], gap="large")
with left:
    st.subheader("The race")
    surface = kit.selectbox("Surface", list(opt.SURFACES), R.surface, "or_surface",
                         "The loss surface every optimizer descends, from the same start (black square).")
    st.caption(opt.describe(surface))
    batch = kit.select_slider("Minibatch size B", BATCHES, R.batch, "or_batch",
                           f"The surface is the mean loss of {opt.N_EXAMPLES} examples; each update sees B of them, "
                           f"so a smaller B gives a noisier gradient. B = {opt.N_EXAMPLES} is the full batch: the "
                           "exact gradient.")
    steps = kit.select_slider("Steps", STEPS, R.steps, "or_steps", "Updates each optimizer makes.")
    sched = kit.radio("Learning-rate schedule", opt.SCHEDULES, R.schedule, "or_sched",
                      "How η changes over the run (torch.optim.lr_scheduler), applied to every racer.", horizontal=False)
    beta = kit.slider("Momentum β (λ)", 0.0, 0.99, R.beta, "or_beta",
                   "Weight of the last movement in Momentum and Nesterov (0: plain gradient descent).", step=0.01)
    st.markdown("**Learning rate η of each racer** (off: leave it out)")
    lrs = []
    for racer, key, d in zip(opt.NAMES, LR_KEYS, R_LRS):
        lrs.append(kit.select_slider(racer, LR_OPTS, d, key, f"η of {racer}; 'off' removes it from the race.",
                                  fmt=lr_fmt))
    target = kit.select_slider("Target: loss − f* below", TARGETS, 1e-3, "or_target",
                            "The leaderboard counts the steps each optimizer needs to get this close to the "
                            "lowest loss of the surface f*.", fmt=g_fmt)

cfg = opt.RaceConfig(surface=surface, lrs=opt.RaceLRs(*(float(v) for v in lrs)), schedule=sched, steps=int(steps), beta=float(beta),
                     batch=int(batch), seed=kit.seed())
r = kit.shared("optimizers-race", opt.race, cfg)
grid = opt.surface_grid(cfg.surface)
done = True  # fixed step counts: every race finishes
hist = kit.shared("optimizers-hist", lambda _c, res: opt.history(res), cfg, r, keep=lambda _: done)
board = kit.shared("optimizers-board", lambda key, res: opt.leaderboard(res, key[1]), (cfg, float(target)), r,
                   keep=lambda _: done)

with right:
    if not r.racers:
        kit.problem("No optimizer is racing: give at least one of them a learning rate.")
    kit.report(r.log, r.racers)
    kit.chart(charts.race_map, r, grid, hist)
    st.caption("Grey square: the start; yellow cross: the global minimum; shading: loss − f* (darker is higher).")
    if len(hist):
        kit.chart(charts.loss_chart, hist, r.racers)
    if len(board):
        st.markdown(f"**Leaderboard** (target: loss − f* ≤ {target:g})")
        st.dataframe(board, hide_index=True, width="stretch",
                     column_config={"η": st.column_config.NumberColumn(format="%g"),
                                    "final loss": st.column_config.NumberColumn(format="%.3e"),
                                    "share of starts at the minimum": st.column_config.ProgressColumn(
                                        "share of starts at the minimum", format="percent", min_value=0.0,
                                        max_value=1.0)})
    kit.notice("**What to notice:** on the long narrow valley one η cannot suit both directions: plain gradient "
               "descent needs a small η for the steep y direction, so it crawls along the flat x. Momentum builds up "
               "speed along the valley, and Adagrad, RMSProp and Adam divide η by each parameter's σ: large steps "
               "along the flat direction, small ones across the steep one.")
    st.download_button("Race history (CSV)", opt.history_csv(r), "optimizer_race.csv", "text/csv",
                       help="Step, optimizer, loss, loss − f* and position (x, y) of every racer at every step.")

st.divider()
st.header("Learning-rate schedules")
a, b = st.columns([3, 2], gap="large")
with a:
    kit.chart(charts.schedule_chart, opt.schedule_frame(cfg.steps), cfg.schedule)
with b:
    st.markdown(
        "**Decay**: η shrinks as the run goes on (step, exponential, cosine). **Warm-up**: η first grows, then "
        "decays; it keeps the first steps small while σ is still a poor estimate. The chosen schedule is a "
        "`torch.optim.lr_scheduler` (`StepLR`, `ExponentialLR`, `CosineAnnealingLR`, `LinearLR` then "
        "`CosineAnnealingLR` in a `SequentialLR`) stepped after every update of every racer.")
    st.markdown(
        "**Two Adagrads.** The lecture's σ is the root *mean* square of the past gradients; "
        "`torch.optim.Adagrad` divides by the root of their *sum*, which is √(t+1) times larger, so PyTorch's "
        "Adagrad is the lecture's with the decay η/√(t+1) built in. The racer *Adagrad (lecture)* is "
        "`torch.optim.Adagrad` with η multiplied by √(t+1) at update t (a `LambdaLR` factor), on top of the schedule.")
    kit.notice("**What to notice:** with a constant η the lecture's Adagrad can explode after a long run of small "
               "gradients (try the first preset). A decay can tame it, but not at every η: up to 1,000 steps it still explodes "
               "under step and cosine decay at η = 0.5 and under every schedule at η = 1.")

st.divider()
st.header("Inside one optimizer")
a, b = st.columns([1, 3], gap="large")
with a:
    who = kit.selectbox("Optimizer", opt.NAMES, "Momentum (lecture)", "or_inspect", "Which racer to look inside.")
    pct = kit.slider("Moment in the run (% of the steps)", 1, 100, 10, "or_t",
                  "Which update to inspect, as a share of the steps run.")
    k = r.racers.index(who) if who in r.racers else -1
    t = max(1, int(round(pct / 100 * max(1, r.steps_done))))
    ins = kit.shared("optimizers-inside", lambda key, res: opt.inside(res, key[1], key[2]), (cfg, k, t), r,
                     keep=lambda _: done) if k >= 0 else None
    if k < 0:
        kit.problem(f"{who} is not racing: give it a learning rate to look inside.")
    elif ins is None:
        d = r.diverged_at(k)
        kit.problem(f"{who} diverged at step {d}: nothing to show at update {t}." if d else
                    f"{who} has no update {t}.")
    else:
        st.metric("update t", f"{t} of {r.steps_done}")
        st.metric("η_t (after the schedule)", f"{ins.lr:.4g}")
        st.metric("η_t/σ for x, y", f"{ins.eff_lr[0]:.3g}, {ins.eff_lr[1]:.3g}")
        st.metric("gradient g", f"({ins.grad[0]:.3g}, {ins.grad[1]:.3g})")
with b:
    if ins is not None:
        c1, c2 = st.columns(2)
        with c1:
            kit.chart(charts.inside_chart, r, k, ins)
        with c2:
            frame = kit.shared("optimizers-efflr", lambda key, res: opt.inside_frame(res, key[1]), (cfg, k), r,
                               keep=lambda _: done)
            kit.chart(charts.eff_lr_chart, frame, who, t)
        kit.notice("**What to notice:** the red arrow is where plain gradient descent would step (−η·g); the blue "
                   "one is where the optimizer actually went. With momentum the update is the last movement carried "
                   "over (green, λ·m) plus the gradient step: it keeps rolling even where the gradient is tiny. "
                   "Adaptive methods rescale each coordinate by η/σ (right), read from the optimizer's state: it "
                   "grows where gradients have been small and shrinks where they were large.")

st.divider()
st.header(f"Many starts: {len(r.starts)} starting points per optimizer, run at once")
a, b = st.columns([1, 3], gap="large")
with a:
    ends_of = kit.selectbox("Show the ends of", opt.NAMES, "Adam", "or_ends",
                         "Whose end points to draw on the map.")
    st.caption("The random starts ran in the same batched computation as the race above: each optimizer's "
               "parameter is a (101, 2) tensor whose rows move independently (tested equal to separate runs).")
with b:
    c1, c2 = st.columns(2)
    with c1:
        if ends_of in r.racers:
            kit.chart(charts.ends_chart, r, grid, r.racers.index(ends_of))
        else:
            kit.problem(f"{ends_of} is not racing: give it a learning rate.")
    with c2:
        if len(board):
            kit.chart(charts.share_chart, board)
    kit.notice("**What to notice:** where a surface has local minima or plateaus, the start decides much of the "
               "outcome; momentum carries some starts over small hills that stop plain gradient descent.")

st.divider()
st.header("A real race: a small network on handwritten digits")
st.markdown("Each racer that is on above trains its own copy of the same 64-32-10 network on scikit-learn's 8×8 "
            "digits (1,347 training images), on the same minibatches of 32, for 300 updates.")
if kit.toggle("Run the real race", False, "or_real", "Trains one network per racer (about 1-2 s on a 2-core CPU)."):
    scale = kit.select_slider("Learning rates ×", [0.1, 0.3, 1.0, 3.0, 10.0], 1.0, "or_real_lr",
                           "Every racer's network learning rate (SGD 0.1, Momentum 0.05, Adagrad 0.05, lecture "
                           "Adagrad 0.003, RMSProp 0.002, Adam 0.003) times this.", fmt=lambda v: f"×{v:g}"
                           if not isinstance(v, str) else v)
    rc = opt.RealConfig(racers=tuple(r.racers), lr_scale=float(scale), seed=kit.seed())
    if not rc.racers:
        kit.problem("No optimizer is racing: give at least one of them a learning rate above.")
    else:
        with st.spinner("training one network per optimizer…"):
            real = kit.shared("optimizers-real", opt.real_race, rc)
        kit.report(real.log, real.racers)
        c1, c2 = st.columns(2)
        with c1:
            kit.chart(charts.real_chart, real, "step")
        with c2:
            kit.chart(charts.real_chart, real, "seconds")
        st.markdown("Validation accuracy: " + " · ".join(
            f"**{n}** {v:.1%}" if np.isfinite(v) else f"**{n}** diverged" for n, v in real.val_acc.items()))
        kit.notice("**What to notice:** the adaptive methods and momentum usually get the loss down in fewer steps; "
                   "against wall time the ranking can shift, since Adam does more arithmetic per update than SGD.")
        if real.weights:
            st.download_button("Trained networks (.safetensors)", opt.weights_safetensors(real),
                               "digits_race.safetensors", "application/octet-stream",
                               help="Each optimizer's network (nn.Sequential keys, prefixed by the optimizer's name).")
