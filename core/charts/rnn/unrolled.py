"""Chart of the RNN page's unrolled Elman network (part ``unrolled``): one copy of the cell per word, side by side,
each drawn from the weights that step computed with (the same W_x, W_h, b at every step) and the hidden layer h_t
it hands to the next step. Every word from core/locales/<lang>/rnn.charts.toml."""
from __future__ import annotations

import numpy as np
import pandas as pd

from core import i18n
from core.charts import hex_of, mark, n, q, styled
from core.charts.rnn.stepper import SIGNED_SCHEME
from core.rnn.slots import WORDS
from core.rnn.unrolled import Unrolled

SHARED_COLOUR = "green"  # the frames of the shared weights W_x, W_h, b: the same at every step
STATE_COLOUR = "vermillion"  # the frame of h_t, handed to the next step's W_h
BLOCKS = ("Wx", "Wh", "b", "h")  # drawn left to right in each step's copy of the cell
GAP, STEP_GAP = 1, 4  # empty columns between the blocks of one step, and between steps


def unrolled_frame(u: Unrolled) -> pd.DataFrame:
    """Every drawn cell: step t (1..T), block, row i (hidden unit), column j, value v, shade (v over its block's
    largest size at that step, h_t as it is: tanh's range), and its place (x, y). The weights of step t are
    ``u.used[t-1]``: what that step computed with."""
    rows = []
    x0 = 0
    for t, (w, word) in enumerate(zip(u.used, u.words), start=1):
        blocks = {"Wx": w.weight_ih.numpy(), "Wh": w.weight_hh.numpy(),
                  "b": (w.bias_ih + w.bias_hh).numpy()[:, None], "h": u.h[t - 1][:, None]}
        for name in BLOCKS:
            m = np.asarray(blocks[name], dtype=float)  # (H, cols)
            size = 1.0 if name == "h" else max(1e-9, float(np.abs(m).max()))
            for (i, j), v in np.ndenumerate(m):
                rows.append((t, word, name, i, j, float(v), float(v / size), x0 + j, i))
            x0 += m.shape[1] + GAP
        x0 += STEP_GAP - GAP
    return pd.DataFrame(rows, columns=["t", "word", "block", "i", "j", "v", "shade", "x", "y"])


def unrolled_chart(u: Unrolled, lang: str = "en"):
    """T copies of the Elman cell side by side (step t: W_x, W_h, b and h_t as small heat maps, one row per hidden
    unit); the shared weights framed in SHARED_COLOUR at every step, h_t framed in STATE_COLOUR; the word read and its tag above each copy; the raw value on hover."""
    tr = i18n.translator(lang)
    df = unrolled_frame(u)
    names = {b: tr(f"rnn.charts.block.{b}") for b in BLOCKS}
    df["name"] = df.block.map(names)
    df["input"] = np.where(df.block == "Wx", [WORDS[j] for j in df.j.clip(0, len(WORDS) - 1)], "")
    df = df.astype({"x": float, "y": float, "i": float})  # floats: int64 reaches the browser as BigInt, which
    df["x2"], df["y2"] = df.x + 1, df.y + 1  # Vega's quantitative scales cannot mix with numbers
    hid = int(df.y.max()) + 1
    x, y = q("x", None, axis=None), q("y", None, axis=None, scale={"reverse": True})
    cells = mark(df, "rect", x=x, x2={"field": "x2"}, y=y, y2={"field": "y2"},
                 color=q("shade", None, scale={"scheme": SIGNED_SCHEME, "domain": [-1, 1]},
                         legend={"title": tr("rnn.charts.unrolled_legend"), "orient": "bottom",
                                 "direction": "horizontal", "gradientLength": 260, "titleLimit": 0,
                                 "titleFontWeight": "normal"}),
                 tooltip=[q("t", tr("rnn.charts.time")), n("word", tr("rnn.charts.word")),
                          n("name", tr("rnn.charts.quantity")), q("i", tr("rnn.charts.unit")),
                          n("input", tr("rnn.charts.input_word")), q("v", tr("rnn.charts.value"), format=".3f")])
    box = df.groupby(["t", "block", "name"], as_index=False).agg(x=("x", "min"), x2=("x2", "max"))
    box = box.assign(t=box.t.astype(float), y=0.0, y2=float(hid), kind=np.where(box.block == "h", "state", "shared"))
    frame = mark(box, {"type": "rect", "filled": False, "strokeWidth": 2.5}, x=x, x2={"field": "x2"}, y=y, y2={"field": "y2"},
                 stroke=n("kind", None, legend=None, scale={"domain": ["shared", "state"],
                                                             "range": [hex_of(SHARED_COLOUR), hex_of(STATE_COLOUR)]}))
    label = mark(box.assign(mid=(box.x + box.x2) / 2, ly=-0.8), {"type": "text", "fontSize": 12, "baseline": "bottom"},
                 x=q("mid"), y=q("ly"), text=n("name"))
    head = box.groupby("t", as_index=False).agg(x=("x", "min"), x2=("x2", "max"))
    tags = {t: tr(f"rnn.charts.tag.{g}") for t, g in enumerate(u.tags, start=1)}
    head = head.assign(t=head.t.astype(float), mid=(head.x + head.x2) / 2, ly=-3.2,
                       text=[tr("rnn.charts.unrolled_step", t=int(t), word=u.words[int(t) - 1], tag=tags[int(t)]) for t in head.t])
    header = mark(head, {"type": "text", "fontSize": 13, "fontWeight": "bold", "baseline": "bottom", "lineBreak": "\n"},
                  x=q("mid"), y=q("ly"), text=n("text"))
    return styled([cells, frame, label, header], tr("rnn.charts.unrolled_title", n=len(u.words)),
                  height=20 * hid + 150)
