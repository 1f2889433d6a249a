"""A school: two app replicas behind nginx with the configuration compose.yaml uses (deploy/nginx.conf.template),
no Docker needed. Through the proxy: a browser's requests and its websocket sessions stay on one replica while
browsers spread over both, every page opens, and the same link gives the same charts on either replica.

Debian's nginx runs as a plain process in a temporary folder (bench/_school.Proxy); the sessions speak
Streamlit's websocket protocol (bench/_load.py), each with its route cookie and Origin as a browser sends them.
"""
from __future__ import annotations

import asyncio
import os
import re
import time

import pytest

from conftest import ROOT  # noqa: F401 - puts the repository on sys.path

from bench import _school
from bench._load import registered_pages
from scripts import prewarm

if not _school.have_nginx() and os.environ.get("CI"):
    raise RuntimeError("CI must run the school tests, but there is no nginx: apt-get install -y nginx")
needs_nginx = pytest.mark.skipif(
    not _school.have_nginx(),
    reason=f"no nginx at {_school.NGINX}: install Debian's package (apt-get install -y nginx); .ci/run does, so "
           "these tests run in CI",
)


@pytest.fixture(scope="module")
def school():
    if not _school.have_nginx():
        pytest.skip("no nginx")
    servers = _school.replicas(2)
    addrs = [f"127.0.0.1:{s.port}" for s in servers]
    try:
        with _school.Proxy(addrs) as proxy:
            yield proxy, addrs
    finally:
        for s in servers:
            s.stop()


def _logged(proxy, route: str, uri: str, count: int, wait: float = 10) -> list[dict]:
    """The access-log lines of ``route`` whose URI starts with ``uri``, once there are ``count`` of them (nginx logs
    a websocket when it closes)."""
    deadline = time.monotonic() + wait
    while True:
        lines = [x for x in proxy.log() if x["route"] == route and x["uri"].startswith(uri)]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.1)


@needs_nginx
def test_a_browser_stays_on_one_replica_and_browsers_spread_over_both(school):
    proxy, addrs = school
    # a first visit has no cookie: the proxy picks a replica and sets the cookie that keeps the browser there
    status, headers, body = proxy.get("/")
    assert status == 200 and b"<html" in body.lower()
    cookie = headers.get("Set-Cookie", "")
    assert cookie.startswith(f"{_school.COOKIE}="), f"no route cookie set: {headers}"
    route = cookie.split(";")[0].split("=", 1)[1]
    first = _logged(proxy, route, "/", 1)
    assert len(first) == 1 and first[0]["upstream"] in addrs, first
    home = first[0]["upstream"]
    # later requests carry the cookie: no new cookie, and everything, the websocket sessions included, goes to the
    # replica of the first visit (two tabs in turn: two websocket sessions)
    for path in ("/", "/_stcore/health", "/_stcore/host-config"):
        status, headers, _ = proxy.get(path, route)
        assert status == 200 and "Set-Cookie" not in headers, (path, headers)

    async def tabs():
        return [await _school.student(proxy, "", "", route, 120) for _ in range(2)]

    for v in asyncio.run(tabs()):
        assert v.ok and not v.exceptions, (v.error, v.exceptions)
    streams = _logged(proxy, route, "/_stcore/stream", 2)
    assert [x["status"] for x in streams] == ["101", "101"], streams
    assert {x["upstream"] for x in proxy.log() if x["route"] == route} == {home}
    # browsers spread: route values reaching each replica exist among a few probes
    found = proxy.routes(addrs)
    assert set(found) == set(addrs), f"every probe went to {set(found)}"


# Pages whose default link is opened on both replicas at once, to compare the charts (cheap ones that train: a
# replica computing another result for one link would show here; the other pages open on one replica each).
SAME = ("batches", "softmax", "attention", "spatial", "regression")  # regression: it found issue 22's gelsy bits


@needs_nginx
def test_every_page_opens_through_the_proxy_and_one_link_draws_the_same_charts_on_both_replicas(school):
    proxy, addrs = school
    route = proxy.routes(addrs)
    pages = registered_pages()
    same = [p for p in SAME if p in pages] or pages[:2]
    # every page's default link, two students at a time, one on each replica: a page of ``same`` on both replicas
    # at once, the other pages dealt to the two replicas in turn
    others = [p for p in pages if p not in same]
    visits = [(p, a) for p in same for a in addrs] + [(p, addrs[i % 2]) for i, p in enumerate(others)]

    async def visit():
        out = []
        for k in range(0, len(visits), 2):
            pair = visits[k:k + 2]
            out += await asyncio.gather(*[_school.student(proxy, p, "", route[a], 240) for p, a in pair])
        return out

    got = dict(zip(visits, asyncio.run(visit())))
    for (page, a), v in got.items():
        assert v.ok and not v.wrong_page, f"{page} on {a}: {v.error or 'another page rendered'}"
        assert not v.exceptions, f"{page} on {a}: {v.exceptions[:2]}"
        assert v.n_charts >= 1, f"{page} on {a}: no chart"
    for page in same:
        one, other = (got[(page, a)] for a in addrs)
        differ = [i for i, (x, y) in enumerate(zip(one.chart_digests, other.chart_digests)) if x != y]
        assert one.charts == other.charts, f"{page}: charts {differ} differ between the two replicas"
    # each session was served where its cookie said
    for a in addrs:
        n = sum(1 for _, b in visits if b == a)
        streams = _logged(proxy, route[a], "/_stcore/stream", n)
        assert len(streams) == n and {x["upstream"] for x in streams} == {a}, streams


def test_compose_runs_the_proxy_configuration_this_test_runs():
    """compose.yaml mounts deploy/nginx.conf.template and sets each of its placeholders; the image is non-root,
    CPU-only torch, and its health check is the app's health endpoint."""
    compose = (ROOT / "compose.yaml").read_text()
    template = _school.TEMPLATE.read_text()
    assert "./deploy/nginx.conf.template:/etc/nginx/templates/" in compose
    holes = set(re.findall(r"\$\{(DLC_[A-Z_]+)\}", template))
    assert holes == {"DLC_LISTEN", "DLC_UPSTREAM", "DLC_ACCESS_LOG"}
    for name in holes:
        assert re.search(rf"^\s+{name}: ", compose, re.M), f"compose.yaml does not set {name}"
        assert not any(f"${{{name}}}" in line for line in template.splitlines() if line.lstrip().startswith("#"))
    assert "replicas: ${N:-" in compose and "ip_hash" not in template.split("upstream dlc_app")[1]
    docker = (ROOT / "Dockerfile").read_text()
    assert "download.pytorch.org/whl/cpu" in docker and re.search(r"^USER (?!root)\w+", docker, re.M)
    assert "HEALTHCHECK" in docker and "/_stcore/health" in (ROOT / "deploy" / "healthcheck.py").read_text()


def test_prewarm_reads_every_link_form_and_the_pages_presets():
    assert prewarm.parse_link("http://school.example:8080/fitting?k=3&seed=7") == ("fitting", "k=3&seed=7")
    assert prewarm.parse_link("/rnn?part=race") == ("rnn", "part=race")
    assert prewarm.parse_link("batches?epochs=1") == ("batches", "epochs=1")
    assert prewarm.parse_link("http://school.example/") == ("", "")
    links = prewarm.default_links(["regression"])
    assert links[:2] == [("", ""), ("regression", "")] and len(links) > 2, links
    assert all(page == "regression" and query for page, query in links[2:]), links


@needs_nginx
def test_a_prewarmed_replica_serves_its_links(school):
    proxy, addrs = school
    links = [("", ""), ("batches", "epochs=1")]
    port = int(addrs[0].rsplit(":", 1)[1])
    views = prewarm.prewarm(port, links, out=lambda *_: None)
    assert [v.ok and not v.exceptions for v in views] == [True, True], [(v.error, v.exceptions) for v in views]


