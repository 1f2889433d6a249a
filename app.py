"""App shell: ``streamlit run app.py``.

Navigation from the course registry (course.py), wide layout, the global sidebar (language, seed,
device). Heavy modules are imported once and the heap frozen (pages/_compute.warm_up).
"""
from __future__ import annotations

import streamlit as st

import course
from core.device import configure_threads
from pages import _kit as kit

configure_threads()
kit.warm_up()
st.set_page_config(page_title=kit.t("course.app_title"), page_icon=":material/neurology:", layout="wide")
nav: dict[str, list] = {"": [st.Page("pages/home.py", title=kit.t("course.map"), icon=":material/map:",
                                     default=True)]}
for section, items in course.SECTIONS.items():
    built = [st.Page(c.page, title=kit.t(f"course.{c.stem}.title"), icon=c.icon, url_path=c.stem)
             for c in items if c.built]
    if built:
        nav[kit.t(f"course.section.{section}")] = built
current = st.navigation(nav, position="top")  # every page one click away; the sidebar keeps the language on its first screen
kit.sidebar()
try:
    current.run()
except kit.Busy:
    pass  # the page said where its result would be that the guard cut the run (nothing is shown as the answer)
kit.seed_control()
