"""Why warm-up: the two runs' η_t, training loss, share of dead ReLUs and validation accuracy, their legend, and the
notice worded from ``core.optimizers.warmup_facts`` (no decision taken here). Seed number 0 of the result."""
from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, styled
from core.optimizers import ACC_AHEAD, CHECK_AHEAD_MOST, CHECK_SEEDS, DEAD_EARLY, RUNS, WarmupFacts, WarmupResult

WARMUP_COLOURS = {"none": "vermillion", "warm-up": "blue"}  # run -> key of COLOURS (the notice names them)
RUN_KEYS = {"none": "none", "warm-up": "warm"}  # run -> catalogue key


def run_label(run: str, lang: str = "en") -> str:
    return i18n.text(lang, f"optimizers.charts.warmup.run.{RUN_KEYS[run]}")


def warmup_legend(lang: str = "en") -> str:
    """The two runs' legend as HTML above the charts (it wraps at any width; the charts draw none)."""
    items = []
    for k in RUNS:
        swatch = (f'<span style="display:inline-block;width:1.7em;border-top:0.28em solid '
                  f'{COLOURS[WARMUP_COLOURS[k]]};vertical-align:middle;margin-right:0.35em"></span>')
        items.append(f'<span style="white-space:nowrap">{swatch}{html.escape(run_label(k, lang))}</span>')
    return ('<div class="dlc-runs" style="display:flex;flex-wrap:wrap;column-gap:1.2em;font-size:0.95rem;'
            f'line-height:1.5">{"".join(items)}</div>')


def _colour(lang: str) -> dict:
    return n("run", None, scale={"domain": [run_label(k, lang) for k in RUNS],
                                 "range": [COLOURS[WARMUP_COLOURS[k]] for k in RUNS]}, legend=None)


def _frame(steps: np.ndarray, values: np.ndarray, lang: str) -> pd.DataFrame:
    """Long frame (step, run, value) from ``values`` (T, 2), finite rows only."""
    df = pd.concat([pd.DataFrame({"step": steps, "run": run_label(k, lang), "value": values[:, i]})
                    for i, k in enumerate(RUNS)], ignore_index=True)
    return df[np.isfinite(df.value.to_numpy(dtype=float))]


def _rule(r: WarmupResult) -> alt.Chart:
    """A grey dashed rule at the update where the warm-up run reaches its peak η."""
    at = min(r.config.warm, r.config.steps)
    return mark(pd.DataFrame({"step": [at]}), {"type": "rule", "color": GREY, "strokeDash": [4, 3], "strokeWidth": 2},
                x=q("step"))


def _lines(r: WarmupResult, df: pd.DataFrame, y: dict, title: str, fmt: str, lang: str, point: bool = False):
    tr = i18n.translator(lang)
    md = {"type": "line", "strokeWidth": 2.5, **({"point": True} if point else {})}
    ch = mark(df, md, x=q("step", tr("optimizers.charts.update")), y=y, color=_colour(lang),
              tooltip=[n("run", tr("optimizers.charts.warmup.run_title")), q("step", tr("optimizers.charts.update")),
                       q("value", y["title"], format=fmt)])
    return styled([_rule(r), ch], title, height=290)


def warmup_eta_chart(r: WarmupResult, lang: str = "en") -> alt.LayerChart:
    """η_t of each run against the update."""
    tr = i18n.translator(lang)
    steps = np.arange(1, r.factors.shape[1] + 1)
    df = _frame(steps, r.config.lr * r.factors.T, lang)
    return _lines(r, df, q("value", tr("optimizers.charts.warmup.eta")), tr("optimizers.charts.warmup.title.eta",
                  lr=f"{r.config.lr:g}"), ".4g", lang)


def warmup_loss_chart(r: WarmupResult, lang: str = "en") -> alt.LayerChart:
    """Each run's training loss (a 10-update moving mean, log scale) against the update."""
    tr = i18n.translator(lang)
    loss = pd.DataFrame(r.loss[:, :, 0]).rolling(10, min_periods=1).mean().to_numpy()  # (steps, 2)
    df = _frame(np.arange(1, len(loss) + 1), loss, lang)
    df = df[df.value > 0]
    return _lines(r, df, q("value", tr("optimizers.charts.warmup.loss"), scale={"type": "log"}),
                  tr("optimizers.charts.warmup.title.loss"), ".3f", lang)


def warmup_dead_chart(r: WarmupResult, lang: str = "en") -> alt.LayerChart:
    """Share of hidden ReLUs dead on every validation digit, at each probe."""
    tr = i18n.translator(lang)
    df = _frame(r.probe_step, r.dead[:, :, 0], lang)
    return _lines(r, df, q("value", tr("optimizers.charts.warmup.dead"), scale={"domain": [0, 1]}, axis={"format": "%"}),
                  tr("optimizers.charts.warmup.title.dead", depth=r.config.depth), ".1%", lang, point=True)


def warmup_acc_chart(r: WarmupResult, lang: str = "en") -> alt.LayerChart:
    """Validation accuracy at each probe."""
    tr = i18n.translator(lang)
    df = _frame(r.probe_step, r.val_acc[:, :, 0], lang)
    return _lines(r, df, q("value", tr("optimizers.charts.warmup.acc"), scale={"domain": [0, 1]}, axis={"format": "%"}),
                  tr("optimizers.charts.warmup.title.acc"), ".1%", lang, point=True)


def warmup_notice(f: WarmupFacts, lang: str = "en") -> str:
    """This run's dead units and accuracies, what they show, and (at the checked setting) the ten-seed check."""
    tr = i18n.translator(lang)

    def w(key: str, **kw) -> str:
        return tr(f"optimizers.warmup.notice.{key}", **kw)

    none, warm = (tr(f"common.colour.{WARMUP_COLOURS[k]}") for k in RUNS)
    if f.diverged:
        return tr("optimizers.notice_head") + "\n- " + w("diverged")
    pc = lambda v: f"{v:.0%}"  # noqa: E731
    lines = [w("dead", t=f.warm_at, none=none, warm=warm, a=pc(f.dead_warm[0]), b=pc(f.dead_warm[1]),
               c=pc(f.dead_end[0]), d=pc(f.dead_end[1]))]
    if f.more_dead_early:
        lines.append(w("why_stay" if f.still_more_dead else "why_recover", none=none))
    else:
        lines.append(w("not_here", gap=pc(DEAD_EARLY), t=f.warm_at))
    key = {"warm-up": "acc_warm", "none": "acc_none", None: "acc_tie"}[f.ahead]
    gap = f"{100 * ACC_AHEAD:g}"
    lines.append(w(key, a=f"{f.acc_end[0]:.1%}", b=f"{f.acc_end[1]:.1%}", gap=gap))
    if f.checked:
        lines.append(w("checked", n=len(CHECK_SEEDS), gap=gap, most=CHECK_AHEAD_MOST))
    return tr("optimizers.notice_head") + "\n" + "\n".join(f"- {s}" for s in lines)
