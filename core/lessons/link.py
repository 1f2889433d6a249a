"""A lesson as a compact link value: ``L1.`` + base64url(zlib(JSON)). Versioned, size-capped, never evaluated.

``encode(lesson)`` makes it; ``decode(text)`` gives a ``Lesson`` or a ``LessonError`` (too long, not base64, a
compressed bomb, not JSON, a field that fails ``format.parse``), never an exception.
"""
from __future__ import annotations

import base64
import binascii
import json
import zlib

from core.lessons.format import Lesson, LessonError, parse, to_dict

PREFIX = "L1."  # version 1 of the link format
MAX_LINK = 6000  # characters of a lesson link's value (browsers and proxies keep URLs of about 8 kB)
MAX_JSON = 32_000  # bytes of the decompressed JSON (a small link cannot unpack into a large one)


def encode(lesson: Lesson) -> str:
    data = json.dumps(to_dict(lesson), ensure_ascii=False, separators=(",", ":")).encode()
    code = PREFIX + base64.urlsafe_b64encode(zlib.compress(data, 9)).decode().rstrip("=")
    if len(code) > MAX_LINK:
        raise LessonError("too_long", str(len(code)))
    return code


def decode(code: str, pages: set[str] | None = None) -> Lesson | LessonError:
    """The lesson of a link value, or why it cannot be read."""
    try:
        if not isinstance(code, str) or not code.startswith(PREFIX):
            return LessonError("version")
        if len(code) > MAX_LINK:
            return LessonError("too_long", str(len(code)))
        body = code[len(PREFIX):]
        try:
            packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        except (binascii.Error, ValueError):
            return LessonError("garbled")
        d = zlib.decompressobj()
        try:
            data = d.decompress(packed, MAX_JSON + 1)
        except zlib.error:
            return LessonError("garbled")
        if len(data) > MAX_JSON or d.unconsumed_tail:
            return LessonError("too_long", "json")
        if not d.eof or d.unused_data:  # cut off (zlib's checksum is at the end) or something appended
            return LessonError("garbled")
        try:
            raw = json.loads(data.decode("utf-8"), parse_constant=lambda c: None)  # NaN, Infinity: not values
        except (UnicodeDecodeError, ValueError, RecursionError):
            return LessonError("garbled")
        return parse(raw, pages)
    except LessonError as e:
        return e
