"""Chinese and Arabic numerals: their regular-expression pieces and their values (via cn2an).

The patterns find candidate figures; `numeral_value` decides whether a run of Chinese numeral
characters is a well-formed number (cn2an parses it) and gives its value, so that 十二月 is a
month and 三十二月 is not, and that malformed runs (十百, 万一) are never taken for figures.
"""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an

CN_DIGITS = "〇零一二两三四五六七八九"
CN_DIGIT_CLASS = f"[{CN_DIGITS}]"
CN_INT_CLASS = f"[{CN_DIGITS}十百千万亿]"
# Arabic: 1500, 1,500, 13.96 (after full-width folding)
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
# Chinese: 一万零五百, 二〇二三, 三点五, 一点一七二六 (the magnitude after a decimal comes separately)
CN_NUMBER = rf"{CN_INT_CLASS}+(?:点{CN_DIGIT_CLASS}+)?"
MAGNITUDE = r"(?:万亿|千亿|百亿|亿|千万|百万|万)"
APPROX = r"[余多几]"
# vague counts with no digit: 数十, 几百, 上千, 十数, 十几, 百余, 千余
VAGUE = r"(?:[数几上][十百千万](?:[余多])?(?:万|亿)?|十[数几]|[百千]余|[百千]多)"
NUMBER = rf"(?:{ARABIC}|{CN_NUMBER})(?:{APPROX}?{MAGNITUDE})?{APPROX}?"
FIGURE = rf"(?:{VAGUE}|{NUMBER})"
RANGE_SEP = r"(?:-|—|–|~|至|到)"
FIGURE_RANGE = rf"{FIGURE}(?:{RANGE_SEP}{FIGURE})?"

_CN_RUN = re.compile(rf"{CN_INT_CLASS}+(?:点{CN_DIGIT_CLASS}+)?{MAGNITUDE}?")
_TRAILING_MAGNITUDE = re.compile(rf"{MAGNITUDE}$")
_SCALE = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "千万": 1e7, "百万": 1e6}


@lru_cache(maxsize=65536)
def numeral_value(run: str) -> float | None:
    """The value of a Chinese numeral (两千三百万, 三点五亿, 一九九三), or None if it is not one.

    cn2an parses integers, digit strings and decimals; a decimal followed by a magnitude (三点五亿,
    一点一七二六万亿), which cn2an refuses, is parsed as the decimal times the magnitude.
    """
    if not run:
        return None
    try:
        return float(cn2an.cn2an(run, "normal"))
    except (ValueError, KeyError, IndexError, TypeError):
        pass
    magnitude = _TRAILING_MAGNITUDE.search(run)
    if magnitude and magnitude.start() > 0:
        mantissa = numeral_value(run[: magnitude.start()])
        if mantissa is not None:
            return mantissa * _SCALE[magnitude.group()]
    return None


def number_value(token: str) -> float | None:
    """The value of an Arabic or Chinese figure without approximators (1.2万, 三点五亿, 12)."""
    token = token.replace(",", "")
    magnitude = _TRAILING_MAGNITUDE.search(token)
    scale = 1.0
    if magnitude and magnitude.start() > 0 and token[: magnitude.start()].replace(".", "", 1).isdigit():
        token, scale = token[: magnitude.start()], _SCALE[magnitude.group()]
    if token.replace(".", "", 1).isdigit() and token.isascii():
        return float(token) * scale
    value = numeral_value(token)
    return None if value is None else value * scale


def _digit_string_ok(run: str, label: str) -> bool:
    """一二三-style digit strings are years (一九九三年) or approximate pairs (三四, 七八), not counts."""
    if any(char in run for char in "十百千万亿点") or len(run) < 2 or label == "DATE":
        return True
    values = [numeral_value(char) for char in run]
    return len(run) == 2 and None not in values and values[1] == values[0] + 1  # type: ignore[operator]


def chinese_numerals_ok(text: str, label: str = "") -> bool:
    """Every run of Chinese numeral characters in the candidate `text` is a well-formed number.

    A bare 百 / 千 / 万 / 亿 passes only in a vague count (数百, 上千, 百余); a run that ends in the
    千 of a unit (一百二十万千瓦) is checked without it.
    """
    text = text.replace("百分之", "___").replace("百分点", "___")
    for match in _CN_RUN.finditer(text):
        run = match.group()
        before = text[match.start() - 1 : match.start()]
        after_arabic = before.isdigit() or (
            before in ("余", "多") and text[match.start() - 2 : match.start() - 1].isdigit()
        )
        if after_arabic and run in ("万", "亿", "万亿", "千万", "百万", "千亿", "百亿"):
            continue  # 3.2亿, 150余万: the magnitude of an Arabic figure
        if run in ("百", "千", "万", "亿"):
            after = text[match.end() : match.end() + 1]
            if before in ("数", "几", "上") or after in ("余", "多", "数", "几"):
                continue
            return False
        if numeral_value(run) is None and not (run.endswith("千") and numeral_value(run[:-1]) is not None):
            return False
        if not _digit_string_ok(run, label):
            return False
    return True


__all__ = [
    "APPROX",
    "ARABIC",
    "CN_DIGITS",
    "CN_NUMBER",
    "FIGURE",
    "FIGURE_RANGE",
    "MAGNITUDE",
    "NUMBER",
    "RANGE_SEP",
    "VAGUE",
    "chinese_numerals_ok",
    "number_value",
    "numeral_value",
]
