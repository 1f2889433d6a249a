"""A small class on one real server (Streamlit's websocket protocol, bench/_load.py): sessions arriving
at once on a fresh server, every registered page, no exception and the same chart data for everyone."""
from __future__ import annotations

from conftest import ROOT  # noqa: F401 - puts the repository on sys.path

from bench._load import load_smoke


def test_a_small_class_opening_every_page_at_once_on_a_fresh_server():
    out = load_smoke(n=4, warm=False, timeout=300)
    assert out, "no page was opened"
    for page, r in out.items():
        assert not r["exceptions"], f"{page}: {r['exceptions'][:2]}"
        assert not r["errors"], f"{page}: {r['errors'][:2]}"
        assert r["charts"] >= 1 and r["chart_sets"] == 1, f"{page}: {r['chart_sets']} different chart sets"
