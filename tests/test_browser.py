"""Every registered page in headless Chromium (Playwright driving Debian's /usr/bin/chromium).

Checks that each page finishes its script with no exception element and a visible chart, and saves a
full-page screenshot to tests/artifacts/screenshots/<page>.png for a person to look at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ARTIFACTS, PAGES, ROOT

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = ARTIFACTS / "screenshots"

_NO_BROWSER = not Path(CHROMIUM).exists() and shutil.which("chromium") is None
if _NO_BROWSER and os.environ.get("CI"):
    raise RuntimeError("CI must run the browser tests, but there is no Chromium: apt-get install -y chromium")
pytestmark = pytest.mark.skipif(
    _NO_BROWSER,
    reason="no Chromium at /usr/bin/chromium: install Debian's package (apt-get install -y chromium); "
           ".ci/run does, so these tests run in CI",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless=true",
         f"--server.port={port}", "--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
         "--server.fileWatcherType=none"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit server did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--disable-sync", "--no-first-run",
                                    "--disable-dev-shm-usage"])
        yield b
        b.close()


def _url_path(page: str) -> str:
    return Path(page).stem


def _open(browser, url: str, dark: bool = False):
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000}, color_scheme="dark" if dark else "light")
    pg = ctx.new_page()
    pg.goto(url, wait_until="domcontentloaded")
    _settle(pg)
    return ctx, pg


def _settle(pg, timeout: float = 90_000) -> None:
    """Wait until the script has finished and the app is idle."""
    pg.wait_for_selector("[data-testid='stApp']", timeout=timeout)
    idle = ("() => { const a = document.querySelector(\"[data-testid='stApp']\");"
            " return a && a.getAttribute('data-test-script-state') === 'notRunning'"
            " && !document.querySelector(\"[data-testid='stSkeleton']\"); }")
    for _ in range(2):  # twice: a first visit may rerun once (see pages/_kit._leave_pages_directory_mode)
        pg.wait_for_function(idle, timeout=timeout)
        pg.wait_for_timeout(700)  # vega-embed draws after the script ends


def _shot(pg, name: str) -> Path:
    """Screenshot of the whole page: Streamlit scrolls an inner element, so grow the viewport to fit it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    height = pg.evaluate("() => { const m = document.querySelector(\"[data-testid='stMain']\");"
                         " return m ? m.scrollHeight : document.body.scrollHeight; }")
    width = pg.viewport_size["width"]
    pg.set_viewport_size({"width": width, "height": min(max(int(height), 600), 12000)})
    pg.wait_for_timeout(700)
    pg.screenshot(path=str(path), full_page=True)
    pg.set_viewport_size({"width": width, "height": 1000})
    return path


def test_home(server, browser):
    ctx, pg = _open(browser, server + "/")
    assert pg.locator("[data-testid='stException']").count() == 0
    assert pg.get_by_text("Fitting curves with sigmoids and ReLUs").first.is_visible()
    _shot(pg, "home")
    ctx.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_renders(server, browser, page):
    ctx, pg = _open(browser, f"{server}/{_url_path(page)}")
    assert pg.locator("[data-testid='stException']").count() == 0, pg.locator("[data-testid='stException']").first.inner_text()
    charts = pg.locator("[data-testid='stVegaLiteChart']")
    assert charts.count() >= 1
    charts.first.scroll_into_view_if_needed()
    assert pg.locator("[data-testid='stVegaLiteChart'] canvas, [data-testid='stVegaLiteChart'] svg").first.is_visible()
    _shot(pg, _url_path(page))
    ctx.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_dark_theme(server, browser, page):
    """The dark theme (projectors, late labs) renders too; screenshot for a person to check contrast."""
    ctx, pg = _open(browser, f"{server}/{_url_path(page)}", dark=True)
    assert pg.locator("[data-testid='stException']").count() == 0
    _shot(pg, _url_path(page) + "-dark")
    ctx.close()


def _metrics(pg) -> list[str]:
    return [m.inner_text() for m in pg.locator("[data-testid='stMetric']").all()]


def test_shared_link_reproduces_the_fit(server, browser):
    """A link copied from the address bar, opened in a fresh browser, shows the same numbers."""
    link = f"{server}/fitting?k=3&lr=0.03&seed=7&target=step"
    ctx1, p1 = _open(browser, link)
    first = _metrics(p1)
    ctx1.close()
    ctx2, p2 = _open(browser, link)
    second = _metrics(p2)
    ctx2.close()
    ctx3, p3 = _open(browser, f"{server}/fitting")
    default = _metrics(p3)
    ctx3.close()
    assert len(first) == 4 and first == second
    assert first != default


def test_moving_a_slider_updates_the_url_and_the_fit(server, browser):
    ctx, pg = _open(browser, f"{server}/fitting")
    before = _metrics(pg)
    slider = pg.locator("[data-testid='stSlider']").filter(has_text="Units K").get_by_role("slider")
    slider.focus()
    for _ in range(3):
        slider.press("ArrowRight")
    pg.wait_for_timeout(400)
    _settle(pg)
    assert "k=8" in pg.url
    assert _metrics(pg) != before
    ctx.close()


def test_huge_learning_rate_says_diverged(server, browser):
    ctx, pg = _open(browser, f"{server}/fitting?opt=SGD&lr=1000.0")
    assert pg.locator("[data-testid='stException']").count() == 0
    assert pg.get_by_text("diverged at step").first.is_visible()
    _shot(pg, "fitting-diverged")
    ctx.close()
