from __future__ import annotations

import json
import os

import pytest

from jinbiao.gold import (
    LABELS,
    AnnotationSet,
    Document,
    Span,
    ValidationError,
    atomic_write_text,
    read_gold,
    read_gold_document,
    read_jsonl,
    validate_spans,
    write_gold_document,
    write_jsonl,
)
from jinbiao.gold.schema import LABEL_INFO

TEXT = "5月9日，北京市国资委召开会议。"


def doc() -> Document:
    return Document("d1", TEXT, source="d1.txt", source_sha256="ab" * 32)


def test_schema_has_the_twelve_ontonotes_labels_with_colours_and_unique_hotkeys():
    assert LABELS == (
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "FAC",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "CARDINAL",
        "LAW",
    )
    assert len({info.colour for info in LABEL_INFO}) == 12
    assert len({info.hotkey for info in LABEL_INFO}) == 12
    assert all(info.definition for info in LABEL_INFO)


def test_document_span_fills_text_and_raw_range_follows_offsets():
    d = Document("x", "濟南市", offsets=[0, 5, 9])
    span = d.span(1, 3, "GPE")
    assert span == Span(1, 3, "GPE", "南市")
    assert d.raw_range(1, 3) == (5, 10)
    with pytest.raises(ValueError, match="offset map has 2 entries for 3 characters"):
        Document("y", "abc", offsets=[0, 1])


def test_spans_touching_do_not_overlap():
    assert not Span(0, 4, "DATE", "5月9日").overlaps(Span(4, 5, "ORG", "，"))
    assert Span(0, 4, "DATE", "5月9日").overlaps(Span(3, 5, "ORG", "日，"))


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (Span(5, 40, "ORG", "x"), "document d1: span [5, 40) ORG 'x': span ends after the text (16 characters)"),
        (Span(5, 11, "ORG", "北京国资委"), "text does not match the document, which has '北京市国资委' there"),
        (Span(5, 11, "COMPANY", "北京市国资委"), "label 'COMPANY' is not in the schema"),
        (Span(3, 3, "ORG", ""), "start must be ≥ 0 and below end"),
    ],
)
def test_validation_names_document_span_and_reason(span, message):
    with pytest.raises(ValidationError) as raised:
        validate_spans(TEXT, [span], doc_id="d1", file="g.json")
    assert message in str(raised.value)
    assert str(raised.value).startswith("g.json: document d1: span [")


def test_overlapping_spans_are_refused():
    spans = [Span(5, 8, "GPE", "北京市"), Span(5, 11, "ORG", "北京市国资委")]
    with pytest.raises(ValidationError, match=r"overlaps \[5, 8\) GPE '北京市'.*spans are flat"):
        validate_spans(TEXT, spans)


def test_gold_file_round_trip_one_span_per_line(tmp_path):
    spans = [Span(5, 11, "ORG", "北京市国资委"), Span(0, 4, "DATE", "5月9日")]
    path = write_gold_document(tmp_path / "d1.json", doc(), spans, annotators=["b", "a"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[-4:] == [
        '    {"start": 0, "end": 4, "label": "DATE", "text": "5月9日"},',
        '    {"start": 5, "end": 11, "label": "ORG", "text": "北京市国资委"}',
        "  ]",
        "}",
    ]
    document, read_back, annotators = read_gold_document(path)
    assert read_back == sorted(spans)
    assert document.text == TEXT and document.source == "d1.txt"
    assert annotators == ["a", "b"]
    assert read_gold(tmp_path).span_count() == 2


def test_gold_is_never_overwritten_without_asking(tmp_path):
    write_gold_document(tmp_path / "d1.json", doc(), [])
    with pytest.raises(FileExistsError, match="overwrite=True"):
        write_gold_document(tmp_path / "d1.json", doc(), [])
    write_gold_document(tmp_path / "d1.json", doc(), [Span(0, 4, "DATE", "5月9日")], overwrite=True)
    assert read_gold(tmp_path).span_count() == 1


def test_a_gold_file_whose_text_was_edited_is_refused(tmp_path):
    path = write_gold_document(tmp_path / "d1.json", doc(), [])
    data = json.loads(path.read_text(encoding="utf-8"))
    data["text"] = data["text"].replace("北京", "南京")
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError, match="d1.json: document d1: text_sha256 does not match the text"):
        read_gold_document(path)


def test_atomic_write_gives_new_files_the_usual_mode_and_keeps_an_old_files_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        fresh = atomic_write_text(tmp_path / "fresh.json", "{}")
        assert fresh.stat().st_mode & 0o777 == 0o644
        os.chmod(fresh, 0o600)
        atomic_write_text(fresh, "[]")
        assert fresh.stat().st_mode & 0o777 == 0o600 and fresh.read_text() == "[]"
    finally:
        os.umask(umask)


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "out.json"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write_text(target, "partial")
    assert list(tmp_path.iterdir()) == []


def test_jsonl_round_trip_keeps_scores_and_provenance(tmp_path):
    annotations = AnnotationSet(name="rules", kind="baseline", version="1.0")
    annotations.add_document(doc(), [Span(0, 4, "DATE", "5月9日", score=0.75)])
    write_jsonl(tmp_path / "p.jsonl", annotations)
    back = read_jsonl(tmp_path / "p.jsonl")
    assert (back.name, back.kind, back.version) == ("rules", "baseline", "1.0")
    assert back.spans("d1") == [Span(0, 4, "DATE", "5月9日")]
    assert back.spans("d1")[0].score == 0.75


def test_jsonl_errors_name_file_and_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc_id": "d1", "spans": []}\nnot json\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad.jsonl: line 2 is not valid JSON"):
        read_jsonl(path)
    path.write_text('{"doc_id": "d1", "spans": [{"start": 0, "end": 2}]}\n', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"document d1: span #0 is malformed"):
        read_jsonl(path)
