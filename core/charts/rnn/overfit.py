"""Chart of the RNN page's overfitting comparison (part ``overfit``): the LSTM's and the GRU's training and
validation accuracy against updates. Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

from core import i18n
from core.charts import mark, n, q, styled
from core.charts.rnn.race import kinds
from core.rnn.overfit import CELLS, STEPS, OverfitResult

SPLIT_DASH = {"train": [1, 0], "validation": [6, 4]}  # training solid, validation dashed


def overfit_curves(r: OverfitResult, lang: str = "en"):
    """Training (solid) and validation (dashed) accuracy of the two cells against updates, in the race's colours."""
    tr = i18n.translator(lang)
    names, sc = kinds(lang)
    splits = {s: tr(f"rnn.charts.split.{s}") for s in SPLIT_DASH}
    df = r.history.assign(model=r.history.model.map(names), split=r.history.split.map(splits))
    keep = [names[k] for k in CELLS]
    colour = {"domain": keep, "range": [c for d, c in zip(sc["domain"], sc["range"]) if d in keep]}
    line = mark(df, {"type": "line", "strokeWidth": 3},
                x=q("update", tr("rnn.charts.update"), scale={"domain": [0, STEPS]}),
                y=q("accuracy", tr("rnn.charts.accuracy_any"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
                color=n("model", tr("rnn.charts.model"), scale=colour, sort=keep),
                strokeDash=n("split", tr("rnn.charts.split_title"), sort=list(splits.values()),
                             scale={"domain": list(splits.values()), "range": list(SPLIT_DASH.values())}),
                detail=n("split"),
                tooltip=[q("update", tr("rnn.charts.update")), n("model", tr("rnn.charts.model")),
                         n("split", tr("rnn.charts.split_title")),
                         q("accuracy", tr("rnn.charts.accuracy_any"), format=".0%")])
    return styled(line, tr("rnn.charts.overfit_title", n=r.config.n), height=300,
                  legend={"orient": "right", "symbolType": "stroke", "symbolStrokeWidth": 3, "symbolSize": 400})
