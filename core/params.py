"""Declared ranges of config fields: each setting is declared once, on its frozen config.

A field declared with ``num``, ``choice``, ``flag`` or ``text`` carries its valid range (or options) in
its metadata. From that one declaration follow:

- ``clamp(cfg)``: every field brought into range (the one generic clamp of the library; core functions
  call it first, so any value a caller or a hand-edited link passes gives a valid run);
- ``coerce(spec, raw, default)``: a raw value (a URL string, a number, anything) parsed and clamped,
  never raising: the app's pages read links through it;
- the app's widgets (kind, range, options) and the cache key (the clamped config is the key).

Example::

    @dataclass(frozen=True)
    class FitConfig:
        n: int = num(200, 20, 1000, step=10)  # samples drawn from the target
        loss: str = choice("MSE", ("MSE", "MAE"), widget="radio")  # the loss
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, is_dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Spec:
    kind: str  # "int", "float", "choice", "bool" or "text"
    lo: float | None = None  # numbers: smallest value
    hi: float | None = None  # numbers: largest value
    step: float | None = None  # numbers: the widget's step
    options: tuple = ()  # choice: the allowed values (numbers or strings)
    widget: str = ""  # the app's widget: slider, select_slider, selectbox, radio, segmented, toggle, number, text
    max_chars: int = 80  # text: longest accepted value


def _field(default: Any, spec: Spec):
    return field(default=default, metadata={"spec": spec})


def num(default: float, lo: float, hi: float, step: float | None = None, widget: str = "slider"):
    """An int (when ``default`` is an int) or float field in [lo, hi]."""
    kind = "int" if isinstance(default, int) and not isinstance(default, bool) else "float"
    return _field(default, Spec(kind, lo, hi, step, widget=widget))


def choice(default: Any, options, widget: str = "selectbox"):
    """A field that takes one of ``options`` (numbers: the nearest one is taken)."""
    options = tuple(options)
    if default not in options:
        raise ValueError(f"default {default!r} is not one of {options}")
    return _field(default, Spec("choice", options=options, widget=widget))


def flag(default: bool):
    return _field(bool(default), Spec("bool", widget="toggle"))


def text(default: str, max_chars: int = 80):
    return _field(default, Spec("text", max_chars=max_chars, widget="text"))


def specs(cls_or_cfg) -> dict[str, tuple[Spec, Any]]:
    """{field name: (spec, default)} of every declared field, in declaration order."""
    out = {}
    for f in fields(cls_or_cfg):
        spec = f.metadata.get("spec")
        if spec is not None:
            out[f.name] = (spec, f.default)
    return out


def _number(raw: Any) -> float | None:
    """A float from a number or a string; None when it is not one (bools are not numbers)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    if isinstance(raw, str):
        try:
            return float(raw.strip()[:400])  # a huge string of digits is inf, not a slow int
        except ValueError:
            return None
    try:
        return float(raw)
    except (TypeError, ValueError, OverflowError):
        return None


def _nearest(options: tuple, x: float) -> Any:
    nums = [o for o in options if isinstance(o, (int, float)) and not isinstance(o, bool)]
    if not nums:
        return None
    if all(o > 0 for o in nums) and x > 0:
        return min(nums, key=lambda o: abs(math.log(o) - math.log(x)))
    return min(nums, key=lambda o: abs(o - x))


def coerce(spec: Spec, raw: Any, default: Any) -> Any:
    """``raw`` as a valid value of the field: parsed, clamped to the range or snapped to the nearest
    option; ``default`` where it cannot be read at all (NaN, words where a number belongs). Never raises."""
    if spec.kind in ("int", "float"):
        x = _number(raw)
        if x is None or math.isnan(x):
            return default
        lo = -math.inf if spec.lo is None else spec.lo
        hi = math.inf if spec.hi is None else spec.hi
        x = min(max(x, lo), hi)
        if spec.kind == "int":
            return int(round(x)) if math.isfinite(x) else default
        return float(x)
    if spec.kind == "bool":
        if isinstance(raw, bool):
            return raw
        s = str(raw).strip().lower()
        return {"true": True, "1": True, "on": True, "false": False, "0": False, "off": False}.get(s, default)
    if spec.kind == "text":
        s = raw if isinstance(raw, str) else default
        return "".join(ch for ch in s if ch.isprintable())[: spec.max_chars]
    if spec.kind == "choice":
        for o in spec.options:  # the value itself (1 and 1.0 alike, but never True for 1)
            if o == raw and isinstance(o, str) == isinstance(raw, str) and not isinstance(raw, bool):
                return o
        for o in spec.options:  # a string from a link: match the option's own text
            if isinstance(raw, str) and str(o).lower() == raw.strip().lower():
                return o
        x = _number(raw)
        if x is not None and math.isfinite(x):
            hit = _nearest(spec.options, x)
            if hit is not None:
                return hit
        return default
    raise ValueError(f"unknown kind {spec.kind!r}")


def exact(spec: Spec, raw: str) -> bool:
    """True when the link text ``raw`` names a valid value as it is (nothing clamped, snapped or reset)."""
    s = str(raw).strip()
    if spec.kind in ("int", "float"):
        x = _number(s)
        return (x is not None and math.isfinite(x) and (spec.lo is None or x >= spec.lo)
                and (spec.hi is None or x <= spec.hi) and (spec.kind == "float" or float(x).is_integer()))
    if spec.kind == "bool":
        return s.lower() in ("true", "false", "1", "0", "on", "off")
    if spec.kind == "text":
        return len(s) <= spec.max_chars and s.isprintable()
    x = _number(s)
    return any(str(o).lower() == s.lower() or (x is not None and not isinstance(o, (str, bool)) and o == x)
               for o in spec.options)


def clamp(cfg):
    """Every declared field of the frozen config ``cfg`` brought into its range (a new config)."""
    if not is_dataclass(cfg):
        raise TypeError("clamp takes a dataclass instance")
    changes = {}
    for name, (spec, default) in specs(cfg).items():
        v = getattr(cfg, name)
        c = coerce(spec, v, default)
        if c != v or type(c) is not type(v):
            changes[name] = c
    return replace(cfg, **changes) if changes else cfg


def to_url(value: Any) -> str:
    """The text a link holds for a value: language-neutral, read back exactly by ``coerce``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() or abs(value) >= 1e16 else f"{value:.1f}"
    return str(value)
