"""Drawing for the pages: chart specs built once per result (Arrow conversion included) and shared by
every session, and downloads prepared only when clicked."""
from __future__ import annotations

import threading
from typing import Any, Callable

import streamlit as st

from pages._compute import Store
from pages._controls import lang

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


@st.cache_resource(show_spinner=False)
def _specs() -> Store:
    return Store(max_entries=SPECS, max_bytes=None)  # bounded by count; not in the results' byte total


def spec_for(builder: Callable[..., Any], *args, live: bool = False) -> dict:
    """``builder(*args)``'s spec, memoised per builder and arguments (unhashable ones, shared results, by
    identity) and built once however many sessions arrive with a new result at the same moment."""
    if live:
        return vega_spec(builder(*args))
    return _specs().get_or_make((builder.__module__, builder.__qualname__, *args),
                                lambda: (vega_spec(builder(*args)), True))


def chart(builder: Callable[..., Any], *args, where=None, key: str | None = None, live: bool = False) -> None:
    """Draw ``builder(*args, lang)`` (an Altair chart from ``core.charts``; every builder takes the language
    last, and this passes the session's) at its container's width. ``live=True`` (partial results while
    training) skips the memo."""
    (where or st).vega_lite_chart(spec_for(builder, *args, lang(), live=live), width="stretch", key=key)


def download(label: str, make: Callable[[], bytes], file_name: str, mime: str, help: str, where=None) -> None:
    """A download button whose bytes are made only when it is clicked (never on every view)."""
    (where or st).download_button(label, make, file_name, mime, help=help, on_click="ignore")
