"""Lesson mode: ``?lesson=<name or code>&lesson_step=k`` puts a lesson bar at the top of the page (step k of n, back and
next with the keys ← →, the step's sentence), opens the step with the page exactly as the lesson says, and, for a
step with a question, hides the experiment until the student has guessed ("predict, then run"); the bar then says
whether the guess matched what this run shows (``core.lessons.measures``: computed from the run).

``bar(topic, forms)`` is the one hook, called by ``kit.page`` after the title and before any control reads the
link. The lesson builder (``builder()``, in the sidebar) keeps its steps in the session only: nothing is stored on
the server; the lesson leaves as a TOML download or a link.
"""
from __future__ import annotations

import dataclasses

import streamlit as st

import course
from core import i18n, lessons, params
from pages import _compute
from pages._controls import LANG_KEY, SEED, SEED_KEY, lang, t
from pages._controls import seed as session_seed

LESSON, STEP = "lesson", "lesson_step"  # the URL keys of lesson mode (pages use "step" for replays)
_APPLIED = "_dlc_lesson_applied"  # (lesson value, step) last opened in this session
_GUESS = "_dlc_lesson_guess"  # {(lesson value, step): the choice the student picked}
_NOTES = "_dlc_lesson_notes"  # (key, value) the page could not take as the lesson says, shown once
_NAV = "_dlc_lesson_nav"  # set by back/next: a step on another page is opened at once
_CFGS = "_dlc_lesson_cfgs"  # the page's configs the last question was answered from
_MINE = "_dlc_lesson_mine"  # the builder's steps (dicts as in a lesson file), this session only


def _controls(forms) -> dict[str, tuple[params.Spec, object]]:
    """{URL key: (spec, default)} of every control the page declares."""
    out = {}
    for f in forms:
        for name, (spec, default) in f.specs.items():
            out[f.keys[name]] = (spec, default)
    return out


def _page_of(stem: str) -> str:
    return next(c.page for c in course.registered() if c.stem == stem)


def _go(value: str, k: int) -> None:
    """Button callback: open step ``k`` (this run reads it from the link; a step on another page switches there)."""
    st.query_params.from_dict({LANG_KEY: lang(), LESSON: value, STEP: str(k)})
    st.session_state[_NAV] = True


def _apply(step: lessons.Step, forms, value: str, k: int) -> None:
    """Set the page exactly as the step says: every control its value (the rest their defaults) through the
    link, which the kit then reads as it reads any link (``params.coerce``); the seed; a replay's step."""
    controls = _controls(forms)
    values, replay, notes = lessons.check_state(step.state, controls)
    ss = st.session_state
    for key in list(controls) + list(replay):
        ss.pop(key, None)  # read again from the link below
    qp = {LANG_KEY: lang(), LESSON: value, STEP: str(k)}
    for key, v in values.items():
        if v != controls[key][1]:
            qp[key] = params.to_url(v)
    qp.update({key: str(v) for key, v in replay.items()})
    seed = params.coerce(SEED, step.state.get(SEED_KEY, 0), 0)
    ss[SEED_KEY] = seed
    if seed:
        qp[SEED_KEY] = str(seed)
    st.query_params.from_dict(qp)
    ss[_NOTES] = notes


def outcome(measure: str, choice: str) -> str:
    """A question's choice (an outcome of its measure) in the session's language."""
    key = f"lessons.outcome.{measure}.{choice}"
    return t(key) if i18n.has("en", key) else choice


def _config(f):
    """The form's config as the page builds it: its controls' values, and the session's seed if it has one."""
    values = f.values()
    if any(x.name == "seed" for x in dataclasses.fields(f.cls)):
        values["seed"] = session_seed()
    return f.cls(**values)


def _pick(marker, choice: str) -> None:
    st.session_state.setdefault(_GUESS, {})[marker] = choice


def _forget(marker) -> None:
    st.session_state.setdefault(_GUESS, {}).pop(marker, None)


def _question(q: lessons.Question, marker, forms) -> None:
    """Predict, then run: the choices, and the page stops here until one is picked; then whether it matched."""
    lg = lang()
    guess = st.session_state.get(_GUESS, {}).get(marker)
    if guess is None:
        st.markdown(f"**{lessons.text_in(q.ask, lg)}** {t('lessons.predict')}")
        # one wrapping row, each choice as wide as its words: equal columns broke 「走得很慢，停在离最低点很远的地方」
        # with one character on a second line (as the "Try this" row, pages/_controls.presets)
        row = st.container(key="dlc-lesson-choices", horizontal=True, wrap=True, gap="small")
        for c in q.choices:
            row.button(outcome(q.measure, c), key=f"_dlc_guess:{c}", on_click=_pick, args=(marker, c),
                       width="content")
        st.stop()
    cfgs = tuple(_config(f) for f in forms)
    st.session_state[_CFGS] = cfgs  # the configs the answer was computed from (the tests compare them with core's)
    answer = _compute.shared("lesson-answer", lessons.answer_of, q.measure, *cfgs)
    said = dict(guess=outcome(q.measure, guess), answer=outcome(q.measure, answer))
    c1, c2 = st.columns([6, 1], vertical_alignment="center")
    if guess == answer:
        c1.success(t("lessons.matched", **said), icon=":material/check_circle:")
    else:
        c1.info(t("lessons.missed", **said), icon=":material/help:")
    c2.button(t("lessons.again"), key="_dlc_guess_again", on_click=_forget, args=(marker,), width="stretch")


def bar(topic: str, forms) -> bool:
    """The lesson bar when the link names a lesson; True when it drew the step's sentence (the page then leaves
    its own idea out, so the chart stays on the first screen at 1280×720)."""
    builder(topic, forms)
    value = st.query_params.get(LESSON)
    if value is None:
        return False
    lesson = lessons.open_lesson(value[: lessons.MAX_LINK + 1])
    if isinstance(lesson, lessons.LessonError):
        st.warning(t("lessons.bad", why=t(f"lessons.error.{lesson.reason}")), icon=":material/warning:")
        return False
    n = len(lesson.steps)
    k = params.coerce(params.Spec("int", 1, n), st.query_params.get(STEP, "1"), 1)
    step, lg = lesson.steps[k - 1], lang()
    head = t("lessons.bar", lesson=lessons.text_in(lesson.title, lg), k=k, n=n, step=lessons.text_in(step.title, lg))
    ss = st.session_state
    if step.page != topic:  # back/next to a step on another page; or the student left the step's page
        if ss.pop(_NAV, False):
            st.switch_page(_page_of(step.page), query_params=dict(st.query_params))
        c1, c2 = st.columns([5, 1], vertical_alignment="center")
        c1.info(t("lessons.elsewhere", k=k, page=t(f"course.{step.page}.title")), icon=":material/school:")
        if c2.button(t("lessons.open_step", k=k), key="_dlc_lesson_open", width="stretch"):
            st.switch_page(_page_of(step.page), query_params=dict(st.query_params))
        return False
    ss.pop(_NAV, None)
    marker = (value, k)
    if ss.get(_APPLIED) != marker:
        _apply(step, forms, value, k)
        ss[_APPLIED] = marker
    box = st.container(key="dlc-lesson")
    c1, c2, c3 = box.columns([2, 8, 2], vertical_alignment="center")  # the buttons show their keys: ← →
    c1.button(t("lessons.prev"), key="_dlc_lesson_prev", help=t("lessons.prev_help"), shortcut="Left",
              disabled=k <= 1, width="stretch", on_click=_go, args=(value, k - 1),
              wrap=False)
    c2.markdown(head + (f" — {lessons.text_in(step.say, lg)}" if step.say else ""))
    c3.button(t("lessons.next"), key="_dlc_lesson_next", help=t("lessons.next_help"), shortcut="Right",
              disabled=k >= n, width="stretch",
              on_click=_go, args=(value, k + 1), wrap=False)
    for key, raw in ss.pop(_NOTES, []):
        box.caption(t("lessons.adjusted", key=key, raw=raw))
    if step.question is not None:
        with box:
            _question(step.question, marker, forms)
    return True


# ---- the lesson builder: steps in this session only; out as TOML or a link ------------------------------------

def _state_now(forms) -> dict:
    """The page as it is now: every control that differs from its default, the seed, a replay's step."""
    controls, qp = _controls(forms), st.query_params
    state = {}
    for key, raw in qp.items():
        if key in controls:
            spec, default = controls[key]
            v = params.coerce(spec, raw, default)
            if v != default:
                state[key] = v
        elif key not in (LANG_KEY, LESSON, STEP) and lessons.format.KEY.match(key) and raw.isdigit():
            state[key] = int(raw)  # the seed, a replay's step
    return state


def _add(topic: str, forms) -> None:
    mine = st.session_state.setdefault(_MINE, [])
    if len(mine) < lessons.MAX_STEPS:
        n = st.session_state.get("_dlc_lesson_ids", 0) + 1
        st.session_state["_dlc_lesson_ids"] = n
        mine.append({"id": n, "page": topic, "state": _state_now(forms), "title": t(f"course.{topic}.title")})


def _move(i: int, d: int) -> None:
    mine = st.session_state.get(_MINE, [])
    if 0 <= i + d < len(mine):
        mine[i], mine[i + d] = mine[i + d], mine[i]


def _remove(i: int) -> None:
    st.session_state.get(_MINE, []).pop(i)


def builder(topic: str, forms) -> None:
    """The sidebar's "my lesson": add this page as it is, retitle, reorder, remove; download or copy the link."""
    ss = st.session_state
    mine = ss.get(_MINE, [])
    with st.sidebar.expander(t("lessons.builder.header"), icon=":material/school:", expanded=bool(mine)):
        st.button(t("lessons.builder.add"), key="_dlc_lesson_add", help=t("lessons.builder.add_help"),
                  on_click=_add, args=(topic, forms), icon=":material/add:", width="stretch",
                  disabled=len(mine) >= lessons.MAX_STEPS)
        if not mine:
            st.caption(t("lessons.builder.empty"))
            return
        title = st.text_input(t("lessons.builder.title"), t("lessons.builder.default_title"), max_chars=80,
                              key="_dlc_lesson_title")
        lg = lang()
        for i, s in enumerate(mine):
            s["title"] = st.text_input(t("lessons.builder.step_title", k=i + 1), s["title"], max_chars=80,
                                       key=f"_dlc_lesson_t{s['id']}") or s["title"]
            c1, c2, c3 = st.columns(3, gap="small")
            c1.button(":material/arrow_upward:", help=t("lessons.builder.up"),
                      key=f"_dlc_lesson_up{s['id']}", on_click=_move, args=(i, -1),
                      disabled=i == 0, width="stretch")
            c2.button(":material/arrow_downward:", help=t("lessons.builder.down"),
                      key=f"_dlc_lesson_dn{s['id']}", on_click=_move, args=(i, 1),
                      disabled=i == len(mine) - 1, width="stretch")
            c3.button(":material/delete:", help=t("lessons.builder.remove"),
                      key=f"_dlc_lesson_rm{s['id']}", on_click=_remove, args=(i,),
                      width="stretch")
        try:
            lesson = lessons.parse({"title": {lg: title or t("lessons.builder.default_title")},
                                    "steps": [{"page": s["page"], "title": {lg: s["title"]}, "state": s["state"]}
                                              for s in mine]})
            code = lessons.encode(lesson)
        except lessons.LessonError as e:
            st.warning(t("lessons.bad", why=t(f"lessons.error.{e.reason}")), icon=":material/warning:")
            return
        st.download_button(t("lessons.builder.download"), lessons.to_toml(lesson), file_name="lesson.toml",
                           mime="application/toml", key="_dlc_lesson_dl", width="stretch",
                           icon=":material/download:", on_click="ignore")
        link = f"/{mine[0]['page']}?{LANG_KEY}={lg}&{LESSON}={code}"
        st.caption(t("lessons.builder.link"))
        st.code(link, language=None, wrap_lines=True)
        st.page_link(_page_of(mine[0]["page"]), label=t("lessons.builder.open"), icon=":material/play_arrow:",
                     query_params={LANG_KEY: lg, LESSON: code})
