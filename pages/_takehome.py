"""Take it home: the experiment on screen as a PyTorch script and a notebook, in one call a page makes under its
chart. A folded expander, so it never pushes the chart down: inside, a line saying what the script needs (and,
where the catalogue has ``takehome.note.<topic>``, how it differs from the page's run), two downloads and the
script highlighted (a teacher can project it). The text comes from core (``core/<stem>/takehome.py``: a template
filled with the config, cheap); the notebook's bytes are made only when its button is clicked.

    take_home(T, regression.script(cfg, kit.lang()), regression.SCRIPT_FILE)
"""
from __future__ import annotations

import streamlit as st

from core import i18n, takehome
from pages._controls import lang, t
from pages._draw import download


def take_home(topic: str, text: str, file_name: str, where=None) -> None:
    """The "Take it home" expander for ``text`` (a script from ``core.<stem>.takehome.script``), downloaded as
    ``file_name`` (.py) and as the notebook of the same name (.ipynb)."""
    lg = lang()
    book = file_name.rsplit(".", 1)[0] + ".ipynb"
    with (where or st).expander(t("takehome.label"), icon=":material/download:"):
        extra = t("takehome.extra") if "vega_datasets" in text else ""
        st.caption(t("takehome.intro", file=file_name, lines=takehome.lines(text), extra=extra))
        if i18n.has(lg, f"takehome.note.{topic}"):
            st.caption(t(f"takehome.note.{topic}"))
        c1, c2 = st.columns(2)
        download(t("takehome.py"), lambda: text.encode("utf-8"), file_name, "text/x-python",
                 t("takehome.py_help", file=file_name), where=c1)
        download(t("takehome.ipynb"), lambda: takehome.notebook(text, lg), book, "application/x-ipynb+json",
                 t("takehome.ipynb_help"), where=c2)
        st.code(text, language="python", line_numbers=True)
