"""A school: several app replicas behind one nginx address with sticky sessions, without Docker.

``Proxy`` runs Debian's nginx as a plain process (its own prefix in a temporary folder, a free port) with the
very snippet compose.yaml uses, ``deploy/nginx.conf.template``, filled in with the replicas' local addresses.
Its access log names the replica ($upstream_addr) and the route (the ``dlc_route`` cookie) of every request,
the websocket included, so a test can see where each session went (tests/test_school.py).

``school_benchmark()`` is ``python scripts/bench.py --school``: the load benchmark of bench/_load.py through the
proxy, 30 sessions at once on one replica against 60 on two, each session a browser with its own cookie; then
the first visit after a replica restarts, cold and pre-warmed (scripts/prewarm.py). Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import string
import subprocess
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench._load import APP, HOST, ROOT, Server, View, _free_port, end, healthy, quantile, registered_pages, view

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
COOKIE = "dlc_route"
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
_LOG = re.compile(r'"(?P<method>\S+) (?P<uri>\S+) [^"]*" (?P<status>\d+) \d+ upstream=(?P<upstream>\S+) '
                  r'route=(?P<route>\S+)')


def have_nginx() -> bool:
    return Path(NGINX).exists()


def render(listen: str, servers: list[str], access_log: str) -> str:
    """The template with its three DLC_* placeholders filled in (nginx's own $variables are left alone)."""
    upstream = "\n    ".join(f"server {s};" for s in servers)
    return string.Template(TEMPLATE.read_text()).safe_substitute(
        DLC_LISTEN=listen, DLC_UPSTREAM=upstream, DLC_ACCESS_LOG=access_log)


class Proxy:
    """nginx on a free local port in front of ``servers`` ("127.0.0.1:port"), with deploy/nginx.conf.template."""

    def __init__(self, servers: list[str], port: int | None = None, start_timeout: float = 20):
        self.port = port or _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="dlc-nginx-"))
        self.dir.chmod(0o755)  # nginx's workers run as nobody when the master is root
        self.access_log = self.dir / "access.log"
        (self.dir / "school.conf").write_text(render(f"{HOST}:{self.port}", servers, str(self.access_log)))
        temp = "\n".join(f"    {k}_temp_path {self.dir / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
        (self.dir / "nginx.conf").write_text(
            f"worker_processes 1;\nerror_log {self.dir / 'error.log'} warn;\npid {self.dir / 'nginx.pid'};\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n{temp}\n    include school.conf;\n}}\n")
        self._out = open(self.dir / "nginx.out", "wb")  # what nginx says before its error log is open
        self.proc = subprocess.Popen([NGINX, "-p", str(self.dir), "-c", str(self.dir / "nginx.conf"),
                                      "-e", str(self.dir / "error.log"),  # not /var/log/nginx/ (not root)
                                      "-g", "daemon off;"], stdout=self._out, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        if healthy(self.proc, self.port, start_timeout):  # nginx passes the health check to a replica
            return
        err = self.error_log()
        self.stop()
        raise RuntimeError(f"nginx did not start in front of {servers}:\n{err}")

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    @property
    def origin(self) -> str:
        """What a browser on this address sends as Origin."""
        return f"http://{HOST}:{self.port}"

    def get(self, path: str = "/", route: str | None = None) -> tuple[int, dict, bytes]:
        """(status, headers, body) of a GET through the proxy, with the route cookie when given."""
        req = urllib.request.Request(self.url(path), headers={"Cookie": f"{COOKIE}={route}"} if route else {})
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, dict(r.headers), r.read()

    def log(self) -> list[dict]:
        """Access-log lines so far: method, uri, status, upstream (the replica's address), route."""
        try:
            text = self.access_log.read_text(errors="replace")
        except OSError:
            return []
        return [m.groupdict() for m in map(_LOG.search, text.splitlines()) if m]

    def error_log(self) -> str:
        text = ""
        for name in ("nginx.out", "error.log"):
            try:
                text += (self.dir / name).read_text(errors="replace")[-2000:]
            except OSError:
                pass
        return text

    def routes(self, servers: list[str], tries: int = 64) -> dict[str, str]:
        """{replica address: a route cookie value the proxy sends to it}, found by asking (one health request per
        value). Missing a replica when none of ``tries`` values reaches it."""
        found: dict[str, str] = {}
        for i in range(tries):
            route = f"probe{i}"
            self.get("/_stcore/health", route)
            for line in reversed(self.log()):
                if line["route"] == route:
                    found.setdefault(line["upstream"], route)
                    break
            if all(s in found for s in servers):
                break
        return found

    def stop(self) -> None:
        end(self.proc)
        self._out.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Proxy:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def replicas(n: int, script: Path = APP) -> list[Server]:
    """n app servers, started side by side (each waits for its own health endpoint)."""
    with ThreadPoolExecutor(n) as ex:
        futures = [ex.submit(Server, script) for _ in range(n)]
    servers, errors = [], []
    for f in futures:
        try:
            servers.append(f.result())
        except Exception as e:  # noqa: BLE001 - stop the ones that started, then report
            errors.append(e)
    if errors:
        for s in servers:
            s.stop()
        raise errors[0]
    return servers


def restart(server: Server) -> None:
    """The replica stopped and started again on the same port (the proxy's address for it stays valid)."""
    port = server.port
    server.stop()
    server.__init__(server.script, port=port)


async def student(proxy: Proxy, page: str, query: str, route: str, timeout: float) -> View:
    """One browser on the proxy: its route cookie and its Origin on the websocket handshake."""
    return await view(proxy.port, page, query, timeout, headers={"Cookie": f"{COOKIE}={route}"},
                      origin=proxy.origin)


async def _class(proxy: Proxy, page: str, query: str, n: int, timeout: float, tag: str) -> list[View]:
    return list(await asyncio.gather(*[student(proxy, page, query, f"{tag}-{i}", timeout) for i in range(n)]))


def _cpu(servers: list[Server]) -> float:
    return sum(s.cpu_seconds() for s in servers)


def _line(label: str, views: list[View], cpu: float, wall: float, spread: dict[str, int]) -> str:
    ok = [v for v in views if v.ok]
    secs = [v.seconds for v in ok]
    exc = sum(1 for v in views if v.exceptions)
    sets = len({v.charts for v in ok if not v.exceptions})
    errors = sorted({v.error for v in views if v.error})
    where = "/".join(str(spread[k]) for k in sorted(spread)) or "-"
    return (f"  {label:<22}{len(ok):>4}/{len(views):<4}{quantile(secs, 0.5):>7.2f}{quantile(secs, 0.95):>7.2f}"
            f"{max(secs, default=float('nan')):>7.2f}{exc:>5}{sets:>6}{cpu:>8.1f}{wall:>7.1f}  {where:<9}"
            f"{os.getloadavg()[0]:>5.1f}  {'; '.join(errors)[:60]}")


HEADER = (f"  {'round':<22}{'ok':>9}{'p50 s':>7}{'p95 s':>7}{'max s':>7}{'exc':>5}{'sets':>6}{'CPU s':>8}{'wall s':>7}"
          f"  {'replicas':<9}{'load':>5}")


def school_benchmark(pages: list[str] | None = None, per_replica: int = 30, timeout: float = 300, out=print) -> dict:
    """1 replica × ``per_replica`` sessions against 2 replicas × 2·``per_replica``, through the proxy, per page a
    warm round (the page's default link, computed once before) and a cold one (a seed never seen, all sessions at
    once); then the first visit after a replica restarts, without and with the pre-warm."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dlc_prewarm", ROOT / "scripts" / "prewarm.py")
    prewarm = importlib.util.module_from_spec(spec)  # scripts/prewarm.py (scripts/ is no package)
    spec.loader.exec_module(prewarm)

    pages = pages or registered_pages()
    figures: dict = {}
    out(f"\nSchool benchmark: nginx ({NGINX}) with deploy/nginx.conf.template in front of 1 and 2 app replicas on "
        f"this machine ({os.cpu_count()} CPUs, shared by every replica: a real school gives each replica its own "
        f"cores); each session a browser with its own route cookie; load average {os.getloadavg()[0]:.1f} before.")
    out("ok: sessions whose page finished; exc: sessions with an exception element; sets: distinct chart sets among "
        "them (1: all identical); CPU s: all replicas' CPU seconds in the round; replicas: sessions per replica.")
    for n in (1, 2):
        sessions = per_replica * n
        servers = replicas(n)
        addrs = [f"{HOST}:{s.port}" for s in servers]
        try:
            with Proxy(addrs) as proxy:
                async def go() -> None:
                    for s in servers:  # a replica's first run leaves Streamlit's pages/ directory mode
                        await view(s.port, "", "", timeout)
                    out(f"\n{n} replica{'s' if n > 1 else ''}, {sessions} sessions at once per round:\n{HEADER}")
                    for i, p in enumerate(pages):
                        for s in servers:  # the warm round's link computed once on every replica
                            await view(s.port, p, "", timeout)
                        for kind, query in (("warm", ""), ("cold", f"seed={910_001 + i}")):
                            before = len(proxy.log())
                            c0, t0 = _cpu(servers), time.perf_counter()
                            views = await _class(proxy, p, query, sessions, timeout, f"{kind}{n}{i}")
                            cpu, wall = _cpu(servers) - c0, time.perf_counter() - t0
                            spread: dict[str, int] = {}
                            for line in proxy.log()[before:]:
                                if line["uri"].startswith("/_stcore/stream"):
                                    spread[line["upstream"]] = spread.get(line["upstream"], 0) + 1
                            out(_line(f"{p} {kind}", views, cpu, wall, spread))
                            figures.setdefault(n, {})[(p, kind)] = views
                            figures.setdefault(f"cpu_{n}", 0.0)
                            figures[f"cpu_{n}"] += cpu
                asyncio.run(go())
                all_views = [v for vs in figures[n].values() for v in vs]
                for kind in ("warm", "cold"):
                    figures[f"p95_{kind}_{n}"] = quantile(
                        [v.seconds for (_, k), vs in figures[n].items() if k == kind for v in vs if v.ok], 0.95)
                figures[f"exceptions_{n}"] = sum(1 for v in all_views if v.exceptions)
                figures[f"failed_{n}"] = sum(1 for v in all_views if not v.ok)
                figures[f"cpu_per_session_{n}"] = figures[f"cpu_{n}"] / max(1, len(all_views))
                f = {k[:-2]: v for k, v in figures.items() if isinstance(k, str) and k.endswith(f"_{n}")}
                out(f"  all rounds pooled: p95 warm {f['p95_warm']:.2f} s, cold {f['p95_cold']:.2f} "
                    f"s; {figures[f'exceptions_{n}']} with an exception, {figures[f'failed_{n}']} not finished, of "
                    f"{len(all_views)} sessions; replicas' CPU {figures[f'cpu_per_session_{n}']:.3f} s per session")

                if n == 2:
                    first_visit(proxy, servers, pages, prewarm, timeout, figures, out)
        finally:
            for s in servers:
                s.stop()
    return figures


def first_visit(proxy: Proxy, servers: list[Server], pages: list[str], prewarm, timeout: float, figures: dict,
                out=print) -> None:
    """A replica restarts; the first student it gets opens each page's default link: cold, then pre-warmed."""
    addr = f"{HOST}:{servers[0].port}"
    route = proxy.routes([addr])[addr]
    out(f"\nFirst visit after a replica restarts (each page's default link, one student routed to the restarted "
        f"replica {addr}; seconds from connect to page finished):")
    out(f"  {'page':<14}{'cold s':>8}{'pre-warmed s':>14}")
    for label in ("cold", "warm"):
        restart(servers[0])
        if label == "warm":
            t0 = time.perf_counter()
            links = prewarm.default_links(pages)
            got = prewarm.prewarm(servers[0].port, links, timeout=timeout, out=lambda *_: None)
            figures["prewarm_s"] = time.perf_counter() - t0
            figures["prewarm_links"] = len(links)
            bad = [v for v in got if not v.ok or v.exceptions]
            figures["prewarm_failed"] = len(bad)
            for v in bad[:8]:
                out(f"  pre-warm failed: /{v.page}?{v.query[:60]}: {(v.exceptions or [v.error])[0][:120]}")

        async def go() -> dict[str, float]:
            res = {}
            for p in pages:
                v = await student(proxy, p, "", route, timeout)
                res[p] = v.seconds if v.ok and not v.exceptions else float("nan")
                if not v.ok or v.exceptions:
                    out(f"  {label} visit of {p} failed: {(v.exceptions or [v.error])[0][:120]}")
            return res

        figures[f"first_{label}"] = asyncio.run(go())
    for p in pages:
        out(f"  {p:<14}{figures['first_cold'][p]:>8.2f}{figures['first_warm'][p]:>14.2f}")
    out(f"  pre-warm of the restarted replica: {figures['prewarm_links']} links (every page's default and presets) "
        f"in {figures['prewarm_s']:.0f} s, {figures['prewarm_failed']} failed; the first page visited cold also "
        f"pays for the app's first run")
