"""Home: the course map."""
import streamlit as st

from app import CONCEPTS
from pages import _kit as kit  # noqa: F401 - see kit._leave_pages_directory_mode

st.title("Deep learning, run it yourself")
st.markdown("Every page is a live experiment: a small PyTorch model trains while you watch, and the charts show the "
            "lecture's claim happening. Change a control and the experiment runs again; copy the address bar to share "
            "exactly what you see, seed included.")
for section, items in CONCEPTS.items():
    st.subheader(section)
    cols = st.columns(3)
    for i, c in enumerate(items):
        with cols[i % 3].container(border=True):
            st.markdown(f"**{c.title}**")
            st.caption(c.blurb)
            if c.page:
                st.page_link(c.page, label="Open", icon=":material/play_arrow:")
            else:
                st.caption(":material/schedule: coming soon")
