import streamlit as st

st.write("A bare one-line page, the baseline of the concurrency benchmark.")
