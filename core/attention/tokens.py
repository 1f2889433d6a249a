"""Words of a typed sentence as tokens: Latin-script words, and one token per Chinese (CJK) character.

Chinese is written without spaces, so a word-splitter that cuts at spaces would make a whole Chinese
sentence one token. Here every CJK ideograph or kana is its own token, mixed text works
("我 love 猫" -> 我, love, 猫), every token is cut to MAX_TOKEN_CHARS characters and at most MAX_TOKENS are
kept. An emoji or pictographic symbol is one token too. Anything else (punctuation, markup) only separates
tokens; a sentence with no token at all is a clear ValueError for the page. Text is matched, never evaluated.
"""
from __future__ import annotations

import re

MAX_TOKENS = 12  # the calculator shows at most this many tokens
MAX_CHARS = 80  # the sentence box accepts at most this many characters
MAX_TOKEN_CHARS = 12  # a longer word is cut to this many characters

# CJK unified ideographs (and extension A, compatibility ideographs), hiragana/katakana
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_EMOJI = "\u2600-\u27bf\U0001f300-\U0001faff"  # symbols and emoji: one token each, like a character
_TOKEN = re.compile(rf"[{_CJK}{_EMOJI}]|(?:(?![{_CJK}])[^\W_])+(?:'(?:(?![{_CJK}])[^\W_])+)?", re.UNICODE)


class NoWordError(ValueError):
    """A sentence with no word in it (the message is a sentence for the page)."""


def tokenize(sentence: str, max_tokens: int = MAX_TOKENS) -> list[str]:
    """Tokens of ``sentence``: lower-cased words, one token per CJK character, at most ``max_tokens``.

    Raises NoWordError (a ValueError) with a sentence for the page when no token is left.
    """
    if not isinstance(sentence, str):
        raise NoWordError("the sentence must be text")
    words = _TOKEN.findall(sentence[: MAX_CHARS * 4].lower())
    words = [w[:MAX_TOKEN_CHARS] for w in words][: max(1, int(max_tokens))]
    if not words:
        raise NoWordError("type a sentence with at least one word (letters, digits, Chinese characters or emoji)")
    return words


def repeated_token(tokens: list[str]) -> str | None:
    """The first token that occurs more than once (the page's "same word, same vector: see ..."), or None."""
    seen: set[str] = set()
    for t in tokens:
        if t in seen:
            return t
        seen.add(t)
    return None


def positions_of(tokens: list[str], token: str) -> list[int]:
    """1-based positions of ``token`` in ``tokens``."""
    return [i + 1 for i, t in enumerate(tokens) if t == token]
