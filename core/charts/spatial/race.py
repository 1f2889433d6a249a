"""Charts of the race (part ``train``): each racer's test accuracy against the epoch, and the replay's frame:
the watched test digits with the transformer's sampling grid over them, and what its CNN then reads."""
from __future__ import annotations

import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, mark, n, q, scale, styled
from core.charts.spatial.images import (RACER_COLOURS, grid_layers, height_for, image_layer, label_layer,
                                        outline_layer)
from core.spatial import RACERS, Frame, TrainResult

GAP = 3  # pixels between the replay's tiles


def racer_names(tr) -> dict[str, str]:
    return {k: tr(f"spatial.charts.racer.{k}") for k in RACERS}


def curve_chart(res: TrainResult, lang: str = "en"):
    """Test accuracy of each racer after each epoch (epoch 0: before training); chance dashed grey."""
    tr = i18n.translator(lang)
    names = racer_names(tr)
    shown = list(res.config.racers())
    dom = [names[k] for k in shown]
    sc = scale(dom, [COLOURS[RACER_COLOURS[k]] for k in shown])
    df = res.history.assign(name=res.history.model.map(names))
    acc, ep = tr("spatial.charts.accuracy"), tr("spatial.charts.epoch")
    last = res.config.epochs
    x = q("epoch", ep, scale={"domain": [0, last]}, axis={"tickMinStep": 1})
    line = mark(df, {"type": "line", "strokeWidth": 3, "point": {"size": 50, "filled": True}}, x=x,
                y=q("accuracy", acc, scale={"domain": [0, 1]}, axis={"format": "%"}),
                color=n("name", tr("spatial.charts.racer_title"), scale=sc, sort=dom, legend={"title": None}),
                tooltip=[n("name", tr("spatial.charts.racer_title")), q("epoch", ep), q("accuracy", acc, format=".1%")])
    chance = mark(pd.DataFrame({"epoch": [0, last], "accuracy": [0.1, 0.1]}),
                  {"type": "line", "color": GREY, "strokeDash": [4, 4], "strokeWidth": 2}, x=x, y=q("accuracy"))
    return styled([chance, line], tr("spatial.charts.curve"), height=320,
                  legend={"symbolType": "stroke", "symbolStrokeWidth": 4, "direction": "horizontal", "orient": "top"})


def replay_chart(f: Frame, lang: str = "en"):
    """Each watched digit (top) with the grid the transformer predicted after ``f.epoch`` epochs, and the digit
    read through that grid (below), with its true digit and what the transformer's CNN reads in it."""
    tr = i18n.translator(lang)
    w, side = f.inputs.shape[0], f.inputs.shape[1]
    top = 2.5  # room above the tiles for the words
    width, height = w * side + (w - 1) * GAP, 2 * side + GAP + top
    dom = ([-0.5, width + 0.5], [height - top, -top])
    value, words = tr("spatial.charts.value"), []
    images, boxes, grids = [], [], []
    for i in range(w):
        dx = i * (side + GAP)
        images += [(f.inputs[i], dx, 0, 1), (f.outputs[i], dx, side + GAP, 1)]
        boxes += [(dx, 0, side), (dx, side + GAP, side)]
        grids.append((f.grids[i], f.outlines[i], dx, 0))
        words.append((dx + side / 2, -top / 2 - 0.2, tr("spatial.charts.reads", label=int(f.labels[i]),
                                                         read=int(f.reads[i]), turn=f"{f.given[i]:+.0f}")))
    layers = [image_layer(images, *dom, value), outline_layer(boxes, dom)]
    layers += grid_layers(grids, 3, dom, clip=(-1.0, side + 1.0))
    layers.append(label_layer(pd.DataFrame(words, columns=["x", "y", "text"]), dom))
    return styled(layers, tr("spatial.charts.replay", epoch=f.epoch), height=height_for(width, height))

