"""A lesson: a teacher's ordered list of experiments. Each step is a page, the page's URL state (its controls,
part, seed, replay step), a title and a sentence or two in each language, and optionally a question to answer
before the experiment runs ("predict, then run").

The same dict comes from a TOML file (``lessons/<name>.toml``) or from a link (``core.lessons.link``); either is
checked field by field here (``parse``) and never evaluated. A check that fails gives a ``LessonError`` (a reason
the app words from its catalogue), never an exception to the page. The page's own controls check the state's
values when the step opens (``check_state``: the declared ranges of core/params.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from core import params
from core.lessons.measures import MEASURES

LANGS = ("en", "zh")
MAX_STEPS = 12  # steps in one lesson
MAX_KEYS = 40  # URL keys in one step's state
MAX_TITLE = 80  # characters of a lesson's or a step's title
MAX_SAY = 400  # characters of a step's sentence(s) or question
MAX_VALUE = 200  # characters of a text value in a state
KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")  # a URL key a page may declare (never an internal "_dlc..." key)
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")  # a built-in lesson's name, a choice's id
MIN_CHOICES, MAX_CHOICES = 2, 4


class LessonError(ValueError):
    """Why a lesson could not be read: ``reason`` (catalogue key lessons.error.<reason>) and where."""

    def __init__(self, reason: str, where: str = ""):
        super().__init__(f"{reason}: {where}" if where else reason)
        self.reason, self.where = reason, where[:80]


@dataclass(frozen=True)
class Question:
    measure: str  # a key of core.lessons.measures.MEASURES: the run decides the answer
    ask: dict[str, str]  # lang -> the question
    choices: tuple[str, ...]  # 2-4 of the measure's outcomes, in the order shown
    expect: str | None = None  # built-in lessons: what every checked seed shows (the tests check it); never shown


@dataclass(frozen=True)
class Step:
    page: str  # a registered page's stem (course.py)
    state: dict[str, Any]  # URL key -> value (the page's controls; "seed"; a replay's step)
    title: dict[str, str]  # lang -> a few words
    say: dict[str, str] = field(default_factory=dict)  # lang -> a sentence or two for the class
    question: Question | None = None


@dataclass(frozen=True)
class Lesson:
    title: dict[str, str]
    steps: tuple[Step, ...]


def text_in(texts: dict[str, str], lang: str) -> str:
    """A text in ``lang``, else in the other language, else empty."""
    return texts.get(lang) or next((v for v in texts.values() if v), "")


def _texts(raw: Any, where: str, cap: int, required: bool = True) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict) or not raw or any(k not in LANGS for k in raw):
        raise LessonError("text", where)
    out = {}
    for k, v in raw.items():
        if not isinstance(v, str) or len(v) > cap or not v.strip():
            raise LessonError("text", f"{where}.{k}")
        out[k] = "".join(ch for ch in v if ch.isprintable() or ch == "\n").strip()
    return out


def _value(v: Any, where: str) -> Any:
    if isinstance(v, bool) or isinstance(v, int) and abs(v) < 10 ** 12:
        return v
    if isinstance(v, float) and math.isfinite(v):
        return v
    if isinstance(v, str) and len(v) <= MAX_VALUE and v.isprintable():
        return v
    raise LessonError("value", where)


def _question(raw: Any, page: str, where: str) -> Question | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) - {"measure", "ask", "choices", "expect"}:
        raise LessonError("question", where)
    m = MEASURES.get(raw.get("measure")) if isinstance(raw.get("measure"), str) else None
    if m is None or m.stem != page:
        raise LessonError("measure", where)
    choices = raw.get("choices")
    if (not isinstance(choices, list) or not MIN_CHOICES <= len(choices) <= MAX_CHOICES
            or len(set(map(str, choices))) != len(choices) or any(str(c) not in m.outcomes for c in choices)):
        raise LessonError("choices", where)
    expect = raw.get("expect")
    if expect is not None and str(expect) not in m.outcomes:
        raise LessonError("choices", f"{where}.expect")
    return Question(raw["measure"], _texts(raw.get("ask"), f"{where}.ask", MAX_SAY), tuple(str(c) for c in choices),
                    None if expect is None else str(expect))


def parse(raw: Any, pages: set[str] | None = None) -> Lesson:
    """A lesson from its dict (TOML or a link), every field checked; raises ``LessonError``. ``pages``: the
    registered stems (default: course.py's)."""
    if pages is None:
        import course
        pages = {c.stem for c in course.registered()}
    if not isinstance(raw, dict) or set(raw) - {"title", "steps", "v"}:
        raise LessonError("shape")
    steps = raw.get("steps")
    if not isinstance(steps, list) or not steps:
        raise LessonError("steps")
    if len(steps) > MAX_STEPS:
        raise LessonError("too_many", str(len(steps)))
    out = []
    for i, s in enumerate(steps, 1):
        where = f"step {i}"
        if not isinstance(s, dict) or set(s) - {"page", "state", "title", "say", "question"}:
            raise LessonError("shape", where)
        page = s.get("page")
        if page not in pages:
            raise LessonError("page", f"{where}: {str(page)[:40]}")
        state = s.get("state", {})
        if not isinstance(state, dict) or len(state) > MAX_KEYS:
            raise LessonError("state", where)
        for k in state:
            if not isinstance(k, str) or not KEY.match(k) or k == "lang":
                raise LessonError("key", f"{where}: {str(k)[:40]}")
        clean = {k: _value(v, f"{where}.{k}") for k, v in state.items()}
        out.append(Step(page, clean, _texts(s.get("title"), f"{where}.title", MAX_TITLE),
                        _texts(s.get("say"), f"{where}.say", MAX_SAY, required=False),
                        _question(s.get("question"), page, f"{where}.question")))
    return Lesson(_texts(raw.get("title"), "title", MAX_TITLE), tuple(out))


def to_dict(lesson: Lesson) -> dict:
    """The lesson as plain data (what ``parse`` reads back): for TOML and for links."""
    steps = []
    for s in lesson.steps:
        d: dict[str, Any] = {"page": s.page, "title": dict(s.title)}
        if s.say:
            d["say"] = dict(s.say)
        if s.state:
            d["state"] = dict(s.state)
        if s.question is not None:
            q = s.question
            d["question"] = {"measure": q.measure, "ask": dict(q.ask), "choices": list(q.choices)}
            if q.expect is not None:
                d["question"]["expect"] = q.expect
        steps.append(d)
    return {"title": dict(lesson.title), "steps": steps}


def check_state(state: dict[str, Any], controls: dict[str, tuple[params.Spec, Any]]) -> tuple[dict, dict, list]:
    """A step's state against the page's declared controls ({URL key: (spec, default)}).

    Returns (values, replay, notes): ``values`` every control's value (the state's, parsed and clamped by its
    declaration, else the default), ``replay`` other whole-number keys (a replay's step: the page's player checks
    its range), ``notes`` (key, what the lesson said) for values that were not exact or keys the page lacks."""
    values, replay, notes = {}, {}, []
    for key, (spec, default) in controls.items():
        if key in state:
            raw = state[key]
            values[key] = params.coerce(spec, raw, default)
            if not params.exact(spec, params.to_url(raw)):
                notes.append((key, str(raw)[:40]))
        else:
            values[key] = default
    for key, raw in state.items():
        if key in controls or key == "seed":
            continue
        if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 100_000:
            replay[key] = raw
        else:
            notes.append((key, str(raw)[:40]))
    return values, replay, notes
