"""Charts of the RNN page's hand-made LSTM (part ``stepper``) stepped through time. Every word from
core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, o, q, styled
from core.rnn.lecture import ROWS, LectureTrace

STEP_COLOUR = "vermillion"  # the outline of the current step in the stepper (a name of COLOURS)
MEMORY_COLOURS = {"c": "green", "y": "orange"}  # the stepper's memory (dashed) and output lines
GATE_ROWS = ("input_gate", "forget_gate", "output_gate")
GATE_SCHEME, SIGNED_SCHEME = "blues", "blueorange"  # gates in [0, 1]; signed values (memory, outputs)


def _row_names(lang: str) -> list[str]:
    tr = i18n.translator(lang)
    return [tr(f"rnn.charts.row.{r}") for r in ROWS]


def _text_colour(shade_field: str, lo: float, hi: float) -> dict:
    """Light text on strongly coloured cells, dark on pale ones."""
    return {"condition": {"test": f"datum.{shade_field} < {lo} || datum.{shade_field} > {hi}", "value": "white"},
            "value": "#333333"}


def stepper_heat(trace: LectureTrace, step: int, lang: str = "en"):
    """Every input, gate, the memory c and the output y (rows) at every step t = 1..T (columns), filled up to
    step ``step`` and that column outlined; ``step`` 0 is the start, before the first input (nothing filled).
    The same spec for every step but its data."""
    tr = i18n.translator(lang)
    names = _row_names(lang)
    steps = trace.steps
    step = int(np.clip(step, 0, steps))
    scale = {k: max(1.0, float(np.abs(v).max())) for k, v in trace.values.items()}
    rows = []
    for r, name in zip(ROWS, names):
        v = trace.values[r]
        for t in range(steps):
            shown = t < step  # column t + 1 is filled once step t + 1 is reached
            gate = r in GATE_ROWS
            shade = v[t] if gate else v[t] / scale[r]  # gates: closed 0 pale, open 1 full; values signed
            rows.append((name, t + 1, float(shade) if shown else 0.0, f"{v[t]:.2f}" if shown else "",
                         float(v[t]) if shown else 0.0, shown))
    df = pd.DataFrame(rows, columns=["row", "t", "shade", "label", "value", "shown"])
    x = o("t", tr("rnn.charts.time"), axis={"labelAngle": 0})
    y = o("row", "", sort=names, axis={"labelLimit": 200, "labelOverlap": False})
    cells = mark(df, {"type": "rect", "stroke": GREY, "strokeWidth": 0.5}, x=x, y=y,
                 color=q("shade", None, scale={"scheme": SIGNED_SCHEME, "domain": [-1, 1]}, legend=None),
                 opacity={"condition": {"test": "datum.shown", "value": 1}, "value": 0.08},
                 tooltip=[o("t", tr("rnn.charts.time")), n("row", tr("rnn.charts.quantity")),
                          q("value", tr("rnn.charts.value"), format=".4f")])
    text = mark(df, {"type": "text", "fontSize": 13}, x=x, y=y, text=n("label"),
                color=_text_colour("shade", -0.6, 0.6))
    cur = mark(pd.DataFrame({"t": [step] if step else []}), {"type": "rect", "fill": None, "strokeWidth": 3,
                                                             "stroke": COLOURS[STEP_COLOUR]}, x=o("t"))
    return styled([cells, text, cur], tr("rnn.charts.stepper_title"), height=330)


def stepper_output(trace: LectureTrace, step: int, lang: str = "en"):
    """The memory c and the output y against time t = 1..``step`` (the numbering of ``stepper_heat``); the whole
    run's range fixed."""
    tr = i18n.translator(lang)
    step = int(np.clip(step, 0, trace.steps))
    names = {k: tr(f"rnn.charts.row.{k}") for k in ("c", "y")}
    df = pd.concat([pd.DataFrame({"t": np.arange(1, step + 1), "v": trace.values[k][:step], "what": names[k]})
                    for k in ("c", "y")], ignore_index=True)
    lo = float(min(0.0, trace.values["c"].min(), trace.values["y"].min()))
    hi = float(max(1.0, trace.values["c"].max(), trace.values["y"].max()))
    dom = [names["c"], names["y"]]
    line = mark(df, {"type": "line", "point": {"size": 60}, "strokeWidth": 3},
                x=q("t", tr("rnn.charts.time"), scale={"domain": [1, max(2, trace.steps)]}, axis={"tickMinStep": 1}),
                y=q("v", tr("rnn.charts.value"), scale={"domain": [lo, hi]}),
                color=n("what", "", scale={"domain": dom, "range": [COLOURS[MEMORY_COLOURS["c"]],
                                                                      COLOURS[MEMORY_COLOURS["y"]]]}),
                strokeDash=n("what", "", scale={"domain": dom, "range": [[6, 3], [1, 0]]}),  # one legend with the colour
                tooltip=[q("t", tr("rnn.charts.time")), n("what"), q("v", tr("rnn.charts.value"), format=".3f")])
    return styled(line, tr("rnn.charts.memory_title"), height=220,
                  legend={"orient": "right", "symbolType": "stroke", "symbolStrokeWidth": 3, "symbolSize": 400})
