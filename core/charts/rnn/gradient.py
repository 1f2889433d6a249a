"""Chart of the RNN page's vanishing gradient (part ``gradient``). Every word from
core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import mark, n, q, styled
from core.charts.rnn.race import kinds
from core.rnn.cells import KINDS
from core.rnn.gradient import GradResult


def gradient_chart(g: GradResult, lang: str = "en"):
    """Mean ‖∂h_T/∂x_t‖ against the distance T − t, log scale, one line per layer."""
    tr = i18n.translator(lang)
    names, sc = kinds(lang)
    df = pd.concat([pd.DataFrame({"d": g.distance, "grad": np.clip(g.grad[k], 1e-30, None), "model": names[k]})
                    for k in KINDS], ignore_index=True)
    line = mark(df, {"type": "line", "strokeWidth": 3},
                x=q("d", tr("rnn.charts.distance")),
                y=q("grad", tr("rnn.charts.grad"), scale={"type": "log"}, axis={"format": ".0e"}),
                color=n("model", tr("rnn.charts.model"), scale=sc),
                tooltip=[q("d", tr("rnn.charts.distance")), n("model", tr("rnn.charts.model")),
                         q("grad", tr("rnn.charts.grad"), format=".2e")])
    return styled(line, tr("rnn.charts.grad_title", bias=f"{g.config.gate_bias:g}"), height=320,
                  legend={"orient": "right"})
