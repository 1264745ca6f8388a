"""The label schema: the twelve OntoNotes names, their definitions, colours and hotkeys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LabelInfo:
    name: str
    definition: str
    colour: str
    hotkey: str


LABEL_INFO: tuple[LabelInfo, ...] = (
    LabelInfo("PERSON", "People's names, bylines included; never titles or positions.", "#e6194b", "1"),
    LabelInfo("ORG", "Named organisations: companies, government bodies, banks, schools, parties.", "#4363d8", "2"),
    LabelInfo("GPE", "Places with a government: countries, provinces, cities, districts, towns.", "#3cb44b", "3"),
    LabelInfo("LOC", "Places without a government: regions, zones, water, mountains.", "#9a6324", "4"),
    LabelInfo("FAC", "Facilities: buildings, stations, airports, markets, parks, streets.", "#f58231", "5"),
    LabelInfo("DATE", "Dates and periods of a day or longer, absolute or relative.", "#911eb4", "6"),
    LabelInfo("TIME", "Times of day, and durations counted in hours or minutes.", "#f032e6", "7"),
    LabelInfo("MONEY", "Amounts of money, without approximators such as 约 or 超.", "#808000", "8"),
    LabelInfo("PERCENT", "Percentages, percentage points and ranges of them.", "#469990", "9"),
    LabelInfo("QUANTITY", "Measurements with a physical unit: weight, length, power, volume.", "#000075", "0"),
    LabelInfo("CARDINAL", "Counts not covered above: the numeral without its measure word.", "#a9a9a9", "q"),
    LabelInfo("LAW", "Named documents: laws, regulations, policies, notices, without 《》.", "#800000", "w"),
)

LABELS: tuple[str, ...] = tuple(info.name for info in LABEL_INFO)
LABEL_SET: frozenset[str] = frozenset(LABELS)
# The two families the baselines and the held-out sets are built around (LAW is neither).
NAME_LABELS: frozenset[str] = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC"})
NUMERIC_LABELS: frozenset[str] = frozenset({"DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "CARDINAL"})


def schema_order(labels: Iterable[str]) -> list[str]:
    """`labels` (each once) in the schema's order, then any others sorted."""
    found = set(labels)
    return [label for label in LABELS if label in found] + sorted(found - LABEL_SET)


LABEL_BY_NAME: dict[str, LabelInfo] = {info.name: info for info in LABEL_INFO}


def is_label(name: str) -> bool:
    return name in LABEL_SET
