"""Pre-warm a freshly started app server before it takes traffic: open a list of links on it, so the first
students do not pay for the first training of each.

    python scripts/prewarm.py                       # every page's default link, its "Try this" presets, and
                                                    # the steps of the built-in lessons (lessons/*.toml)
    python scripts/prewarm.py --links links.txt     # a file of links, one a line ("# ..." and blank lines skipped)
    python scripts/prewarm.py --port 8501 --pages fitting,rnn --wait 120

A link is what the address bar shows, whole or from the page on: ``http://host/fitting?k=3&seed=7``,
``/fitting?k=3`` or ``fitting?k=3``; ``/`` or an empty path is the course map. Each link is opened by one session
over Streamlit's websocket (bench/_load.py, no browser), ``--at-once`` sessions at a time (2: the server runs two
trainings at once and queues the rest), on 127.0.0.1 only. Results are computed once per setting for the whole
server, so every later visit to these links is served from memory; results do not depend on the language, so
one language is enough. The presets are read from the pages themselves: each page script is run up to its
``kit.page(...)`` call (imports and control declarations, no streamlit session), which hands over its presets.

Used by deploy/entrypoint.sh (the container image): server in the background, pre-warm, then the health check
passes. Exit status 1 when a link failed or showed an exception (the server still serves).
"""
from __future__ import annotations

import argparse
import asyncio
import runpy
import sys
import time
import urllib.parse
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


class _Presets(Exception):
    def __init__(self, items):
        super().__init__("presets")
        self.items = items


def presets(stem: str) -> list[dict]:
    """The page's "Try this" presets, each as {URL key: value} (what its button puts in the link)."""
    import course
    from pages import _kit as kit

    page = next((c.page for c in course.registered() if c.stem == stem), None)
    if page is None:
        return []

    def take(topic, forms, items, formula):
        raise _Presets(list(items))

    real, kit.page = kit.page, take
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            runpy.run_path(str(ROOT / page), run_name="__dlc_prewarm__")
        return []  # the page declares no presets
    except _Presets as got:
        return [dict(p.values) for p in got.items]
    finally:
        kit.page = real


def lesson_links(pages: list[str] | None = None) -> list[tuple[str, str]]:
    """(page, query) of every step of the built-in lessons (lessons/*.toml), on the given pages if any."""
    try:
        from core import lessons
        from core import params

        steps = [step for name in lessons.names() for step in lessons.builtin(name).steps]
    except Exception as e:  # noqa: BLE001 - no lessons (or none readable): the presets still warm the pages
        print(f"prewarm: built-in lessons not read ({type(e).__name__}: {e})", file=sys.stderr)
        return []
    return [(s.page, urllib.parse.urlencode({k: params.to_url(v) for k, v in s.state.items()}))
            for s in steps if not pages or s.page in pages]


def default_links(pages: list[str] | None = None) -> list[tuple[str, str]]:
    """(page, query) pairs: the course map, then per page its default link and one per preset, then the steps of
    the built-in lessons (each link once)."""
    import streamlit.logger

    from bench._load import registered_pages
    from core import params

    streamlit.logger.set_log_level("error")  # "no runtime" warnings of page scripts run bare
    links = [("", "")]
    for stem in pages or registered_pages():
        links.append((stem, ""))
        try:
            found = presets(stem)
        except Exception as e:  # noqa: BLE001 - a page that cannot be read bare is still warmed on its default
            print(f"prewarm: presets of {stem} not read ({type(e).__name__}: {e})", file=sys.stderr)
            found = []
        for values in found:
            links.append((stem, urllib.parse.urlencode({k: params.to_url(v) for k, v in values.items()})))
    links += lesson_links(pages)
    return list(dict.fromkeys(links))


def parse_link(link: str) -> tuple[str, str]:
    """``http://host/fitting?k=3`` / ``/fitting?k=3`` / ``fitting?k=3`` -> ("fitting", "k=3")."""
    u = urllib.parse.urlsplit(link.strip())
    path = u.path if (u.scheme or u.netloc or link.strip().startswith("/")) else "/" + u.path
    return path.strip("/").split("/")[-1] if path.strip("/") else "", u.query


def read_links(path: str | Path) -> list[tuple[str, str]]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(parse_link(line))
    return out


def wait_healthy(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return True
        except OSError:
            pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def prewarm(port: int, links: list[tuple[str, str]], at_once: int = 2, timeout: float = 300, out=print) -> list:
    """Open every link on the server at ``port``; the course map first (a fresh server's first run reruns once).
    Returns the Views (bench/_load.View)."""
    from bench._load import spread, view

    async def go():
        got = []
        rest = list(links)
        if rest and rest[0] == ("", ""):
            got.append(await view(port, "", "", timeout))
            rest = rest[1:]
        return got + await spread(port, rest, at_once, timeout)

    t0 = time.perf_counter()
    views = asyncio.run(go())
    for v in views:
        bad = v.error or (v.exceptions[0][:100] if v.exceptions else "")
        out(f"  {v.seconds:6.2f} s  /{v.page}{'?' + v.query if v.query else ''}{'  FAILED: ' + bad if bad else ''}")
    failed = sum(1 for v in views if not v.ok or v.exceptions)
    out(f"pre-warmed {len(views)} links in {time.perf_counter() - t0:.0f} s, {failed} failed")
    return views


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--port", type=int, default=8501, help="the server's port on 127.0.0.1 (8501)")
    ap.add_argument("--links", default="", help="a file of links, one a line (default: every page's presets and "
                                                "the built-in lessons' steps)")
    ap.add_argument("--pages", default="", help="comma-separated URL names (default: every registered page)")
    ap.add_argument("--at-once", type=int, default=2, help="sessions at a time (2)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds one link may take (300)")
    ap.add_argument("--wait", type=float, default=0, help="seconds to wait for the server to come up first")
    a = ap.parse_args()
    if a.wait and not wait_healthy(a.port, a.wait):
        print(f"prewarm: no server answered on port {a.port} within {a.wait:.0f} s", file=sys.stderr)
        return 1
    pages = [p.strip() for p in a.pages.split(",") if p.strip()] or None
    links = read_links(a.links) if a.links else default_links(pages)
    views = prewarm(a.port, links, a.at_once, a.timeout)
    return 1 if any(not v.ok or v.exceptions for v in views) else 0


if __name__ == "__main__":
    sys.exit(main())
