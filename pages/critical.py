"""Critical points: local minimum or saddle? The Hessian at a point, its quadratic approximation, every
critical point in view, escaping a saddle along the negative eigenvector, and the minimum ratio."""
import streamlit as st

from core import critical
from core.charts import critical as charts
from pages import _kit as kit
from pages._critical_parts import R, ratio_part
from pages._takehome import take_home

T = "critical"
tx = kit.Text(T)
P = kit.Form(T, critical.PointConfig, prefix="cp_", keys={"name": "cp_surface", "window": "cp_win"},
             skip=("seed", "grid"))
E = kit.Form(f"{T}.escape", critical.EscapeConfig, prefix="cp_", keys={"offset": "cp_off"},
             skip=("seed", "name", "sx", "sy"))
V = kit.Form(f"{T}.ratio", critical.RatioView, prefix="cp_")
kit.page(T, [P, E, V, R], [
    kit.Preset("valley", {"cp_x": 1.0, "cp_y": 1.0}),
    kit.Preset("monkey", {"cp_surface": "monkey saddle", "cp_x": 0.0, "cp_y": 0.0}),
    kit.Preset("rosenbrock", {"cp_surface": "Rosenbrock", "cp_x": 1.0, "cp_y": 1.0, "cp_win": 0.25}),
    kit.Preset("stuck", {"cp_off": 0.0, "cp_steps": 100}),
], critical.TAYLOR)
arrow = charts.legend_words(kit.lang())  # every colour the charts draw, by role, white and the shapes, in words


def keep_in_link(form: kit.Form) -> None:
    """Controls not drawn in this run keep their value in the link (a shared link reproduces the page)."""
    for name in form.specs:
        kit.sync_url(form.key(name), form.value(name), form.specs[name][1])


def point_text(pt: critical.PointResult, seed: int) -> None:
    """Why θ' is what it is: the reason, the formula, g, H and the eigenvectors, the map's captions."""
    lams = tx("sep").join(f"{v:.4g}" for v in pt.eigvals)
    reason = tx(f"reason.{pt.kind}", lams=lams, g=f"{pt.grad_norm:.3g}", shape=tx(f"shape.{pt.shape}"))
    st.markdown(reason + ("" if pt.higher_order is None else " " + tx(f"higher.{pt.higher_order}")))
    st.latex(critical.FORMULAS[pt.config.name])
    cells = pt.tex()
    for row in (cells[:2], cells[2:]):  # one formula per cell: each fits half the column
        for col, tex in zip(st.columns(2, gap="small"), row):
            col.latex(tex)
    if pt.steep:
        st.caption(tx("map.condition", cond=f"{pt.condition:,.0f}" if pt.condition >= 100 else f"{pt.condition:.3g}"))
    if pt.config.name == "network slice":
        net = critical.slice_net(seed)
        st.caption(tx("map.slice", unit=net.unit + 1, hidden=net.hidden, steps=critical.SLICE_STEPS, loss=f"{net.loss:.3f}"))
    st.caption(tx("map.caption", white=arrow["white"], kinds=arrow["kinds"]))
    kit.notice(tx("map.notice", neg=arrow["neg"], pos=arrow["pos"], flat=arrow["zero"], white=arrow["white"]))
    if pt.config.name == "network slice":  # the only surface that trains a network
        take_home(T, critical.slice_script(pt.config, kit.lang()), critical.SLICE_FILE)


def escape_part(name: str, saddle: tuple[float, float], seed: int) -> critical.EscapeResult:
    """Plain descent next to the saddle against one step along u first."""
    a, b = st.columns([1, 3], gap="medium")
    with a:
        for field in ("offset", "lr", "steps", "jump"):
            E(field)
    cfg = E.config(name=name, sx=saddle[0], sy=saddle[1], seed=seed)
    wait = st.empty()
    esc = kit.shared(f"{T}-escape", critical.escape, cfg, queued=kit.queued(wait))
    wait.empty()
    runs = {r: tx(f"escape.{k}") for r, k in zip(critical.RUNS, ("plain", "jumped"))}
    with b:
        st.markdown(tx("escape.saddle", x=f"{saddle[0]:.3f}", y=f"{saddle[1]:.3f}", lam=f"{esc.lam:.3g}"))
        kit.report(esc.log, list(runs.values()))
        kit.chart(charts.escape_chart, esc)
        m = st.columns(4)
        for col, k, v in zip(m, ("predicted", "actual"), (esc.predicted_drop, esc.actual_drop)):
            col.metric(tx(f"escape.{k}"), charts.short(v))
        for col, run in zip(m[2:], critical.RUNS):
            k = esc.escape_steps[run]
            col.metric(tx("escape.halfway", run=runs[run]), tx("escape.never") if k is None else tx("escape.steps", k=k),
                       help=tx("escape.halfway_help"))
        kit.notice(tx("escape.notice", **charts.escape_words(esc, kit.lang())))
        kit.download(tx("dl.escape"), lambda: critical.escape_csv(esc), "escape_runs.csv", "text/csv", tx("dl.escape_help"))
    return esc


seed = kit.seed()
left, right = st.columns([1, 3], gap="medium")
with left:
    name = P("name")
    ax, ay = (tx(f"charts.axis.{a}") for a in critical.AXES[name])
    x, y = P("x", label=tx("ctl.x.label", ax=ax)), P("y", label=tx("ctl.y.label", ax=ay))
    P("window")
sseed = seed if name == "network slice" else 0  # only the slice depends on the seed: one result for every seed
surf = kit.shared(f"{T}-surface", critical.surface, critical.SurfaceConfig(name=name, seed=sseed),
                  gate=name == "network slice")  # the slice trains its network first: that takes a training slot
pt = kit.shared(f"{T}-point", critical.point, P.config(seed=sseed), gate=False)
saddle = kit.shared(f"{T}-saddle", critical.nearest_saddle, surf.critical, x, y, gate=False)
with right:
    mc, ic = st.columns([1.6, 1], gap="small")  # the map's plot about square; λ1, λ2 beside it on the first screen
    map_ph = mc.empty()  # drawn once the escape paths are known
    with ic:
        st.markdown(tx("verdict.line", x=f"{x:.2f}", y=f"{y:.2f}", kind=tx(f"verdict.{pt.kind}")))
        values = zip(("loss", "grad", "lam1", "lam2"), (pt.loss, pt.grad_norm, *pt.eigvals))
        for col, (label, v) in zip([*st.columns(2, gap="small"), *st.columns(2, gap="small")], values):
            col.metric(tx(f"metric.{label}"), charts.short(float(v)))
    point_text(pt, seed)

st.subheader(tx("local.header"))
c1, c2, c3 = st.columns(3)
kit.chart(charts.local_chart, pt, "true loss", where=c1)
kit.chart(charts.local_chart, pt, "quadratic approximation", where=c2)
for which in (0, 1):
    kit.chart(charts.slices_chart, pt, which, where=c3)
st.caption(tx("local.caption"))
with st.expander(tx("table.title", n=len(surf.critical), s=surf.config.starts)):
    st.dataframe(charts.points_table(surf, kit.lang()), hide_index=True)

st.divider()
st.header(tx("escape.header"))
if saddle is None:
    kit.problem(tx("escape.no_saddle"))
    keep_in_link(E)
esc = None if saddle is None else escape_part(name, saddle, seed)
kit.chart(charts.contour_chart, surf, pt, esc, where=map_ph)

st.divider()
st.header(tx("ratio.header"))
st.markdown(tx("ratio.intro", std=critical.INIT_STD, iters=critical.LBFGS_ITERS))
ratio_part(seed, arrow) if V("ratio") else keep_in_link(R)
