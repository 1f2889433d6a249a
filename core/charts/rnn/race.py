"""Charts of the RNN page's memory race (part ``race``): accuracy against updates, the longer race over
every gap, parameter counts. Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import GREY, hex_of, mark, n, q, scale, styled
from core.rnn.cells import KINDS
from core.rnn.race import SYMBOLS, RaceResult

# Names of core.charts.COLOURS. Not "blue" for the LSTM: #0072B2 has 3.6:1 contrast on the dark theme's #0E1117,
# hard to see projected; these three keep at least 3:1 on white and 4.5:1 on #0E1117 (tests/test_rnn.py).
KIND_COLOURS = {"RNN": "vermillion", "LSTM": "pink", "GRU": "green"}


def kinds(lang: str) -> tuple[dict[str, str], dict]:
    tr = i18n.translator(lang)
    names = {k: tr(f"rnn.charts.kind.{k}") for k in KINDS}
    return names, scale(list(names.values()), [hex_of(KIND_COLOURS[k]) for k in KINDS])


def _chance(lang: str, x_field: str, lo: float, hi: float):
    df = pd.DataFrame({x_field: [lo, hi], "a": [1 / SYMBOLS] * 2})
    return mark(df, {"type": "line", "color": GREY, "strokeDash": [4, 4], "strokeWidth": 2}, x=q(x_field), y=q("a"))


def race_curves(r: RaceResult, lang: str = "en"):
    """Held-out accuracy of the three models against updates; chance (1/4) dashed grey."""
    tr = i18n.translator(lang)
    names, sc = kinds(lang)
    df = r.history.assign(model=r.history.model.map(names))
    last = max(1, int(r.history["update"].max()))
    line = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 40}},
                x=q("update", tr("rnn.charts.update"), scale={"domain": [0, last]}),
                y=q("accuracy", tr("rnn.charts.accuracy"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
                color=n("model", tr("rnn.charts.model"), scale=sc),
                tooltip=[q("update", tr("rnn.charts.update")), n("model", tr("rnn.charts.model")),
                         q("accuracy", tr("rnn.charts.accuracy"), format=".0%")])
    return styled([_chance(lang, "update", 0, last), line], tr("rnn.charts.race_title", gap=r.config.gap),
                  height=300, legend={"orient": "right"})


def sweep_chart(df: pd.DataFrame, lang: str = "en"):
    """Final accuracy of each model against the gap T (the longer race)."""
    tr = i18n.translator(lang)
    names, sc = kinds(lang)
    d = df.assign(model=df.model.map(names))
    enc = dict(x=q("gap", tr("rnn.charts.gap"), scale={"domain": [0, max(10, int(df.gap.max()) if len(df) else 10)]}),
               y=q("accuracy", tr("rnn.charts.accuracy"), scale={"domain": [0, 1]}, axis={"format": ".0%"}),
               color=n("model", tr("rnn.charts.model"), scale=sc),
               tooltip=[q("gap", tr("rnn.charts.gap")), n("model", tr("rnn.charts.model")),
                        q("accuracy", tr("rnn.charts.accuracy"), format=".0%")])
    hi = max(10, int(df.gap.max()) if len(df) else 10)
    return styled([_chance(lang, "gap", 0, hi), mark(d, {"type": "line", "strokeWidth": 3}, **enc),
                   mark(d, {"type": "point", "size": 80, "filled": True}, **enc)],
                  tr("rnn.charts.sweep_title"), height=280, legend={"orient": "right"})


def params_chart(r: RaceResult, lang: str = "en"):
    """Parameters of each recurrent layer, with its multiple of the simple RNN's."""
    tr = i18n.translator(lang)
    names, sc = kinds(lang)
    base = r.params["RNN"]
    df = pd.DataFrame({"model": [names[k] for k in KINDS], "params": [r.params[k] for k in KINDS],
                       "label": [f"{r.params[k]:,} (×{r.params[k] / base:g})" for k in KINDS]})
    y = n("model", "", sort=[names[k] for k in KINDS])
    x = q("params", tr("rnn.charts.params"), scale={"domain": [0, 1.45 * max(r.params.values())]})
    bars = mark(df, {"type": "bar", "cornerRadiusEnd": 3}, y=y, x=x, color=n("model", "", scale=sc, legend=None))
    text = mark(df, {"type": "text", "align": "left", "dx": 5, "fontSize": 14, "color": GREY}, y=y, x=x,
                text=n("label"))
    return styled([bars, text], tr("rnn.charts.params_title"), height=200)
