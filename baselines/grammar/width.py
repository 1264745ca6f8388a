"""Full-width digits and punctuation matched as ASCII, with offsets kept on the original text.

`fold_width` is NFKC restricted to the characters where NFKC gives one character for one: the
Halfwidth and Fullwidth Forms block (０-９ ．％～ ／ Ａ-Ｚ …), the small form variants (﹪), the
ideographic space, and the wave dash 〜. Everything else is left alone, so the folded text has
the same length as the input and a span found in it holds for the input too.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_EXTRA = {"\u3000": " ", "\u301c": "~"}


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    if char in _EXTRA:
        return _EXTRA[char]
    code = ord(char)
    if 0xFF01 <= code <= 0xFFEF or 0xFE50 <= code <= 0xFE6F:
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1:
            return folded
    return char


def fold_width(text: str) -> str:
    """`text` with full-width forms folded to ASCII, one character for one."""
    if text.isascii():
        return text
    return "".join(_fold_char(char) if ord(char) >= 0x3000 else char for char in text)


__all__ = ["fold_width"]
