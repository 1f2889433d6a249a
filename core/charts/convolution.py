"""Charts of the convolution page's filter, pooling and receptive-field labs: images, kernels and feature
maps as coarse heatmaps (one rect per pixel, at most 64 × 64), the shift test, the Go board, the receptive
field and the parameter counts."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.convolution import FilterResult
from core.convolution_field import FieldResult, Sharing
from core.convolution_pool import Board, PoolResult

IMAGE_RANGE = ["#000000", "#ffffff"]  # a grey photo: dark is dark
SIGN_COLOURS = {"negative": "blue", "positive": "orange"}  # feature maps with both signs: below and above 0
SIGNED = [COLOURS[SIGN_COLOURS["negative"]], "#eeeeee", COLOURS[SIGN_COLOURS["positive"]]]  # the range, 0 pale
UNSIGNED = "viridis"  # non-negative maps (after ReLU, pooled, gradients)
SHIFT_COLOURS = {"raw": "vermillion", "pooled": "blue"}  # the shift test's bars
STONE_COLOURS = {"black": "blue", "white": "orange", "both": "pink"}  # the Go board's stones (no black: dark theme)
FIELD_COLOURS = {"formula": "vermillion"}  # the receptive field by the formula (outline)
SHARE_COLOURS = {"convolution": "blue", "fully connected": "vermillion"}


def grid_frame(a: np.ndarray, dx: int = 0, dy: int = 0, tile: int | str | None = None) -> pd.DataFrame:
    """A 2-D array as one row per cell: col, row (from the top), the value, and its rect's corners."""
    h, w = a.shape
    r, c = np.mgrid[0:h, 0:w]
    df = pd.DataFrame({"row": r.ravel().astype(np.int16), "col": c.ravel().astype(np.int16),
                       "v": a.ravel().astype(np.float32)})
    df["x"], df["y"] = (df.col + dx).astype(np.int16), (df.row + dy).astype(np.int16)
    df["x2"], df["y2"] = (df.x + 1).astype(np.int16), (df.y + 1).astype(np.int16)
    if tile is not None:
        df["tile"] = tile
    return df


def heat(df: pd.DataFrame, colour: dict, tooltip: list, shape: tuple[int, int], value_title: str,
         legend: bool = True):
    """Rects of a grid frame; y grows downward as in an image; no axes (hover shows row, column, value)."""
    h, w = shape
    fill = {"field": "v", "type": "quantitative", "title": value_title, **colour,
            **({} if legend else {"legend": None})}
    stroke = dict(fill)  # each rect outlined in its own colour (no hairline gaps); the same legend, drawn once
    return mark(df, {"type": "rect", "strokeWidth": 0.6},
                x=q("x", scale={"domain": [0, w], "nice": False, "zero": True}, axis=None),
                x2={"field": "x2"}, y=q("y", scale={"domain": [h, 0], "nice": False}, axis=None), y2={"field": "y2"},
                color=fill, stroke=stroke, tooltip=tooltip)


def _tips(tr, value: str = "v") -> list:
    return [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
            q(value, tr("convolution.charts.value"), format=".3f")]


def _height(shape: tuple[int, int], width: int = 300, cap: int = 300) -> int:
    h, w = shape
    return int(max(120, min(cap, width * h / max(1, w))))


def image_chart(a: np.ndarray, title_key: str, signed: bool = False, image: bool = False, legend: bool = True,
                lang: str = "en"):
    """One image or map: grey for an input image, blue-orange around 0 for a signed map, viridis otherwise."""
    tr = i18n.translator(lang)
    if a.size == 0:
        a = np.zeros((1, 1))
    if image:
        colour = {"scale": {"range": IMAGE_RANGE, "domain": [0, 1]}, "legend": None}
    elif signed:
        m = float(np.abs(a).max()) or 1.0
        colour = {"scale": {"range": SIGNED, "domain": [-m, 0, m]}}
    else:
        colour = {"scale": {"scheme": UNSIGNED, "domain": [0, float(a.max()) or 1.0]}}
    ch = heat(grid_frame(a), colour, _tips(tr), a.shape, tr("convolution.charts.value"), legend=legend)
    return styled(ch, tr(title_key, h=a.shape[0], w=a.shape[1]), height=_height(a.shape),
                  legend={"orient": "right", "gradientLength": 120})


def kernel_chart(res: FilterResult, lang: str = "en"):
    """The kernel's weights as a grid with each number written in its cell."""
    tr = i18n.translator(lang)
    k = res.kernel
    df = grid_frame(k)
    m = float(np.abs(k).max()) or 1.0
    cells = heat(df, {"scale": {"range": SIGNED, "domain": [-m, 0, m]}}, _tips(tr), k.shape, "w", legend=False)
    df["label"] = [f"{v:.3g}" for v in k.ravel()]
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    text = mark(df, {"type": "text", "fontSize": 16 if k.shape[0] == 3 else 12, "fontWeight": "bold",
                     "color": "#111111"},
                x=q("xc", scale={"domain": [0, k.shape[1]], "nice": False}, axis=None),
                y=q("yc", scale={"domain": [k.shape[0], 0], "nice": False}, axis=None), text={"field": "label"})
    return styled([cells, text], tr("convolution.charts.kernel", k=k.shape[0]), height=200)


def shift_chart(res: PoolResult, lang: str = "en"):
    """Relative change of the raw and the pooled features for each shift."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.shift.{k}") for k in SHIFT_COLOURS}
    rows = [(s, names[k], v) for s, raw, pl in res.shifts for k, v in (("raw", raw), ("pooled", pl))]
    df = pd.DataFrame(rows, columns=["shift", "what", "change"])
    dom = [names[k] for k in SHIFT_COLOURS]
    sc = scale(dom, [COLOURS[c] for c in SHIFT_COLOURS.values()])
    bars = mark(df, {"type": "bar"}, x=n("shift", tr("convolution.charts.shift.x"), axis={"labelAngle": 0}),
                xOffset=n("what", sort=dom), y=q("change", tr("convolution.charts.shift.y"), axis={"format": "%"}),
                color=n("what", tr("convolution.charts.shift.legend"), scale=sc, sort=dom),
                tooltip=[n("what", tr("convolution.charts.shift.legend")), q("change", tr("convolution.charts.shift.y"),
                                                                             format=".0%")])
    return styled(bars, tr("convolution.charts.shift.title"), height=250)


def board_chart(b: Board, pooled: bool, lang: str = "en"):
    """The 19×19 board (a dot per stone) or its 10×10 pooled cells, coloured by the stones they hold."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.stone.{k}") for k in STONE_COLOURS}
    a = b.pooled if pooled else b.stones
    df = grid_frame(a)
    df = df[df.v > 0].copy()
    df["stone"] = df.v.map({1: names["black"], 2: names["white"], 3: names["both"]})
    dom = [names[k] for k in STONE_COLOURS] if pooled else [names["black"], names["white"]]
    sc = scale(dom, [COLOURS[STONE_COLOURS[k]] for k in STONE_COLOURS][: len(dom)])
    side = a.shape[0]
    df["xc"], df["yc"] = df.x + 0.5, df.y + 0.5
    grid = pd.DataFrame({"p": np.arange(side) + 0.5})
    rule = {"type": "rule", "color": GREY, "opacity": 0.6}
    lines_v = mark(grid, rule, x=q("p", scale={"domain": [0, side]}, axis=None))
    lines_h = mark(grid, rule, y=q("p", scale={"domain": [side, 0]}, axis=None))
    shape = {"type": "square" if pooled else "circle", "filled": True, "opacity": 1, "size": 260 if pooled else 110}
    stones = mark(df, shape, x=q("xc", scale={"domain": [0, side], "nice": False}, axis=None),
                  y=q("yc", scale={"domain": [side, 0], "nice": False}, axis=None),
                  color=n("stone", tr("convolution.charts.stone.legend"), scale=sc),
                  tooltip=[q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
                           n("stone", tr("convolution.charts.stone.legend"))])
    title = tr("convolution.charts.board_pooled" if pooled else "convolution.charts.board")
    return styled([lines_v, lines_h, stones], title, height=300)


def field_chart(res: FieldResult, lang: str = "en"):
    """|∂ unit / ∂ input| over the 32 × 32 input, with the formula's window outlined."""
    tr = i18n.translator(lang)
    g = res.grad
    ch = heat(grid_frame(g), {"scale": {"scheme": UNSIGNED, "domain": [0, float(g.max()) or 1.0]}},
              [q("row", tr("convolution.charts.row")), q("col", tr("convolution.charts.col")),
               q("v", tr("convolution.charts.grad"), format=".0f")], g.shape, tr("convolution.charts.grad"))
    r0, c0 = res.start
    box = pd.DataFrame({"x": [c0], "x2": [c0 + res.r], "y": [r0], "y2": [r0 + res.r]})
    outline = mark(box, {"type": "rect", "fill": None, "stroke": COLOURS[FIELD_COLOURS["formula"]], "strokeWidth": 3},
                   x=q("x", scale={"domain": [0, g.shape[1]], "nice": False}, axis=None), x2={"field": "x2"},
                   y=q("y", scale={"domain": [g.shape[0], 0], "nice": False}, axis=None), y2={"field": "y2"})
    return styled([ch, outline], tr("convolution.charts.field"), height=330,
                  legend={"orient": "right", "gradientLength": 150})


def share_chart(s: Sharing, lang: str = "en"):
    """Parameters and multiply-adds of the two layers, on a log scale."""
    tr = i18n.translator(lang)
    names = {k: tr(f"convolution.charts.share.{k}") for k in SHARE_COLOURS}
    what = [tr("convolution.charts.share.params"), tr("convolution.charts.share.macs")]
    df = pd.DataFrame([(what[0], names["convolution"], s.conv_params), (what[0], names["fully connected"], s.fc_params),
                       (what[1], names["convolution"], s.conv_macs), (what[1], names["fully connected"], s.fc_macs)],
                      columns=["what", "layer", "count"])
    dom = list(names.values())
    sc = scale(dom, [COLOURS[c] for c in SHARE_COLOURS.values()])
    bars = mark(df, {"type": "bar"}, y=n("what", None, axis={"title": None}), yOffset=n("layer", sort=dom),
                x=q("count", tr("convolution.charts.share.x"), scale={"type": "log", "domainMin": 1}, axis={"format": "~s"},
                    stack=None),  # stacked bars start at 0, which a log scale cannot show: nothing was drawn
                color=n("layer", tr("convolution.charts.share.legend"), scale=sc, sort=dom),
                tooltip=[n("layer", tr("convolution.charts.share.legend")), n("what", tr("convolution.charts.share.y")),
                         q("count", tr("convolution.charts.share.x"), format=",")])
    return styled(bars, tr("convolution.charts.share.title", n=s.image, c=s.channels, k=s.k), height=300)
