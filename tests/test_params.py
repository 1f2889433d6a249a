"""core/params.py on its own: a declared field's value read from any link text never raises, always lands in
range, and every valid value survives the trip through the link (to_url -> coerce) unchanged."""
from __future__ import annotations

import importlib
import math
import pkgutil
from dataclasses import dataclass, is_dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import core
from core import params
from core.params import Spec, choice, flag, num, text

ODD = ["", " ", "inf", "-inf", "nan", "NaN", "1e309", "-1e309", "9" * 5000, "abc", "1,5", "0x10", "½", "٣",
       "true", "None", "[]", "{}", "__import__('os')", "\x00", "1e-400", "-0", "+7", " 3 ", "３"]


def _declared_configs() -> list[type]:
    """Every frozen config and view in core that declares a field (found by walking the package)."""
    out = []
    for m in pkgutil.walk_packages(core.__path__, "core."):
        mod = importlib.import_module(m.name)
        for obj in vars(mod).values():
            if isinstance(obj, type) and is_dataclass(obj) and obj.__module__ == mod.__name__ and params.specs(obj):
                out.append(obj)
    return out


CONFIGS = _declared_configs()
FIELDS = [(cls, name, spec, default) for cls in CONFIGS for name, (spec, default) in params.specs(cls).items()]


def _valid(spec: Spec, v) -> bool:
    if spec.kind in ("int", "float"):
        ok = isinstance(v, int if spec.kind == "int" else float) and not isinstance(v, bool) and math.isfinite(v)
        return ok and (spec.lo is None or v >= spec.lo) and (spec.hi is None or v <= spec.hi)
    if spec.kind == "bool":
        return isinstance(v, bool)
    if spec.kind == "text":
        return isinstance(v, str) and len(v) <= spec.max_chars and v.isprintable()
    return v in spec.options


def test_the_walk_finds_the_declared_configs():
    names = {c.__name__ for c in CONFIGS}
    assert len(CONFIGS) >= 20 and len(FIELDS) >= 100, (len(CONFIGS), len(FIELDS))
    assert {"FitConfig", "RaceConfig"} <= names


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_default_is_valid_and_survives_the_link(cls):
    for name, (spec, default) in params.specs(cls).items():
        assert _valid(spec, default), (name, default)
        assert params.coerce(spec, params.to_url(default), None) == default, name
        assert params.exact(spec, params.to_url(default)), name
    cfg = cls()
    assert params.clamp(cfg) == cfg


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_odd_link_text_never_raises_and_lands_in_range(cls):
    for name, (spec, default) in params.specs(cls).items():
        for raw in ODD:
            v = params.coerce(spec, raw, default)
            assert _valid(spec, v), (name, raw, v)
            # what a link then holds reads back as the same value (the page writes to_url(v) into the link)
            assert params.coerce(spec, params.to_url(v), default) == v, (name, raw, v)


@pytest.mark.parametrize("cls", CONFIGS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_valid_value_round_trips_through_the_link(cls):
    """clamp ∘ coerce ∘ to_url is the identity on valid values: every option, both ends and the middle of
    every range, every grid step of an int slider up to 2,000 values."""
    for name, (spec, default) in params.specs(cls).items():
        if spec.kind == "choice":
            values = list(spec.options)
        elif spec.kind == "bool":
            values = [True, False]
        elif spec.kind == "text":
            values = [default, "", "a b", "中文"]
        elif spec.kind == "int":
            step = int(spec.step or 1)
            values = list(range(int(spec.lo), int(spec.hi) + 1, step))[:2000] + [int(spec.hi)]
        else:
            values = [float(spec.lo), float(spec.hi), (spec.lo + spec.hi) / 2, float(default)]
        for v in values:
            back = params.coerce(spec, params.to_url(v), default)
            assert back == v and type(back) is type(v), (name, v, back)
            assert params.exact(spec, params.to_url(v)), (name, v)


@dataclass(frozen=True)
class _Probe:
    n: int = num(200, 20, 1000, step=10)
    lr: float = num(0.01, 1e-4, 10.0)
    act: str = choice("ReLU", ("ReLU", "sigmoid"))
    width: int = choice(8, (2, 8, 32, 128))
    on: bool = flag(False)
    words: str = text("hello", max_chars=12)


PROBE = params.specs(_Probe)


@settings(max_examples=300, deadline=None)
@given(raw=st.one_of(st.text(max_size=60), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                     st.booleans(), st.none(), st.binary(max_size=8)))
def test_coerce_never_raises_on_anything(raw):
    for name, (spec, default) in PROBE.items():
        v = params.coerce(spec, raw, default)
        assert _valid(spec, v), (name, raw, v)
        if isinstance(raw, str):
            params.exact(spec, raw)  # never raises either


@settings(max_examples=200, deadline=None)
@given(x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_numbers_are_clamped_and_options_snapped(x):
    n = params.coerce(PROBE["n"][0], repr(x), 200)
    assert 20 <= n <= 1000 and n == min(max(round(x), 20), 1000)
    w = params.coerce(PROBE["width"][0], repr(x), 8)
    assert w in (2, 8, 32, 128)
    if x > 0:  # snapped to the nearest option on a log scale
        assert abs(math.log(w) - math.log(x)) <= min(abs(math.log(o) - math.log(x)) for o in (2, 8, 32, 128)) + 1e-12


def test_clamp_brings_every_field_into_range():
    bad = _Probe(n=10**9, lr=float("nan"), act="tanh", width=5, on="yes", words="x" * 99)  # type: ignore[arg-type]
    c = params.clamp(bad)
    assert c.n == 1000 and c.lr == 0.01 and c.act == "ReLU" and c.width == 8 and c.on is False
    assert c.words == "x" * 12
    assert params.clamp(c) is c  # already valid: the same object back


def test_exact_tells_a_link_that_needed_fixing():
    spec = PROBE["n"][0]
    assert params.exact(spec, "200") and params.exact(spec, " 200 ")
    assert not params.exact(spec, "2000") and not params.exact(spec, "20.5") and not params.exact(spec, "abc")
    assert params.exact(PROBE["act"][0], "relu") and not params.exact(PROBE["act"][0], "tanh")
    assert params.to_url(True) == "true" and params.to_url(0.1) == "0.1" and params.to_url(3.0) == "3.0"
