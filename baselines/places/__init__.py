"""A place-name gazetteer from maintained data packages: countries, world cities and regions,
foreign subdivisions and every Chinese administrative division, each with its label.

>>> place_label("法国"), place_label("朝阳区"), place_label("东南亚")
('GPE', 'GPE', 'LOC')
>>> find_places("中美双方在巴黎会谈")  # doctest: +SKIP

The names and their sources are in `sources` (and README.md beside this file, with the data
licences); one-character country abbreviations, read only in context, in `abbreviations`.
Matching is Aho–Corasick (pyahocorasick), leftmost-longest, on the Simplified view of the text,
so offsets hold for Traditional text too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from ..simplified import to_simplified
from .abbreviations import ABBREVIATIONS, find_abbreviations
from .sources import SOURCES, jieba_geographic, source_versions

MIDDLE_DOTS = "·•・"  # the middle dots that join the parts of a foreign name
PLACES_VERSION = "2"  # 2: geographic features, ambiguous names dropped, places inside foreign names skipped


@dataclass
class Gazetteer:
    labels: dict[str, str]
    origins: dict[str, str]
    versions: dict[str, str] = field(default_factory=dict)
    _automaton: ahocorasick.Automaton | None = None

    @classmethod
    def build(cls, corrections: bool = True) -> Gazetteer:
        """The gazetteer of every source; with `corrections` (the default) less the ambiguous names
        and with the confirmed two-character geographic names (`derive`, from MSRA training data)."""
        from .derived import AMBIGUOUS, GEOGRAPHIC

        labels: dict[str, str] = {}
        origins: dict[str, str] = {}
        confirmed = GEOGRAPHIC if corrections else frozenset()
        for source, names in SOURCES:
            found = jieba_geographic(confirmed) if names is jieba_geographic else names()
            for name, label in found:
                # an earlier source keeps its label
                if name not in labels and not (corrections and name in AMBIGUOUS):
                    labels[name], origins[name] = label, source
        return cls(labels, origins, source_versions())

    @property
    def automaton(self) -> ahocorasick.Automaton:
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for name, label in self.labels.items():
                automaton.add_word(name, (len(name), label))
            automaton.make_automaton()
            self._automaton = automaton
        return self._automaton

    def find(self, text: str, abbreviations: bool = True) -> list[tuple[int, int, str]]:
        """Leftmost-longest gazetteer names in `text`, then context-read abbreviations in the gaps."""
        view = to_simplified(text)
        found: list[tuple[int, int, str]] = []
        if self.labels:
            for end, (length, label) in self.automaton.iter_long(view):
                start = end + 1 - length
                if not inside_transliterated_name(view, start, end + 1):
                    found.append((start, end + 1, label))
        if abbreviations:
            taken = [False] * len(view)
            for start, end, _ in found:
                taken[start:end] = [True] * (end - start)
            found.extend(span for span in find_abbreviations(view) if not any(taken[span[0] : span[1]]))
        return sorted(found)


def inside_transliterated_name(view: str, start: int, end: int) -> bool:
    """Whether `view[start:end]` is a strict part of a foreign name joined by a middle dot: a run of
    transliteration characters (`derived.TRANSLITERATION`) that touches a dot (纽埃 in 埃马纽埃尔·马克龙)."""
    from .derived import TRANSLITERATION

    if not all(char in TRANSLITERATION for char in view[start:end]):
        return False
    left, right = start, end
    while left > 0 and view[left - 1] in TRANSLITERATION:
        left -= 1
    while right < len(view) and view[right] in TRANSLITERATION:
        right += 1
    if (left, right) == (start, end):
        return False
    return (left > 0 and view[left - 1] in MIDDLE_DOTS) or (right < len(view) and view[right] in MIDDLE_DOTS)


@lru_cache(maxsize=1)
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the installed data packages (about a second, once per process)."""
    return Gazetteer.build()


def place_label(name: str) -> str | None:
    """GPE or LOC for a known place name (Simplified or Traditional), else None."""
    labels = default_gazetteer().labels
    return labels.get(name) or labels.get(to_simplified(name))


def iter_places() -> Iterator[tuple[str, str]]:
    """Every (name, label) of the gazetteer, sorted by name."""
    yield from sorted(default_gazetteer().labels.items())


def find_places(text: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of the place names in `text`: flat, sorted, offsets on `text`."""
    return default_gazetteer().find(text)


__all__ = [
    "ABBREVIATIONS",
    "MIDDLE_DOTS",
    "PLACES_VERSION",
    "Gazetteer",
    "default_gazetteer",
    "find_abbreviations",
    "find_places",
    "inside_transliterated_name",
    "iter_places",
    "place_label",
]
