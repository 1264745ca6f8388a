"""A grammar of Chinese numeric and temporal expressions: DATE, TIME, MONEY, PERCENT, QUANTITY, CARDINAL.

`find_spans(text)` returns flat, non-overlapping ``(start, end, label)`` spans, leftmost-longest.
It works on any text: it takes the Simplified view (`to_simplified`, one character for one) and
folds full-width forms to ASCII (`fold_width`, one for one), so offsets hold for the text given.
Regular expressions give the structure (`patterns`); cn2an decides whether a run of Chinese
numerals is a number at all and gives the values that month and day checks need (`numerals`).

Decisions follow ``gold/GUIDELINES.md``: approximators (约, 近, 超过) and edge words (以来, 以上,
左右) stay outside; 余 / 多 / 几 belong to the figure; a range is one span, but a count range that
repeats its measure word is two (D21); a date with a time of day is one TIME (D16); durations in
hours and minutes are TIME, in days and longer DATE; 一 as an article is not a count (D40).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jinbiao.gold.schema import NUMERIC_LABELS

from ..simplified import to_simplified
from .numerals import chinese_numerals_ok, number_value, numeral_value
from .patterns import (
    BARE_LARGE_PATTERN,
    BIG_COUNT_PATTERN,
    CARDINAL_PATTERN,
    DATE_PATTERNS,
    MONEY_PATTERN,
    PERCENT_PATTERN,
    QUANTITY_PATTERN,
    TIME_PATTERNS,
)
from .width import fold_width

GRAMMAR_VERSION = "2"  # 2: lunar days, bare years, 三大-counts, Arabic counts never reduplicate
LABELS = NUMERIC_LABELS
# a higher priority wins between candidates of the same length
PRIORITY = {"PERCENT": 8, "MONEY": 8, "QUANTITY": 7, "TIME": 6, "DATE": 5, "CARDINAL": 1}

_CODE_BEFORE = re.compile(r"[A-Za-z0-9.]$")  # N95, 3L, 1.5: a figure glued to a code is not a figure
_ORDINAL_BEFORE = ("第", "周", "星期")
_IDIOM_AFTER = re.compile(r"^(?:手|心|刻|律|直|致|举|线|流|旦|边|企一策|心一意)")
_MONTH = re.compile(r"(\d{1,2}|[〇零一二三四五六七八九十]{1,3})月")
_DAY = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]")


def _value(token: str) -> float | None:
    return number_value(token) if token.isascii() else numeral_value(token)


def _calendar_ok(text: str) -> bool:
    """Months 1-12 and days 1-31 (十二月 is a month, 十三月 is not)."""
    for pattern, highest in ((_MONTH, 12), (_DAY, 31)):
        for match in pattern.finditer(text):
            if match.start() > 0 and text[match.start() - 1] == "个":
                continue
            value = _value(match.group(1))
            if value is None or not 1 <= value <= highest:
                return False
    return True


def _count_ok(view: str, start: int, end: int) -> bool:
    figure = view[start:end]
    following = view[end : end + 4]
    if figure in ("一", "壹") and not following.startswith("倍"):
        return False  # 一 as an article: 一家供应商, 一个, 一起 (D40); 一倍 is a count (D24)
    if figure == "二":
        return False  # counts say 两 before a measure word: 二期, 二号 are ordinals and names
    if len(figure) == 1 and figure in "两二三四五六七八九十" and _IDIOM_AFTER.match(following):
        return False  # 两手抓, 三心二意
    measure = following[:1]
    if figure.isascii():
        return True  # an Arabic figure never reduplicates: 13000个个体经营户 is 13000 + 个
    return not (measure and following[1:2] == measure)  # 一家家, 一条条: reduplication


def candidates(view: str) -> Iterator[tuple[int, int, str]]:
    """Every (start, end, label) the patterns find in the folded Simplified `view`, checked."""
    groups = (
        (PERCENT_PATTERN, "PERCENT"),
        (MONEY_PATTERN, "MONEY"),
        (QUANTITY_PATTERN, "QUANTITY"),
        *((pattern, "TIME") for pattern in TIME_PATTERNS),
        *((pattern, "DATE") for pattern in DATE_PATTERNS),
    )
    for pattern, label in groups:
        for match in pattern.finditer(view):
            start, end = match.span()
            if _accept(view, start, end, label):
                yield start, end, label
    for match in CARDINAL_PATTERN.finditer(view):
        start, end = match.span("num")
        if _accept(view, start, end, "CARDINAL") and _count_ok(view, start, end):
            yield start, end, "CARDINAL"
    for match in BIG_COUNT_PATTERN.finditer(view):
        start, end = match.span()
        if _accept(view, start, end, "CARDINAL"):
            yield start, end, "CARDINAL"
    for match in BARE_LARGE_PATTERN.finditer(view):
        start, end = match.span()
        if _accept(view, start, end, "CARDINAL"):
            yield start, end, "CARDINAL"


def _accept(view: str, start: int, end: int, label: str) -> bool:
    if end <= start:
        return False
    text = view[start:end]
    before = view[max(0, start - 2) : start]
    if _CODE_BEFORE.search(before):
        return False
    starts_with_figure = text[0].isdigit() or text[0] in "〇零一二两三四五六七八九十"
    if (label != "DATE" or starts_with_figure) and before.endswith(_ORDINAL_BEFORE):
        return False
    if (
        label in ("MONEY", "QUANTITY")
        and len(text) >= 2
        and text[0] in "一二三四五六七八九十"
        and (text[1] in "元米克吨斤升亩")
    ):
        return False  # 三元食品, 一米阳光: a one-character Chinese numeral glued to a unit is a name
    if label in ("DATE", "TIME") and not _calendar_ok(text):
        return False
    return chinese_numerals_ok(text, label)


def resolve(found: Iterator[tuple[int, int, str]] | list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Leftmost-longest, then by label priority: flat and non-overlapping."""
    ordered = sorted(set(found), key=lambda c: (c[0], -(c[1] - c[0]), -PRIORITY[c[2]], c[2]))
    chosen: list[tuple[int, int, str]] = []
    last_end = 0
    for start, end, label in ordered:
        if start >= last_end:
            chosen.append((start, end, label))
            last_end = end
    return chosen


def find_spans(text: str) -> list[tuple[int, int, str]]:
    """Numeric and temporal spans of `text` (any script, any width), with offsets on `text`."""
    view = fold_width(to_simplified(text))
    return resolve(candidates(view))


__all__ = ["GRAMMAR_VERSION", "LABELS", "PRIORITY", "candidates", "find_spans", "fold_width", "resolve"]
