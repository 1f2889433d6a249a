"""Colours, dashes and translated names shared by the optimizer race charts.

Each racer has ONE fixed (colour, dash) in every chart and every preset (``RACER_STYLES``), so "the green one is
momentum" stays true whichever racers are drawn: the colour is the method's family (SGD vermillion, momentum green,
Adagrad pink, RMSProp orange, Adam blue), the dash its variant (the lecture's formula solid, PyTorch's dashed,
Nesterov dotted). No two racers share (colour, dash); the racers of the default race and of every preset have
different colours or dashes, and those of the presets contrast at least 3:1 with both themes' backgrounds (tested).
"""
from __future__ import annotations

import html

import numpy as np
import pandas as pd

from core import i18n
from core.charts import COLOURS, GREY, hex_of  # noqa: F401 - hex_of re-exported for the optimizer charts
from core.optimizers import BY_NAME, NAMES, SURFACES

DASHES: dict[str, list[int]] = {"solid": [1, 0], "dashed": [8, 4], "dotted": [2, 3]}  # stroke dash of a racer
RACER_STYLES: dict[str, tuple[str, str]] = {  # racer -> (key of COLOURS, key of DASHES), the same in every chart
    "SGD": ("vermillion", "solid"),
    "Momentum (lecture)": ("green", "solid"), "Momentum (PyTorch)": ("green", "dashed"),
    "Nesterov": ("green", "dotted"),
    "Adagrad (lecture)": ("pink", "solid"), "Adagrad (PyTorch)": ("pink", "dashed"),
    "RMSProp (lecture)": ("orange", "solid"), "RMSProp (PyTorch)": ("orange", "dashed"),
    "Adam": ("blue", "solid"), "AdamW": ("blue", "dashed"),
}
RACER_COLOURS = {n: c for n, (c, _) in RACER_STYLES.items()}  # racer -> key of COLOURS (for text naming a colour)
BACKGROUNDS = {"light": "#FFFFFF", "dark": "#0E1117"}  # Streamlit's two themes (the racers' lines must read on both)
ARROW_COLOURS = {"gradient": "vermillion", "carried": "green", "adam": "green", "update": "sky blue"}  # inside
PARAM_COLOURS = {"x": "blue", "y": "vermillion"}  # η_t/σ per parameter
ENDS_COLOURS = {"reached": "green", "elsewhere": "pink"}  # end points: at the global minimum or elsewhere
MINIMUM_COLOUR = "yellow"  # the global minimum's cross (outlined in grey)
START_COLOUR = "grey"  # the start's square (GREY, outlined in white): visible on both themes
SCHEDULE_COLOURS = {"constant": "grey", "step": "sky blue", "exponential": "green", "cosine": "pink",
                    "warm-up then decay": "vermillion"}
SCHED_KEYS = {"constant": "constant", "step": "step", "exponential": "exponential", "cosine": "cosine",
              "warm-up then decay": "warmup"}
GAP_FLOOR = 1e-12  # loss gaps below this are drawn at this value (log scales need a floor)


def racer_styles(names: list[str]) -> dict[str, tuple[str, str]]:
    """{racer: (colour name, dash name)} for the racers drawn in one chart, in RACERS order (keys of COLOURS and
    DASHES): each racer's fixed style from ``RACER_STYLES``, whichever others are drawn."""
    drawn = set(names)
    return {n: RACER_STYLES[n] for n in NAMES if n in drawn}


def racer_label(name: str, lang: str = "en") -> str:
    return i18n.text(lang, f"optimizers.charts.racer.{BY_NAME[name].key}")


def surface_label(name: str, lang: str = "en") -> str:
    return i18n.text(lang, f"optimizers.charts.surface.{SURFACES[name].key}")


def schedule_label(name: str, lang: str = "en") -> str:
    return i18n.text(lang, f"optimizers.charts.sched.{SCHED_KEYS[name]}")


def racer_scales(names: list[str], lang: str = "en") -> tuple[dict, dict]:
    """(colour scale, strokeDash scale) over the translated names of the racers drawn, in RACERS order."""
    st = racer_styles(names)
    dom = [racer_label(n, lang) for n in st]
    return ({"domain": dom, "range": [COLOURS[c] for c, _ in st.values()]},
            {"domain": dom, "range": [DASHES[d] for _, d in st.values()]})


CSS_DASH = {"solid": "solid", "dashed": "dashed", "dotted": "dotted"}  # DASHES as a CSS border style


def racer_legend(names: list[str], lang: str = "en") -> str:
    """The racers' legend as HTML (for ``st.html``) above the race map: a swatch of each racer's colour and dash
    and its name, in RACERS order. It wraps like text at any width, so no name is ever cut: a Vega legend of
    fixed columns ran past a narrow chart's edge (150% zoom) and lost its last column. The race map, the loss
    chart and the digits race draw no legend of their own."""
    items = []
    for n, (c, d) in racer_styles(names).items():
        swatch = (f'<span style="display:inline-block;width:1.7em;border-top:0.28em {CSS_DASH[d]} {COLOURS[c]};'
                  f'vertical-align:middle;margin-right:0.35em"></span>')
        items.append(f'<span style="white-space:nowrap">{swatch}{html.escape(racer_label(n, lang))}</span>')
    return ('<div class="dlc-racers" style="display:flex;flex-wrap:wrap;column-gap:1.2em;row-gap:0.1em;'
            f'font-size:0.95rem;line-height:1.5">{"".join(items)}</div>')


def with_labels(df: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """``df`` with a ``who`` column: the translated name of each row's ``optimizer``."""
    out = df.copy()
    out["who"] = out.optimizer.map({n: racer_label(n, lang) for n in set(out.optimizer)})
    return out


def finite(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    return df[np.isfinite(df[cols].to_numpy(dtype=float)).all(1)]
