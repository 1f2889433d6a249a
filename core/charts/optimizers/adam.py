"""Adam's bias correction: the length of each of its first steps, with the correction (what it did) and without it
(the same m and v, uncorrected), from ``core.optimizers.first_steps``."""
from __future__ import annotations

import altair as alt
import pandas as pd

from core import i18n
from core.charts import COLOURS, mark, n, q, styled
from core.charts.optimizers.style import racer_label

ADAM_COLOURS = {"corrected": "green", "raw": "vermillion"}  # the two step lengths (legible on both themes)
ADAM_DASHES = {"corrected": [1, 0], "raw": [7, 4]}


def adam_chart(steps: pd.DataFrame, racer: str, lang: str = "en") -> alt.LayerChart:
    """‖step‖ against update t (log scale): Adam's own step, and the uncorrected m/√v step on the same m and v."""
    tr = i18n.translator(lang)
    names = {k: tr(f"optimizers.charts.adam.{k}") for k in ADAM_COLOURS}
    df = pd.concat([pd.DataFrame({"t": steps.t, "length": steps[col], "what": names[k]})
                    for k, col in (("corrected", "length"), ("raw", "raw_length"))])
    df = df[df.length > 0]
    dom = [names[k] for k in ADAM_COLOURS]
    y = tr("optimizers.charts.adam.length")
    lines = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 45, "filled": True}},
                 x=q("t", tr("optimizers.charts.update"), axis={"tickMinStep": 1}),
                 y=q("length", y, scale={"type": "log", "nice": False}),
                 color=n("what", None, scale={"domain": dom, "range": [COLOURS[c] for c in ADAM_COLOURS.values()]},
                         legend={"title": None, "orient": "top", "direction": "vertical", "labelLimit": 0}),
                 strokeDash=n("what", None, scale={"domain": dom, "range": list(ADAM_DASHES.values())}, legend=None),
                 tooltip=[n("what", ""), q("t", tr("optimizers.charts.update")), q("length", y, format=".3g")])
    # the legend in one column on top (in one row it ran past a 430 px chart's edge); 390 keeps the plot over 150 px
    return styled(lines, tr("optimizers.charts.title.adam", racer=racer_label(racer, lang)), height=390)
