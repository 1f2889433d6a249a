"""Text in two languages, English and 中文, from one keyed catalogue per language and topic.

Catalogues are TOML files, ``core/locales/<lang>/<topic>.toml``; a key is ``<topic>.<table>.<name>``
(TOML tables nest with dots). Long passages stay whole per language. Nothing here is process-wide
state: the language is an argument, so every browser session (a thread of one process) reads its own.

    text("zh", "fitting.title")            # one string
    tr = translator("zh"); tr("fitting.ctl.n.label")
    text("en", "fitting.units", n=3)       # str.format fields
"""
from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Callable

LANGS = ("en", "zh")  # English first: the fallback
NAMES = {"en": "English", "zh": "中文"}
ROOT = Path(__file__).resolve().parent / "locales"


def _flatten(prefix: str, node: dict, out: dict[str, str]) -> None:
    for k, v in node.items():
        key = f"{prefix}.{k}"
        if isinstance(v, dict):
            _flatten(key, v, out)
        else:
            out[key] = str(v)


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Every key of one language: {"topic.table.name": text}."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; choose one of {LANGS}")
    out: dict[str, str] = {}
    for path in sorted((ROOT / lang).glob("*.toml")):
        with path.open("rb") as f:
            _flatten(path.stem, tomllib.load(f), out)
    return out


def normalise(lang: str | None) -> str:
    """A language code (``zh-CN``, ``zh_TW``, ``en-US``, None...) -> one of LANGS (English otherwise)."""
    s = (lang or "").strip().lower().replace("_", "-")
    return "zh" if s.startswith("zh") else "en"


def has(lang: str, key: str) -> bool:
    return key in catalogue(lang)


def text(lang: str, key: str, **fields) -> str:
    """The text of ``key`` in ``lang`` (English where a key is missing, the key itself where both are)."""
    s = catalogue(normalise(lang)).get(key)
    if s is None:
        s = catalogue("en").get(key, key)
    return s.format(**fields) if fields else s


def translator(lang: str) -> Callable[..., str]:
    """``text`` with the language fixed: ``tr(key, **fields)``."""
    lang = normalise(lang)

    def tr(key: str, **fields) -> str:
        return text(lang, key, **fields)

    return tr
