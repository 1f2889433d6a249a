"""Timing a page's run in AppTest, as the page benchmarks need it."""
from __future__ import annotations

import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def default_run_seconds(page: str, seed: int, cold: bool = False) -> float:
    """Seconds of ``page``'s run (app.py, then switch_page) for a seed not seen before.

    ``cold`` empties the shared caches first, so nothing computed earlier is reused.
    """
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    if cold:
        st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["seed"] = str(seed)
    at.run()
    t0 = time.perf_counter()
    at.switch_page(page)
    at.run()
    dt = time.perf_counter() - t0
    assert not at.exception, at.exception
    return dt


def best(fn, repeat: int = 3) -> tuple[float, object]:
    """(fastest of ``repeat`` wall times, the last result) of ``fn()``."""
    fastest, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        fastest = min(fastest, time.perf_counter() - t)
    return fastest, out
