"""Drawing for the pages: chart specs built once per result (Arrow conversion included) and shared by
every session, and downloads prepared only when clicked."""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable

import streamlit as st

SPECS = 128  # chart specs kept (each holds its data already converted to Arrow)
_alt_lock = threading.Lock()


def _arrow(df) -> Any:
    """A DataFrame as Arrow IPC bytes, as Streamlit would convert it on every draw (done once here)."""
    try:
        from streamlit import dataframe_util

        return dataframe_util.convert_anything_to_arrow_bytes(df)
    except Exception:  # noqa: BLE001 - an internal API moved: let Streamlit convert it per draw
        return df


def vega_spec(ch) -> dict:
    """Altair chart -> Vega-Lite dict whose datasets are Arrow bytes, unvalidated.

    Altair's data-transformer registry is process-wide and every session is a thread: registering and
    enabling the transformer and converting the chart all happen under one lock, so one chart's frames
    can never land in another session's spec (tests/test_foundation.py draws from many threads at once).
    Schema validation is skipped here (about half the cost of a draw); the tests validate every builder.
    """
    import altair as alt

    frames: dict[str, Any] = {}

    def to_named(df):
        name = f"d{len(frames)}"
        frames[name] = df
        return {"name": name}

    with _alt_lock:
        alt.data_transformers.register("dlc_named", to_named)
        with alt.theme.enable("none"), alt.data_transformers.enable("dlc_named"):
            spec = ch.to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), **{k: _arrow(v) for k, v in frames.items()}}
    return spec


class _SpecCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.data: OrderedDict[tuple, tuple[tuple, dict]] = OrderedDict()
        self.building: dict[tuple, threading.Lock] = {}  # one lock per spec being built

    def get(self, k: tuple) -> dict | None:
        with self.lock:
            hit = self.data.get(k)
            if hit is None:
                return None
            self.data.move_to_end(k)
            return hit[1]


@st.cache_resource(show_spinner=False)
def _specs() -> _SpecCache:
    return _SpecCache()


def _ident(a: Any) -> Any:
    try:
        hash(a)
        return ("v", a)
    except TypeError:
        return ("id", id(a))


def spec_for(builder: Callable[..., Any], *args, live: bool = False) -> dict:
    """``builder(*args)``'s spec, memoised per builder and arguments (unhashable ones by identity: shared
    results are read-only and kept alive by the memo, so their ids stay valid)."""
    if live:
        return vega_spec(builder(*args))
    k = (builder.__module__, builder.__qualname__, tuple(_ident(a) for a in args))
    cache = _specs()
    spec = cache.get(k)
    if spec is not None:
        return spec
    with cache.lock:
        building = cache.building.setdefault(k, threading.Lock())
    with building:  # thirty sessions arriving with a new result build its spec once, not thirty times
        spec = cache.get(k)
        if spec is not None:
            return spec
        try:
            spec = vega_spec(builder(*args))
            with cache.lock:
                cache.data[k] = (args, spec)
                while len(cache.data) > SPECS:
                    cache.data.popitem(last=False)
        finally:
            with cache.lock:
                cache.building.pop(k, None)
    return spec


def chart(builder: Callable[..., Any], *args, where=None, key: str | None = None, live: bool = False) -> None:
    """Draw ``builder(*args)`` (an Altair chart from ``core.charts``) at its container's width.
    ``live=True`` (partial results while training) skips the memo."""
    (where or st).vega_lite_chart(spec_for(builder, *args, live=live), width="stretch", key=key)


def download(label: str, make: Callable[[], bytes], file_name: str, mime: str, help: str, where=None) -> None:
    """A download button whose bytes are made only when it is clicked (never on every view)."""
    (where or st).download_button(label, make, file_name, mime, help=help, on_click="ignore")
