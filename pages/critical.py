"""Critical points: local minimum or saddle? The Hessian at a point, its quadratic approximation, every
critical point in view, escaping a saddle along the negative eigenvector, and the minimum ratio."""
import numpy as np
import streamlit as st

from core import critical
from core.charts import critical as charts
from pages import _kit as kit

T = "critical"
P = kit.Form(T, critical.PointConfig, prefix="cp_", keys={"name": "cp_surface", "window": "cp_win"},
             skip=("seed", "grid"))
E = kit.Form(f"{T}.escape", critical.EscapeConfig, prefix="cp_", keys={"offset": "cp_off"},
             skip=("seed", "name", "sx", "sy"))
V = kit.Form(f"{T}.ratio", charts.RatioView, prefix="cp_")
R = kit.Form(f"{T}.ratio", critical.RatioConfig, prefix="cp_", keys={"steps": "cp_rsteps"}, skip=("seed", "lr"))
kit.page(T, [P, E, V, R], [
    kit.Preset("valley", {"cp_x": 1.0, "cp_y": 1.0}),
    kit.Preset("monkey", {"cp_surface": "monkey saddle", "cp_x": 0.0, "cp_y": 0.0}),
    kit.Preset("rosenbrock", {"cp_surface": "Rosenbrock", "cp_x": 1.0, "cp_y": 1.0, "cp_win": 0.25}),
    kit.Preset("stuck", {"cp_off": 0.0, "cp_steps": 100}),
], r"\begin{gathered}L(\theta) \approx L(\theta') + (\theta-\theta')^{\top} g"
   r" + \tfrac{1}{2}(\theta-\theta')^{\top} H\,(\theta-\theta')\\"
   r"g = \nabla L(\theta'),\quad H_{ij} = \frac{\partial^2 L}{\partial\theta_i\,\partial\theta_j}(\theta'),"
   r"\quad u^{\top} H u = \lambda\lVert u\rVert^2\end{gathered}")
lang = kit.lang()
colour = lambda name: kit.t(f"common.colour.{name}")  # noqa: E731 - the word for a colour the chart draws
white = kit.t(f"{T}.white")  # KIND_FILL and GRADIENT_COLOUR: white on the map


def num(v: float) -> str:
    """3 significant digits, written for LaTeX (no e-notation)."""
    if v == 0 or not np.isfinite(v):
        return "0" if v == 0 else str(v)
    e = int(np.floor(np.log10(abs(v))))
    if -3 <= e < 4:
        return f"{v:.3g}" if abs(v) < 1000 else f"{v:.0f}"
    return rf"{v / 10 ** e:.3g}\times 10^{{{e}}}"


def short(v: float) -> str:
    """A metric value: whole, and short enough for a narrow column."""
    return "0" if v == 0 else f"{v:.4g}" if 1e-3 <= abs(v) < 1e5 else f"{v:.2e}"


def keep_in_link(form: kit.Form, names) -> None:
    """Controls not drawn in this run keep their value in the link (a shared link reproduces the page)."""
    for name in names:
        kit.sync_url(form.key(name), form.value(name), form.specs[name][1])


seed = kit.seed()
left, right = st.columns([1, 3], gap="medium")
with left:
    name = P("name")
    ax, ay = (kit.t(f"{T}.charts.axis.{a}") for a in critical.AXES[name])
    x = P("x", label=kit.t(f"{T}.ctl.x.label", ax=ax))
    y = P("y", label=kit.t(f"{T}.ctl.y.label", ax=ay))
    P("window")

sseed = seed if name == "network slice" else 0  # only the slice depends on the seed: one result for every seed
pcfg = P.config(seed=sseed)
slow = name == "network slice"  # the slice trains its network first: that takes a training slot
scfg = critical.SurfaceConfig(name=name, seed=sseed)
surf = kit.shared(f"{T}-surface", critical.surface, scfg, gate=slow)
pt = kit.shared(f"{T}-point", critical.point, pcfg, gate=False)
saddle = kit.shared(f"{T}-saddle", lambda key, s: critical.nearest_saddle(s.critical, key[1], key[2]), (scfg, x, y), surf,
                    gate=False)
lams = kit.t(f"{T}.sep").join(f"{v:.4g}" for v in pt.eigvals)
gnorm = float(np.linalg.norm(pt.grad))

with right:
    mc, ic = st.columns([2, 1], gap="small")
    map_ph = mc.empty()  # drawn once the escape paths are known
    with ic:
        st.markdown(kit.t(f"{T}.verdict.line", x=f"{x:.2f}", y=f"{y:.2f}", kind=kit.t(f"{T}.verdict.{pt.kind}")))
        for label, v in zip(("loss", "grad", "lam1", "lam2"), (pt.loss, gnorm, *pt.eigvals)):
            st.metric(kit.t(f"{T}.metric.{label}"), short(float(v)))
    signs = {critical.sign_of(v, pt.eigvals) for v in pt.eigvals}
    shape = ("up" if signs == {"λ > 0"} else "down" if signs == {"λ < 0"} else
             "mixed" if {"λ < 0", "λ > 0"} <= signs else "flat")
    reason = kit.t(f"{T}.reason.{pt.kind}", lams=lams, g=f"{gnorm:.3g}", shape=kit.t(f"{T}.shape.{shape}"))
    if pt.higher_order is not None:
        reason += " " + kit.t(f"{T}.higher.{pt.higher_order}")
    st.markdown(reason)
    st.latex(critical.FORMULAS[name])
    g, H, U = pt.grad, pt.hessian, pt.eigvecs
    cells = [rf"g = \begin{{pmatrix}}{num(g[0])}\\ {num(g[1])}\end{{pmatrix}}",
             rf"H = \begin{{pmatrix}}{num(H[0, 0])} & {num(H[0, 1])}\\ {num(H[1, 0])} & {num(H[1, 1])}\end{{pmatrix}}"]
    cells += [rf"u_{k + 1} = \begin{{pmatrix}}{U[0, k]:.3f}\\ {U[1, k]:.3f}\end{{pmatrix}},\ "
              rf"\lambda_{k + 1} = {num(pt.eigvals[k])}" for k in range(2)]
    for row in (cells[:2], cells[2:]):  # one formula per cell: each fits half the column
        for col, tex in zip(st.columns(2, gap="small"), row):
            col.latex(tex)
    if np.isfinite(pt.condition) and pt.condition >= 10:
        cond = f"{pt.condition:,.0f}" if pt.condition >= 100 else f"{pt.condition:.3g}"
        st.caption(kit.t(f"{T}.map.condition", cond=cond))
    if name == "network slice":
        net = critical.slice_net(seed)
        st.caption(kit.t(f"{T}.map.slice", unit=net.unit + 1, hidden=net.hidden, steps=critical.SLICE_STEPS,
                         loss=f"{net.loss:.3f}"))
    st.caption(kit.t(f"{T}.map.caption", white=white))
    kit.notice(kit.t(f"{T}.map.notice", neg=colour(charts.ARROW_COLOURS["λ < 0"]),
                     pos=colour(charts.ARROW_COLOURS["λ > 0"]), flat=colour(charts.ARROW_COLOURS["λ ≈ 0"]), white=white))

st.subheader(kit.t(f"{T}.local.header"))
c1, c2, c3 = st.columns(3)
kit.chart(charts.local_chart, pt, "true loss", lang, where=c1)
kit.chart(charts.local_chart, pt, "quadratic approximation", lang, where=c2)
for which in (0, 1):
    kit.chart(charts.slices_chart, pt, which, lang, where=c3)
st.caption(kit.t(f"{T}.local.caption"))

crit = surf.critical
with st.expander(kit.t(f"{T}.table.title", n=len(crit), s=surf.config.starts)):
    shown = crit.assign(kind=[kit.t(f"{T}.charts.kind.{k}") for k in crit.kind],
                        higher_order=[kit.t(f"{T}.charts.higher.{k}") for k in crit.higher_order])
    cols = {"x": "x", "y": "y", "loss": "loss", "kind": "kind", "higher_order": "higher", "lambda1": "lambda1",
            "lambda2": "lambda2", "grad_norm": "grad"}
    st.dataframe(shown.rename(columns={c: kit.t(f"{T}.table.{k}") for c, k in cols.items()}), hide_index=True)

st.divider()
st.header(kit.t(f"{T}.escape.header"))
esc = None
if saddle is None:
    kit.problem(kit.t(f"{T}.escape.no_saddle"))
    keep_in_link(E, E.specs)
else:
    a, b = st.columns([1, 3], gap="medium")
    with a:
        for field in ("offset", "lr", "steps", "jump"):
            E(field)
    ecfg = critical.EscapeConfig(name=name, sx=saddle[0], sy=saddle[1], offset=E.value("offset"), lr=E.value("lr"),
                                 steps=E.value("steps"), jump=E.value("jump"), seed=seed)
    wait = st.empty()
    esc = kit.shared(f"{T}-escape", critical.escape, ecfg, queued=kit.queued(wait))
    wait.empty()
    runs = {r: kit.t(f"{T}.escape.{k}") for r, k in zip(critical.RUNS, ("plain", "jumped"))}
    with b:
        st.markdown(kit.t(f"{T}.escape.saddle", x=f"{saddle[0]:.3f}", y=f"{saddle[1]:.3f}", lam=f"{esc.lam:.3g}"))
        kit.report(esc.log, list(runs.values()))
        kit.chart(charts.escape_chart, esc, lang)
        m = st.columns(4)
        m[0].metric(kit.t(f"{T}.escape.predicted"), short(esc.predicted_drop))
        m[1].metric(kit.t(f"{T}.escape.actual"), short(esc.actual_drop))
        for col, run in zip(m[2:], critical.RUNS):
            k = esc.escape_steps[run]
            col.metric(kit.t(f"{T}.escape.halfway", run=runs[run]),
                       kit.t(f"{T}.escape.never") if k is None else kit.t(f"{T}.escape.steps", k=k),
                       help=kit.t(f"{T}.escape.halfway_help"))
        p, q = (esc.escape_steps[r] for r in critical.RUNS)
        plain_loss = esc.history[esc.history.run == critical.RUNS[0]].loss
        words = dict(plain=colour(charts.RUN_COLOURS[critical.RUNS[0]]), esc=colour(charts.RUN_COLOURS[critical.RUNS[1]]),
                     p=p, steps=ecfg.steps, offset=f"{ecfg.offset:g}",
                     q=kit.t(f"{T}.escape.at_once") if q == 0 else kit.t(f"{T}.escape.after", k=q))
        if q is None:
            story = "neither"
        elif p is None:
            story = "stuck" if ecfg.offset == 0 and bool((plain_loss == esc.saddle_loss).all()) else "never_half"
        else:  # "next to the saddle ... crawls" only where the start is close (the claim tests' setting)
            story = "crawl" if ecfg.offset <= 0.01 and p >= 2 * q else "compare"
        kit.notice(kit.t(f"{T}.escape.notice", story=kit.t(f"{T}.escape.{story}", **words),
                         drop=kit.t(f"{T}.escape.drop", jump=f"{ecfg.jump:g}", actual=short(esc.actual_drop),
                                    pred=short(esc.predicted_drop))))
        kit.download(kit.t(f"{T}.dl.escape"), lambda: critical.escape_csv(esc), "escape_runs.csv", "text/csv",
                     kit.t(f"{T}.dl.escape_help"))

kit.chart(charts.contour_chart, surf, pt, esc, lang, where=map_ph)

st.divider()
st.header(kit.t(f"{T}.ratio.header"))
st.markdown(kit.t(f"{T}.ratio.intro"))
if V("ratio"):
    a, b = st.columns([1, 3], gap="medium")
    with a:
        R("runs")
        h = R.value("hidden")
        R("hidden", help=kit.t(f"{T}.ratio.ctl.hidden.help", h=h, p=critical.n_params(10, h)))
        R("steps")
    rcfg = R.config(seed=seed)
    with b:
        bar = st.empty()
        with st.spinner(kit.t(f"{T}.ratio.spinner", runs=rcfg.runs)):
            rr = kit.shared(f"{T}-ratio", critical.min_ratio, rcfg, queued=kit.queued(bar))
        bar.empty()
        kit.report(rr.log, [kit.t(f"{T}.ratio.run", i=i) for i in range(rcfg.runs)])
        if rr.table.empty:
            kit.problem(kit.t(f"{T}.ratio.all_diverged"))
        else:
            p1, p2 = st.columns(2)
            kit.chart(charts.ratio_chart, rr, lang, where=p1)
            kit.chart(charts.spectrum_chart, rr, lang, where=p2)
            cr = rr.critical
            vc = {v: colour(charts.RATIO_COLOURS[v]) for v in critical.VERDICTS}
            st.caption(kit.t(f"{T}.ratio.colours", none=vc[critical.VERDICTS[0]], saddle=vc[critical.VERDICTS[1]],
                             flat=vc[critical.VERDICTS[2]], minimum=vc[critical.VERDICTS[3]],
                             **{k: colour(charts.ARROW_COLOURS[s]) for k, s in zip(("neg", "pos", "zero"), critical.SIGNS)}))
            st.markdown(kit.t(f"{T}.ratio.count", neg=int((cr.negative > 0).sum()), crit=len(cr),
                              flat=int(((cr.negative == 0) & (cr.near_zero > 0)).sum()),
                              minima=int((cr.min_ratio == 1).sum()), missed=rcfg.runs - len(cr), runs=rcfg.runs))
            kit.notice(kit.t(f"{T}.ratio.notice"))
            d1, d2 = st.columns(2)
            kit.download(kit.t(f"{T}.dl.ratio"), lambda: critical.ratio_csv(rr), "minimum_ratio.csv", "text/csv",
                         kit.t(f"{T}.dl.ratio_help"), where=d1)
            kit.download(kit.t(f"{T}.dl.weights"), lambda: critical.ratio_safetensors(rr), "ratio_networks.safetensors",
                         "application/octet-stream", kit.t(f"{T}.dl.weights_help"), where=d2)
else:
    keep_in_link(R, R.specs)
