"""Character features for the CRF, computed over a whole Simplified text in one pass.

Each character gets a tuple of string features (crfsuite's binary attributes). The groups:

* ``chars``: the character and its neighbours within two, and the bigrams around it;
* ``types`` (off by default: it did not improve cross-validated F1, see docs/models.md): the
  character classes (digit, Chinese numeral, Latin, punctuation, Han, space) of the character
  and its neighbours, as single features and as a five-character pattern;
* ``jieba``: jieba's word segmentation (``jieba.cut`` with its HMM, so that unknown words, mostly
  names, come out whole; about five times faster than ``jieba.posseg``): the character's position
  in its word joined with the word's part-of-speech tag from jieba's dictionary (``oov`` for a
  word the dictionary lacks), the word itself, and the neighbouring words' tags;
* ``rules``: the `rules` extractor's output as a BIO tag at the character and its neighbours;
* ``gazetteer``: BIO tags of place names from the place gazetteer (`places`: countries, world
  cities, every Chinese division, regions, geographic features, one-character abbreviations in
  context), BIO tags of organisation and facility head words (集团, 银行, 国资委; 车站, 产业园),
  and whether the character is a common surname;
* ``names``: the BIO tags of the name tagger trained on the MSRA corpus (`names.py`) at the
  character and its neighbours (stacking: the gold decides how far to trust them).

A `FeatureConfig` names the groups in use; its `id` is stored with a trained model, so a model is
never used with features it was not trained on.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import jieba
import jieba.posseg

from .gazetteer import FAC_HEADS, SURNAMES
from .jieba_names import ORG_SUFFIX_WORDS
from .places import find_places
from .rules import RuleExtractor

# Bump when the code of any group changes what it emits: a model trained with other features is stale.
FEATURES_VERSION = 3
# The default set. ``types`` did not earn its place in cross-validation (docs/models.md), so it is
# off by default.
GROUPS = ("chars", "jieba", "rules", "gazetteer", "names")
ALL_GROUPS = ("chars", "types", "jieba", "rules", "gazetteer", "names")

SENTENCE_END = frozenset("。！？；!?;")
CN_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿")
PUNCTUATION = frozenset("，。、：:；;！!？?“”‘’\"'《》〈〉（）()【】[]—-－~～·,./%％□…")

JIEBA_HMM = True  # jieba.cut with its HMM finds unknown words (names); still ~7x faster than posseg
# Whitespace and control characters appear in features as one placeholder: they carry no more
# information apart, and crfsuite's model dump (read by crf_infer) is line-based.
BLANK = "␣"
_BLANKS = {i: BLANK for i in (*range(0, 33), *range(127, 161), 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
                              0x202F, 0x205F, 0x3000, 0xFEFF)}  # fmt: skip

jieba.setLogLevel(60)
_JIEBA_LOCK = threading.Lock()
_RULES = RuleExtractor()


@dataclass(frozen=True)
class FeatureConfig:
    """Which feature groups are on (those of `GROUPS` by default)."""

    groups: tuple[str, ...] = GROUPS

    def __post_init__(self) -> None:
        unknown = set(self.groups) - set(ALL_GROUPS)
        if unknown:
            raise ValueError(f"unknown feature groups {sorted(unknown)}; choose from {', '.join(ALL_GROUPS)}")
        object.__setattr__(self, "groups", tuple(g for g in ALL_GROUPS if g in self.groups))

    @property
    def id(self) -> str:
        return f"v{FEATURES_VERSION}:" + "+".join(self.groups)

    @classmethod
    def from_id(cls, feature_id: str) -> FeatureConfig:
        _, _, groups = feature_id.partition(":")
        return cls(tuple(g for g in groups.split("+") if g))

    def without(self, group: str) -> FeatureConfig:
        return FeatureConfig(tuple(g for g in self.groups if g != group))

    def with_names(self) -> FeatureConfig:
        return FeatureConfig((*self.groups, "names"))

    @property
    def uses_names(self) -> bool:
        return "names" in self.groups


DEFAULT_FEATURES = FeatureConfig()


@lru_cache(maxsize=65536)
def char_type(c: str) -> str:
    if c.isspace():
        return "S"
    if c.isdigit():
        return "D"
    if c in CN_NUMERALS:
        return "N"
    if c in PUNCTUATION:
        return "P"
    if c.isascii() and c.isalpha():
        return "L"
    if "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf":
        return "H"
    return "O"


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """The stretches the CRF tags as one sequence: lines, cut after sentence-final punctuation.

    Newlines belong to no stretch (no span crosses a line); a stretch of whitespace only is dropped.
    """
    bounds: list[tuple[int, int]] = []
    start = 0
    for i, c in enumerate(text):
        if c == "\n":
            if text[start:i].strip():
                bounds.append((start, i))
            start = i + 1
        elif c in SENTENCE_END:
            if text[start : i + 1].strip():
                bounds.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        bounds.append((start, len(text)))
    return bounds


@lru_cache(maxsize=8)
def jieba_words(text: str, hmm: bool = JIEBA_HMM) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, word, tag): jieba's segmentation with the POS tags of its dictionary.

    A word the dictionary lacks (found by the HMM: mostly names) is tagged ``oov``, or ``x``
    when it is not Han (digits, Latin). Cached for the last few texts: the CRF's features and the
    ensemble's place candidates both ask for them."""
    with _JIEBA_LOCK:
        jieba.initialize()
    tags = jieba.posseg.dt.word_tag_tab
    out = []
    position = 0
    for word in jieba.cut(text, HMM=hmm):
        end = position + len(word)
        tag = tags.get(word)
        if tag is None:
            tag = "oov" if end - position > 1 and "\u4e00" <= word[0] <= "\u9fff" else "x"
        out.append((position, end, word, tag))
        position = end
    return tuple(out)


@lru_cache(maxsize=8)
def rule_spans(text: str) -> tuple[tuple[int, int, str], ...]:
    """The `rules` extractor's spans on the Simplified `text` (`RuleExtractor.offsets`).

    Cached for the last few texts: the CRF's features and the ensemble both ask for them."""
    return tuple(_RULES.offsets(text))


def _heads_pattern() -> re.Pattern[str]:
    heads = {word: "ORGH" for word in ORG_SUFFIX_WORDS if len(word) >= 2}
    heads.update({word: "FACH" for word in FAC_HEADS})
    words = sorted(heads, key=lambda w: (-len(w), w))
    groups = {label: [w for w in words if heads[w] == label] for label in ("ORGH", "FACH")}
    return re.compile("|".join(f"(?P<{label}>{'|'.join(map(re.escape, ws))})" for label, ws in groups.items()))


_HEADS = _heads_pattern()


def gazetteer_spans(text: str) -> list[tuple[int, int, str]]:
    """Place names (GPE, LOC) of the place gazetteer in the Simplified `text`."""
    return find_places(text)


def head_spans(text: str) -> list[tuple[int, int, str]]:
    """Organisation (ORGH) and facility (FACH) head words in `text`."""
    return [(m.start(), m.end(), m.lastgroup or "") for m in _HEADS.finditer(text)]


def _bio(length: int, spans: Sequence[tuple[int, int, str]]) -> list[str]:
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start] = "B-" + label
        for i in range(start + 1, end):
            tags[i] = "I-" + label
    return tags


def text_features(
    text: str, config: FeatureConfig = DEFAULT_FEATURES, name_tags: Sequence[str] | None = None
) -> list[tuple[str, ...]]:
    """One tuple of string features per character of the Simplified `text`.

    `name_tags` (one BIO tag per character, from `names.NameTagger`) is needed for ``names``; it
    is computed from the other groups' features (`base_features`, then `with_name_tags`)."""
    rows = base_features(text, config)
    if config.uses_names:
        if name_tags is None:
            raise ValueError("the names feature group needs one name tag per character")
        rows = with_name_tags(rows, name_tags)
    return rows


def with_name_tags(rows: list[tuple[str, ...]], name_tags: Sequence[str]) -> list[tuple[str, ...]]:
    """`rows` with the ``names`` group appended: the name tag at the character and its neighbours."""
    n = len(rows)
    if len(name_tags) != n:
        raise ValueError("the names feature group needs one name tag per character")
    m = ["^", *name_tags, "$"]
    return [(*row, "m0=" + m[i + 1], "m-1=" + m[i], "m1=" + m[i + 2]) for i, row in enumerate(rows)]


def base_features(text: str, config: FeatureConfig = DEFAULT_FEATURES) -> list[tuple[str, ...]]:
    """The features of every group of `config` except ``names`` (which is computed from these)."""
    n = len(text)
    columns: list[list[str]] = [["b"] * n]
    groups = set(config.groups)
    shown = text.translate(_BLANKS)
    if "chars" in groups:
        c = ["^2", "^1", *shown, "$1", "$2"]
        columns += [
            ["c-2=" + x for x in c[0:n]],
            ["c-1=" + x for x in c[1 : n + 1]],
            ["c0=" + x for x in c[2 : n + 2]],
            ["c1=" + x for x in c[3 : n + 3]],
            ["c2=" + x for x in c[4 : n + 4]],
            ["c-2-1=" + a + b for a, b in zip(c[0:n], c[1 : n + 1], strict=True)],
            ["c-10=" + a + b for a, b in zip(c[1 : n + 1], c[2 : n + 2], strict=True)],
            ["c01=" + a + b for a, b in zip(c[2 : n + 2], c[3 : n + 3], strict=True)],
            ["c12=" + a + b for a, b in zip(c[3 : n + 3], c[4 : n + 4], strict=True)],
            ["c-11=" + a + b for a, b in zip(c[1 : n + 1], c[3 : n + 3], strict=True)],
        ]
    if "types" in groups:
        t = ["^", "^", *(char_type(x) for x in text), "$", "$"]
        columns += [
            ["t-1=" + x for x in t[1 : n + 1]],
            ["t0=" + x for x in t[2 : n + 2]],
            ["t1=" + x for x in t[3 : n + 3]],
            ["tp=" + "".join(t[i : i + 5]) for i in range(n)],
        ]
    if "jieba" in groups:
        position: list[str] = []
        word: list[str] = []
        previous_tag: list[str] = []
        next_tag: list[str] = []
        words = jieba_words(text)
        tags = ["^", *(w[3] for w in words), "$"]
        for k, (start, end, _, pos) in enumerate(words):
            length = end - start
            if length == 1:
                position.append("jp=S" + pos)
            else:
                position.append("jp=B" + pos)
                position.extend(["jp=M" + pos] * (length - 2))
                position.append("jp=E" + pos)
            word.extend(["jw=" + (shown[start:end] if length <= 6 else "LONG")] * length)
            previous_tag.extend(["jt-1=" + tags[k]] * length)
            next_tag.extend(["jt1=" + tags[k + 2]] * length)
        columns += [position, word, previous_tag, next_tag]
    if "rules" in groups:
        r = ["^", *_bio(n, rule_spans(text)), "$"]
        columns += [
            ["r0=" + x for x in r[1 : n + 1]],
            ["r-1=" + x for x in r[0:n]],
            ["r1=" + x for x in r[2 : n + 2]],
        ]
    if "gazetteer" in groups:
        g = ["^", *_bio(n, gazetteer_spans(text)), "$"]
        h = ["^", *_bio(n, head_spans(text)), "$"]
        columns += [
            ["g0=" + x for x in g[1 : n + 1]],
            ["g-1=" + x for x in g[0:n]],
            ["g1=" + x for x in g[2 : n + 2]],
            ["h0=" + x for x in h[1 : n + 1]],
            ["h-1=" + x for x in h[0:n]],
            ["h1=" + x for x in h[2 : n + 2]],
            ["sn=" + ("1" if x in SURNAMES else "0") for x in text],
        ]
    return list(zip(*columns, strict=True))
