"""Home: the course map, from the course registry."""
import streamlit as st

import course
from pages import _kit as kit, _style

kit.leave_pages_directory_mode()
st.html(_style.CSS)
st.title(kit.t("course.app_title"))
st.markdown(kit.t("course.intro"))
for section, items in course.SECTIONS.items():
    st.subheader(kit.t(f"course.section.{section}"))
    cols = st.columns(3)
    for i, c in enumerate(items):
        with cols[i % 3].container(border=True):
            st.markdown(f"**{kit.t(f'course.{c.stem}.title')}**")
            st.caption(kit.t(f"course.{c.stem}.blurb"))
            if c.built:
                st.page_link(c.page, label=kit.t("course.open"), icon=":material/play_arrow:")
            else:
                st.caption(f":material/schedule: {kit.t('course.soon')}")
