"""Controls generated from the declared config fields (core/params.py), each bound to the URL.

A page declares nothing twice: ``Form(topic, Config)`` reads each field's range or options from the
config; the widget, its label and help (from the catalogue: ``<topic>.ctl.<field>.label`` / ``.help``),
the URL binding, the preset defaults, the clamping of odd link values and the config built for the cache
all follow from it.

URL binding is done here rather than by Streamlit's ``bind="query-params"``, for three reasons: a link's
value is parsed by ``params.coerce``, which never raises (Streamlit's parser raises OverflowError on
``?seed=inf`` and shows a traceback); the value in the URL is the option's language-neutral value, not
its translated label, so one link works in both languages; and the widget gets its value from session
state only, so presets never conflict with a passed default.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Sequence

import streamlit as st

from core import i18n, params

LANG_KEY, SEED_KEY = "lang", "seed"
_NOTES = "_dlc_link_notes"  # link values that had to be clamped or reset, shown once per run
DECLARED: dict[str, params.Spec] = {}  # URL key -> its declaration, for tests (the same for every session)


def lang() -> str:
    """This session's language: the URL's ``lang``, else the browser's, else English."""
    ss = st.session_state
    if LANG_KEY not in ss:
        raw = st.query_params.get(LANG_KEY)
        browser = i18n.normalise(getattr(st.context, "locale", None))
        ss[LANG_KEY] = raw if raw in i18n.LANGS else browser
    v = ss[LANG_KEY]
    return v if v in i18n.LANGS else "en"


def t(key: str, **fields) -> str:
    """Text in this session's language."""
    return i18n.text(lang(), key, **fields)


def _note(key: str, raw: str, value: Any) -> None:
    st.session_state.setdefault(_NOTES, []).append((key, raw[:40], value))


def bind(key: str, spec: params.Spec, default: Any) -> Any:
    """The control's value: from session state, or (first time in this session) from the link."""
    ss = st.session_state
    if key not in ss:
        raw = st.query_params.get(key)
        value = default
        if raw is not None:
            value = params.coerce(spec, raw, default)
            if not params.exact(spec, raw):
                _note(key, raw, value)
        ss[key] = value
    return ss[key]


_SHOWN = "_dlc_shown"  # {key: value} every control showed in this session's last run (kept across languages)



SEED = params.Spec("int", 0, 1_000_000, step=1, widget="number")
SEED_USED = "_dlc_seed_used"  # set by ``seed()`` in a run: the sidebar's seed box is enabled (pages/_kit.seed_control)


def seed() -> int:
    """The global seed (sidebar). Reading it marks this run as one where the seed matters."""
    st.session_state[SEED_USED] = True
    return int(bind(SEED_KEY, SEED, 0))

def remember(key: str, value: Any) -> None:
    """Note the value a control shows, so that a change of language can put it back (``keep_across_language``)."""
    st.session_state.setdefault(_SHOWN, {})[key] = value


def keep_across_language() -> None:
    """Called on the run where the language changed, before any control is drawn.

    A browser sends back a choice control's value as the label it displayed, and the labels are translated:
    the English label is not an option of the Chinese control, so Streamlit fell back to the first option
    (the optimizer page's batch size went from 512 to 1 while the chart, read from the session, still ran 512;
    critical, RNN and convolution pages lost their chosen part). Setting every control's session value
    before it is drawn wins over what the browser sent, so every control and part stays as it was.
    """
    ss = st.session_state
    for key, value in ss.get(_SHOWN, {}).items():
        if key != LANG_KEY:  # the language control itself has just been drawn with the new language
            ss[key] = value


def sync_url(key: str, value: Any, default: Any) -> None:
    """Keep the link equal to the control: the value when it differs from the default, else nothing.
    (Every control calls it after drawing itself, so it also notes the value shown: ``remember``.)"""
    remember(key, value)
    want = None if value == default else params.to_url(value)
    have = st.query_params.get(key)
    if want is None and have is not None:
        del st.query_params[key]
    elif want is not None and have != want:
        st.query_params[key] = want


def link_notes() -> list[tuple[str, str, Any]]:
    """(key, what the link said, the value used) for link values clamped or reset in this run."""
    return st.session_state.pop(_NOTES, [])


def _fmt_number(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


@functools.lru_cache(maxsize=512)
def _option_labels(topic: str, name: str, options: tuple, lang_: str) -> dict[Any, str]:
    """{option: its label}: the catalogue's word for it, else the number (made once per control and language:
    a control with a thousand options would otherwise look a thousand labels up on every view)."""
    out = {}
    for v in options:
        k = f"{topic}.opt.{name}.{v}"
        out[v] = i18n.text(lang_, k) if i18n.has("en", k) else _fmt_number(v)
    return out


class Form:
    """The declared fields of ``cls`` as controls of page ``topic``.

    ``keys`` renames fields in the URL (``{"val_fraction": "val"}``); other fields use their name with
    ``prefix``. ``form("n")`` draws field n's widget where the page calls it and returns its value.
    """

    def __init__(self, topic: str, cls, keys: dict[str, str] | None = None, prefix: str = "",
                 skip: Sequence[str] = ("seed",)):
        self.topic, self.cls = topic, cls
        self.specs = {k: v for k, v in params.specs(cls).items() if k not in skip}
        self.keys = {name: (keys or {}).get(name, prefix + name) for name in self.specs}

    def key(self, name: str) -> str:
        return self.keys[name]

    def defaults(self) -> dict[str, Any]:
        """{url key: default} of every control."""
        return {self.keys[n]: d for n, (_, d) in self.specs.items()}

    def value(self, name: str) -> Any:
        spec, default = self.specs[name]
        return bind(self.keys[name], spec, default)

    def values(self) -> dict[str, Any]:
        return {n: self.value(n) for n in self.specs}

    def config(self, **fixed):
        """The config of the current values (``fixed`` wins: the seed, values a page derives)."""
        return self.cls(**{**self.values(), **fixed})

    def option_label(self, name: str, v: Any) -> str:
        return _option_labels(self.topic, name, (v,), lang())[v]

    def __call__(self, name: str, where=None, label: str | None = None, help: str | None = None,
                 fmt=None, **kw) -> Any:
        spec, default = self.specs[name]
        key = self.keys[name]
        DECLARED[key] = spec
        bind(key, spec, default)
        where = where or st
        label = label if label is not None else t(f"{self.topic}.ctl.{name}.label")
        help = help if help is not None else t(f"{self.topic}.ctl.{name}.help")
        w = spec.widget
        horizontal = kw.pop("horizontal", True)
        common = dict(key=key, help=help, **kw)
        if spec.kind == "choice":
            opts = list(spec.options)
            if fmt is None:  # labels in this session's language (AppTest calls it outside the run)
                fmt = _option_labels(self.topic, name, spec.options, lang()).get
            if w == "radio":
                v = where.radio(label, opts, format_func=fmt, horizontal=horizontal, **common)
            elif w == "segmented":  # a page's sections, side by side like tabs; only the chosen one is drawn
                v = where.segmented_control(label, opts, format_func=fmt, required=True, **common)
            elif w == "select_slider":
                v = where.select_slider(label, options=opts, format_func=fmt, **common)
            else:
                v = where.selectbox(label, opts, format_func=fmt, **common)
        elif spec.kind == "bool":
            v = where.toggle(label, **common)
        elif spec.kind == "text":
            v = where.text_input(label, max_chars=spec.max_chars, **common)
        elif w == "number":
            cast = int if spec.kind == "int" else float
            v = where.number_input(label, min_value=cast(spec.lo), max_value=cast(spec.hi),
                                   step=cast(spec.step or 1), **common)
        else:
            cast = int if spec.kind == "int" else float
            step = cast(spec.step) if spec.step is not None else (1 if spec.kind == "int" else None)
            v = where.slider(label, cast(spec.lo), cast(spec.hi), step=step, format=fmt, **common)
        sync_url(key, v, default)
        return v


@dataclass(frozen=True)
class Preset:
    id: str  # catalogue keys <topic>.preset.<id>.label / .what
    values: dict[str, Any] = field(default_factory=dict)  # URL key -> value (the rest: defaults)
    fields: dict[str, Any] = field(default_factory=dict)  # format fields of its label and text (counts from core)


def _apply(values: dict[str, Any], defaults: dict[str, Any] | None = None) -> None:
    """Set the controls, and the link with them: a control the chosen part does not draw never syncs its own
    key, so a value left in the link by an earlier experiment would come back on the next language switch."""
    for k, v in values.items():
        st.session_state[k] = v
        if defaults is not None:
            if v == defaults.get(k):
                st.query_params.pop(k, None)
            else:
                st.query_params[k] = params.to_url(v)


def presets(topic: str, items: Sequence[Preset], forms: Sequence[Form]) -> None:
    """"Try this": one button per guided experiment, a reset, and the active experiment's sentence.

    A preset first resets every control of the page to its default, then applies its values, so its
    link holds exactly its values. The active one (the page's controls equal its values) is highlighted.
    """
    defaults: dict[str, Any] = {}
    for f in forms:
        defaults.update(f.defaults())
    now = {}
    for f in forms:
        for name in f.specs:
            now[f.key(name)] = f.value(name)
    active = next((p for p in items if all(now.get(k) == v for k, v in {**defaults, **p.values}.items())), None)
    # a row that wraps, each button as wide as its label: equal columns broke 「拐角要靠 ReLU」 and
    # "Stuck exactly on the saddle" onto two lines while shorter labels left space beside them
    row = st.container(key="dlc-presets", horizontal=True, wrap=True, gap="small")
    for p in items:
        row.button(t(f"{topic}.preset.{p.id}.label", **p.fields), key=f"preset:{p.id}",
                   help=t(f"{topic}.preset.{p.id}.what", **p.fields),
                   on_click=_apply, args=({**defaults, **p.values}, defaults), width="content",
                   type="primary" if p is active else "secondary")
    row.button(t("common.reset"), key="preset:reset", help=t("common.reset_help"), on_click=_apply,
               args=(defaults, defaults), width="content", icon=":material/restart_alt:")
    if active is not None:
        st.caption(t("common.try_this_active", label=t(f"{topic}.preset.{active.id}.label", **active.fields),
                     what=t(f"{topic}.preset.{active.id}.what", **active.fields)))
