"""A Simplified-character view of a text, one character for one character.

Extractors run on this view and report offsets that hold for the source text too. OpenCC's
t2s conversion keeps the length on ordinary text; should a phrase rule ever change the length,
the text is converted character by character instead, keeping any character whose conversion is
not a single character.
"""

from __future__ import annotations

from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _char(c: str) -> str:
    converted = _T2S.convert(c)
    return converted if len(converted) == 1 else c


def to_simplified(text: str) -> str:
    """`text` in Simplified characters, guaranteed to have the same length."""
    if text.isascii():
        return text
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char(c) for c in text)
