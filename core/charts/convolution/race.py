"""Charts of the race part: accuracy curves, learned filters, feature maps and confusion matrices."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, mark, n, o, q, scale, styled
from core.charts.convolution.grid import SIGNED, UNSIGNED, grid_frame, heat
from core.convolution import MODELS, RaceResult

# each network's colour in every chart: green and vermillion read on both themes (blue lines were dim on the dark one)
MODEL_COLOURS = {"CNN": "green", "fully connected": "vermillion"}
SPLIT_DASH = {"test": [1, 0], "train": [6, 4]}  # solid: test accuracy, dashed: training accuracy


def model_names(tr) -> dict[str, str]:
    return {m: tr(f"convolution.charts.model.{m}") for m in MODELS}


def model_scale(tr) -> tuple[list[str], dict]:
    dom = list(model_names(tr).values())
    return dom, scale(dom, [COLOURS[MODEL_COLOURS[m]] for m in MODELS])


def curve_chart(res: RaceResult, lang: str = "en"):
    """Training (dashed) and test (solid) accuracy of both networks against the step."""
    tr = i18n.translator(lang)
    names = model_names(tr)
    dom, sc = model_scale(tr)
    splits = {s: tr(f"convolution.charts.split.{s}") for s in ("test", "train")}
    df = res.history.assign(name=res.history.model.map(names), part=res.history.split.map(splits))
    acc = tr("convolution.charts.accuracy")
    line = mark(df, {"type": "line", "strokeWidth": 3}, x=q("step", tr("convolution.charts.step")),
                y=q("accuracy", acc, scale={"domain": [0, 1]}, axis={"format": "%"}),
                color=n("name", tr("convolution.charts.model_title"), scale=sc, sort=dom),
                strokeDash=n("part", tr("convolution.charts.split_title"),
                             scale=scale(list(splits.values()), list(SPLIT_DASH.values()))),
                detail=n("part"),
                tooltip=[n("name", tr("convolution.charts.model_title")),
                         n("part", tr("convolution.charts.split_title")),
                         q("step", tr("convolution.charts.step")), q("accuracy", acc, format=".1%")])
    return styled(line, tr("convolution.charts.curve"), height=340,  # two bottom legends: the plot about 130 px
                  legend={"symbolType": "stroke", "symbolStrokeWidth": 4, "direction": "horizontal"})


def tiles_chart(maps: np.ndarray, title: str, signed: bool, lang: str = "en", per_row: int = 4, height: int = 80):
    """Several small maps (T, h, w) side by side in one chart (at most ``per_row`` a row)."""
    tr = i18n.translator(lang)
    t, h, w = maps.shape
    parts = []
    for i in range(t):
        parts.append(grid_frame(maps[i], dx=(i % per_row) * (w + 1), dy=(i // per_row) * (h + 1), tile=i + 1))
    df = pd.concat(parts, ignore_index=True)
    cols, rows = min(t, per_row), -(-t // per_row)
    m = float(np.abs(maps).max()) or 1.0
    colour = {"scale": {"range": SIGNED, "domain": [-m, 0, m]}} if signed else {"scale": {"scheme": UNSIGNED,
                                                                                        "domain": [0, m]}}
    tips = [q("tile", tr("convolution.charts.filter")), q("row", tr("convolution.charts.row")),
            q("col", tr("convolution.charts.col")), q("v", tr("convolution.charts.value"), format=".3f")]
    ch = heat(df, colour, tips, (rows * (h + 1) - 1, cols * (w + 1) - 1), tr("convolution.charts.value"), legend=False)
    return styled(ch, title, height=height * rows)


def filters_chart(res: RaceResult, lang: str = "en"):
    """The CNN's learned first-layer 3×3 filters (seed 0 of the run)."""
    tr = i18n.translator(lang)
    w = res.racers.w1[0, :, 0].detach().numpy()  # (c, 3, 3)
    return tiles_chart(w, tr("convolution.charts.filters", c=w.shape[0]), True, lang)


def maps_chart(maps: np.ndarray, lang: str = "en"):
    """The CNN's first-layer feature maps (after ReLU) for one image."""
    tr = i18n.translator(lang)
    return tiles_chart(maps, tr("convolution.charts.maps", c=maps.shape[0]), False, lang)


def confusion_chart(res: RaceResult, model: str, lang: str = "en"):
    """Test digits by true (rows) and predicted (columns) class, counts written in the cells."""
    tr = i18n.translator(lang)
    cm = res.confusion[model]
    r, c = np.mgrid[0:10, 0:10]
    df = pd.DataFrame({"true": r.ravel(), "pred": c.ravel(), "count": cm.ravel()})
    x = o("pred", tr("convolution.charts.predicted"), axis={"labelAngle": 0, "labelOverlap": False})
    y = o("true", tr("convolution.charts.true"), axis={"labelOverlap": False})
    cells = mark(df, {"type": "rect"}, x=x, y=y,
                 color=q("count", tr("convolution.charts.count"), scale={"scheme": UNSIGNED}, legend=None),
                 tooltip=[o("true", tr("convolution.charts.true")), o("pred", tr("convolution.charts.predicted")),
                          q("count", tr("convolution.charts.count"))])
    dark = 0.6 * max(1, int(cm.max()))  # light cells (viridis' yellow end) get dark digits
    text = mark(df[df["count"] > 0], {"type": "text", "fontSize": 11}, x=x, y=y,
                text={"field": "count", "type": "quantitative"},
                color={"condition": {"test": f"datum['count'] > {dark}", "value": "#111111"}, "value": "#ffffff"})
    acc = float(np.trace(cm) / max(1, cm.sum()))
    return styled([cells, text], tr("convolution.charts.confusion", model=tr(f"convolution.charts.model.{model}"),
                                    acc=acc), height=340)
