"""Lesson mode in headless Chromium (issue 30), as a class sees it at a 1280×720 projector: every built-in lesson
opens at ``?lesson=<name>`` and is walked step by step with the bar's Next button (and once with the keys → and ←),
each step with no exception and the link holding the step's declared state; one "predict, then run" question is
answered by a click (the experiment then shows, and the verdict sentence); one lesson in 中文. Screenshots of the
bar land in tests/artifacts/screenshots/lesson-bar-<lang>.png for a person to look at.

Cheap on purpose (one server, one browser): a step's page run is the cost, so a walk waits for the bar of the next
step and its link, never for the page's charts (a click on Next while a step still runs ends that run).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlparse

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from core import i18n, lessons, params
from test_browser import H, SHOTS, W, _no_exception, _open, _settle, browser, server  # noqa: F401 (fixtures)

NAMES = lessons.names()
BAR = ".st-key-dlc-lesson"  # the lesson bar's container (st.container(key="dlc-lesson"))
META = {"lang", "lesson", "lesson_step"}
ZH = NAMES[-1]  # the lesson walked in 中文 (AppTest walks the same one in 中文)


def _head(lesson, k: int, lang: str) -> str:
    """The bar's first sentence for step ``k`` as drawn (the catalogue's text without its markdown)."""
    s = i18n.text(lang, "lessons.bar", lesson=lessons.text_in(lesson.title, lang), k=k, n=len(lesson.steps),
                  step=lessons.text_in(lesson.steps[k - 1].title, lang))
    return s.replace("**", "")


def _query(pg) -> dict:
    return dict(parse_qsl(urlparse(pg.url).query, keep_blank_values=True))


def _wait_step(pg, name: str, lesson, k: int, lang: str, timeout: float = 120_000) -> None:
    """Until the page shows step ``k``'s bar and its link (not the page's charts: those are the step's cost)."""
    step = lesson.steps[k - 1]
    pg.wait_for_function(
        "([path, k]) => location.pathname.endsWith('/' + path) && new URLSearchParams(location.search)"
        ".get('lesson_step') === String(k)", arg=[step.page, k], timeout=timeout)
    pg.locator(BAR).filter(has_text=_head(lesson, k, lang)).first.wait_for(timeout=timeout)


def _declared(pg, name: str, lesson, k: int, lang: str) -> list[str]:
    """What is wrong with the link at step ``k``: the lesson and step, every declared control at its value (a
    control at its page's default leaves the link: the AppTest walk checks those), and nothing else left in it."""
    step, q = lesson.steps[k - 1], _query(pg)
    bad = [f"{name} {k}: {key} = {q.get(key)!r}, expected {want!r}"
           for key, want in (("lesson", name), ("lesson_step", str(k)), ("lang", lang)) if q.get(key) != want]
    want = {key: params.to_url(v) for key, v in step.state.items()}
    bad += [f"{name} {k}: {key} = {v!r} in the link, the step says {want.get(key)!r}"
            for key, v in q.items() if key not in META and v != want.get(key)]
    return bad


def _walk(pg, name: str, lang: str, keys: bool = False) -> list[str]:
    """Every step of lesson ``name`` with Next (with ``keys``: → to step 2, ← back to 1, → again first)."""
    lesson, bad = lessons.builtin(name), []
    _wait_step(pg, name, lesson, 1, lang)
    bad += _declared(pg, name, lesson, 1, lang)
    if keys:
        for key, k in (("ArrowRight", 2), ("ArrowLeft", 1)):
            for _ in range(4):  # a key pressed before the bar listens is lost (a CI run waited 120 s for step 2)
                pg.locator("h1").first.click()  # the focus on the page, not in a box (the keys then go to the bar)
                pg.keyboard.press(key)
                try:
                    pg.wait_for_function("(k) => new URLSearchParams(location.search).get('lesson_step') === String(k)",
                                         arg=k, timeout=45_000)
                    break
                except PlaywrightTimeout:
                    continue
            _wait_step(pg, name, lesson, k, lang)
            _no_exception(pg)
            bad += _declared(pg, name, lesson, k, lang)
    for k in range(2, len(lesson.steps) + 1):
        pg.locator(BAR).locator("button").filter(has_text=i18n.text(lang, "lessons.next")).first.click()
        _wait_step(pg, name, lesson, k, lang)
        _no_exception(pg)
        bad += _declared(pg, name, lesson, k, lang)
    nxt = pg.locator(BAR).locator("button").filter(has_text=i18n.text(lang, "lessons.next")).first
    assert nxt.is_disabled(), f"{name}: Next is enabled at the last step"
    return bad


@pytest.mark.parametrize("name", NAMES)
def test_every_built_in_lesson_walks_step_by_step(server, browser, name):
    """Each built-in lesson from ``?lesson=<name>`` to its last step with the bar's Next button, the steps on other
    pages included; the first lesson also with the keys → and ←; the last lesson in 中文."""
    lang = "zh" if name == ZH else "en"
    lesson = lessons.builtin(name)
    ctx = browser.new_context(viewport={"width": W, "height": H}, locale="zh-CN" if lang == "zh" else "en-US")
    pg = ctx.new_page()  # not test_browser._open: it waits for the first step's page to finish, the walk does not
    pg.goto(f"{server}/{lesson.steps[0].page}?lang={lang}&lesson={name}", wait_until="domcontentloaded")
    bad = _walk(pg, name, lang, keys=name == NAMES[0])
    ctx.close()
    assert not bad, bad[:10]


def _question_step(name: str) -> int:
    return next(k for k, s in enumerate(lessons.builtin(name).steps, 1) if s.question)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_predict_then_run_and_the_bar_at_1280x720(server, browser, lang):
    """The first lecture's question: the experiment hidden under the choices until a click, then the chart and
    the verdict (computed from the run); the bar and the question on the first screen (screenshots)."""
    name = NAMES[0]
    lesson, k = lessons.builtin(name), _question_step(name)
    q = lesson.steps[k - 1].question
    ctx, pg = _open(browser, f"{server}/{lesson.steps[k - 1].page}?lang={lang}&lesson={name}&lesson_step={k}",
                    locale="zh-CN" if lang == "zh" else "en-US")
    _no_exception(pg)
    _wait_step(pg, name, lesson, k, lang)
    assert not _declared(pg, name, lesson, k, lang)
    main = pg.locator("[data-testid='stMain']")
    assert main.locator("[data-testid='stVegaLiteChart']").count() == 0, "the experiment shows before a guess"
    bar = pg.locator(BAR).first.bounding_box()
    assert bar and bar["y"] + bar["height"] < H, f"the bar ends at y = {bar and bar['y'] + bar['height']:.0f} px"
    heights = {round(b["height"]) for b in (x.bounding_box() for x in
                                             pg.locator(".st-key-dlc-lesson-choices button").all()) if b}
    assert len(heights) == 1, f"a choice's words broke onto a second line: button heights {heights}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"lesson-bar-{lang}.png"))
    label = i18n.text(lang, f"lessons.outcome.{q.measure}.{q.expect}")
    pg.locator(BAR).get_by_role("button", name=label, exact=True).first.click()
    _settle(pg)
    _no_exception(pg)
    verdict = re.sub(r"\*\*", "", i18n.text(lang, "lessons.matched", guess=label, answer=label))
    pg.locator("[data-testid='stAlert']").filter(has_text=verdict).first.wait_for(timeout=30_000)
    chart = main.locator("[data-testid='stVegaLiteChart']").first
    chart.wait_for(timeout=30_000)
    assert chart.locator("canvas, svg").first.is_visible()
    pg.screenshot(path=str(SHOTS / f"lesson-answered-{lang}.png"))
    ctx.close()
