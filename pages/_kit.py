"""What every page uses: text in the session's language, controls declared once (pages/_controls.py),
shared computations (pages/_compute.py), charts and downloads (pages/_draw.py), and the page's furniture
laid out for a projector: the live chart on the first screen at 1280×720, the formula folded beside it.

A page is a short script: ``tx = kit.Text(topic)`` for its text, ``kit.page(topic, ...)``, its controls from
``kit.Form``, ``kit.train_live`` (a training run drawn live) or ``kit.shared`` (any other computation) into
core, ``kit.chart`` for each chart, ``kit.notice`` for what to notice, and ``kit.parts`` to draw one part of
several. Copy pages/fitting.py.
"""
from __future__ import annotations

import re
import time
from typing import Sequence

import streamlit as st

from core import device, i18n, params
from pages import _compute, _lesson, _style
from pages._compute import Busy, peek, warm_up  # noqa: F401 - re-exported for the pages
from pages._controls import (LANG_KEY, SEED, SEED_KEY, SEED_USED, Form, Preset, bind,  # noqa: F401
                             keep_across_language, lang, link_notes, presets, seed, sync_url, t)
from pages._draw import chart, download, spec_for  # noqa: F401
from pages._furniture import dataframe, exports, replay_from_end, stacking_columns  # noqa: F401



def leave_pages_directory_mode() -> None:
    """Make a deep link work on a fresh server.

    Streamlit starts in its old "pages/ directory" mode whenever a ``pages/`` folder sits beside the main
    script, and leaves it only once ``st.navigation`` has run. Until then a first visit to ``/fitting`` runs
    ``pages/fitting.py`` alone, without app.py's layout, navigation and sidebar. ``page()`` (the first thing
    every page draws) switches the mode off and reruns, which goes through app.py. It must not run while
    this module is being imported: a rerun raised mid-import left the module half-imported for the other
    sessions arriving at the same moment (ImportError on a fresh server under load).
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without the class has no such mode
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


_SEED_SLOT, _SEED_USED, _LANG_WAS = "_dlc_seed_slot", SEED_USED, "_dlc_lang_was"


def seed_control() -> None:
    """The sidebar's seed box, drawn after the page ran (app.py): enabled where something on the page was
    drawn at random this run, else greyed out with a note, so no control is shown that changes nothing."""
    ss = st.session_state
    slot, used = ss.pop(_SEED_SLOT, None), ss.pop(_SEED_USED, False)
    if slot is None:
        return
    with slot:
        v = st.number_input(t("common.seed"), 0, 1_000_000, step=1, key=SEED_KEY, disabled=not used,
                            help=t("common.seed_help" if used else "common.seed_unused"))
    sync_url(SEED_KEY, v, 0)


def sidebar() -> None:
    """The global sidebar: language, seed (its box drawn after the page: ``seed_control``), the device."""
    with st.sidebar:
        browser = i18n.normalise(getattr(st.context, "locale", None))
        lang()  # first visit: from the link, else the browser
        v = st.segmented_control(t("common.language"), list(i18n.LANGS), key=LANG_KEY,
                                 format_func=lambda c: i18n.NAMES[c], help=t("common.language_help"))
        if v is None:  # a click on the selected option deselects it: keep the language
            v = browser
        if st.session_state.get(_LANG_WAS, v) != v:
            keep_across_language()
        st.session_state[_LANG_WAS] = v
        sync_url(LANG_KEY, v, None)  # always in the link: a link opens in the language it was made in
        bind(SEED_KEY, SEED, 0)
        st.session_state[_SEED_USED] = False
        st.session_state[_SEED_SLOT] = st.empty()
        st.caption(t("common.device", device=t(f"common.devices.{device.kind()}", name=device.name())))


def page(topic: str, forms: Sequence[Form], items: Sequence[Preset], formula: str) -> None:
    """The top of every page, kept short so the live chart is on the first screen at 1280×720: the title,
    the idea in a line or two, any link value that had to be fixed, the "Try this" row, and the lecture's
    formula with its symbols folded (it must never push the chart off the screen)."""
    leave_pages_directory_mode()
    st.html(_style.CSS)
    st.title(t(f"{topic}.title"))
    if not _lesson.bar(topic, forms):  # lesson mode (?lesson=...): the step's bar and sentence in place of the idea
        st.markdown(t(f"{topic}.idea"))
    for f in forms:
        f.values()  # read every control from the link now, so odd values are reported here
    for key, raw, value in link_notes():
        st.caption(t("common.link_fixed", name=key, raw=raw, value=_shown(forms, key, value)))
    presets(topic, items, forms)
    with st.expander(t("common.formula"), icon=":material/functions:"):
        st.latex(formula)
        st.caption(t(f"{topic}.symbols"))


def _shown(forms: Sequence[Form], key: str, value) -> str:
    """A control's value as the page shows it: a choice by its label in the session's language (a link note
    once said 「改用 stepper」 in 中文), a number as it is."""
    for f in forms:
        for name, k in f.keys.items():
            if k == key and f.specs[name][0].kind == "choice":
                return f.option_label(name, value)
    return str(value)


class Text:
    """A page's text: ``tx("notice", n=3)`` is ``t("<topic>.notice", n=3)`` in the session's language."""

    def __init__(self, topic: str) -> None:
        self.topic = topic

    def __call__(self, key: str, **fields) -> str:
        return t(f"{self.topic}.{key}", **fields)


def colour(name: str) -> str:
    """The word for a colour a chart draws (``name`` from the chart module's colour constants)."""
    return t(f"common.colour.{name}")


def parts(form: Form, table: dict, where=None, **kw):
    """Draw the page's part picker (the declared view field ``part``) and run the chosen part's function:
    only that part is computed and drawn. Returns the part's value."""
    v = form("part", where=where, **kw)
    table[v]()
    return v


def train_live(name: str, fn, cfg, frame=None, count=None, where=None):
    """``fn(cfg, progress=...)`` computed once per config for the whole server, drawn live while it runs.

    A progress bar (with the queue message when two trainings already run) and, when ``frame`` is given,
    ``frame(partial)`` drawn in place at every progress report; both are cleared when the result is
    ready. ``count(partial) -> (done, total)`` sets the bar's words (default: the log's steps). A run the
    wall-time guard cut is not the answer: the page says the server is too busy, offers to run it again,
    and stops there (app.py catches ``Busy``), keeping every control as the student set it.
    """
    where = where or st
    bar, live = where.empty(), where.empty()

    def progress(r) -> None:
        log = getattr(r, "log", r)
        done, total = count(r) if count is not None else (log.steps, log.planned)
        bar.progress(min(1.0, log.steps / max(1, log.planned)), text=t("common.training", done=done, total=total))
        if frame is not None:
            with live.container():
                frame(r)

    try:
        return shared(name, fn, cfg, progress=progress, queued=queued(bar), where=where)
    finally:
        bar.empty()
        live.empty()


def shared(name: str, fn, *args, where=None, **kw):
    """``pages._compute.shared`` (one computation per ``args`` for the whole server); a run the guard cut
    is said on the page in place of its result, and the page stops there (``Busy``, caught in app.py)."""
    try:
        return _compute.shared(name, fn, *args, **kw)
    except Busy:
        busy(where)
        raise


def busy(where=None) -> None:
    """What the page says in place of a result the guard cut."""
    problem(t("common.busy"), where)
    (where or st).button(t("common.run_again"), icon=":material/refresh:", key="_dlc_run_again")


def join(parts: Sequence[str]) -> str:
    """Sentences as one paragraph: a space between them in English, none after 中文 punctuation (spaces only: a
    line break that starts a bullet of a 中文 list stays, else the list ran together into one paragraph)."""
    text = " ".join(p for p in parts if p)
    return re.sub(r"(?<=[。！？；：）」])[ \t]+", "", text) if lang() == "zh" else text


def notice(text: str, where=None) -> None:
    """The "what to notice" box (sentences a page joined with spaces lose them after 中文 punctuation)."""
    (where or st).info(join([text]), icon=":material/visibility:")


def problem(text: str, where=None) -> None:
    """A clear message in place of a traceback."""
    (where or st).warning(text, icon=":material/warning:")


def report(log, names: Sequence[str] | None = None) -> None:
    """The sentence for a run that diverged, if any, in the session's language (a run the guard cut is
    never shown: ``train_live`` and ``shared`` raise ``Busy`` for it)."""
    if log.diverged:
        names = list(names) if names is not None else [f"{m}" for m in range(len(log.diverged_at))]
        said = [t("common.diverged_at", name=n, step=d) for n, d in zip(names, log.diverged_at) if d is not None]
        problem(t("common.diverged", parts="; ".join(said)))


def queued(where):
    """A callback for ``shared(..., queued=...)``: a visible queue message in ``where``."""
    return lambda n: where.info(t("common.queued", n=n), icon=":material/hourglass_top:")


PLAY_SECONDS = 8.0  # a replay plays in about this long, but never faster than MAX_FPS nor slower than MIN_FPS
MIN_FPS, MAX_FPS = 1.0, 15.0  # short sequences (the hand-made LSTM's 9 steps) at about one step a second


def pace(last: int) -> float:
    """Frames per second for a replay of ``last`` steps: a teacher can talk over a short one (one step a second)
    and a long one still ends in about ``PLAY_SECONDS``."""
    return min(MAX_FPS, max(MIN_FPS, last / PLAY_SECONDS))


def player(key: str, last: int, draw, fps: float | None = None, label: str | None = None,
           default: int | None = None) -> int:
    """Replay a recorded run: the frame, then a play/pause button and a step slider bound to the link
    (``?<key>=step``). A cached result replays exactly as a live one would.

    ``draw(step)`` draws the frame of ``step`` (0..last) into the current container. While playing, one run
    of a fragment draws the frames one after another into a placeholder (as live training does), paced by
    the clock: a frame that takes too long is skipped, never waited for. Pause (or any other control) stops
    it; the step it reached stays. Keep each frame's charts cheap (specs memoised per frame).
    """
    ss = st.session_state
    last = max(0, int(last))
    fps = pace(last) if fps is None else fps
    default = last if default is None else min(max(0, int(default)), last)
    spec = params.Spec("int", 0, last, 1, widget="slider")
    playing, shown, target = f"_playing:{key}", f"_shown:{key}", f"_target:{key}"
    bind(key, spec, default)
    if target in ss:  # where play ended or paused: the browser's slider may still hold an older step
        ss[key] = ss.pop(target)
    if not isinstance(ss.get(key), int) or not 0 <= ss[key] <= last:
        ss[key] = default

    def toggle() -> None:
        ss[playing] = not ss.get(playing)
        if not ss[playing]:
            ss[target] = int(ss.get(shown, ss.get(key, 0)))

    @st.fragment
    def frame() -> None:
        if ss.get(playing):
            start = int(ss.get(key, 0))
            start = 0 if start >= last else start
            ph = st.empty()
            c1, c2 = st.columns([1, 3], vertical_alignment="center")
            c1.button(t("common.pause"), key=f"_play:{key}", on_click=toggle, icon=":material/pause:",
                      width="stretch")
            note = c2.empty()
            t0, step = time.monotonic(), start
            while step <= last:
                with ph.container():
                    draw(step)
                ss[shown] = step
                note.caption(t("common.step_of", label=label or t("common.step"), step=step, last=last))
                step = max(step + 1, start + int((time.monotonic() - t0) * fps))
                time.sleep(max(0.0, (step - start) / fps - (time.monotonic() - t0)))
            ss[playing] = False
            ss[target] = last
            st.rerun(scope="fragment")
        step = int(ss.get(key, default))
        ss[shown] = step
        with st.container():  # one block, as the placeholder that plays: the playing run replaces it and the row
            draw(step)  # below in place, and leaves no faded copy of the frame's charts or controls under them
        c1, c2 = st.columns([1, 3], vertical_alignment="bottom")
        c1.button(t("common.play"), key=f"_play:{key}", on_click=toggle, icon=":material/play_arrow:",
                  width="stretch", disabled=last == 0)
        v = c2.slider(label or t("common.step"), 0, max(1, last), key=key, disabled=last == 0,
                      help=t("common.replay_help"))
        sync_url(key, v, default)

    frame()
    return int(ss.get(key, default))
