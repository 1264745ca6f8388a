"""Offset formats (doccano, Prodigy, spaCy JSON, jinbiao JSONL, Python objects): hand-checked spans and errors."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from format_helpers import DATA, keys

from jinbiao.gold import JinbiaoError, Span, ValidationError
from jinbiao.gold.formats import (
    FormatWarning,
    python_annotations,
    read_doccano,
    read_jinbiao_jsonl,
    read_prodigy,
    read_spacy_json,
    write_jinbiao_jsonl,
)


def test_doccano_both_styles_found_by_text_relations_counted(news):
    with pytest.warns(FormatWarning, match=r"doccano.jsonl: skipped 1 relations"):
        result = read_doccano(DATA / "doccano.jsonl", news)
    assert keys(result) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (20, 22, "GPE", "上海")],
        "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")],
    }
    assert result.meta["skipped"] == {"relations": 1}


def test_prodigy_by_meta_id_or_text_rejected_answers_skipped(news):
    with pytest.warns(FormatWarning, match=r"skipped 1 examples answered 'reject'"):
        result = read_prodigy(DATA / "prodigy.jsonl", news)
    assert keys(result) == {"news-1": [(14, 17, "ORG", "𠮷野家")], "news-2": [(10, 13, "GPE", "濟南市")]}


def test_spacy_training_tuples(news):
    assert keys(read_spacy_json(DATA / "spacy_tuples.json", news)) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (4, 10, "ORG", "北京市国资委"), (14, 17, "ORG", "𠮷野家")],
        "news-2": [(10, 13, "GPE", "濟南市")],
    }


def test_overlapping_spans_are_read_unless_flat_is_asked(tmp_path, news):
    path = tmp_path / "nested.jsonl"
    record = {"id": "news-1", "text": news[0].text, "entities": [[4, 10, "ORG"], [4, 7, "GPE"]]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert keys(read_spacy_json(path, news)) == {"news-1": [(4, 7, "GPE", "北京市"), (4, 10, "ORG", "北京市国资委")]}
    with pytest.raises(ValidationError, match=r"overlaps \[4, 7\) GPE '北京市' \(spans are flat: keep one of them\)"):
        read_spacy_json(path, news, flat=True)


def _jsonl(tmp_path, *records):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (
            {"id": "news-1", "text": "李 刚", "label": []},
            r"in.jsonl:1: document news-1: its text differs from the document's \(the annotations were made on",
        ),
        (
            {"text": "李 刚在北京", "label": [[0, 3, "PERSON"]]},
            r"in.jsonl:1: no reference document has this text; pass the documents it annotates, or skip the others",
        ),
        ({"label": [[0, 3, "PERSON"]]}, r"in.jsonl:1: no document id and no text: cannot tell which document"),
        (
            {"doc_id": "news-1", "label": [[0, 2, "PERSON"]], "text": None},
            None,
        ),
        (
            {"doc_id": "news-1", "label": [[0, 3.0, "PERSON"]]},
            r"in.jsonl:1: document news-1: label #0: end 3.0 is a float \(offsets are integer code points",
        ),
        (
            {"doc_id": "news-1", "label": [[0, 30, "PERSON"]]},
            r"span \[0, 30\) PERSON '李 刚在北京市国资委工作。\\n𠮷野家😀开到上海。': "
            r"span ends after the text \(23 characters\)$",
        ),
        (
            {"doc_id": "news-1", "label": [[3, 3, "PERSON"]]},
            r"span \[3, 3\) PERSON '': start must be ≥ 0 and below end",
        ),
        ({"doc_id": "news-1", "label": [[0, 3]]}, r"label #0 \[0, 3\] is not a span \[start, end, label\]"),
    ],
)
def test_offset_errors_are_one_line_and_name_file_document_span(tmp_path, news, record, message):
    path = _jsonl(tmp_path, record)
    if message is None:
        assert keys(read_doccano(path, news)) == {"news-1": [(0, 2, "PERSON", "李 ")]}
        return
    with pytest.raises(ValidationError, match=message) as caught:
        read_doccano(path, news)
    assert "\n" not in str(caught.value).replace("\\n", "")


def test_a_span_text_that_differs_from_the_document(tmp_path, news):
    path = _jsonl(
        tmp_path,
        {
            "meta": {"doc_id": "news-2"},
            "text": news[1].text,
            "spans": [{"start": 10, "end": 13, "label": "GPE", "text": "济南市"}],
        },
    )
    with pytest.raises(ValidationError) as caught:
        read_prodigy(path, news)
    assert str(caught.value) == (
        f"{path}:1: document news-2: span [10, 13) GPE '济南市': text does not match the document, which has "
        "'濟南市' there; if its offsets count in the raw article files, read them as raw offsets (offsets='raw')"
    )


def test_a_document_annotated_twice_is_refused(tmp_path, news):
    path = _jsonl(tmp_path, {"doc_id": "news-2", "label": []}, {"text": news[1].text, "label": []})
    with pytest.raises(ValidationError, match=r"in.jsonl:2: document news-2: annotated twice \(also at .*in.jsonl:1\)"):
        read_doccano(path, news)


def test_jinbiao_jsonl_keeps_scores_and_checks_the_text_hash(tmp_path, news, news_gold):
    scored = news_gold.documents["news-2"]
    scored.spans = [Span(s.start, s.end, s.label, s.text, score=0.25) for s in scored.spans]
    path = write_jinbiao_jsonl(news_gold, news, tmp_path / "out.jsonl")
    back = read_jinbiao_jsonl(path, news)
    assert back.name == "news" and back.kind == "gold"
    assert [s.score for s in back.spans("news-2")] == [0.25, 0.25]
    assert keys(back) == keys(news_gold)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace(news[0].text_sha256, "0" * 64)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"document news-1: text hash 000000000000… differs from the document's"):
        read_jinbiao_jsonl(path, news)


# ----------------------------------------------------------------------------------- Python objects


def test_python_tuples_dicts_and_spans_with_the_text_filled_in(news):
    result = python_annotations(
        {
            "news-1": [(0, 3, "PERSON"), {"start": 14, "end": 17, "label": "ORG", "score": 0.5}],
            "news-2": [(np.int64(10), np.int64(13), "GPE", 0.9), news[1].span(0, 9, "DATE")],
        },
        news,
    )
    assert keys(result) == {
        "news-1": [(0, 3, "PERSON", "李 刚"), (14, 17, "ORG", "𠮷野家")],
        "news-2": [(0, 9, "DATE", "二〇二二年五月九日"), (10, 13, "GPE", "濟南市")],
    }
    assert [s.score for s in result.spans("news-1")] == [None, 0.5]
    assert result.documents["news-1"].text == news[0].text


@pytest.mark.parametrize(
    ("item", "what"),
    [
        ((0.0, 3, "PERSON"), "start 0.0 is a float"),
        ((0, True, "PERSON"), "end True is a boolean"),
        ((math.nan, 3, "PERSON"), "start nan is NaN"),
        (("0", 3, "PERSON"), "start '0' is a str"),
    ],
)
def test_python_offsets_that_are_not_integers_give_one_clear_error(news, item, what):
    with pytest.raises(JinbiaoError) as caught:
        python_annotations({"news-1": [item]}, news)
    assert str(caught.value) == (
        f"Python objects: document news-1: item #0: {what} "
        "(offsets are integer code points: pass (start, end, label) with int start and end)"
    )


@pytest.mark.parametrize(
    ("objects", "message"),
    [
        (
            [(0, 3, "PERSON")],
            r"^got a list; pass \{document id: \[\(start, end, label\), ...\]\} with integer offsets$",
        ),
        ({"news-1": (0, 3, "PERSON")}, r"^document news-1: item #0 is 0; pass"),
        ({"news-1": "李 刚"}, r"^document news-1: got a str; pass"),
        ({"news-1": [(0, 3)]}, r"^document news-1: item #0 is \(0, 3\); pass .* \(or dicts with start, end, label\)$"),
    ],
)
def test_python_objects_of_the_wrong_shape(news, objects, message):
    with pytest.raises(JinbiaoError, match=message):
        python_annotations(objects, news)
