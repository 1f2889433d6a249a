"""Lessons (core/lessons, pages/_lesson.py): the built-in lessons open step by step with the declared state, links
round-trip, bad links say so, and every built-in question's answer is what the run shows on ten seeds."""
from __future__ import annotations

import base64
import json
import zlib
from dataclasses import fields, replace

import pytest

from conftest import open_page
from core import attention as att, batches, convolution as cv, lessons, optimizers as opt, params, regression, rnn, \
    softmax
from core.lessons import link as codec

SEEDS = range(10)
NAMES = lessons.names()
PAGE = {c.stem: c.page for c in __import__("course").registered()}

# The configs each question's measure reads (the page builds them from its controls; the walk below checks that
# these equal the page's), and the URL keys the pages rename (every other key: a field name, or one with its prefix).
CLASSES = {"regression.descent": (regression.RegConfig,), "batches.zigzag": (batches.PathConfig,),
           "optimizers.first": (opt.RaceConfig, opt.RaceLRs, opt.RaceView), "softmax.stuck": (softmax.SurfaceConfig,),
           "convolution.field": (cv.FieldConfig,), "attention.shuffle": (att.CalcConfig,),
           "rnn.last_output": (rnn.LectureConfig,)}
RENAMED = {"or_sched": "schedule", "or_t": "moment", "or_ends": "ends_of", "at_text": "sentence", "at_pe": "positional",
           "at_w": "window", "at_act": "activation", "seq": "sequence", "sharp": "sharpness",
           **{v: k for k, v in opt.LR_KEYS.items()}}
PREFIXES = ("or_", "sf_", "at_", "cl_", "cp_", "gd_")


def _field(key: str) -> str:
    if key in RENAMED:
        return RENAMED[key]
    return next((key[len(p):] for p in PREFIXES if key.startswith(p)), key)


def configs(measure: str, state: dict, seed: int = 0) -> tuple:
    """The question's configs from a step's state, as core builds them (each field parsed by its declaration)."""
    out = []
    for cls in CLASSES[measure]:
        specs = params.specs(cls)
        kw = {_field(k): params.coerce(specs[_field(k)][0], v, specs[_field(k)][1])
              for k, v in state.items() if _field(k) in specs}
        if "seed" in {f.name for f in fields(cls)}:
            kw["seed"] = seed
        out.append(cls(**kw))
    return tuple(out)


QUESTIONS = [(name, k, s) for name in NAMES for k, s in enumerate(lessons.builtin(name).steps, 1) if s.question]


# ---- the format and the link ----------------------------------------------------------------------------------

def test_built_in_lessons_follow_the_lectures():
    assert len(NAMES) == 7
    for name in NAMES:
        lesson = lessons.builtin(name)
        assert 4 <= len(lesson.steps) <= 8, name
        assert set(lesson.title) == {"en", "zh"}, name
        for s in lesson.steps:
            assert set(s.title) == {"en", "zh"} and set(s.say) == {"en", "zh"}, (name, s.title)
        qs = [s.question for s in lesson.steps if s.question]
        assert qs and all(set(q.ask) == {"en", "zh"} and q.expect in q.choices for q in qs), name


@pytest.mark.parametrize("name", NAMES)
def test_links_and_files_round_trip(name):
    lesson = lessons.builtin(name)
    code = lessons.encode(lesson)
    assert code.startswith(lessons.PREFIX) and len(code) <= lessons.MAX_LINK
    assert lessons.decode(code) == lesson
    assert lessons.open_lesson(code) == lesson
    import tomllib
    assert lessons.parse(tomllib.loads(lessons.to_toml(lesson))) == lesson


def _code(raw) -> str:
    data = json.dumps(raw).encode()
    return lessons.PREFIX + base64.urlsafe_b64encode(zlib.compress(data)).decode().rstrip("=")


GOOD = lessons.to_dict(lessons.builtin(NAMES[0]))
BAD = {
    "no prefix": "abc",
    "not base64": lessons.PREFIX + "!!!*",
    "not zlib": lessons.PREFIX + base64.urlsafe_b64encode(b"hello").decode(),
    "not json": lessons.PREFIX + base64.urlsafe_b64encode(zlib.compress(b"{nope")).decode(),
    "a list": _code([1, 2]),
    "no steps": _code({"title": "x", "steps": []}),
    "unknown page": _code({"title": "x", "steps": [{"page": "os.system", "title": "a"}]}),
    "bad key": _code({"title": "x", "steps": [{"page": "regression", "title": "a", "state": {"_dlc_x": 1}}]}),
    "nested value": _code({"title": "x", "steps": [{"page": "regression", "title": "a", "state": {"lr": [1]}}]}),
    "NaN": lessons.PREFIX + base64.urlsafe_b64encode(zlib.compress(
        b'{"title":"x","steps":[{"page":"regression","title":"a","state":{"lr":NaN}}]}')).decode(),
    "extra field": _code({"title": "x", "steps": [{"page": "regression", "title": "a", "code": "print(1)"}]}),
    "long title": _code({"title": "x" * 500, "steps": [{"page": "regression", "title": "a"}]}),
    "too many steps": _code({"title": "x", "steps": [{"page": "regression", "title": "a"}] * 40}),
    "wrong measure": _code({"title": "x", "steps": [{"page": "batches", "title": "a", "question": {
        "measure": "regression.descent", "ask": "?", "choices": ["reaches", "crawls"]}}]}),
    "one choice": _code({"title": "x", "steps": [{"page": "regression", "title": "a", "question": {
        "measure": "regression.descent", "ask": "?", "choices": ["reaches"]}}]}),
    "oversized": lessons.PREFIX + "A" * (lessons.MAX_LINK + 10),
    "bomb": lessons.PREFIX + base64.urlsafe_b64encode(zlib.compress(b" " * 10_000_000, 9)).decode(),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_links_give_a_reason_never_an_exception(case):
    got = lessons.decode(BAD[case])
    assert isinstance(got, lessons.LessonError), case
    assert got.reason in {k.split(".")[-1] for k in __import__("core.i18n").i18n.catalogue("en")
                          if k.startswith("lessons.error.")}


def test_tampering_with_a_link_is_caught():
    code = lessons.encode(lessons.builtin(NAMES[0]))
    for i in range(len(lessons.PREFIX) + 5, len(code), max(1, len(code) // 40)):
        bad = code[:i] + ("A" if code[i] != "A" else "B") + code[i + 1:]
        got = lessons.decode(bad)
        assert isinstance(got, (lessons.Lesson, lessons.LessonError))  # never raises
        assert isinstance(got, lessons.LessonError) or got != lessons.builtin(NAMES[0]) or bad == code
    assert isinstance(lessons.decode(code[:-7]), lessons.LessonError)  # cut off


def test_a_step_state_is_checked_against_the_page_controls():
    specs = {"lr": (params.Spec("choice", options=(0.1, 0.4)), 0.1), "n": (params.Spec("int", 10, 400), 60)}
    values, replay, notes = lessons.check_state({"lr": 0.39, "n": 9999, "step": 3, "zz": "x"}, specs)
    assert values == {"lr": 0.4, "n": 400} and replay == {"step": 3}
    assert {k for k, _ in notes} == {"lr", "n", "zz"}


# ---- lesson mode in the app -------------------------------------------------------------------------------------

def _declared(at, step):
    """Every control the step sets shows the step's value."""
    for key, v in step.state.items():
        if key in at.session_state:
            got = at.session_state[key]
            assert got == v or (isinstance(got, str) and got == str(v)), (key, got, v)


@pytest.mark.parametrize("name", NAMES)
def test_every_built_in_lesson_opens_step_by_step(name):
    lesson = lessons.builtin(name)
    at = open_page(PAGE[lesson.steps[0].page], query={"lesson": name, "lang": "zh" if name == NAMES[-1] else "en"})
    for k, step in enumerate(lesson.steps, 1):
        assert not at.exception, (name, k, at.exception)
        head = at.markdown[0].value
        assert lessons.text_in(step.title, "zh" if name == NAMES[-1] else "en") in head, (name, k, head)
        _declared(at, step)
        if step.question:
            assert not at.get("vega_lite_chart"), "the experiment is hidden until a guess"
            at.button(key=f"_dlc_guess:{step.question.expect}").click().run()
            assert not at.exception
            assert at.success, (name, k, [i.value for i in at.info])  # the guess matched this run
            measure = step.question.measure
            seen = {type(c): c for c in at.session_state["_dlc_lesson_cfgs"]}
            for c in configs(measure, step.state, int(step.state.get("seed", 0))):
                assert seen[type(c)] == c, (name, k, seen[type(c)], c)
        if k < len(lesson.steps):
            at.button(key="_dlc_lesson_next").click().run()
            if lesson.steps[k].page != step.page:  # the script switched page; AppTest reruns the page it was given
                at.switch_page(PAGE[lesson.steps[k].page]).run()


def test_a_bad_lesson_link_says_so_and_the_page_works():
    at = open_page(PAGE["regression"], query={"lesson": BAD["not json"]})
    assert not at.exception
    assert any("lesson" in w.value for w in at.warning)
    assert at.get("vega_lite_chart")
    at = open_page(PAGE["regression"], query={"lesson": "no-such-lesson", "lesson_step": "99"})
    assert not at.exception and at.warning


# ---- every built-in question, on ten seeds ----------------------------------------------------------------------

@pytest.mark.claim
@pytest.mark.parametrize("name,k,step", QUESTIONS, ids=[f"{n}-{k}" for n, k, _ in QUESTIONS])
def test_each_question_is_answered_the_same_on_ten_seeds(name, k, step):
    q = step.question
    seeded = any(f.name == "seed" for cls in CLASSES[q.measure] for f in fields(cls))
    got = [lessons.answer_of(q.measure, *configs(q.measure, step.state, s)) for s in (SEEDS if seeded else [0])]
    assert set(got) == {q.expect}, (name, k, got)


def test_a_lesson_made_in_the_app_opens_as_made():
    at = open_page(PAGE["regression"], query={"lr": "0.4", "seed": "3"})
    assert not at.exception
    at.button(key="_dlc_lesson_add").click().run()
    at.button(key="_dlc_lesson_add").click().run()
    mine = at.session_state["_dlc_lesson_mine"]
    assert [s["state"] for s in mine] == [{"lr": 0.4, "seed": 3}] * 2
    at.text_input(key=f"_dlc_lesson_t{mine[1]['id']}").input("η large").run()
    at.button(key=f"_dlc_lesson_up{mine[1]['id']}").click().run()
    at.button(key=f"_dlc_lesson_rm{mine[1]['id']}").click().run()  # the first step, now second
    assert not at.exception
    code = next(c.value for c in at.code if "lesson=" in c.value).split("lesson=")[1]
    made = lessons.decode(code)
    assert isinstance(made, lessons.Lesson) and len(made.steps) == 1
    assert made.steps[0].state == {"lr": 0.4, "seed": 3} and "η large" in made.steps[0].title.values()
    at = open_page(PAGE["regression"], query={"lesson": code})
    assert not at.exception and "η large" in at.markdown[0].value
    assert at.session_state["lr"] == 0.4 and at.session_state["seed"] == 3
