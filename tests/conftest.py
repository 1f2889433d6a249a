"""Shared test helpers: the page registry and an AppTest factory with absolute paths."""
from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")

from core.device import configure_threads  # noqa: E402

configure_threads()  # as the app does: one intra-op thread per process (DLC_THREADS=2 for the second mode)

from core import train  # noqa: E402

# Tests check numbers, never time: a loaded machine must not cut a claim's training short (the app's guard is
# tested on its own, with the limit lowered on purpose).
train.GUARD_SECONDS = float("inf")
ARTIFACTS = ROOT / "tests" / "artifacts"


import course  # noqa: E402 - the course registry: every registered page is tested

PAGES = course.PAGES


def open_page(page: str | None, timeout: float = 120, query: dict | None = None):
    """An AppTest of the whole app (navigation and global sidebar included) showing ``page``."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP, default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def snapshot(at, detail: bool = False):
    """A digest of everything a student sees: chart specs and data, text, metrics, messages. ``detail``: a digest
    per element instead ({"chart 0": ..., "caption 2": ...}), so a difference can be named."""
    parts = {}
    for i, ch in enumerate(at.get("vega_lite_chart")):
        parts[f"chart {i}"] = ch.proto.SerializeToString()
    for kind in ("markdown", "latex", "caption", "metric", "warning", "info", "error", "success", "code",
                 "dataframe", "table", "json", "text"):
        try:
            elements = at.get(kind)
        except Exception:  # noqa: BLE001 - element kind absent from this AppTest version
            continue
        for i, e in enumerate(elements):
            parts[f"{kind} {i}"] = repr(getattr(e, "value", e.proto)).encode()
    if detail:
        return {k: hashlib.sha256(v).hexdigest()[:12] for k, v in parts.items()}
    h = hashlib.sha256()
    for v in parts.values():
        h.update(v)
    return h.hexdigest()


# Test modules whose tests are spread over all workers (pytest-xdist, ``-n 3 --dist loadgroup``: three workers on
# two cores, so a core the browser tests leave idle while a page settles is used): the page tests share nothing
# between tests but the process's caches. Every other module runs whole on one worker, so its module-scoped
# fixtures (trained models, a browser and a server) are made once. Trained models are session-scoped fixtures: a
# worker tears module fixtures down whenever its queue of tests runs dry, and a 10-seed claim run is then trained again.
SPREAD = {"test_pages.py"}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        if item.path.name == "test_browser.py":  # three groups, each with its own server and browser, so the
            # browser tests (mostly waiting for pages to settle) run beside each other, not one after another
            name = item.originalname
            group = "first" if name == "test_first_screen" else "language" if name.startswith("test_switching") else "rest"
            item.add_marker(pytest.mark.xdist_group(f"browser-{group}"))
        elif item.path.name not in SPREAD:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))
        # xdist's worker adds the group to the test id (what its scheduler groups by) by setting ``item._nodeid``,
        # which pytest 9 no longer reads (the id lives in ``item._id``), so without this every test was scheduled
        # alone and a trained fixture was built on every worker that ran one of its tests.
        mark = item.get_closest_marker("xdist_group")
        if getattr(config.option, "loadgroup", False) and mark and "@" not in item.nodeid:
            grouped = f"{item.nodeid}@{mark.args[0]}"
            if hasattr(item, "_id"):  # pytest 9 keeps the id structured; its string form is what xdist reads
                from _pytest.nodeid import NodeId

                item._id = NodeId.parse(grouped)
            item._nodeid = grouped
