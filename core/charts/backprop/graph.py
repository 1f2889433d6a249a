"""The backpropagation page's network graph (part ``step``): nodes with their z, a and ∂L/∂z, edges with their
weights, coloured by what the replay has computed so far. Every word from core/locales/<lang>/backprop.charts.toml.
"""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.backprop.steps import StepResult, fv, fw
from core.backprop.network import sub
from core.charts import hex_of, mark, n, q, styled

NODE_COLOURS = {"idle": "grey", "forward": "blue", "backward": "vermillion"}  # z and a known; ∂L/∂z known
EDGE_COLOURS = {"weight": "grey", "used": "orange", "grad": "vermillion"}  # used in this step; ∂L/∂w known
STATES = {**NODE_COLOURS, **EDGE_COLOURS}  # one colour scale for nodes and edges (layers share scales)
CURRENT_COLOUR = "orange"  # the ring around the neuron computed at this step
HALO = "#FFFFFF"  # labels: dark text on a white halo, legible over lines on both themes
INK = "#111111"
T = "backprop.charts."


def _positions(r: StepResult) -> dict[int, tuple[float, float]]:
    pos = {}
    for x, ns in enumerate(r.net.layers):
        for k, j in enumerate(ns):
            pos[j] = (float(x), (len(ns) - 1) / 2 - k)
    return pos


def _frames(r: StepResult, step: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    net, p = r.net, r.hand
    fwd, bwd, st = r.state(step)
    pos = _positions(r)
    cur = st.node
    nodes, edges, labels = [], [], []
    for l, ns in enumerate(net.layers):
        for j in ns:
            x, y = pos[j]
            state = "backward" if j in bwd else "forward" if (l == 0 or j in fwd) else "idle"
            if l == 0:
                top = f"a{sub(j)} = x{sub(j)} = {fw(p.a[j])}"
            elif j == net.output:
                top = f"ŷ = z{sub(j)} = {fv(p.z[j])}" if j in fwd else f"ŷ = z{sub(j)}"
            elif j in fwd:
                top = f"z{sub(j)} = {fv(p.z[j])}\na{sub(j)} = {fv(p.a[j])}"
            else:
                top = ""  # not computed yet
            bottom = f"∂L/∂z{sub(j)} = {fv(p.dz[j])}" if j in bwd else ""
            nodes.append(dict(x=x, y=y, node=str(j), state=state, current=j == cur, top=top, bottom=bottom))
    for (i, j), w in net.w.items():
        (x0, y0), (x1, y1) = pos[i], pos[j]
        used = cur is not None and ((st.phase == "forward" and j == cur) or (st.phase == "backward" and i == cur))
        state = "used" if used else "grad" if j in bwd else "weight"
        hi = net.layers[net.layer_of(j)]
        c = hi.index(j)
        t = 0.36 + 0.28 * c / (len(hi) - 1) if len(hi) > 1 else 0.5  # labels into different targets apart
        edges.append(dict(x=x0, y=y0, x2=x1, y2=y1, state=state, width=5.0 if used or (
            st.phase == "backward" and j == cur) else 2.0))
        labels.append(dict(x=x0 + t * (x1 - x0), y=y0 + t * (y1 - y0), text=fw(w), name=f"w{sub(f'{i}{j}')}"))
    out = net.output
    ox, oy = pos[out]
    after_loss = st.phase in ("loss", "backward")
    labels.append(dict(x=ox + 0.42, y=oy, text=f"y = {fw(r.config.y)}" + (f"\nL = {fv(p.loss)}" if after_loss else ""),
                       name="y, L"))
    return pd.DataFrame(nodes), pd.DataFrame(edges), pd.DataFrame(labels)


def graph_chart(r: StepResult, step: int, lang: str = "en"):
    """The network at replay step ``step``: what is known so far, the step's neuron ringed."""
    tr = i18n.translator(lang)
    nodes, edges, labels = _frames(r, step)
    layers = len(r.net.layers)
    half = (max(r.net.sizes) - 1) / 2  # the tallest layer's nodes lie in [-half, half]
    xs = {"scale": {"domain": [-0.35, layers - 0.3]}, "axis": None}
    ys = {"scale": {"domain": [-half - 0.5, half + 0.52]}, "axis": None}
    xy = dict(x=q("x", **xs), y=q("y", **ys))
    states = {"domain": list(STATES), "range": [hex_of(c) for c in STATES.values()]}
    # dark ink on a thick white halo: legible over the edges, on both themes
    halo = {"type": "text", "fontSize": 14, "stroke": HALO, "strokeWidth": 7, "strokeJoin": "round", "color": HALO,
            "fill": HALO, "lineBreak": "\n"}
    ink = {"type": "text", "fontSize": 14, "color": INK, "fill": INK, "lineBreak": "\n"}
    above, below = {"baseline": "bottom", "dy": -29}, {"baseline": "top", "dy": 29}
    current = nodes[nodes.current]
    layers_ = [
        mark(edges, {"type": "rule"}, **xy, x2={"field": "x2"}, y2={"field": "y2"},
             color=n("state", scale=states, legend=None), strokeWidth=q("width", scale=None, legend=None)),
        mark(labels, {**halo, "fontSize": 13}, **xy, text=n("text")),
        mark(labels, {**ink, "fontSize": 13}, **xy, text=n("text"), tooltip=[n("name", tr(T + "weight")), n("text", "")]),
        mark(current, {"type": "point", "filled": False, "size": 2600, "strokeWidth": 5,
                       "color": hex_of(CURRENT_COLOUR)}, **xy),
        mark(nodes, {"type": "point", "filled": True, "size": 1300, "opacity": 1, "stroke": HALO, "strokeWidth": 2},
             **xy, color=n("state", scale=states, legend=None),
             tooltip=[n("top", tr(T + "values")), n("bottom", tr(T + "gradient"))]),
        mark(nodes, {"type": "text", "fontSize": 16, "fontWeight": "bold", "color": HALO, "fill": HALO}, **xy,
             text=n("node")),
        mark(nodes, {**halo, **above}, **xy, text=n("top")),
        mark(nodes, {**ink, **above}, **xy, text=n("top")),
        mark(nodes, {**halo, **below}, **xy, text=n("bottom")),
        mark(nodes, {**ink, **below}, **xy, text=n("bottom")),
    ]
    ch = styled(layers_, tr(T + "graph_title"), height=360 if half < 1 else 420)  # frames differ only in data
    ch.config = {**ch.config, "view": {**ch.config.get("view", {}), "stroke": None}}  # no frame around the graph
    return ch

