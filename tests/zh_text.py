"""中文 as a teacher projects it (issue 23): what a reader would flag in the text a page shows — a subscript
left raw (η_t), a placeholder never filled ({h}), an English or mixed colon, a space beside 中文 punctuation or
between two 中文 words. Used by tests/test_pages.py over every page and by the topic tests over their parts."""
from __future__ import annotations

import re

_HAN = "\u3400-\u9fff"
_RAW_SUB = re.compile(r"(?<![\w\\])[A-Za-zα-ωΑ-Ω]_(?:[A-Za-z0-9]|\{)")  # η_t, ∂h_T: a subscript left raw
_FIELD = re.compile(r"\{[A-Za-z_]\w*(?:[:!][^{}]*)?\}")  # {h}, {n:.0f}: a placeholder never filled
_SPACE_PUNCT = re.compile(r" [，。：；！？、）」』》】]|[，。：；！？、（「『《【] ")  # a space before/after 中文 punctuation
_HAN_SPACE_HAN = re.compile(f"[{_HAN}] [{_HAN}]")  # 「全连接网络 说是」: a stray space between two 中文 words
_HAN_COLON = re.compile(f"[{_HAN}）]:(?!\\d)")  # 「池化:」: an English colon right after 中文


def zh_text_problems(s: str, subscripts: bool = True) -> list[str]:
    """What a teacher reading ``s`` (a 中文 string as the page shows it, markdown source) would flag.
    ``subscripts=False`` skips the raw-subscript check (pages outside issue 23 still write w_j, d_k in text)."""
    plain = re.sub(r"`[^`]*`|\$[^$]*\$", "X", s)  # code and math are not text
    plain = re.sub(r"\s?\*\*\s?", "", plain)  # bold markers: spaces around them are markdown's need (CommonMark
    # does not close "**" between "）" and a 中文 letter), not the text's
    out = []
    for what, pattern in ((("raw subscript", _RAW_SUB),) if subscripts else ()) + (("unfilled placeholder", _FIELD),
                          ("space next to 中文 punctuation", _SPACE_PUNCT), ("space between 中文 words", _HAN_SPACE_HAN)):
        m = pattern.search(plain)
        if m:
            out.append(f"{what} {m.group(0)!r} in {s[:80]!r}")
    if _HAN_COLON.search(plain) or ("：" in plain and ": " in plain):
        out.append(f"English colon in 中文 (or mixed colons) in {s[:80]!r}")
    return out


def _dataset_strings(at) -> list[str]:
    """Every string value in the charts' data (legend labels such as 「池化后 21×32」 are data, not spec text)."""
    import pyarrow as pa

    out = []
    for ch in at.get("vega_lite_chart"):
        for ds in ch.proto.datasets:
            table = pa.ipc.open_stream(ds.data.data).read_all()
            for col in table.columns:
                if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
                    out += [v for v in set(col.to_pylist()) if isinstance(v, str)]
    return out


def chinese_text_problems(at, subscripts: bool = True) -> list[str]:
    """``zh_text_problems`` over everything an AppTest of a 中文 page shows, its charts' data included."""
    from test_pages import _visible_strings

    strings = _visible_strings(at) + _dataset_strings(at)
    return [p for s in strings for p in zh_text_problems(s, subscripts)][:8]
