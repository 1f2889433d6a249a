"""Compute library of the deep-learning course companion.

Plain Python + PyTorch, usable from a notebook. It never imports streamlit:
configs (frozen dataclasses) go in, result dataclasses come out.
"""
