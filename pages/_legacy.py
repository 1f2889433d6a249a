"""The old page helpers, kept only until the last pages move to pages/_kit.py (Form, page, presets).
Pages still on it import ``from pages import _legacy as kit``. Delete it once no page imports it."""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Sequence

import streamlit as st

from core import device  # noqa: F401
from pages import _kit  # noqa: F401
from pages._draw import chart  # noqa: F401
from pages._kit import seed  # noqa: F401

# ---------- controls, every one bound to the URL ----------

def _init(key: str, name: str, value) -> dict:
    """Always hand Streamlit the real default. Left out, Streamlit takes the first option (or the
    minimum) as the default and drops a value equal to it from the URL, so a shared link would lose it
    and reopen with the page's default instead. When a preset has set the state, the state wins; Streamlit
    only logs a note on the server."""
    return {name: value}


def slider(label: str, lo, hi, default, key: str, help: str, step=None, fmt: str | None = None, where=st):
    return where.slider(label, lo, hi, step=step, format=fmt, key=key, help=help, 
                        **_init(key, "value", default))


def select_slider(label: str, options: Sequence, default, key: str, help: str, where=st, fmt=str):
    return where.select_slider(label, options=list(options), key=key, help=help, 
                               format_func=fmt, **_init(key, "value", default))


def selectbox(label: str, options: Sequence, default, key: str, help: str, where=st, fmt=str):
    return where.selectbox(label, list(options), key=key, help=help, format_func=fmt,
                           **_init(key, "index", list(options).index(default)))


def radio(label: str, options: Sequence, default, key: str, help: str, where=st, horizontal: bool = True):
    return where.radio(label, list(options), key=key, help=help, horizontal=horizontal,
                       **_init(key, "index", list(options).index(default)))


def toggle(label: str, default: bool, key: str, help: str, where=st):
    return where.toggle(label, key=key, help=help, **_init(key, "value", default))


def number(label: str, lo, hi, default, key: str, help: str, step=None, fmt: str | None = None, where=st):
    return where.number_input(label, min_value=lo, max_value=hi, step=step, format=fmt, key=key, help=help,
                              **_init(key, "value", default))


def text(label: str, default: str, key: str, help: str, max_chars: int = 80, where=st):
    return where.text_input(label, key=key, help=help, max_chars=max_chars, 
                            **_init(key, "value", default))


# ---------- page furniture ----------

def header(title: str, idea: str, formula: str, symbols: str) -> None:
    _kit.leave_pages_directory_mode()
    st.title(title)
    st.markdown(idea)
    st.latex(formula)
    st.caption(symbols)


@dataclass(frozen=True)
class Preset:
    label: str  # button text
    what: str  # one sentence: what to look at
    values: dict[str, Any] = field(default_factory=dict)  # widget key -> value


def try_this(presets: Sequence[Preset], defaults: dict[str, Any]) -> None:
    """A row of buttons; each resets the page's controls to defaults, then applies its values."""
    st.subheader("Try this")
    cols = st.columns(len(presets))
    for col, p in zip(cols, presets):
        with col:
            st.button(p.label, key=f"preset:{p.label}", help=p.what, on_click=_apply, args=({**defaults, **p.values},),
                      width="stretch")
            st.caption(p.what)


def _apply(values: dict[str, Any]) -> None:
    for k, v in values.items():
        st.session_state[k] = v


def notice(text: str) -> None:
    st.info(text, icon=":material/visibility:")


def problem(text: str) -> None:
    """A clear message in place of a traceback."""
    st.warning(text, icon=":material/warning:")


# ---------- one computation per config, shared by every session ----------

class _Store:
    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self.lock = threading.Lock()
        self.data: OrderedDict[Hashable, Any] = OrderedDict()
        self.key_locks: dict[Hashable, threading.Lock] = {}


@st.cache_resource(show_spinner=False)
def _store(name: str) -> _Store:
    return _Store(24)


def finished(result: Any) -> bool:
    """False for a training result cut short by the time cap (it depends on the server's load)."""
    return getattr(getattr(result, "log", None), "stopped", None) != "time"


def report(log, names: Sequence[str] | None = None) -> None:
    """The sentence for a run that diverged or hit the time cap, if any."""
    msg = log.message(list(names) if names is not None else None)
    if msg:
        problem(msg)


def shared(name: str, fn: Callable[..., Any], config: Hashable, *args, maxsize: int = 24,
           keep: Callable[[Any], bool] = finished, **kwargs) -> Any:
    """``fn(config, *args, **kwargs)`` computed once per config for the whole server.

    Like ``st.cache_data``, but ``fn`` may draw live progress into placeholders made outside it
    (which ``st.cache_data`` cannot replay), and thirty sessions asking for the same config at once
    wait for one computation instead of running thirty. Results are shared: treat them as read-only.
    ``keep(result)`` False leaves a result out of the store, so the next rerun computes it again; by
    default a training run cut short by the time cap (which depends on the server's load, not on the
    config) is not kept.
    """
    store = _store(name)
    store.maxsize = maxsize
    with store.lock:
        if config in store.data:
            store.data.move_to_end(config)
            return store.data[config]
        key_lock = store.key_locks.setdefault(config, threading.Lock())
    with key_lock:
        with store.lock:
            if config in store.data:
                return store.data[config]
        result = fn(config, *args, **kwargs)
        with store.lock:
            if keep(result):
                store.data[config] = result
            store.key_locks.pop(config, None)
            while len(store.data) > store.maxsize:
                store.data.popitem(last=False)
    return result


def cached(name: str, config: Hashable) -> Any | None:
    """The shared result for ``config`` if one is stored, else None."""
    store = _store(name)
    with store.lock:
        return store.data.get(config)


