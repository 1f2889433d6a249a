"""Charts of the backpropagation page's cost race (part ``cost``): time and counted cost against the number of
weights, log-log. Every word from core/locales/<lang>/backprop.charts.toml."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.backprop.cost import CostResult
from core.charts import hex_of, mark, n, q, styled

METHOD_COLOURS = {"backprop": "blue", "fd": "vermillion", "fd_extra": "vermillion", "forward": "grey"}
DASHES = {"backprop": [1, 0], "fd": [1, 0], "fd_extra": [7, 5], "forward": [2, 3]}
T = "backprop.charts."


def _series(tr, keys) -> tuple[list[str], dict, dict]:
    names = [tr(T + f"method.{k}") for k in keys]
    return (names, {"domain": names, "range": [hex_of(METHOD_COLOURS[k]) for k in keys]},
            {"domain": names, "range": [DASHES[k] for k in keys]})


def _lines(df: pd.DataFrame, y: str, title: str, ytitle: str, keys, tr, height: int, fmt: str):
    names, colours, dashes = _series(tr, keys)
    x = q("weights", tr(T + "weights"), scale={"type": "log"}, axis={"format": "~s"})
    yy = q(y, ytitle, scale={"type": "log"}, axis={"format": fmt})
    tip = [n("method", tr(T + "method_title")), q("weights", tr(T + "weights"), format=","), q(y, ytitle, format=".3g")]
    line = mark(df, {"type": "line", "strokeWidth": 3}, x=x, y=yy,
                color=n("method", None, scale=colours), strokeDash=n("method", None, scale=dashes), tooltip=tip)
    dots = mark(df[df.measured], {"type": "point", "filled": True, "size": 70}, x=x, y=yy,
                color=n("method", None, scale=colours), tooltip=tip)
    return styled([line, dots], title, height=height, legend={"orient": "bottom", "columns": 2, "title": None,
                                                               "symbolType": "stroke", "symbolStrokeWidth": 3,
                                                               "symbolSize": 500, "labelLimit": 220})


def time_chart(r: CostResult, lang: str = "en"):
    """Seconds for the whole gradient: backprop and finite differences measured, FD extrapolated beyond."""
    tr = i18n.translator(lang)
    df, rows = r.frame, []
    run = df[df.fd_run]
    for _, w in df.iterrows():
        rows.append(dict(weights=w.weights, s=w.t_backprop, key="backprop", measured=True))
        rows.append(dict(weights=w.weights, s=w.t_forward, key="forward", measured=True))
        if w.fd_run:
            rows.append(dict(weights=w.weights, s=w.t_fd, key="fd", measured=True))
        if not w.fd_run or w.width == run.width.max():  # the extrapolated line starts at the last measured point
            rows.append(dict(weights=w.weights, s=w.t_fd if w.fd_run else w.t_fd_extra, key="fd_extra", measured=False))
    out = pd.DataFrame(rows)
    out["method"] = [tr(T + f"method.{k}") for k in out.key]
    return _lines(out, "s", tr(T + "time_title"), tr(T + "seconds"), ("backprop", "fd", "fd_extra", "forward"), tr,
                  370, "~g")


def count_chart(r: CostResult, lang: str = "en"):
    """Forward-pass equivalents: 2P counted for finite differences, (forward + backward) / forward for backprop."""
    tr = i18n.translator(lang)
    df, rows = r.frame, []
    last = df[df.fd_run].width.max()
    for _, w in df.iterrows():
        rows.append(dict(weights=w.weights, c=w.bp_equiv, key="backprop", measured=True))
        if w.fd_run:
            rows.append(dict(weights=w.weights, c=float(w.fd_passes), key="fd", measured=True))
        if not w.fd_run or w.width == last:
            rows.append(dict(weights=w.weights, c=float(w.fd_passes), key="fd_extra", measured=False))
    out = pd.DataFrame(rows)
    out["method"] = [tr(T + f"method.{k}") for k in out.key]
    return _lines(out, "c", tr(T + "count_title"), tr(T + "passes"), ("backprop", "fd", "fd_extra"), tr, 320, "~s")
