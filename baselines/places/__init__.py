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
from .sources import SOURCES, source_versions

PLACES_VERSION = "1"


@dataclass
class Gazetteer:
    labels: dict[str, str]
    origins: dict[str, str]
    versions: dict[str, str] = field(default_factory=dict)
    _automaton: ahocorasick.Automaton | None = None

    @classmethod
    def build(cls) -> Gazetteer:
        labels: dict[str, str] = {}
        origins: dict[str, str] = {}
        for source, names in SOURCES:
            for name, label in names():
                if name not in labels:  # an earlier source keeps its label
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
                found.append((end + 1 - length, end + 1, label))
        if abbreviations:
            taken = [False] * len(view)
            for start, end, _ in found:
                taken[start:end] = [True] * (end - start)
            found.extend(span for span in find_abbreviations(view) if not any(taken[span[0] : span[1]]))
        return sorted(found)


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
    "PLACES_VERSION",
    "Gazetteer",
    "default_gazetteer",
    "find_abbreviations",
    "find_places",
    "iter_places",
    "place_label",
]
