"""Load benchmark of a real server, spoken to over Streamlit's own websocket protocol (no browsers).

Each *view* is one websocket session: connect to ``ws://127.0.0.1:P/_stcore/stream``, send the BackMsg
the frontend sends when a tab opens a deep link (``rerun_script`` with a ClientState carrying the query
string and the page's URL name), then read ForwardMsgs until the run that renders the page finishes.
A run cut short by ``st.rerun`` (the first run of a fresh server leaves Streamlit's "pages/ directory"
mode that way, see pages/_kit.py) ends with FINISHED_EARLY_FOR_RERUN and is followed by the real run.

Per view it records: wall seconds from connect to script finished, bytes received (decoded payloads),
exception elements, and a digest of every Vega-Lite chart (spec + data + datasets) in the final page,
so that N sessions on one link can be checked to have received the same charts.

``load_benchmark()`` is ``python scripts/bench.py --load``; ``load_smoke(n)`` is a cheap check a test can
call (no timings): every page opened by n sessions at once, per page its exceptions and distinct chart sets.
Only 127.0.0.1 is ever contacted; every wait has a timeout.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
BARE = ROOT / "bench" / "_bare_page.py"
HOST = "127.0.0.1"
MEMORY_BUDGET_MB = 700
_TICK = os.sysconf("SC_CLK_TCK")

# ForwardMsg.ScriptFinishedStatus
_SUCCESS, _COMPILE_ERROR, _EARLY_FOR_RERUN, _FRAGMENT = 0, 1, 2, 3
# Altair numbers the names it invents (param_3, view_7) per process: not part of what a student sees.
_AUTO_NAMES = re.compile(rb"\b(param|view|selector|empty)_?\d+\b")


# ---------- which pages ----------

def _stem(entry) -> str:
    if isinstance(entry, str):
        return Path(entry).stem
    stem = getattr(entry, "stem", None)
    if isinstance(stem, str):
        return stem
    return Path(entry.page).stem


def registered_pages() -> list[str]:
    """URL names (file stems) of the registered pages: course.registered() if there is a course module,
    else tests/conftest.py's PAGES (app.py's registry)."""
    for p in (str(ROOT), str(ROOT / "tests")):
        if p not in sys.path:
            sys.path.insert(0, p)
    try:
        import course

        return [_stem(c) for c in course.registered()]
    except ImportError:
        from conftest import PAGES

        return [_stem(p) for p in PAGES]


# ---------- the server under test ----------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def healthy(proc: subprocess.Popen, port: int, timeout: float) -> bool:
    """Wait until ``http://HOST:port/_stcore/health`` answers ok (True), ``proc`` exits or ``timeout`` s pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def end(proc: subprocess.Popen) -> None:
    """Terminate ``proc`` and wait for it (killed if it has not ended within 10 s)."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


class Server:
    """``streamlit run script`` on a free local port; its CPU time and memory read from /proc."""

    def __init__(self, script: Path = APP, port: int | None = None, start_timeout: float = 90):
        self.script, self.port = Path(script), port or _free_port()
        self.log = tempfile.NamedTemporaryFile(prefix=f"load-{self.script.stem}-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.headless=true",
             f"--server.port={self.port}", f"--server.address={HOST}", "--server.fileWatcherType=none",
             "--browser.gatherUsageStats=false"],
            cwd=self.script.parent, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        if healthy(self.proc, self.port, start_timeout):
            return
        self.stop()
        raise RuntimeError(f"server for {self.script} did not start:\n{self.log_tail()}")

    @property
    def pid(self) -> int:
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """utime + stime of the server process so far."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK

    def memory_mb(self) -> tuple[float, float]:
        """(VmRSS, VmHWM) in MB."""
        got = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            k, _, v = line.partition(":")
            if k in ("VmRSS", "VmHWM"):
                got[k] = int(v.split()[0]) / 1024
        return got.get("VmRSS", float("nan")), got.get("VmHWM", float("nan"))

    def log_tail(self, n: int = 2000) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def restart(self) -> None:
        """A fresh process for the same script (on a new port)."""
        self.stop()
        self.__init__(self.script)

    def stop(self) -> None:
        end(self.proc)
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# ---------- one view over the websocket ----------

@dataclass
class View:
    page: str  # URL name ("" for the main page)
    query: str
    seconds: float = float("nan")  # connect -> script finished (the page's run)
    bytes: int = 0  # decoded ForwardMsg payloads received
    ok: bool = False  # the asked page's run finished (successfully or with a compile error)
    exceptions: list[str] = field(default_factory=list)  # "Type: message" of every exception element
    charts: str = ""  # digest of the final page's Vega-Lite charts, in page order
    n_charts: int = 0
    chart_digests: list[str] = field(default_factory=list)  # per chart, in page order (names the one that differs)
    runs: int = 0  # script runs started (new_session messages); 2 when the first run reran
    refs: int = 0  # ForwardMsgs sent as a ref_hash to a cached message (never, as no cache is announced)
    wrong_page: bool = False  # the run that finished rendered another page than asked
    deflate: bool = False  # permessage-deflate negotiated (as a browser would)
    error: str = ""  # timeout, connection failure, page_not_found...


def _chart_bytes(el) -> bytes:
    """What a Vega-Lite chart element draws, deterministic: its spec with every named-dataset reference
    replaced by a digest of that dataset's content (the names d0, d7... a page gives its frames do not
    matter, only which rows each layer draws), plus its unnamed data. Not its element id."""
    named = {ds.name: hashlib.sha256(ds.data.SerializeToString(deterministic=True)).hexdigest()
             for ds in el.datasets}

    def canon(x):
        if isinstance(x, dict):
            if set(x) == {"name"} and x["name"] in named:
                return {"dataset": named[x["name"]]}
            return {k: canon(v) for k, v in x.items() if k != "datasets"}
        if isinstance(x, list):
            return [canon(v) for v in x]
        return x

    try:
        spec = json.dumps(canon(json.loads(el.spec or "{}")), sort_keys=True).encode()
    except ValueError:
        spec = el.spec.encode()
    parts = [_AUTO_NAMES.sub(rb"\1_N", spec)]
    if el.HasField("data"):
        parts.append(el.data.SerializeToString(deterministic=True))
    return b"\x00".join(parts)


async def view(port: int, page: str, query: str = "", timeout: float = 180, headers: dict | None = None,
               origin: str | None = None) -> View:
    """Open ``/<page>?<query>`` in a new session and wait for its run to finish (at most ``timeout`` s).
    ``headers`` (a Cookie, as a browser sends on the websocket handshake) and ``origin`` go with the handshake,
    as through a reverse proxy (bench/_school.py)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from websockets.asyncio.client import connect

    v = View(page, query)
    t0 = time.perf_counter()
    deadline = t0 + timeout
    elements: dict[tuple, object] = {}  # delta path -> element, of the current run
    page_hash, nav_hashes = "", {}
    try:
        async with asyncio.timeout(timeout):
            async with connect(f"ws://{HOST}:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
                               open_timeout=timeout, close_timeout=2, ping_interval=None,
                               additional_headers=headers, origin=origin) as ws:
                v.deflate = any("deflate" in type(e).__name__.lower() for e in ws.protocol.extensions)
                msg = BackMsg()
                msg.rerun_script.query_string = query
                msg.rerun_script.page_name = page
                await ws.send(msg.SerializeToString())
                while True:
                    raw = await asyncio.wait_for(ws.recv(), max(0.1, deadline - time.perf_counter()))
                    v.bytes += len(raw)
                    fm = ForwardMsg()
                    fm.ParseFromString(raw)
                    kind = fm.WhichOneof("type")
                    if kind == "new_session":
                        v.runs += 1
                        elements.clear()
                        page_hash = fm.new_session.page_script_hash
                    elif kind == "navigation":
                        nav_hashes = {p.url_pathname: p.page_script_hash for p in fm.navigation.app_pages}
                        page_hash = fm.navigation.page_script_hash or page_hash
                    elif kind == "delta":
                        path = tuple(fm.metadata.delta_path)
                        dk = fm.delta.WhichOneof("type")
                        if dk == "new_element":  # replaces whatever was at its path, a block's children too
                            for p in [p for p in elements if p[:len(path)] == path]:
                                del elements[p]
                            el = fm.delta.new_element
                            elements[path] = el
                            if el.WhichOneof("type") == "exception":
                                v.exceptions.append(f"{el.exception.type}: {el.exception.message}")
                        elif dk == "add_block":  # a new block replaces whatever was at its path
                            for p in [p for p in elements if p[:len(path)] == path]:
                                del elements[p]
                    elif kind == "ref_hash":
                        v.refs += 1
                    elif kind == "page_not_found":
                        v.error = f"page not found: {fm.page_not_found.page_name!r}"
                    elif kind == "script_finished":
                        if fm.script_finished in (_SUCCESS, _COMPILE_ERROR):
                            v.seconds = time.perf_counter() - t0
                            v.ok = not v.error  # page_not_found: the server ran the default page instead
                            break
    except TimeoutError:
        v.error = v.error or f"timeout after {timeout:.0f} s"
    except Exception as e:  # noqa: BLE001 - a failed view is a figure of the benchmark, not a crash
        v.error = f"{type(e).__name__}: {e}"
    if v.ok and page and nav_hashes.get(page) and page_hash and nav_hashes[page] != page_hash:
        v.wrong_page = True
    charts = [elements[p].vega_lite_chart for p in sorted(elements)
              if elements[p].WhichOneof("type") == "vega_lite_chart"]
    v.n_charts = len(charts)
    h = hashlib.sha256()
    for c in charts:
        d = hashlib.sha256(_chart_bytes(c)).digest()
        v.chart_digests.append(d.hex()[:12])
        h.update(d)
    v.charts = h.hexdigest()[:16]
    return v


async def crowd(port: int, page: str, query: str, n: int, timeout: float = 180) -> list[View]:
    """n sessions opening the same link at the same moment."""
    return list(await asyncio.gather(*[view(port, page, query, timeout) for _ in range(n)]))


async def spread(port: int, links: list[tuple[str, str]], at_once: int = 4, timeout: float = 180) -> list[View]:
    """Each link opened by one session, ``at_once`` sessions at a time."""
    sem = asyncio.Semaphore(at_once)

    async def one(page: str, query: str) -> View:
        async with sem:
            return await view(port, page, query, timeout)

    return list(await asyncio.gather(*[one(p, q) for p, q in links]))


# ---------- figures ----------

def quantile(xs: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    xs = sorted(x for x in xs if x == x)
    if not xs:
        return float("nan")
    i = (len(xs) - 1) * q
    lo = int(i)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo)


@dataclass
class Round:
    label: str  # page name or "bare"
    kind: str  # "warm" / "cold"
    views: list[View]
    cpu_s: float  # server CPU seconds during the round
    wall_s: float
    load: float = float("nan")  # the machine's 1-minute load average at the end (other work skews it all)

    @property
    def ok(self) -> list[View]:
        return [v for v in self.views if v.ok]

    @property
    def p50(self) -> float:
        return quantile([v.seconds for v in self.ok], 0.5)

    @property
    def p95(self) -> float:
        return quantile([v.seconds for v in self.ok], 0.95)

    @property
    def cpu_per_view(self) -> float:
        return self.cpu_s / max(1, len(self.views))

    @property
    def bytes_per_view(self) -> float:
        return sum(v.bytes for v in self.views) / max(1, len(self.views))

    @property
    def with_exception(self) -> int:
        return sum(1 for v in self.views if v.exceptions)

    @property
    def chart_sets(self) -> int:
        """Distinct chart sets among the views that finished without an exception (1: all identical)."""
        return len({v.charts for v in self.ok if not v.exceptions})

    @property
    def notes(self) -> str:
        out = []
        errors = sorted({v.error for v in self.views if v.error})
        if errors:
            out.append(f"{sum(1 for v in self.views if v.error)} failed ({'; '.join(errors)[:80]})")
        exc = sorted({e for v in self.views for e in v.exceptions})
        if exc:
            out.append(f"exception: {exc[0][:90]}" + (f" (+{len(exc) - 1} other)" if len(exc) > 1 else ""))
        if any(v.wrong_page for v in self.views):
            out.append(f"{sum(v.wrong_page for v in self.views)} got another page")
        if any(v.refs for v in self.views):
            out.append(f"{sum(v.refs for v in self.views)} cached-message refs")
        return "; ".join(out)


async def timed(server: Server, label: str, kind: str, page: str, query: str, n: int, timeout: float) -> Round:
    c0, t0 = server.cpu_seconds(), time.perf_counter()
    views = await crowd(server.port, page, query, n, timeout)
    return Round(label, kind, views, server.cpu_seconds() - c0, time.perf_counter() - t0, os.getloadavg()[0])


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else float("nan")


def _row(r: Round, bare_p95: float) -> str:
    ratio = _ratio(r.p95, bare_p95)
    charts = f"{r.chart_sets}" + ("" if r.chart_sets <= 1 else " DIFFER")
    return (f"  {r.label:<12}{r.kind:<6}{len(r.ok):>3}/{len(r.views):<3}{r.p50:>7.2f}{r.p95:>7.2f}{ratio:>8.1f}x"
            f"{r.cpu_per_view:>8.3f}{r.bytes_per_view / 1024:>9.0f}{r.with_exception:>5}{r.views[0].n_charts if r.views else 0:>7}"
            f"{charts:>11}{r.load:>6.1f}  {r.notes}")


HEADER = (f"  {'page':<12}{'round':<6}{'ok':>7}{'p50 s':>7}{'p95 s':>7}{'p95/bare':>9}{'CPU s/v':>8}{'KB/view':>9}"
          f"{'exc':>5}{'charts':>7}{'chart sets':>11}{'load':>6}  notes")


def load_benchmark(sessions: int = 30, pages: list[str] | None = None, settings: int = 400, timeout: float = 180,
                   at_once: int = 4, script: Path = APP, out=print) -> dict:
    """The whole load benchmark (see the module docstring); prints a table and returns the figures.
    ``script``: the main script to serve (another checkout's app.py to compare; then name its ``pages``)."""
    pages = pages or registered_pages()
    figures: dict = {"rounds": []}
    if not pages:
        raise ValueError("no pages to benchmark")
    with Server(BARE) as bare, Server(script) as app:
        async def go() -> None:
            out(f"\nLoad benchmark: {sessions} websocket sessions per link at once, app server pid {app.pid} "
                f"port {app.port}, bare page pid {bare.pid} port {bare.port}; pages: {', '.join(pages)}; "
                f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} before")
            # warm-up: one visit per page (the first also takes the server out of pages/ directory mode)
            await view(bare.port, "", "", timeout)
            await view(app.port, "", "", timeout)
            warm = {}
            for p in pages:
                warm[p] = await view(app.port, p, "", timeout)
            for p, v in warm.items():
                if not v.ok or v.exceptions:
                    out(f"  warm-up of {p}: {v.error or 'ok'}{'; ' + v.exceptions[0][:120] if v.exceptions else ''}")
            out("\nwarm: the same link as the warm-up visit (results cached); cold: a seed never seen, all "
                "sessions at once. Before each page, the bare page (its own server, started afresh) is measured "
                "again, and the page's p95 is divided by that bare p95, so that load from other processes skews "
                "both alike.\n"
                + HEADER)
            rounds, bares = [], []
            for i, p in enumerate(pages):
                if i:  # a fresh bare server each time: one that has served hundreds of sessions gets slower
                    bare.restart()
                    await view(bare.port, "", "", timeout)
                rb = await timed(bare, "bare", "warm", "", "", sessions, timeout)
                out(_row(rb, rb.p95))
                r = await timed(app, p, "warm", p, "", sessions, timeout)
                out(_row(r, rb.p95))
                rc = await timed(app, p, "cold", p, f"seed={900_001 + i}", sessions, timeout)
                out(_row(rc, rb.p95))
                rounds += [r, rc]
                bares.append(rb)
                figures.setdefault("ratio_p95", {})[p] = {"warm": _ratio(r.p95, rb.p95), "cold": _ratio(rc.p95, rb.p95)}
            pooled = [v.seconds for b in bares for v in b.ok]
            figures.update(rounds=rounds, bare_rounds=bares, bare_p50=quantile(pooled, 0.5),
                           bare_p95=quantile(pooled, 0.95))
            out(f"  bare page, all {len(pooled)} sessions pooled: p50 {figures['bare_p50']:.2f} s, "
                f"p95 {figures['bare_p95']:.2f} s")
            deflate = {v.deflate for r in rounds + bares for v in r.views}
            out("  ok: sessions whose page run finished; p95/bare: the page's p95 over the bare page's p95 just before;\n"
                "  CPU s/v: server CPU seconds per view; KB/view: decoded ForwardMsg payloads (permessage-deflate\n"
                f"  negotiated: {sorted(deflate)}); exc: sessions that got an exception element; charts: Vega-Lite charts\n"
                "  on the page; chart sets: distinct chart contents (spec + data) among the sessions without an exception\n"
                f"  (1: all identical); load: 1-minute load average after the round (above {os.cpu_count()}, other processes\n"
                f"  compete with the server). Client CPU (this process): {time.process_time():.1f} s.")
            if settings:
                links = [(pages[i % len(pages)], f"seed={100_000 + i}") for i in range(settings)]
                t0 = time.perf_counter()
                views, step = [], max(1, settings // 4)
                out(f"\nvisiting {settings} distinct settings (seed varied across pages, one session each):")
                for k in range(0, settings, step):
                    views += await spread(app.port, links[k:k + step], at_once, timeout)
                    rss, hwm = app.memory_mb()
                    out(f"  after {len(views):>4}: RSS {rss:5.0f} MB, peak {hwm:5.0f} MB "
                        f"({time.perf_counter() - t0:.0f} s, load {os.getloadavg()[0]:.1f})")
                rss, hwm = app.memory_mb()
                failed = sum(1 for v in views if not v.ok)
                exc = sum(1 for v in views if v.exceptions)
                figures.update(settings=settings, rss_mb=rss, hwm_mb=hwm, settings_failed=failed)
                out(f"\nmemory after {settings} distinct settings ({at_once} sessions at a time, "
                    f"{time.perf_counter() - t0:.0f} s, {failed} failed, {exc} with an exception): "
                    f"RSS {rss:.0f} MB (budget {MEMORY_BUDGET_MB} MB after the visits"
                    f"{', OVER' if rss > MEMORY_BUDGET_MB else ''}; peak {hwm:.0f} MB, reached during the "
                    f"{sessions}-session rounds); bare server RSS "
                    f"{bare.memory_mb()[0]:.0f} MB")
                seen: dict[str, list[str]] = {}
                for v in views:
                    for e in v.exceptions[:1] or ([v.error] if v.error else []):
                        seen.setdefault(e[:120], []).append(f"{v.page}?{v.query}")
                for e, where in sorted(seen.items(), key=lambda kv: -len(kv[1]))[:5]:
                    out(f"  {len(where)} x {e}  (first: {where[0]})")
            else:
                rss, hwm = app.memory_mb()
                figures.update(rss_mb=rss, hwm_mb=hwm)
                out(f"\nserver memory: RSS {rss:.0f} MB, peak {hwm:.0f} MB")

        asyncio.run(go())
    return figures


def load_smoke(n: int = 3, pages: list[str] | None = None, port: int | None = None,
               timeout: float = 120, script: Path = APP, warm: bool = True) -> dict[str, dict]:
    """Every page opened by ``n`` sessions at once, on a seed of its own, on a real server (started here
    unless ``port`` is given). Returns ``{page: {"exceptions": [...], "errors": [...], "chart_sets": k,
    "charts": c}}``: a test asserts no exception, no error and ``chart_sets == 1`` (every session got the
    same charts). Not timed. ``warm``: one visit to the main page first, as a server gets once; False also
    checks n sessions arriving at once on a server that never ran the app."""
    pages = pages or registered_pages()

    async def go(p: int) -> dict[str, dict]:
        res = {}
        if warm:
            await view(p, "", "", timeout)
        for i, page in enumerate(pages):
            views = await crowd(p, page, f"seed={700_001 + i}", n, timeout)
            res[page] = {
                "exceptions": sorted({e for v in views for e in v.exceptions}),
                "errors": sorted({v.error or "run did not finish" for v in views if not v.ok}
                                 | {"another page rendered" for v in views if v.wrong_page}),
                "chart_sets": len({v.charts for v in views if v.ok and not v.exceptions}),
                "charts": max((v.n_charts for v in views), default=0),
            }
        return res

    if port:
        return asyncio.run(go(port))
    with Server(script) as server:
        return asyncio.run(go(server.port))
