"""Normalization: raw article text → what annotators see, with an exact map back.

Every step only deletes characters, except `line_endings`, which turns a lone ``\\r`` into
``\\n`` (the one character normalization introduces; its offset points at the ``\\r``). So for
every normalized position ``i``: ``raw[offsets[i]] == text[i]``, bar those lone carriage returns.

Steps, in order (each can be switched off):

1. ``line_endings``    ``\\r\\n`` → ``\\n``; a lone ``\\r`` → ``\\n``.
2. ``chrome``          whole lines of page furniture (``收藏``, ``栏目索引`` …) and the counter
                       lines (``0``) right after them.
3. ``pinyin_glosses``  ``(ji)``-style groups after a Han character: ``復(fu)(fu)工`` → ``復工``;
                       only in a text with at least `MIN_GLOSSES` of them (a glossed article).
4. ``indentation``     whitespace at the start and end of every line (tabs, U+3000, NBSP).
5. ``repeated_lines``  a line identical to the previous non-blank line (a doubled title).
6. ``broken_lines``    a line broken mid-sentence is joined to the next one (``春\\n\\n节期间``):
                       when it ends in a clause comma, or is long (≥ `min_broken_line`) and
                       ends without sentence-final punctuation; short headings stay.
7. ``blank_lines``     runs of blank lines → one blank line; none at the start or end.
"""

from __future__ import annotations

import itertools
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field

from jinbiao.gold import JinbiaoError

STEPS: tuple[str, ...] = (
    "line_endings",
    "chrome",
    "pinyin_glosses",
    "indentation",
    "repeated_lines",
    "broken_lines",
    "blank_lines",
)

DEFAULT_CHROME_PATTERNS: tuple[str, ...] = (
    r"这里是普通文章模块栏目内容页",
    r"收藏",
    r"有帮助",
    r"没帮助",
    r"栏目索引",
    r"分享到[:：]?.*",
    r"打印本页",
    r"关闭窗口",
    r"(?:【(?:打印|关闭|打印本页|关闭窗口|字体[:：][^】]*)】\s*)+",  # 【打印】【关闭】, alone or in a row
)
COUNTER_LINE = re.compile(r"\d{1,6}")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PINYIN_SYLLABLE = (
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|üan|van|ian|iao|ai|ei|ao|ou|an|en|in|un|ün|vn"
    r"|ia|ie|iu|ua|uo|ui|ue|üe|ve|er|a|o|e|i|u|ü|v|ng|n|m)"
)
PINYIN_GLOSSES = re.compile(rf"(?<=[{_HAN}])(?:\({_PINYIN_SYLLABLE}[1-5]?\))+")

MIN_GLOSSES = 3

SENTENCE_FINAL = frozenset("。！？!?…；;”’」』》)）】]\"'")
CLAUSE_CONTINUES = frozenset("，、,：:")


@dataclass(frozen=True)
class NormalizationConfig:
    steps: tuple[str, ...] = STEPS
    chrome_patterns: tuple[str, ...] = DEFAULT_CHROME_PATTERNS
    min_broken_line: int = 40

    def __post_init__(self) -> None:
        unknown = [step for step in self.steps if step not in STEPS]
        if unknown:
            raise NormalizationConfigError(f"unknown normalization step(s) {unknown}; known: {', '.join(STEPS)}")
        for pattern in self.chrome_patterns:
            check_pattern(pattern)
        if self.min_broken_line < 1:
            raise NormalizationConfigError(f"min_broken_line must be at least 1, not {self.min_broken_line}")


class NormalizationConfigError(JinbiaoError, ValueError):
    """A normalization setting that cannot work (an unknown step, a pattern that does not compile)."""


def check_pattern(pattern: str) -> re.Pattern[str]:
    """`pattern` compiled, or a `NormalizationConfigError` that quotes it and says what is wrong."""
    try:
        return re.compile(pattern)
    except re.error as error:
        raise NormalizationConfigError(f"chrome pattern {pattern!r} is not a regular expression ({error})") from None


@dataclass
class Normalized:
    text: str
    offsets: array
    removed: dict[str, int] = field(default_factory=dict)


def _delete(text: str, offsets: Sequence[int], ranges: list[tuple[int, int]]) -> tuple[str, array]:
    """Drop the sorted, non-overlapping `ranges` from `text` and its offset map together."""
    if not ranges:
        return text, offsets if isinstance(offsets, array) else array("q", offsets)
    pieces: list[str] = []
    kept = array("q")
    cursor = 0
    for start, end in ranges:
        pieces.append(text[cursor:start])
        kept.extend(offsets[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    kept.extend(offsets[cursor:])
    return "".join(pieces), kept


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, end excluding its ``\\n``."""
    spans = []
    start = 0
    for match in re.finditer("\n", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return spans


def _line_with_newline(text: str, start: int, end: int) -> tuple[int, int]:
    return (start, end + 1) if end < len(text) else (max(0, start - 1) if start > 0 else start, end)


# ------------------------------------------------------------------------------------- steps


def step_line_endings(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges = [(m.start(), m.start() + 1) for m in re.finditer("\r\n", text)]
    text, offsets = _delete(text, offsets, ranges)
    if "\r" in text:
        text = text.replace("\r", "\n")  # lone CR: the one substitution; offsets stay on the CR
    return text, offsets, len(ranges)


def step_chrome(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    patterns = [re.compile(pattern) for pattern in config.chrome_patterns]
    ranges: list[tuple[int, int]] = []
    after_chrome = False
    for start, end in _lines(text):
        content = text[start:end].strip()
        if not content:
            continue
        if any(p.fullmatch(content) for p in patterns) or (after_chrome and COUNTER_LINE.fullmatch(content)):
            ranges.append(_line_with_newline(text, start, end))
            after_chrome = True
        else:
            after_chrome = False
    ranges = _merge(ranges)
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def step_pinyin_glosses(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges = [m.span() for m in PINYIN_GLOSSES.finditer(text)]
    if len(ranges) < MIN_GLOSSES:
        return text, offsets, 0  # a stray 措施(a) is a list marker, not a glossed article
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def step_indentation(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges: list[tuple[int, int]] = []
    for start, end in _lines(text):
        line = text[start:end]
        stripped = line.strip()
        if not stripped:
            if end > start:
                ranges.append((start, end))
            continue
        lead = len(line) - len(line.lstrip())
        trail = len(line) - len(line.rstrip())
        if lead:
            ranges.append((start, start + lead))
        if trail:
            ranges.append((end - trail, end))
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def step_repeated_lines(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges: list[tuple[int, int]] = []
    previous: str | None = None
    for start, end in _lines(text):
        line = text[start:end]
        if not line.strip():
            continue
        if line == previous:
            ranges.append(_line_with_newline(text, start, end))
        previous = line
    ranges = _merge(ranges)
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def _is_broken(line: str, config: NormalizationConfig) -> bool:
    last = line[-1]
    if last in CLAUSE_CONTINUES:
        return len(line) > 8  # a short line ending in a colon is a heading such as 金豪制药：
    return len(line) >= config.min_broken_line and last not in SENTENCE_FINAL


def step_broken_lines(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges: list[tuple[int, int]] = []
    lines = [(s, e) for s, e in _lines(text) if e > s]
    logical = ""  # the line as it reads once joined with those before it
    for (start, end), (next_start, _) in itertools.pairwise(lines):
        logical += text[start:end]
        if _is_broken(logical, config) and text[next_start] not in "□【◆●":
            ranges.append((end, next_start))
        else:
            logical = ""
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def step_blank_lines(text: str, offsets: array, config: NormalizationConfig) -> tuple[str, array, int]:
    ranges = [(m.start() + 2, m.end()) for m in re.finditer(r"\n{3,}", text)]
    lead = len(text) - len(text.lstrip("\n"))
    if lead:
        ranges.insert(0, (0, lead))
    trail = len(text) - len(text.rstrip("\n"))
    if trail and trail < len(text):
        ranges.append((len(text) - trail, len(text)))
    ranges = _merge(ranges)
    text_out, offsets_out = _delete(text, offsets, ranges)
    return text_out, offsets_out, len(text) - len(text_out)


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


_STEP_FUNCTIONS = {
    "line_endings": step_line_endings,
    "chrome": step_chrome,
    "pinyin_glosses": step_pinyin_glosses,
    "indentation": step_indentation,
    "repeated_lines": step_repeated_lines,
    "broken_lines": step_broken_lines,
    "blank_lines": step_blank_lines,
}


def normalize(raw: str, config: NormalizationConfig | None = None) -> Normalized:
    """Run the configured steps over `raw`; `removed` counts the characters each step took out."""
    config = config or NormalizationConfig()
    text, offsets = raw, array("q", range(len(raw)))
    removed: dict[str, int] = {}
    for name in STEPS:
        if name in config.steps:
            text, offsets, count = _STEP_FUNCTIONS[name](text, offsets, config)
            removed[name] = count
    return Normalized(text, offsets, removed)
