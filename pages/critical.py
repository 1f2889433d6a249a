"""Critical points: local minimum or saddle? The Hessian explorer."""
import numpy as np
import streamlit as st

from core import critical
from core.charts import critical as charts
from pages import _legacy as kit

kit.header(
    "Critical points: local minimum or saddle?",
    "Training stalls where the gradient is zero: a **critical point**. It can be a local minimum, a local maximum or a "
    "**saddle point**, and the gradient alone cannot tell them apart. The **Hessian** H, the matrix of second "
    "derivatives, can: its eigenvalues say whether the loss curves up or down in each direction, and at a saddle the "
    "eigenvector of a negative eigenvalue shows the way out.",
    r"L(\theta) \approx L(\theta') + (\theta-\theta')^{\top} g + \tfrac{1}{2}(\theta-\theta')^{\top} H\,(\theta-\theta')"
    r"\qquad g = \nabla L(\theta'),\quad H_{ij} = \frac{\partial^2 L}{\partial\theta_i\,\partial\theta_j}(\theta')"
    r"\qquad u^{\top} H u = \lambda\lVert u\rVert^2",
    "θ: the parameters · θ′: the point we look at · L: the loss · g: the gradient at θ′ · H: the Hessian at θ′ · "
    "λ: an eigenvalue of H, u its eigenvector. At a critical point g = 0: all λ > 0 is a local minimum, all λ < 0 a local "
    "maximum, mixed signs a saddle, and a λ ≈ 0 leaves the Hessian undecided (degenerate).",
)

D, E, R = critical.PointConfig(), critical.EscapeConfig(), critical.RatioConfig()
DEFAULTS = dict(cp_surface=D.name, cp_x=D.x, cp_y=D.y, cp_win=D.window, cp_off=E.offset, cp_lr=E.lr, cp_steps=E.steps,
                cp_jump=E.jump, cp_ratio=False, cp_runs=R.runs, cp_hidden=R.hidden, cp_rsteps=R.steps)
WINDOWS = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0]
OFFSETS = [0.0, 1e-4, 1e-3, 0.01, 0.05, 0.1, 0.3]
LRS = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.2, 0.5]
STEPS = [25, 50, 100, 150, 200, 400, 1000]
JUMPS = [0.05, 0.1, 0.25, 0.5, 1.0]

kit.try_this([
    kit.Preset("A valley of minima", "The one-neuron network at w1 = w2 = 1: g = 0, one eigenvalue is 0. The Hessian "
               "cannot decide; the loss is flat along the curve w1·w2 = 1, a whole valley of minima.",
               dict(cp_x=1.0, cp_y=1.0)),
    kit.Preset("Monkey saddle", "x³ − 3xy²: at the origin H = 0, so the Hessian says nothing and no eigenvector points "
               "downhill; the true loss still goes down in three directions.",
               dict(cp_surface="monkey saddle", cp_x=0.0, cp_y=0.0)),
    kit.Preset("Rosenbrock's valley", "A true minimum at (1, 1), but one eigenvalue is 2,500 times the other: a long, "
               "narrow, almost flat valley where gradient descent crawls.",
               dict(cp_surface="Rosenbrock", cp_x=1.0, cp_y=1.0, cp_win=0.25)),
    kit.Preset("Stuck exactly on the saddle", "Start gradient descent exactly at the saddle: g = 0, so it never moves; "
               "one step along the negative eigenvector escapes at once.",
               dict(cp_off=0.0, cp_steps=100)),
], DEFAULTS)

left, right = st.columns([1, 3], gap="large")
with left:
    st.subheader("The point θ′")
    name = kit.selectbox("Surface", critical.SURFACES, D.name, "cp_surface",
                         "The loss to explore. 'one-neuron network' is the lecture's ŷ = w1·w2·x trained on (x = 1, y = 1); "
                         "'network slice' varies two weights of a 10-input tanh network trained on scikit-learn's "
                         "diabetes data (the seed picks the network), the others stay at their trained values.")
    ax, ay = critical.AXES[name]
    x = kit.slider(f"θ′ first coordinate ({ax})", critical.LO, critical.HI, D.x, "cp_x",
                   "Where to compute the gradient, the Hessian and its eigenvectors.", step=0.05)
    y = kit.slider(f"θ′ second coordinate ({ay})", critical.LO, critical.HI, D.y, "cp_y",
                   "Where to compute the gradient, the Hessian and its eigenvectors.", step=0.05)
    win = kit.select_slider("Zoom of the local view", WINDOWS, D.window, "cp_win",
                            "Half-width of the window around θ′ where the quadratic approximation is compared with the "
                            "true loss: close in they agree, further out they part.")

seed = kit.seed()
sseed = seed if name == "network slice" else 0  # only the slice depends on the seed: one result for every seed
surf = kit.shared("critical-surface", critical.surface, critical.SurfaceConfig(name=name, seed=sseed))
pt = kit.shared("critical-point", critical.point, critical.PointConfig(name=name, x=x, y=y, window=win, seed=sseed),
                maxsize=64)
saddle = critical.nearest_saddle(surf.critical, x, y)
esc = None

with right:
    st.latex(critical.FORMULAS[name])
    if name == "network slice":
        net = critical.slice_net(seed)
        st.caption(f"Hidden unit {net.unit + 1} of a 10 → {net.hidden} → 1 tanh network trained for "
                   f"{critical.SLICE_STEPS} Adam steps (training loss {net.loss:.3f}); x: its weight on body-mass index, "
                   "y: its output weight.")
    map_col, info = st.columns([3, 2], gap="medium")
    contour_ph = map_col.empty()
    with info:
        kind_text = {"minimum": "a local **minimum**", "maximum": "a local **maximum**", "saddle": "a **saddle point**",
                     "degenerate": "**degenerate**: the Hessian cannot decide", "not critical": "**not a critical point**"}
        st.markdown(f"**Verdict at θ′ = ({x:.2f}, {y:.2f}):** {kind_text[pt.kind]}. {pt.reason}")
        m = st.columns(2)
        m[0].metric("loss L(θ′)", f"{pt.loss:.4g}")
        m[1].metric("gradient norm ‖g‖", f"{np.linalg.norm(pt.grad):.3g}")
        m[0].metric("eigenvalue λ1", f"{pt.eigvals[0]:.4g}")
        m[1].metric("eigenvalue λ2", f"{pt.eigvals[1]:.4g}")
        H, g, U = pt.hessian, pt.grad, pt.eigvecs
        st.latex(rf"g = \begin{{bmatrix}}{g[0]:.3g}\\ {g[1]:.3g}\end{{bmatrix}}\quad "
                 rf"H = \begin{{bmatrix}}{H[0, 0]:.4g} & {H[0, 1]:.4g}\\ {H[1, 0]:.4g} & {H[1, 1]:.4g}\end{{bmatrix}}")
        st.latex(rf"u_1 = \begin{{bmatrix}}{U[0, 0]:.3f}\\ {U[1, 0]:.3f}\end{{bmatrix}}\quad "
                 rf"u_2 = \begin{{bmatrix}}{U[0, 1]:.3f}\\ {U[1, 1]:.3f}\end{{bmatrix}}")
        kit.notice("**What to notice:** at a critical point the gradient is zero, so only the Hessian's eigenvalues "
                   "tell where you are. Red eigenvector arrows (λ < 0) point downhill, blue ones (λ > 0) uphill, grey "
                   "ones (λ ≈ 0) are flat; mixed colours where g = 0 make a saddle. The dashed black line, where shown, "
                   "is −g: the way gradient descent goes.")

st.subheader("The quadratic approximation beside the true loss")
c1, c2, c3 = st.columns(3)
with c1:
    kit.chart(charts.local_chart, pt, "true loss")
with c2:
    kit.chart(charts.local_chart, pt, "quadratic approximation")
with c3:
    kit.chart(charts.slices_chart, pt)
st.caption("Same colour scale left and middle (purple low, yellow high; hover for values). Zoom in and the two maps become the same picture: near θ′ the loss is its "
           "quadratic approximation. At a degenerate point (a λ ≈ 0) the approximation is flat along that eigenvector "
           "and the true loss (solid) parts from it (dashed): higher-order terms decide.")

with st.expander(f"All {len(surf.critical)} critical points in view (Newton's method from "
                 f"{surf.config.starts}² starts, as one batch)", expanded=False):
    st.dataframe(surf.critical.rename(columns={"higher_order": "true loss nearby says", "lambda1": "λ1", "lambda2": "λ2",
                                                "grad_norm": "‖g‖"}), hide_index=True)

st.divider()
st.header("Escaping a saddle")
if saddle is None:
    kit.problem("No critical point in view has a negative eigenvalue on this surface, so there is no saddle to escape "
                "from (a degenerate saddle such as the monkey saddle's has H = 0: no eigenvector points downhill). "
                "Pick the one-neuron network or x² − y².")
else:
    a, b = st.columns([1, 3], gap="large")
    with a:
        st.markdown(f"Saddle nearest θ′: **({saddle[0]:.3f}, {saddle[1]:.3f})**.")
        off = kit.select_slider("Start this far from the saddle", OFFSETS, E.offset, "cp_off",
                                "Plain gradient descent starts at this distance from the saddle, in a random direction "
                                "drawn from the seed. At 0 it starts exactly on the saddle, where g = 0.")
        lr = kit.select_slider("Learning rate η", LRS, E.lr, "cp_lr", "Step size of both gradient-descent runs.")
        steps = kit.select_slider("Steps", STEPS, E.steps, "cp_steps", "Gradient-descent steps of each run.")
        jump = kit.select_slider("Escape step along u", JUMPS, E.jump, "cp_jump",
                                 "Length of the one step along the eigenvector u of the negative eigenvalue, taken "
                                 "before the second run's gradient descent. Predicted drop: ½·λ·length².")
    cfg = critical.EscapeConfig(name=name, sx=saddle[0], sy=saddle[1], offset=off, lr=lr, steps=steps, jump=jump,
                                seed=seed)
    esc = kit.shared("critical-escape", critical.escape, cfg, maxsize=64)
    with b:
        kit.report(esc.log, critical.RUNS)
        kit.chart(charts.escape_chart, esc)
        m = st.columns(4)
        m[0].metric("predicted drop ½λ‖u‖²", f"{esc.predicted_drop:.4g}")
        m[1].metric("actual drop of that step", f"{esc.actual_drop:.4g}")
        for col, run in zip(m[2:], critical.RUNS):
            k = esc.escape_steps[run]
            col.metric(f"halfway: {'plain' if run == critical.RUNS[0] else 'escape'}",
                       "never" if k is None else f"{k} steps",
                       help="Steps until the run's loss is halfway from the saddle's loss to the lowest loss reached.")
        kit.notice("**What to notice:** next to a saddle the gradient is tiny, so plain gradient descent (orange) crawls "
                   "before it slides off, and started exactly on the saddle it never moves. One step along the "
                   "eigenvector of the negative eigenvalue lowers the loss by about ½λ‖u‖² at once (light blue), and "
                   "descent goes on from there. Both paths are drawn on the map above.")
        st.download_button("Both runs, step by step (CSV)", critical.escape_csv(esc), "escape_runs.csv", "text/csv",
                           help="Position and loss of both gradient-descent runs at every step.")

kit.chart(charts.contour_chart, surf, pt, esc, where=contour_ph)

st.divider()
st.header("Where does training stop? The minimum ratio")
st.markdown("Train the same small network (10 diabetes measurements → H tanh units → disease progression) many times "
            "from different random starts, all runs as one batched computation. Where each run stops, compute the full "
            "Hessian of the training loss over all its weights, and the **minimum ratio** = (positive eigenvalues) / "
            "(all eigenvalues): 1 only at a true local minimum.")
if kit.toggle("Run the minimum-ratio experiment", False, "cp_ratio",
              "Trains the networks below and computes each one's full Hessian (about a second on a 2-core CPU)."):
    a, b = st.columns([1, 3], gap="large")
    with a:
        runs = kit.select_slider("Runs", [4, 8, 16, 24], R.runs, "cp_runs", "Networks trained from different seeds.")
        hidden = kit.select_slider("Hidden units H", [1, 2, 4, 8, 12], R.hidden, "cp_hidden",
                                   "Width of each network; it has 12·H + 1 weights, so its Hessian is (12H+1)². "
                                   "Try H = 1: a network that small does end in true minima.")
        rsteps = kit.select_slider("Training steps", list(critical.STEP_CHOICES), R.steps, "cp_rsteps",
                                   "Full-batch Adam steps before the Hessian is computed.")
    rcfg = critical.RatioConfig(runs=runs, hidden=hidden, steps=rsteps, seed=seed)
    with b:
        with st.spinner(f"training {runs} networks and computing their Hessians…"):
            rr = kit.shared("critical-ratio", critical.min_ratio, rcfg, maxsize=8)
        kit.report(rr.log, [f"run {i}" for i in range(runs)])
        if rr.table.empty:
            kit.problem("Every run diverged: no Hessian to look at.")
        else:
            p1, p2 = st.columns([3, 2])
            with p1:
                kit.chart(charts.ratio_chart, rr)
            with p2:
                kit.chart(charts.spectrum_chart, rr)
            n_min = int((rr.table.negative == 0).sum())
            st.markdown(f"**{len(rr.table) - n_min} of {len(rr.table)}** runs stopped where the Hessian still has a "
                        f"negative eigenvalue; median minimum ratio **{rr.table.min_ratio.median():.3f}**, median gradient "
                        f"norm {rr.table.grad_norm.median():.2g}.")
            kit.notice("**What to notice:** the dots sit left of the dashed line at 1: where training stops, the Hessian "
                       "almost always still has a few negative eigenvalues (red ticks), so the point is not a true local "
                       "minimum, even when the loss looks settled. Only a tiny network (H = 1) reliably ends in true "
                       "minima; wider networks almost never do.")
            d1, d2 = st.columns(2)
            d1.download_button("Every run: loss, eigenvalue signs, ratio (CSV)", critical.ratio_csv(rr),
                               "minimum_ratio.csv", "text/csv", help="One row per trained network.")
            d2.download_button("Trained weights (.safetensors)", critical.ratio_safetensors(rr), "ratio_networks.safetensors",
                               "application/octet-stream",
                               help="W1 (runs, H, 10), b1, w2, b2 of every network; load with safetensors.torch.load_file.")
