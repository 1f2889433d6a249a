"""Page furniture beside the kit (re-exported by pages/_kit.py): the exports row (every page with downloads), a
table with its column widths and share bars, two columns that stack on a narrow screen with the experiment first,
and a replay that starts at the end of a new result."""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from pages._controls import t
from pages._draw import download

MIMES = {".csv": "text/csv", ".py": "text/x-python", ".safetensors": "application/octet-stream"}  # by extension


def exports(topic: str, files: Sequence[tuple[str, Callable[[], bytes] | None, str]], where=None) -> None:
    """Download buttons side by side, one column each: ``(key, make, file_name)`` with its words under
    ``<topic>.dl.<key>`` and ``<topic>.dl.<key>_help``, its type from the file's extension, its bytes made on click.
    A file whose ``make`` is None leaves its column empty (a result without weights); one file takes no column."""
    where = where or st
    cols = where.columns(len(files)) if len(files) > 1 else [where]
    for col, (key, make, name) in zip(cols, files):
        if make is not None:
            download(t(f"{topic}.dl.{key}"), make, name, MIMES[name[name.rindex("."):]], t(f"{topic}.dl.{key}_help"),
                     where=col)


def dataframe(df, widths: dict[str, int | str], shares: dict[str, str] | None = None, where=None) -> None:
    """A table at full width without its index, each column at its width (``widths``: column -> pixels, or small,
    medium or large); a column named in ``shares`` (column -> help) is a bar from 0 to 100%."""
    shares = shares or {}
    cc = {c: (st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0, width=w, help=shares[c])
              if c in shares else st.column_config.Column(width=w)) for c, w in widths.items()}
    (where or st).dataframe(df, hide_index=True, width="stretch", column_config=cc)


def stacking_columns(key: str, spec: Sequence[float] = (1, 3), gap: str = "medium", narrow: int = 1100):
    """Controls on the left, the experiment on the right; on a screen narrower than ``narrow`` px (150% zoom,
    sidebar open or not) the two stack: the experiment first and full width, its controls under it, so the
    projected chart stays near the top. ``key`` names the container (its CSS class)."""
    col = (f".st-key-{key} > [data-testid='stLayoutWrapper'] > [data-testid='stHorizontalBlock'] > "
           "[data-testid='stColumn']")
    st.html(f"<style>@media (max-width: {narrow}px) {{ {col} {{ flex: 1 1 100% !important; min-width: 100%; }}"
            f" {col}:first-child {{ order: 2; }} }}</style>")
    return st.container(key=key).columns(list(spec), gap=gap)


def replay_from_end(key: str, result_key) -> None:
    """Call before ``player(key, ...)``: when the result replayed there changed (``result_key``: its config) and the
    student did not move the replay's slider in this run, the new result replays from its last step (the step the
    player drew last is its ``_shown:<key>``; the player clamps any step past the end to the last)."""
    ss = st.session_state
    moved = ss.get(key) != ss.get(f"_shown:{key}")  # the replay slider was moved in this run
    if ss.get(f"_for:{key}") not in (None, result_key) and not moved:
        ss[key] = 10**9
    ss[f"_for:{key}"] = result_key
