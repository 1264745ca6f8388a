"""The readers refuse nonsense instead of guessing (issue 13): non-integer and boolean offsets,
NaN scores, wrong field types, and paths that cannot be read are errors that say exactly what."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from jinbiao.gold import Document, Span, ValidationError, read_annotations, read_gold, span_problems, validate_spans
from jinbiao.gold.io import read_jsonl, unreadable_reason

TEXT = "5月9日，李刚在北京。"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"start": True, "end": 2}, "start and end must be integers, got True and 2"),
        ({"start": 0, "end": True}, "start and end must be integers, got 0 and True"),
        ({"start": 0.0, "end": 2}, "start and end must be integers, got 0.0 and 2"),
        ({"start": "0", "end": 2}, "start and end must be integers, got '0' and 2"),
        ({"start": 0, "end": 2, "score": float("nan")}, "score must be a finite number, got nan"),
        ({"start": 0, "end": 2, "score": float("-inf")}, "score must be a finite number, got -inf"),
        ({"start": 0, "end": 2, "score": True}, "score must be a finite number, got True"),
        ({"start": 0, "end": 2, "score": "0.9"}, "score must be a finite number, got '0.9'"),
        ({"start": 0, "end": 2, "origin": 7}, "origin must be a string, got 7"),
    ],
)
def test_a_span_record_with_nonsense_is_refused(record, message):
    with pytest.raises(TypeError, match=f"^{message.replace('(', '[(]').replace(')', '[)]')}$"):
        Span.from_dict({"label": "DATE", "text": "5月", **record})


def test_a_good_span_record_keeps_its_score_and_origin():
    span = Span.from_dict({"start": 0, "end": 4, "label": "DATE", "text": "5月9日", "score": 1, "origin": "a"})
    assert (span.score, span.origin) == (1.0, "a")


def test_spans_made_in_code_are_checked_for_types_too():
    problems = span_problems(
        TEXT,
        [
            Span(True, 4, "DATE", "5月9日"),
            Span(0, 4, "DATE", "5月9日", score=float("nan")),
            Span(5, 7, "PERSON", "李刚"),
        ],
    )
    assert [str(p) for p in problems] == [
        "span [True, 4) DATE '5月9日': start and end must be integers, not bool and int",
        "span [0, 4) DATE '5月9日': score must be a finite number, not nan",
    ]


def test_numpy_numbers_from_an_extractor_are_fine():
    spans = [Span(np.int64(0), np.int64(4), "DATE", "5月9日", score=np.float32(0.5))]
    assert validate_spans(TEXT, spans) == spans


def jsonl(path: Path, **fields) -> Path:
    record = {
        "doc_id": "d1",
        "text": TEXT,
        "spans": [{"start": 5, "end": 7, "label": "PERSON", "text": "李刚"}],
        **fields,
    }
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"annotator": "me"}, "line 1: 'annotator' must be an object and 'text' a string"),
        ({"text": 42}, "line 1: 'annotator' must be an object and 'text' a string"),
        (
            {"spans": [{"start": 5, "end": 7, "label": "PERSON", "text": "李刚", "score": float("nan")}]},
            "document d1: span #0 is malformed: score must be a finite number, got nan",
        ),
    ],
    ids=["annotator a string", "text a number", "NaN score"],
)
def test_a_jsonl_line_with_nonsense_is_refused_by_file_and_line(tmp_path, fields, message):
    path = jsonl(tmp_path / "p.jsonl", **fields)
    with pytest.raises(ValidationError) as raised:
        read_jsonl(path)
    assert str(raised.value) == f"{path}: {message}"


def test_a_gold_file_with_a_non_string_id_or_text_is_refused(tmp_path):
    path = tmp_path / "d1.json"
    path.write_text(json.dumps({"format": "jinbiao-gold/1", "id": 1, "text": TEXT}), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"'id' and 'text' must be strings, got 1 and a str$"):
        read_gold(path)


def test_paths_that_cannot_be_read_say_why(tmp_path):
    (tmp_path / "loop.jsonl").symlink_to("loop.jsonl")
    (tmp_path / "dangling.jsonl").symlink_to("gone.jsonl")
    (tmp_path / "dir.jsonl").mkdir()
    assert unreadable_reason(tmp_path / "loop.jsonl") == "a symbolic link loop (following it never reaches a file)"
    assert unreadable_reason(tmp_path / "dangling.jsonl") == (
        "a broken symbolic link (to gone.jsonl, which does not exist)"
    )
    assert unreadable_reason(tmp_path / "none.jsonl") == "no such file or directory"
    with pytest.raises(ValidationError, match=r"loop\.jsonl: a symbolic link loop"):
        read_annotations(tmp_path / "loop.jsonl")
    with pytest.raises(ValidationError, match=r"dir\.jsonl: a directory, not a file$"):
        read_jsonl(tmp_path / "dir.jsonl")
    with pytest.raises(ValidationError, match=r"loop\.jsonl: a symbolic link loop"):
        read_jsonl(tmp_path / "loop.jsonl")


def test_a_document_round_trips_its_id_as_a_string(tmp_path):
    from jinbiao.gold import write_gold_document

    write_gold_document(tmp_path / "d1.json", Document("d1", TEXT), [])
    assert list(read_gold(tmp_path).documents) == ["d1"]


def test_a_jsonl_line_with_a_raw_line_separator_in_a_string_stays_one_line(tmp_path) -> None:
    text = "第一段\u2028第二段"
    record = {"doc_id": "d1", "text": text, "spans": [{"start": 0, "end": 3, "label": "ORG", "text": "第一段"}]}
    path = tmp_path / "sep.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    found = read_jsonl(path)
    assert found.documents["d1"].text == text
    assert [s.text for s in found.spans("d1")] == ["第一段"]
