"""Backpropagation: a small network's forward and backward pass replayed neuron by neuron (checked against
autograd), finite differences against backprop on growing networks, and the vanishing gradient with depth.
Only the chosen part is computed and drawn."""
import streamlit as st

from core import backprop as bp
from core.charts import backprop as charts
from pages import _kit as kit
from pages._takehome import take_home

T = "backprop"
V = kit.Form(T, bp.BackpropView)
S = kit.Form(T, bp.StepConfig)
C = kit.Form(T, bp.CostConfig)  # shares the URL key "activation" with S: switching part keeps it
G = kit.Form(T, bp.VanishConfig)
kit.page(T, [V, S, C, G], [
    kit.Preset("saturate", {"scale": 8.0}),
    kit.Preset("dead", {"activation": "relu", "b3": -6.0}),
    kit.Preset("race", {"part": "cost", "fd_max": 128}),
    kit.Preset("deep", {"part": "vanishing", "depth": 12, "seeds": 10}),
], r"\begin{gathered}z_j = \sum_i w_{ij}\,a_i + b_j,\quad a_j = \sigma(z_j),\quad L = (\hat y - y)^2\\"
   r"\frac{\partial L}{\partial w_{ij}} = \frac{\partial z_j}{\partial w_{ij}}\,\frac{\partial L}{\partial z_j}"
   r" = a_i\,\frac{\partial L}{\partial z_j}\\ \frac{\partial L}{\partial z_j} = \sigma'(z_j)\sum_k w_{jk}\,"
   r"\frac{\partial L}{\partial z_k},\quad \frac{\partial L}{\partial z_{\mathrm{out}}} = 2(\hat y - y)\end{gathered}")
tx = kit.Text(T)
word = kit.colour
left, right = st.columns([1, 3], gap="medium")


def names(nodes) -> str:
    return ", ".join(str(j) for j in nodes)


def step() -> None:
    with left:
        for name in ("activation", "hidden", "x1", "x2", "y", "scale", "b3"):
            S(name)
    with right:
        r = kit.shared(f"{T}-step", bp.replay, S.config(seed=kit.seed()), gate=False)

        def frame(k: int) -> None:
            kit.chart(charts.graph_chart, r, k)
            c1, c2 = st.columns([3, 2], gap="medium")
            c1.markdown(charts.step_lines(r, k, kit.lang()))
            table = charts.grads_table(r, k, kit.lang())
            c2.dataframe(table, hide_index=True, width="stretch", height=250,
                         column_config={c: st.column_config.TextColumn(width="small") for c in table.columns})

        kit.player("step", r.last, frame, label=tx("replay_label"))
        st.caption(tx("graph_caption", grey=word(charts.NODE_COLOURS["idle"]), blue=word(charts.NODE_COLOURS["forward"]),
                      vermillion=word(charts.NODE_COLOURS["backward"]), orange=word(charts.CURRENT_COLOUR),
                      scale=f"{r.config.scale:g}"))
        f = bp.step_facts(r)
        said = [tx("identical" if f.max_diff == 0 else "agree" if f.agree else "disagree", diff=bp.fv(f.max_diff))]
        if r.config.activation == "sigmoid":
            said.append(tx("slopes", slopes=", ".join(f"σ′(z{bp.sub(j)}) = {bp.fv(s)}" for j, s in f.slopes.items())))
            said.append(tx("saturated", nodes=names(f.saturated), limit=f"{bp.SATURATED:g}",
                           dz=", ".join(f"∂L/∂z{bp.sub(j)} = {bp.fv(f.dz[j])}" for j in f.saturated)) if f.saturated
                        else tx("none_saturated", limit=f"{bp.SATURATED:g}"))
        else:
            said.append(tx("dead", nodes=names(f.dead)) if f.dead else tx("alive"))
        said.append(tx("norms", first=bp.fv(f.first), last=bp.fv(f.last)))
        st.caption(tx("grads_title"))
        kit.notice(tx("notice.step", slope=r"\sigma'" if r.config.activation == "sigmoid" else r"\mathrm{ReLU}'"))
        st.markdown(kit.join(said))


def cost() -> None:
    with left:
        for name in ("activation", "fd_max"):
            C(name)
    with right:
        bar = st.empty()
        res = kit.shared(f"{T}-cost", bp.race, C.config(seed=kit.seed()), queued=kit.queued(bar),
                         progress=lambda p: bar.progress(p.steps / max(1, p.planned),
                                                         text=tx("fd_progress", done=f"{p.steps:,}",
                                                                 total=f"{p.planned:,}")))
        bar.empty()
        f = bp.cost_facts(res)
        kit.chart(charts.time_chart, res)
        c1, c2, c3 = st.columns(3)
        c1.metric(tx("metric_bp"), tx("metric_bp_value", lo=f"{f.bp_min:.1f}", hi=f"{f.bp_max:.1f}"))
        c2.metric(tx("metric_fd", weights=f"{f.fd_weights:,}"), tx("metric_fd_value", x=f"{f.speedup:,.0f}"))
        c3.metric(tx("metric_diff"), f"{f.max_diff:.1e}")
        kit.notice(tx("notice.cost", vermillion=word(charts.METHOD_COLOURS["fd"]),
                      blue=word(charts.METHOD_COLOURS["backprop"]), most=f"{bp.BACKPROP_MAX:g}", per=bp.FD_PER_WEIGHT))
        kit.chart(charts.count_chart, res)
        st.caption(kit.join([tx("cost_caption", weights=f"{f.fd_weights:,}", width=res.config.fd_max,
                                big=f"{f.big_weights:,}", fd_big=f"{f.big_fd_seconds:,.0f}",
                                bp_big=f"{f.big_bp_seconds:.3f}"),
                             tx("cost_agree" if f.agree else "cost_disagree", diff=f"{f.max_diff:.0e}",
                                eps=f"{bp.EPS:g}")]))


def vanishing() -> None:
    with left:
        for name in ("depth", "width", "seeds"):
            G(name)
    with right:
        res = kit.shared(f"{T}-vanish", bp.stacks, G.config(seed=kit.seed()), gate=False)
        kit.chart(charts.layers_chart, res)
        f = bp.vanish_facts(res)
        kit.notice(" ".join([
            tx("notice.vanishing", grey=word(charts.QUARTER_COLOUR), sigmoid=word(charts.KIND_COLOURS["sigmoid"]),
               relu=word(charts.KIND_COLOURS["relu"])),
            tx("notice.vanishing_claim", n=bp.CLAIM_SEEDS, deep=bp.DEEP, sig=f"1/{1 / bp.SIGMOID_MAX:.0f}",
               relu=f"1/{1 / bp.RELU_MIN:.0f}")]))
        kit.chart(charts.slope_chart, res)
        st.caption(tx("vanish_caption", runs=res.config.seeds, sig=f"{f.sigmoid_worst:.1e}", lo=f"{f.relu_low:.2f}",
                      hi=f"{f.relu_high:.2f}", mean=f"{f.slope_mean:.3f}", depth=res.config.depth,
                      prod=f"{f.slope_product:.1e}"))
        take_home(T, bp.script(res.config, kit.lang()), bp.SCRIPT_FILE)
        st.markdown(tx("rnn_lead"))
        st.page_link("pages/rnn.py", label=tx("rnn_link"), icon=":material/memory:", query_params={"part": "gradient"})


kit.parts(V, {"step": step, "cost": cost, "vanishing": vanishing}, where=left, horizontal=False)
