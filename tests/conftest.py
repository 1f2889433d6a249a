"""Shared test helpers: the page registry and an AppTest factory with absolute paths."""
from __future__ import annotations

import hashlib
import os
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


# Scheduling (pytest-xdist, ``-n 3 --dist loadgroup --no-loadscope-reorder``: three workers on two cores, so a core
# the browser tests leave idle while a page settles is used). A group runs whole on one worker, so the trained results
# it shares are made once:
# - the page tests share nothing between tests but the process's caches: each is its own unit (SPREAD);
# - every other module is split along its fixtures: tests sharing a module- or session-scoped fixture of the module
#   (a trained model, a server, a browser) form one group, and the tests using none of them one more group, so
#   one module's 100-second fixture no longer holds its cheap tests back;
# - the browser tests: five groups (each with its own server and browser), the language switches in two halves.
# Groups are sent longest first (tests/durations.json, seconds per test from a full run with DLC_DURATIONS=that
# path), so no long group starts last and runs alone while the other workers idle.
SPREAD = {"test_pages.py"}
DURATIONS = Path(__file__).with_name("durations.json")
GUESS = {"test_browser.py": 15.0, "test_browser_lessons.py": 15.0, "test_pages.py": 8.0}  # seconds of a test durations.json does not list (else 1)


def _module_fixtures(item) -> list[str]:
    """The module- or session-scoped fixtures ``item`` uses (directly or through another) that its module defines."""
    import pytest

    module = item.getparent(pytest.Module).nodeid
    return sorted(name for name, defs in item._fixtureinfo.name2fixturedefs.items()
                  if defs[-1].scope != "function" and defs[-1].baseid == module)


def _groups(items) -> dict:
    """item -> its xdist group name (None: its own unit)."""
    out, by_module = {}, {}
    for item in items:
        name = item.path.name
        if name in SPREAD:
            out[item] = None
        elif name == "test_browser.py":
            test = item.originalname
            if test == "test_first_screen":
                out[item] = "browser-first"
            elif test == "test_chart_text_inside_its_canvas_and_no_plot_squeezed":
                out[item] = "browser-charts"
            elif test.startswith("test_switching"):
                out[item] = f"browser-language-{PAGES.index(item.callspec.params['page']) % 2}"
            else:
                out[item] = "browser-rest"
        else:
            by_module.setdefault(item.path.stem, []).append(item)
    for stem, its in by_module.items():  # union-find over the module's shared fixtures
        parent: dict[str, str] = {}

        def find(f):
            while parent.setdefault(f, f) != f:
                f = parent[f]
            return f

        uses = {it: _module_fixtures(it) for it in its}
        for fs in uses.values():
            for f in fs[1:]:
                parent[find(f)] = find(fs[0])
        for it, fs in uses.items():
            out[it] = f"{stem}:{find(fs[0])}" if fs else stem
    return out


def pytest_collection_modifyitems(config, items):
    import json

    import pytest

    groups = _groups(items)
    for item in items:
        if groups[item] and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(groups[item]))
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
    if getattr(config.option, "loadgroup", False) and DURATIONS.exists():  # longest group first (every worker
        # sorts the same way: xdist checks that all collected the same list)
        seconds = json.loads(DURATIONS.read_text())
        cost: dict = {}
        for item in items:
            key = groups[item] or item.nodeid
            cost[key] = cost.get(key, 0.0) + seconds.get(item.nodeid.split("@")[0], GUESS.get(item.path.name, 1.0))
        order = {item: i for i, item in enumerate(items)}
        items.sort(key=lambda it: (-cost[groups[it] or it.nodeid], order[it]))


_SECONDS: dict = {}
_ON_WORKER = [False]


def pytest_configure(config):
    _ON_WORKER[0] = hasattr(config, "workerinput")  # durations are written by the controller only


def pytest_runtest_logreport(report):
    """With DLC_DURATIONS=path: each test's seconds (setup, call and teardown), for the scheduling above, written
    after every test (a run cut short still leaves what it measured; tests it did not reach keep their old value)."""
    import json

    path = os.environ.get("DLC_DURATIONS")
    if not path or _ON_WORKER[0]:
        return
    key = report.nodeid.split("@")[0]
    _SECONDS[key] = _SECONDS.get(key, 0.0) + report.duration
    if report.when == "teardown":
        old = json.loads(Path(path).read_text()) if Path(path).exists() else {}
        old[key] = round(_SECONDS[key], 2)
        Path(path).write_text(json.dumps(dict(sorted(old.items())), indent=0) + "\n")
