"""Offsets into the raw article files, mapped through each document's offset map."""

from __future__ import annotations

import json

import pytest
from format_helpers import NEWS_2_RAW, keys

from jinbiao.gold import ValidationError
from jinbiao.gold.formats import python_annotations, raw_to_normalized, read_annotations_any
from jinbiao.gold.paths import ARTICLES_DIR


def test_raw_spans_map_when_both_ends_survive_normalization(news):
    two = news[1]
    assert raw_to_normalized(two, 2, 11) == (0, 9)
    assert raw_to_normalized(two, 12, 19) == (10, 13)  # the gloss inside is dropped with normalization
    assert raw_to_normalized(two, 13, 19).endswith("raw position 13 (its first character) was removed by normalization")
    assert raw_to_normalized(two, 12, 25).endswith("raw position 24 (its last character) was removed by normalization")


def test_raw_python_offsets(news):
    result = python_annotations({"news-2": [(2, 11, "DATE"), (12, 19, "GPE")]}, news, offsets="raw")
    assert keys(result) == {"news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")]}


def test_a_raw_span_that_does_not_map_is_refused_with_its_reason(tmp_path, news):
    path = tmp_path / "raw.jsonl"
    path.write_text(json.dumps({"text": NEWS_2_RAW, "label": [[13, 19, "GPE"]]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        read_annotations_any(path, news, "doccano", offsets="raw")
    assert str(caught.value) == (
        f"{path}:1: document news-2: span [13, 19) GPE '': raw offsets [13, 19): raw position 13 "
        "(its first character) was removed by normalization"
    )


def test_raw_span_text_is_checked_against_the_raw_article(tmp_path, news):
    path = tmp_path / "raw.jsonl"
    record = {"text": NEWS_2_RAW, "spans": [{"start": 12, "end": 19, "label": "GPE", "text": "濟南市"}]}
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"text does not match the raw article, which has '濟\(ji\)南市' there"):
        read_annotations_any(path, news, "prodigy", offsets="raw")


def test_the_seeds_read_from_raw_offsets_equal_the_gold(tmp_path, seeds):
    gold, documents = seeds
    records = []
    for document in documents:
        raw = (ARTICLES_DIR / document.source).read_bytes().decode("utf-8-sig")
        spans = [[*document.raw_range(s.start, s.end), s.label] for s in gold.spans(document.id)]
        assert any(document.raw_range(s.start, s.end) != (s.start, s.end) for s in gold.spans(document.id))
        records.append({"text": raw, "entities": spans})
    path = tmp_path / "raw_model.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = read_annotations_any(path, documents, offsets="raw")  # documents found by their raw text
    assert keys(result) == keys(gold)
    with pytest.raises(ValidationError, match=r"raw_model.jsonl:1: its text is the raw article of document 000_"):
        read_annotations_any(path, documents)
