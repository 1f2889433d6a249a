"""Benchmark: prints figures, asserts nothing.  python scripts/bench.py [--pages-only|--core-only]

For every page registered in app.py (AppTest of the whole app, caches cleared first):
  default run   seconds of the page's first run with its defaults (training included, torch imported)
  rerun         seconds of a rerun with nothing changed (shared result cache hit)
  control       seconds of the rerun after one control changes (the first slider of the page)
Then each bench/<stem>.py's run() figures, the server's peak memory after all pages, and a
concurrency check: 30 sessions opening the default pages at once, against a bare one-line page.
"""
from __future__ import annotations

import argparse
import importlib
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def _pages() -> list[str]:
    from conftest import PAGES

    return PAGES


def _open(page: str | None, query: dict | None = None):
    from conftest import open_page

    return open_page(page, timeout=300, query=query)


def _clear():
    import streamlit as st

    st.cache_resource.clear()
    st.cache_data.clear()


def page_timings() -> None:
    from streamlit.testing.v1 import AppTest

    import torch  # noqa: F401  (the budget is stated with torch already imported)

    _open(None)  # warm: imports of the app shell
    print(f"{'page':<28}{'default run s':>15}{'rerun s':>10}{'control s':>11}  control changed")
    for page in _pages():
        _clear()
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        t_default = time.perf_counter() - t0
        t0 = time.perf_counter()
        at.run()
        t_rerun = time.perf_counter() - t0
        sliders = [s for s in at.slider if s.key]
        changed, t_ctrl = "-", float("nan")
        if sliders:
            s = sliders[0]
            new = s.max if s.value != s.max else s.min
            s.set_value(new)
            t0 = time.perf_counter()
            at.run()
            t_ctrl = time.perf_counter() - t0
            changed = f"{s.key} -> {new}"
        err = " EXCEPTION" if at.exception else ""
        print(f"{Path(page).stem:<28}{t_default:>15.2f}{t_rerun:>10.3f}{t_ctrl:>11.2f}  {changed}{err}")


def core_figures() -> None:
    for path in sorted((ROOT / "bench").glob("*.py")):
        if path.name.startswith("_"):
            continue
        mod = importlib.import_module(f"bench.{path.stem}")
        if not hasattr(mod, "run"):
            continue
        print(f"\n[{path.stem}]")
        try:
            for k, v in mod.run().items():
                print(f"  {k:<60} {v:>12.3f}" if isinstance(v, float) else f"  {k:<60} {v!s:>12}")
        except Exception as e:  # noqa: BLE001 - a benchmark prints, it does not stop the others
            print(f"  failed: {type(e).__name__}: {e}")


def memory() -> None:
    _clear()
    for page in _pages():
        _open(page)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process after visiting every page: {rss:.0f} MB (budget: 700 MB)")


def concurrency(n: int = 30) -> None:
    """n sessions at once in one process (each AppTest session is a thread, as on the server)."""
    bare = ROOT / "bench" / "_bare_page.py"

    def timed(fn, out, i):
        t0 = time.perf_counter()
        fn()
        out[i] = time.perf_counter() - t0

    def crowd(fn) -> list[float]:
        out = [0.0] * n
        threads = [threading.Thread(target=timed, args=(fn, out, i)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return out

    from streamlit.testing.v1 import AppTest

    def bare_run():
        AppTest.from_file(str(bare), default_timeout=600).run()

    print(f"\n{n} sessions opening a page at the same moment (shared caches cleared first):")
    base = crowd(bare_run)
    print(f"  {'bare one-line page':<28} median {statistics.median(base):6.2f} s   slowest {max(base):6.2f} s")
    for page in _pages():
        _clear()
        times = crowd(lambda: _open(page))
        print(f"  {Path(page).stem:<28} median {statistics.median(times):6.2f} s   slowest {max(times):6.2f} s"
              f"   ({max(times) / max(base):.1f}x the bare page)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages-only", action="store_true")
    ap.add_argument("--core-only", action="store_true")
    ap.add_argument("--no-crowd", action="store_true")
    a = ap.parse_args()
    if not a.core_only:
        page_timings()
    if not a.pages_only:
        core_figures()
    if not a.core_only:
        memory()
        if not a.no_crowd:
            concurrency()


if __name__ == "__main__":
    main()
