"""Benchmark: prints figures, asserts nothing.
python scripts/bench.py [--pages-only|--core-only|--load|--worst|--school] [--no-crowd] [--browser-crowd]

For every page registered in app.py (AppTest of the whole app, caches cleared first):
  default run   seconds of the page's first run with its defaults (training included, torch imported)
  rerun         seconds of a rerun with nothing changed (shared result cache hit)
  control       seconds of the rerun after one control changes (the first slider of the page)
Then each bench/<stem>.py's run() figures, and the load benchmark on a real server (bench/_load.py):
N websocket sessions (Streamlit's own protocol, no browsers) opening each page at once, warm and on a
seed never seen, against a bare one-line page: p50/p95 waits, the ratio of each page's p95 to the bare
page's, server CPU seconds and bytes per view, exceptions, whether every session got the same charts,
then the server's memory after 400 distinct settings.

  --worst                each page's most expensive settings (``WORST`` links in bench/<stem>.py), opened
                         with a cold cache: CPU seconds of the run (budget: about 10 s on one thread);
                         --pages a,b for some pages only
  --load                 only the load benchmark (--sessions N, --pages a,b, --settings 400, --app PATH)
  --school               only the school benchmark (bench/_school.py, needs Debian's nginx): the load benchmark
                         through nginx with deploy/nginx.conf.template, --sessions per replica on one replica
                         against twice as many on two; then the first visit after a replica restarts, cold and
                         pre-warmed (scripts/prewarm.py); --pages a,b for some pages only
  --no-crowd             skip the load benchmark
  --browser-crowd        also the old check with 30 headless-Chromium tabs (measures the browsers as much)
"""
from __future__ import annotations

import argparse
import importlib
import statistics
import sys
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
    """Each page: a first visit (imports its modules, as a server does once), then with caches emptied and a
    seed not seen before, the default run; a rerun with nothing changed; one step of its first slider."""
    import torch  # noqa: F401  (the budget is stated with torch already imported)

    _open(None)  # warm: imports of the app shell
    print(f"{'page':<14}{'default run s':>15}{'rerun s':>10}{'control s':>11}  control changed")
    for i, page in enumerate(_pages()):
        _open(page, query={"seed": str(900 + i)})  # first visit: module imports
        _clear()
        at = _open(None, query={"seed": str(100 + i)})
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
            step = s.proto.step or 1
            new = s.value + step if s.value + step <= s.max else s.value - step
            new = type(s.value)(round(new, 6))
            s.set_value(new)
            t0 = time.perf_counter()
            at.run()
            t_ctrl = time.perf_counter() - t0
            changed = f"{s.key} one step -> {new}"
        err = " EXCEPTION" if at.exception else ""
        print(f"{Path(page).stem:<14}{t_default:>15.2f}{t_rerun:>10.3f}{t_ctrl:>11.2f}  {changed}{err}")


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


WORST_BUDGET = 10.0  # CPU seconds on one thread for the most expensive setting a student can reach


def worst(only: str = "") -> None:
    """Each page's declared most expensive links (``WORST`` in bench/<stem>.py: every control pushed to its slow
    end, part by part), each opened on a cold cache with a new seed; CPU seconds of the whole run (the script
    thread's training and drawing). A page's budget holds by a budget of work, never by a time cap."""
    import torch  # noqa: F401  (imports are not the page's cost)

    _open(None)
    print(f"\n{'page':<14}{'CPU s':>8}{'wall s':>8}  setting")
    wanted = {p.strip() for p in only.split(",") if p.strip()}
    for page in _pages():
        stem = Path(page).stem
        if wanted and stem not in wanted:
            continue
        try:
            links = getattr(importlib.import_module(f"bench.{stem}"), "WORST", None)
        except ImportError:
            links = None
        if not links:
            print(f"{stem:<14}{'-':>8}{'-':>8}  (no WORST links declared in bench/{stem}.py)")
            continue
        _open(page)  # the page's modules imported once, as on a server
        for i, link in enumerate(links):
            _clear()
            query = {"seed": str(7000 + i), **{k: str(v) for k, v in link.items()}}
            c0, w0 = time.process_time(), time.perf_counter()
            try:
                at = _open(page, query=query)
                failed = "  EXCEPTION" if at.exception else ""
            except RuntimeError as e:  # AppTest's own limit (300 s of wall time): far over budget
                failed = f"  {type(e).__name__}: {e}"
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            flag = failed or ("  OVER BUDGET" if cpu > WORST_BUDGET else "")
            shown = "&".join(f"{k}={v}" for k, v in link.items())
            print(f"{stem:<14}{cpu:>8.2f}{wall:>8.2f}  ?{shown}{flag}")


def _server(script: Path, port: int):
    import subprocess
    import urllib.request

    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless=true",
                             f"--server.port={port}", "--server.address=127.0.0.1",
                             "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server for {script} did not start")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _crowd(browser, url: str, n: int) -> list[float]:
    import asyncio

    idle = ("() => { const a = document.querySelector(\"[data-testid='stApp']\");"
            " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }")

    async def one() -> float:
        ctx = await browser.new_context(viewport={"width": 1400, "height": 900})
        page = await ctx.new_page()
        t0 = time.perf_counter()
        await page.goto(url, wait_until="commit", timeout=600_000)
        for _ in range(2):
            await page.wait_for_function(idle, timeout=600_000)
            await page.wait_for_timeout(300)
        dt = time.perf_counter() - t0 - 0.6
        await ctx.close()
        return dt

    return list(await asyncio.gather(*[one() for _ in range(n)]))


def crowd(n: int = 30) -> None:
    """n browser sessions (headless Chromium tabs) opening each page at the same moment, on a real
    server, against a bare one-line page; then the server's memory after every page was visited."""
    import asyncio

    from playwright.async_api import async_playwright

    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("\n(no /usr/bin/chromium: crowd benchmark skipped)")
        return

    async def go():
        app = _server(ROOT / "app.py", 8765)
        bare = _server(ROOT / "bench" / "_bare_page.py", 8766)
        try:
            async with async_playwright() as p:
                b = await p.chromium.launch(executable_path=chromium, args=[
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"])
                await _crowd(b, "http://127.0.0.1:8766/", 2)  # warm both servers
                await _crowd(b, "http://127.0.0.1:8765/", 1)
                print(f"\n{n} browser sessions opening a page at the same moment (fresh results, real server):")
                base = await _crowd(b, "http://127.0.0.1:8766/", n)
                print(f"  {'bare one-line page':<28} median {statistics.median(base):6.2f} s   slowest {max(base):6.2f} s")
                for page in _pages():
                    t = await _crowd(b, f"http://127.0.0.1:8765/{Path(page).stem}", n)
                    print(f"  {Path(page).stem:<28} median {statistics.median(t):6.2f} s   slowest {max(t):6.2f} s"
                          f"   ({max(t) / max(base):.1f}x the bare page)")
                await b.close()
            print(f"\nserver memory after every page was visited by {n} sessions: {_rss_mb(app.pid):.0f} MB "
                  f"(budget: 700 MB; bare server {_rss_mb(bare.pid):.0f} MB)")
        finally:
            app.terminate()
            bare.terminate()

    asyncio.run(go())


def load(a) -> None:
    """The websocket load benchmark (bench/_load.py) with the command line's options."""
    from bench import _load

    pages = [p.strip() for p in a.pages.split(",") if p.strip()] if a.pages else None
    _load.load_benchmark(sessions=a.sessions, pages=pages, settings=a.settings, timeout=a.timeout,
                         at_once=a.at_once, script=Path(a.app).resolve() if a.app else _load.APP)


def school(a) -> None:
    """Several replicas behind nginx (bench/_school.py): 1 replica x --sessions against 2 x twice that, and the
    first visit after a replica restarts, cold and pre-warmed."""
    from bench import _school

    if not _school.have_nginx():
        print(f"\n(no nginx at {_school.NGINX}: apt-get install -y nginx; school benchmark skipped)")
        return
    pages = [p.strip() for p in a.pages.split(",") if p.strip()] if a.pages else None
    _school.school_benchmark(pages=pages, per_replica=a.sessions, timeout=a.timeout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages-only", action="store_true")
    ap.add_argument("--core-only", action="store_true")
    ap.add_argument("--no-crowd", action="store_true", help="skip the load benchmark")
    ap.add_argument("--load", action="store_true", help="run only the websocket load benchmark")
    ap.add_argument("--worst", action="store_true", help="only each page's most expensive settings")
    ap.add_argument("--school", action="store_true", help="only the school benchmark: nginx in front of 1 and 2 "
                                                          "replicas (--sessions per replica), first visit after a restart")
    ap.add_argument("--browser-crowd", action="store_true", help="also the headless-Chromium crowd check")
    ap.add_argument("--sessions", type=int, default=30, help="sessions opening one link at once (30)")
    ap.add_argument("--pages", default="", help="comma-separated URL names (default: every registered page; "
                                                "--load and --worst)")
    ap.add_argument("--settings", type=int, default=400, help="distinct settings visited before reading memory")
    ap.add_argument("--at-once", type=int, default=4, help="sessions at a time while visiting the settings")
    ap.add_argument("--timeout", type=float, default=180, help="seconds one session may wait for its page")
    ap.add_argument("--app", default="", help="main script to serve (default: this checkout's app.py)")
    a = ap.parse_args()
    if a.worst:
        worst(a.pages)
        return
    if a.school:
        school(a)
        return
    if a.load:
        load(a)
        return
    if not a.core_only:
        page_timings()
    if not a.pages_only:
        core_figures()
    if not a.core_only and not a.no_crowd:
        load(a)
    if a.browser_crowd:
        crowd(a.sessions)


if __name__ == "__main__":
    main()
