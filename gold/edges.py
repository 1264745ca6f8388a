"""The span-edge rule (G3 of the guideline), once for everyone who checks or makes spans.

A span never starts or ends with whitespace or punctuation. The one exception is a closing
bracket at the end that closes a bracket opened inside the span: it belongs to the name, as in
``昆明市餐饮行业互助应急贷款实施细则(试行)``. Brackets count by kind, round ``(（ )）`` and square
``[【 ]】``, whatever their width.

The gold lint reports spans whose edges break the rule (`has_clean_edges`); the CRF trims its
predictions to it (`trim_edges`); so what one accepts, the other never trims.

>>> trim_edges("“北京”", 0, 4)
(1, 3)
>>> has_clean_edges("佳能医疗系统(中国)"), has_clean_edges("中国)")
(True, False)
"""

from __future__ import annotations

EDGE_PUNCTUATION = frozenset("，。、：:；;！!？?“”‘’\"'《》（）()【】[]—□·-,.")
# closing bracket -> the opening brackets of its kind
BRACKET_PAIRS = {")": "(（", "）": "(（", "]": "[【", "】": "[【"}


def is_edge_character(character: str) -> bool:
    """Whitespace or punctuation: what a span may not start or end with."""
    return character.isspace() or character in EDGE_PUNCTUATION


def closes_a_bracket_inside(text: str, start: int, end: int) -> bool:
    """Whether ``text[end - 1]`` is a closing bracket that closes one opened inside ``text[start:end - 1]``."""
    closing = text[end - 1]
    openers = BRACKET_PAIRS.get(closing)
    if openers is None:
        return False
    inside = text[start : end - 1]
    closers = [c for c, kind in BRACKET_PAIRS.items() if kind == openers]
    return sum(inside.count(c) for c in openers) > sum(inside.count(c) for c in closers)


def trim_edges(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the edge characters the rule forbids; may become empty (start == end)."""
    while start < end and is_edge_character(text[start]):
        start += 1
    while end > start and is_edge_character(text[end - 1]) and not closes_a_bracket_inside(text, start, end):
        end -= 1
    return start, end


def has_clean_edges(span_text: str) -> bool:
    """Whether a span with this text keeps the rule (an empty text does not)."""
    return bool(span_text) and trim_edges(span_text, 0, len(span_text)) == (0, len(span_text))


__all__ = ["EDGE_PUNCTUATION", "closes_a_bracket_inside", "has_clean_edges", "is_edge_character", "trim_edges"]
