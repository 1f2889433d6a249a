"""Fitting curves with sigmoids and ReLUs: K sigmoids against 2K ReLUs, trained live side by side; under them one
part at a time (two ReLUs make a hard sigmoid, or the trained fit in the lecture's matrix form), then the sweep."""
import streamlit as st

from core import fitting
from core.charts import fitting as charts
from pages import _kit as kit
from pages._fitting_parts import M, P, matrix, relu_pair
from pages._takehome import take_home

T = "fitting"
tx = kit.Text(T)
F = kit.Form(T, fitting.FitConfig, keys={"val_fraction": "val", "optimizer": "opt", "batch_size": "batch"})
V = kit.Form(T, fitting.FitView)


def url(values: dict) -> dict:
    """A preset's settings by field name -> by URL key."""
    return {(F if name in F.keys else V).key(name): v for name, v in values.items()}


kit.page(T, [F, V, P, M], [kit.Preset(name, url(values)) for name, values in fitting.PRESETS.items()],
         r"\begin{gathered}y = b + \sum_{i=1}^{K} c_i\,\mathrm{sigmoid}\Big(b_i + \sum_j w_{ij}x_j\Big)\\"
         r"y = b + \sum_{i=1}^{2K} c_i\,\max\Big(0,\; b_i + \sum_j w_{ij}x_j\Big)\end{gathered}")
NAMES = {m: tx(f"charts.model.{m}") for m in fitting.NAMES}


def controls() -> fitting.FitConfig:
    """The training controls, and under them what the update budget does to this setting."""
    for name in ("target", "k", "n", "noise", "val_fraction", "depth", "loss", "optimizer", "lr", "batch_size",
                 "epochs"):
        F(name)
    cfg = F.config(seed=kit.seed())
    plan = fitting.plan(cfg)
    if plan.capped:
        st.caption(tx("budget", b=plan.batch, n=plan.n_train, asked=plan.asked, updates=plan.asked_updates,
                      epochs=plan.epochs, budget=plan.budget))
    return cfg


def live_frame(r: fitting.FitResult) -> None:
    """Both fits and the loss curves while training runs (the first time this setting is asked for)."""
    c = st.columns(2)
    for m in range(2):
        kit.chart(charts.fit_panel, r, m, where=c[m], live=True)
    if not r.history.empty:
        kit.chart(charts.loss_chart, r.history, r.config.loss, live=True)


def replay(result: fitting.FitResult) -> None:
    """The recorded fits, epoch by epoch (play/pause), then the loss curves."""
    def frame(f: int) -> None:
        c = st.columns(2)
        for m in range(2):
            kit.chart(charts.fit_frame, result, m, f, where=c[m])

    last = len(result.frame_epochs) - 1
    f = kit.player("frame", last, frame, label=tx("replay"))
    if last > 0:  # the slider counts recorded frames, not epochs: say which epoch a frame is
        st.caption(tx("replay_epoch", frame=f, frames=last, epoch=int(result.frame_epochs[f]),
                      epochs=int(result.frame_epochs[-1])))
    kit.chart(charts.loss_chart, result.history, result.config.loss)


def notes(result: fitting.FitResult, show_parts: bool) -> None:
    """Each unit's curve, the final losses, and what to notice in this run (decided by fitting.facts)."""
    cfg, f = result.config, fitting.facts(result)
    if show_parts:
        c = st.columns(2)
        for m in range(2):
            kit.chart(charts.parts_panel, result, m, where=c[m])
    for col, (m, s) in zip(st.columns(4), [(m, s) for m in fitting.NAMES for s in fitting.SPLITS]):
        col.metric(tx("metric", model=NAMES[m], split=tx(f"charts.{s}"), loss=cfg.loss), f"{f.loss(m, s):.4f}")
    colours = {m: kit.colour(c) for m, c in charts.MODEL_COLOURS.items()}
    said = [tx("notice", sig=colours["sigmoid"], relu=colours["ReLU"]),
            tx("compare", k=cfg.k, k2=2 * cfg.k, loss=cfg.loss, relu=f.loss("ReLU", "train"),
               sig=f.loss("sigmoid", "train"), better=tx("relu_better") if f.relu_better else
               tx("sig_better", edge=fitting.PAIRS_EDGE_K, well=fitting.PAIRS_WELL_K) if fitting.pairs_hold(cfg)
               else tx("sig_better_here"))]
    said += [tx("overfits", model=NAMES[m], best=t.best, epoch=t.best_epoch, last=t.last) for m, t in f.overfit.items()]
    if f.floor is not None:  # the piecewise-linear target: did the ReLUs reach the corners (fitting.CORNER_FLOOR)?
        said.append(tx("corners_yes" if f.corners else "corners_no", relu=f.floor["ReLU"], sig=f.floor["sigmoid"],
                       floor=fitting.CORNER_FLOOR))
    kit.notice(" ".join(said))
    st.caption(tx("dead_relu", revived=int(result.revived[1]) if result.revived is not None else 0))


def experiment(cfg: fitting.FitConfig, show_parts: bool) -> fitting.FitResult:
    """The live run of both models, its replay, what to notice, and the downloads."""
    result = kit.train_live(T, fitting.fit, cfg, frame=live_frame, count=lambda r: (r.epochs_done, r.plan.epochs))
    kit.report(result.log, list(NAMES.values()))
    if result.log.diverged:
        kit.chart(charts.divergence_chart, result.log.losses, tuple(result.log.diverged_at))
    else:
        replay(result)
    st.caption(tx("status", n=result.plan.n_train, b=result.plan.batch, per=result.plan.per_epoch,
                  total=result.plan.updates, grey=kit.colour("grey")))
    if not result.log.diverged:
        notes(result, show_parts)
    d1, d2 = st.columns(2)
    kit.download(tx("dl.history"), lambda: fitting.history_csv(result), "loss_history.csv", "text/csv",
                 tx("dl.history_help"), where=d1)
    if not result.log.diverged:
        kit.download(tx("dl.weights"), lambda: fitting.weights_safetensors(result), "fit_weights.safetensors",
                     "application/octet-stream", tx("dl.weights_help"), where=d2)
    take_home(T, fitting.script(cfg, kit.lang()), fitting.SCRIPT_FILE)
    return result


def sweep(cfg: fitting.FitConfig) -> None:
    """The complexity sweep (on demand): final losses against K, each model's best K and the gap's trend."""
    st.divider()
    st.header(tx("sweep.header"))
    st.markdown(tx("sweep.intro", ks=", ".join(map(str, fitting.SWEEP_KS)), models=2 * len(fitting.SWEEP_KS),
                   steps=fitting.SWEEP_STEPS))
    if not V("sweep"):
        return
    sw = kit.shared(f"{T}-sweep", fitting.sweep, cfg, queued=kit.queued(st.empty()))
    for col, m in zip(st.columns(2), fitting.NAMES):
        kit.chart(charts.sweep_chart, sw, m, cfg.loss, where=col)
    f = fitting.sweep_facts(sw)
    for m, b in f.best.items():
        st.markdown(tx("sweep.best", model=NAMES[m], k=b.k, units=b.units, params=b.params))
    gaps = [tx("sweep.gap", model=NAMES[m], k0=g.k0, g0=g.g0, k1=g.k1, g1=g.g1,
               trend=tx("sweep.wider" if g.wider else "sweep.narrower")) for m, g in f.gap.items()]
    kit.notice(" ".join([tx("sweep.notice")] + gaps))


left, right = st.columns([1, 3], gap="medium")
with left:
    config = controls()
    show_parts = V("parts")
with right:
    run = experiment(config, show_parts)
st.divider()
kit.parts(V, {"pair": relu_pair, "matrix": lambda: matrix(run)}, label_visibility="collapsed", width="stretch")
sweep(config)
