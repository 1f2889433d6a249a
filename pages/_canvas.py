"""The drawing board the pages share (streamlit-drawable-canvas): a digit drawn with the mouse, read as the digit
networks read theirs (``core.convolution.from_drawing``), on the board ``core.convolution`` sets out (its size,
stroke, ink and paper).

Without the package, or with a Streamlit it does not work with, there is no board: ``AVAILABLE`` is False and
``drawn_digit`` draws nothing and returns None, so a page falls back to a test digit.
"""
from __future__ import annotations

import streamlit as st

from core import convolution as cv

try:
    from streamlit_drawable_canvas import st_canvas
except Exception:  # noqa: BLE001 - not installed, or a Streamlit it does not work with
    st_canvas = None

AVAILABLE = st_canvas is not None


def drawn_digit(side: int, key: str, caption: str | None = None):
    """The board (with ``caption`` above it) where the page is drawing; the digit drawn on it as a (side, side)
    tensor, or None when nothing is drawn yet or there is no board. A drawing is seen once: nothing is kept."""
    if st_canvas is None:
        return None
    if caption:
        st.caption(caption)
    out = st_canvas(stroke_width=cv.STROKE_PX, stroke_color=cv.INK, background_color=cv.PAPER, width=cv.BOARD_PX,
                    height=cv.BOARD_PX, drawing_mode="freedraw", return_image_data=True, key=key)
    data = getattr(out, "image_data", None)
    return None if data is None else cv.from_drawing(data, side)
