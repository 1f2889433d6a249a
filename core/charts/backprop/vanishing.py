"""Charts of the backpropagation page's vanishing gradient (part ``vanishing``): each layer's gradient size in
a deep sigmoid stack and a ReLU stack, and the slope of the activation per layer. Every word from
core/locales/<lang>/backprop.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.backprop.vanishing import QUARTER, VanishResult
from core.charts import GREY, hex_of, mark, n, q, styled

KIND_COLOURS = {"sigmoid": "blue", "relu": "orange"}  # as on the fitting page
QUARTER_COLOUR = "grey"
T = "backprop.charts."


def _kinds(tr) -> tuple[dict[str, str], dict]:
    names = {k: tr(T + f"kind.{k}") for k in KIND_COLOURS}
    return names, {"domain": list(names.values()), "range": [hex_of(c) for c in KIND_COLOURS.values()]}


def layers_chart(r: VanishResult, lang: str = "en"):
    """Mean ‖∂L/∂W_l‖ of one example against the layer l (log scale), one line per stack and run."""
    tr = i18n.translator(lang)
    names, sc = _kinds(tr)
    rows = []
    for kind, s in r.stacks.items():
        for run, g in enumerate(s.grad):
            rows.append(pd.DataFrame({"layer": np.arange(1, len(g) + 1), "grad": np.clip(g, 1e-300, None),
                                      "kind": names[kind], "run": f"{kind}{run}", "seed": r.config.seed + run}))
    df = pd.concat(rows, ignore_index=True)
    depth = r.config.depth
    x = q("layer", tr(T + "layer", out=depth + 1), scale={"domain": [1, depth + 1], "nice": False},
          axis={"tickMinStep": 1, "format": "d"})
    y = q("grad", tr(T + "grad"), scale={"type": "log"}, axis={"format": ".0e"})
    line = mark(df, {"type": "line", "strokeWidth": 2.5, "opacity": 0.85, "point": True}, x=x, y=y,
                color=n("kind", None, scale=sc), detail=n("run"),
                tooltip=[n("kind", tr(T + "kind_title")), q("seed", tr(T + "seed")), q("layer", tr(T + "layer_tip")),
                         q("grad", tr(T + "grad"), format=".2e")])
    return styled(line, tr(T + "layers_title", depth=depth, width=r.config.width), height=330,
                  legend={"orient": "bottom-right", "title": None, "offset": 10})


def slope_chart(r: VanishResult, lang: str = "en"):
    """Mean slope of the activation per hidden layer: σ′(z) (never above 1/4) and ReLU′ (the active share)."""
    tr = i18n.translator(lang)
    names, sc = _kinds(tr)
    rows = []
    for kind, s in r.stacks.items():
        m = s.slope.mean(axis=0)
        rows.append(pd.DataFrame({"layer": np.arange(1, len(m) + 1), "slope": m, "kind": names[kind]}))
    df = pd.concat(rows, ignore_index=True)
    x = q("layer", tr(T + "hidden_layer"), scale={"domain": [1, r.config.depth], "nice": False},
          axis={"tickMinStep": 1, "format": "d"})
    y = q("slope", tr(T + "slope"), scale={"domain": [0, 1]})
    line = mark(df, {"type": "line", "strokeWidth": 3, "point": True}, x=x, y=y,
                color=n("kind", None, scale=sc, legend=None),  # the same colours as the chart above, named there
                tooltip=[n("kind", tr(T + "kind_title")), q("layer", tr(T + "hidden_layer")),
                         q("slope", tr(T + "slope"), format=".3f")])
    quarter = mark(pd.DataFrame({"slope": [QUARTER], "label": [tr(T + "quarter")]}),
                   {"type": "rule", "strokeDash": [6, 4], "strokeWidth": 2, "color": GREY}, y=q("slope"))
    label = mark(pd.DataFrame({"slope": [QUARTER], "label": [tr(T + "quarter")]}),
                 {"type": "text", "align": "left", "baseline": "bottom", "dy": -3, "x": 6, "fontSize": 13,
                  "color": GREY}, y=q("slope"), text=n("label"))
    return styled([quarter, label, line], tr(T + "slope_title"), height=270)
