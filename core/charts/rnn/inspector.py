"""Charts of the RNN page's inspector: a trained LSTM's gates, memory and output over one held-out sequence,
unit by unit, and the sequence itself. Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, o, q, styled
from core.charts.rnn.stepper import GATE_ROWS, SIGNED_SCHEME
from core.rnn.inspector import QUANTITIES, Inspection

Y_LABELS = 110  # px of row labels in the inspector's two charts, so their step columns line up
SYMBOL_COLOUR = "yellow"  # the symbol to recall, in the inspector's sequence strip


def inspector_heat(ins: Inspection, lang: str = "en"):
    """The trained LSTM's gates, memory c and output h (row groups), one row per drawn unit, by step
    (columns). Gates in [0, 1] from pale to orange; c and h signed, scaled by their largest size (the colour
    legend says so, with those sizes); the raw value, the unit and the symbol on hover. Every row label is drawn."""
    tr = i18n.translator(lang)
    rows, names, sizes = [], [], {}
    for part in QUANTITIES:
        vals = np.nan_to_num(ins.values[part].astype(float))  # (U, T)
        size = sizes[part] = 1.0 if part in GATE_ROWS else max(1e-9, float(np.abs(vals).max()))
        for i, u in enumerate(ins.units):
            name = f"{tr(f'rnn.charts.short.{part}')} #{int(u)}"
            names.append(name)
            for t, v in enumerate(vals[i]):
                rows.append((name, t + 1, ins.tokens[t], float(v), float(v / size), tr(f"rnn.charts.row.{part}")))
    df = pd.DataFrame(rows, columns=["row", "t", "symbol", "v", "shade", "part"])
    rect = mark(df, "rect", x=o("t", tr("rnn.charts.time"), axis={"labelAngle": 0, "labelOverlap": "greedy"}),
                y=o("row", "", sort=names, axis={"labelFontSize": 12, "labelOverlap": False, "labelLimit": Y_LABELS,
                                                 "minExtent": Y_LABELS, "maxExtent": Y_LABELS}),
                color=q("shade", None, scale={"scheme": SIGNED_SCHEME, "domain": [-1, 1]},
                        legend={"title": [tr("rnn.charts.legend_gates"),
                                          tr("rnn.charts.legend_signed", c=f"{sizes['c']:.2f}", h=f"{sizes['h']:.2f}")],
                                "orient": "bottom", "direction": "horizontal", "gradientLength": 260,
                                "values": [-1, -0.5, 0, 0.5, 1], "titleLimit": 0, "titleFontWeight": "normal"}),
                tooltip=[q("t", tr("rnn.charts.time")), n("symbol", tr("rnn.charts.symbol")),
                         n("part", tr("rnn.charts.quantity")), n("row", tr("rnn.charts.unit")),
                         q("v", tr("rnn.charts.value"), format=".3f")])
    return styled(rect, tr("rnn.charts.inspector_title", units=len(ins.units)),
                  height=20 * len(names) + 190)  # the rows, the axis and the colour legend


def inspector_tokens(ins: Inspection, lang: str = "en"):
    """The sequence itself, one cell per step: the symbol to recall coloured, distractors grey."""
    tr = i18n.translator(lang)
    df = pd.DataFrame({"t": np.arange(1, len(ins.tokens) + 1), "symbol": ins.tokens,
                       "key": [s != "·" for s in ins.tokens], "row": tr("rnn.charts.symbol")})
    x = o("t", "", axis={"labelAngle": 0, "labelOverlap": "greedy"})
    y = n("row", "", axis={"labelFontSize": 12, "minExtent": Y_LABELS, "maxExtent": Y_LABELS})
    rect = mark(df, {"type": "rect", "stroke": GREY, "strokeWidth": 0.5}, x=x, y=y,
                color={"condition": {"test": "datum.key", "value": COLOURS[SYMBOL_COLOUR]}, "value": "transparent"})
    text = mark(df, {"type": "text", "fontSize": 15}, x=x, y=y, text=n("symbol"),
                color={"condition": {"test": "datum.key", "value": "#333333"}, "value": GREY},
                tooltip=[q("t", tr("rnn.charts.time")), n("symbol", tr("rnn.charts.symbol"))])
    return styled([rect, text], tr("rnn.charts.sequence_title", answer=ins.answer, guess=ins.guess), height=150)
