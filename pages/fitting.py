"""Fitting curves with sigmoids and ReLUs."""
from dataclasses import replace

import streamlit as st

from core import data, fitting
from core.charts import fitting as charts
from pages import _kit as kit

kit.header(
    "Fitting curves with sigmoids and ReLUs",
    "A straight line `y = b + wx` cannot bend. A constant plus a sum of S-shaped **sigmoid** units can follow any "
    "curve, and two **ReLU** units make one hard sigmoid, so 2K ReLUs do the job of K sigmoids. Below, both models "
    "train live on the same data and the same minibatches: watch the units add up to the fit.",
    r"y = b + \sum_{i=1}^{K} c_i\,\mathrm{sigmoid}\Big(b_i + \sum_j w_{ij}x_j\Big)"
    r"\qquad\text{vs}\qquad y = b + \sum_{i=1}^{2K} c_i\,\max\Big(0,\; b_i + \sum_j w_{ij}x_j\Big)",
    "x: input · y: prediction · K: number of units · w_ij, b_i: weight and bias of unit i · c_i: how much unit i "
    "adds to the output · b: the constant. With more layers, the activations a feed another layer to give a′.",
)

D = fitting.FitConfig()
DEFAULTS = dict(target=D.target, n=D.n, noise=D.noise, val=D.val_fraction, k=D.k, depth=D.depth, loss=D.loss,
                opt=D.optimizer, lr=D.lr, batch=D.batch_size, epochs=D.epochs, parts=True, sweep=False)
LRS = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.05, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0, 1000.0]
BATCHES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]
EPOCHS = [10, 25, 50, 100, 150, 200, 300, 500, 1000]

kit.try_this([
    kit.Preset("Too few units", "One sigmoid against two ReLUs on a wiggly curve: both underfit; add units.",
               dict(k=1)),
    kit.Preset("Corners need ReLUs", "A piecewise-linear target: ReLU fits reach the corners exactly.",
               dict(target="piecewise linear", k=3)),
    kit.Preset("Real temperatures", "Four years of Seattle's daily highs: 2×16 ReLUs follow the seasons.",
               dict(target="Seattle temperatures", n=400, k=16, lr=0.03, batch=512, epochs=1000)),
    kit.Preset("Blow it up", "Plain gradient descent with a huge learning rate: the run diverges.",
               dict(opt="SGD", lr=100.0)),
    kit.Preset("Overfit", "Few noisy training points, long training, big models: see validation part ways "
               "with training in the sweep.",
               dict(target="smooth and wiggly", n=100, noise=0.25, val=0.75, k=24, epochs=1000, sweep=True)),
], DEFAULTS)

left, right = st.columns([1, 3], gap="large")
with left:
    st.subheader("Controls")
    target = kit.selectbox("Target curve", data.CURVES, D.target, "target",
                           "What the models should learn. 'Seattle temperatures' is four years of real daily "
                           "maximum temperatures (vega_datasets, shipped offline).")
    n = kit.slider("Samples N", 20, 1000, D.n, "n", "How many points are drawn from the target.", step=10)
    noise = kit.slider("Noise", 0.0, 1.0, D.noise, "noise", "Standard deviation of the noise added to each y "
                       "(the 'noisy sample' target always has at least 0.25).", step=0.05)
    val = kit.slider("Validation share", 0.1, 0.8, D.val_fraction, "val",
                     "Share of the points held out (hollow triangles): never trained on, only measured.", step=0.05)
    k = kit.slider("Units K", 1, 32, D.k, "k", "Sigmoid units per layer; the ReLU model gets 2K.")
    depth = kit.radio("Hidden layers", [1, 2, 3], D.depth, "depth",
                      "Feed the activations a through another layer to get a′: a deeper model.")
    loss = kit.radio("Loss", list(fitting.LOSSES), D.loss, "loss",
                     "MSE: mean of squared errors. MAE: mean of absolute errors.")
    opt = kit.radio("Optimizer", list(fitting.OPTIMIZERS), D.optimizer, "opt",
                    "SGD is the lecture's plain gradient descent on minibatches; Adam adapts the step per weight.")
    lr = kit.select_slider("Learning rate η", LRS, D.lr, "lr", "Step size of each update. Too large and training diverges.")
    batch = kit.select_slider("Batch size B", BATCHES, D.batch_size, "batch",
                              "Points per update: the training set is cut into N/B batches, one update each.")
    epochs = kit.select_slider("Epochs", EPOCHS, D.epochs, "epochs", "Passes over the whole training set.")
    show_parts = kit.toggle("Show each unit's curve", True, "parts", "Draw c_i·a_i(x) for every unit under the fit.")

cfg = fitting.FitConfig(target=target, n=n, noise=noise, val_fraction=val, k=k, depth=depth, loss=loss,
                        optimizer=opt, lr=lr, batch_size=batch, epochs=epochs, seed=kit.seed(), max_seconds=8.0)
n_train = n - max(1, round(n * val))
per_epoch = -(-n_train // min(batch, n_train))

with right:
    st.markdown(f"**{n_train} training points**, B = {min(batch, n_train)} → N/B = **{per_epoch} updates per "
                f"epoch**, {per_epoch * epochs:,} updates in all. Filled circles: training points; hollow "
                "triangles: validation points; dashed grey: the true curve.")
    bar = st.empty()
    cols = st.columns(2)
    fit_ph = [c.empty() for c in cols]
    parts_ph = [c.empty() for c in cols]
    loss_ph = st.empty()

    def draw(r: fitting.FitResult, live: bool) -> None:
        if live:
            bar.progress(min(1.0, r.log.steps / max(1, r.log.planned)),
                         text=f"training… epoch {r.epochs_done} of {r.config.epochs}")
        if not r.log.diverged:
            for m in range(2):
                kit.chart(charts.fit_panel, r, m, where=fit_ph[m], live=live)
                if show_parts and not live:  # live frames draw the fits and losses only: cheaper
                    kit.chart(charts.parts_panel, r, m, where=parts_ph[m], live=live)
        if not r.history.empty:
            kit.chart(charts.loss_chart, r.history, r.config.loss, where=loss_ph, live=live)

    result = kit.shared("fitting", fitting.fit, cfg, progress=lambda r: draw(r, True))
    bar.empty()
    draw(result, False)
    kit.report(result.log, fitting.NAMES)
    if result.log.diverged:
        for ph in fit_ph + parts_ph:
            ph.empty()
        kit.chart(charts.divergence_chart, result.log.losses, tuple(result.log.diverged_at), where=loss_ph)
    else:
        f = result.final
        cols = st.columns(4)
        for col, (m, s) in zip(cols, [(mm, ss) for mm in fitting.NAMES for ss in ("train", "validation")]):
            col.metric(f"{m} · {s} {cfg.loss}", f"{result.final_loss(m, s):.4f}")
    kit.notice(
        "**What to notice:** each thin line is one unit's c_i·a_i(x); added to b they give the thick fit. Sigmoid units "
        "are smooth steps, ReLU units are hinges, and with 2K ReLUs the fit is as good as with K sigmoids. Solid loss "
        "lines are training, dashed are validation: when dashed rises while solid keeps falling, the model overfits.")
    c1, c2 = st.columns(2)
    c1.download_button("Loss history (CSV)", fitting.history_csv(result), "loss_history.csv", "text/csv",
                       help="Train and validation loss of both models at every epoch.")
    if not result.log.diverged:
        c2.download_button("Trained weights (.safetensors)", fitting.weights_safetensors(result), "fit_weights.safetensors",
                           "application/octet-stream",
                           help="Both models in nn.Sequential layout; load with safetensors.torch.load_file.")

st.divider()
st.header("Two ReLUs make a hard sigmoid")
a, b = st.columns([1, 2], gap="large")
with a:
    x0 = kit.slider("Ramp starts at x0", -1.0, 0.9, -0.3, "x0", "Where the hard sigmoid starts rising.", step=0.05)
    x1 = kit.slider("Ramp ends at x1", -0.9, 1.0, 0.4, "x1", "Where it reaches its full height.", step=0.05)
    height = kit.slider("Height c", -2.0, 2.0, 1.0, "height", "The value it rises to.", step=0.1)
    try:
        pair = fitting.relu_pair(x0, x1, height)
    except ValueError as e:
        pair = None
        kit.problem(f"{e}.")
with b:
    if pair is not None:
        w = pair.weights
        st.latex(rf"{w['c1']:.2f}\,\max(0,\;{w['b1']:.2f} + {w['w1']:.2f}\,x)\;+\;({w['c2']:.2f})\,"
                 rf"\max(0,\;{w['b2']:.2f} + {w['w2']:.2f}\,x)")
        kit.chart(charts.relu_pair_chart, pair)
        st.caption("The first ReLU starts the ramp at x0; the second, with the opposite c, cancels it from x1 on: "
                   "the sum (thick grey) is flat, rises, then is flat again, exactly the hard sigmoid (dashed green).")

st.divider()
st.header("Complexity sweep: where does overfitting start?")
st.markdown("Models with K = 1 … 24 sigmoid units (and 2K ReLUs) train on the data above, full-batch for 2,000 "
            "updates, all as one batched computation.")
if kit.toggle("Run the sweep", False, "sweep", "Trains 18 models at once (about 3 s on a 2-core CPU)."):
    with st.spinner("training 18 models…"):
        sw = kit.shared("fitting-sweep", fitting.sweep, replace(cfg, max_seconds=30.0))
    kit.chart(charts.sweep_chart, sw, cfg.loss)
    best = sw[sw.split == "validation"].dropna(subset=["loss"])
    if len(best):
        for m in fitting.NAMES:
            bm = best[best.model == m]
            if len(bm):
                row = bm.loc[bm.loss.idxmin()]
                st.markdown(f"- **{m}**: lowest validation loss at K = {int(row.k)} ({int(row.units)} units, "
                            f"{int(row.params)} parameters).")
    kit.notice("**What to notice:** training loss keeps falling as K grows, but validation loss stops improving and "
               "the gap between them widens: the extra flexibility is spent on fitting the noise.")
