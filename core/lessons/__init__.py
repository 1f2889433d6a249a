"""Lessons: a teacher's sequence of experiments, with "predict, then run" (no streamlit here).

- ``format``: the lesson (steps of page + URL state + title and sentence in both languages + an optional
  question), checked field by field; ``check_state`` checks a step's state against the page's declared controls;
- ``link``: the lesson as a compact, versioned, size-capped link value (``L1.…``);
- ``measures``: what answers a question: a function of the page's run (the same core call the page makes).

Built-in lessons are TOML files in ``lessons/<name>.toml`` at the repository root. ``open_lesson(value)`` reads a
link's ``?lesson=`` value: a built-in name or a code.
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from core.lessons.format import (LANGS, MAX_CHOICES, MAX_STEPS, MIN_CHOICES, Lesson, LessonError, Question, Step,
                                 check_state, parse, text_in, to_dict)
from core.lessons.link import MAX_LINK, PREFIX, decode, encode
from core.lessons.measures import MEASURES, Measure, answer, answer_of

ROOT = Path(__file__).resolve().parents[2] / "lessons"  # the built-in lessons


def names() -> list[str]:
    """The built-in lessons, in course order (file names start with their lecture's number)."""
    return sorted(p.stem for p in ROOT.glob("*.toml"))


@lru_cache(maxsize=32)
def builtin(name: str) -> Lesson:
    """A built-in lesson by name; raises ``LessonError`` (unknown name, bad file)."""
    if name not in names():
        raise LessonError("unknown", name[:40])
    with (ROOT / f"{name}.toml").open("rb") as f:
        return parse(tomllib.load(f))


@lru_cache(maxsize=256)
def open_lesson(value: str) -> Lesson | LessonError:
    """The lesson a link's ``?lesson=`` names: a built-in name or a code; or why it cannot be read."""
    if not isinstance(value, str):
        return LessonError("unknown")
    if value.startswith(PREFIX):
        return decode(value)
    try:
        return builtin(value)
    except LessonError as e:
        return e


def to_toml(lesson: Lesson) -> str:
    """The lesson as a TOML file (what ``builtin`` reads): for the builder's download."""
    def s(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    def texts(d: dict) -> str:
        return "{ " + ", ".join(f"{k} = {s(v)}" for k, v in d.items()) + " }"

    out = [f"title = {texts(lesson.title)}", ""]
    for st in lesson.steps:
        out += ["[[steps]]", f"page = {s(st.page)}", f"title = {texts(st.title)}"]
        if st.say:
            out.append(f"say = {texts(st.say)}")
        if st.state:
            out.append("state = { " + ", ".join(f"{k} = {s(v)}" for k, v in st.state.items()) + " }")
        if st.question is not None:
            q = st.question
            out += ["[steps.question]", f"measure = {s(q.measure)}", f"ask = {texts(q.ask)}",
                    "choices = [" + ", ".join(s(c) for c in q.choices) + "]"]
            if q.expect is not None:
                out.append(f"expect = {s(q.expect)}")
        out.append("")
    return "\n".join(out)
