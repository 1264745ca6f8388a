"""`jinbiao score / agree / errors` driven in-process, bad input included (exit code 2, one line)."""

from __future__ import annotations

import json

import pytest
from scoring_fixture import TEXT1, TEXT2, make_files, run

from jinbiao.gold import AnnotationSet, Document, write_jsonl


@pytest.fixture
def files(tmp_path):
    return make_files(tmp_path)


def test_score_all_schemes(files, capsys):
    code, out, err = run(capsys, "score", "--gold", files / "gold", "--pred", files / "pred.jsonl", "--scheme", "all")
    assert code == 0 and err == ""
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    # strict: 4 of 6 correct, 2 incorrect
    assert lines["strict"][1:3] == ["4", "2"] and lines["strict"][-1] == "0.6667"
    assert lines["type"][-1] == "0.8333"


def test_score_json_by_label_with_ci(files, capsys):
    code, out, _ = run(
        capsys,
        "score",
        "--gold",
        files / "gold",
        "--pred",
        files / "pred.jsonl",
        "--scheme",
        "strict",
        "--by",
        "label",
        "--ci",
        "--n-resamples",
        "50",
        "--to",
        "json",
    )
    rows = {r["label"]: r for r in json.loads(out)}
    assert code == 0
    assert rows["PERSON"]["recall"] == pytest.approx(2 / 3) and rows["LOC"]["incorrect_pred"] == 1
    assert rows["micro avg"]["f1_low"] <= rows["micro avg"]["f1"] <= rows["micro avg"]["f1_high"]


def test_score_html_and_output(files, capsys):
    code, _, _ = run(
        capsys,
        "score",
        "--gold",
        files / "gold",
        "--pred",
        files / "pred.jsonl",
        "--n-resamples",
        "20",
        "--html",
        files / "r.html",
        "--output",
        files / "s.csv",
        "--to",
        "csv",
    )
    assert code == 0
    assert (files / "s.csv").read_text().startswith("scheme,")
    page = (files / "r.html").read_text()
    assert "上海市政府" in page and "data:image/png;base64," in page


def test_errors_command(files, capsys):
    code, out, _ = run(capsys, "errors", "--gold", files / "gold", "--pred", files / "pred.jsonl", "--context", "2")
    assert code == 0
    assert "boundary" in out and "label" in out and "confusion" in out
    code, out, _ = run(capsys, "errors", "--gold", files / "gold", "--pred", files / "pred.jsonl", "--to", "json")
    rows = json.loads(out)
    assert [r["category"] for r in rows] == ["label", "boundary"]


def test_agree_command(files, capsys):
    code, out, _ = run(capsys, "agree", files / "gold", files / "pred.jsonl", files / "pred.jsonl")
    assert code == 0
    assert "kappa" in out and "Krippendorff" in out and "f1_strict:" in out


def test_missing_documents_warn_and_count_as_missed(files, capsys):
    pred = AnnotationSet("sys", kind="baseline")
    d1 = Document("d1", TEXT1)
    pred.add_document(d1, [d1.span(0, 2, "PERSON")])
    write_jsonl(files / "partial.jsonl", pred)
    code, out, err = run(
        capsys,
        "score",
        "--gold",
        files / "gold",
        "--pred",
        files / "partial.jsonl",
        "--scheme",
        "strict",
        "--to",
        "json",
    )
    assert code == 0
    assert "warning" in err and "d2" in err and "all missed" in err
    assert json.loads(out)[0]["missing"] == 5


def one_line_error(capsys, *argv) -> str:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    return err


def test_unknown_document_is_an_error(files, capsys):
    other = Document("d9", "无关的文本。")
    pred = AnnotationSet("sys")
    pred.add_document(other, [])
    write_jsonl(files / "unknown.jsonl", pred)
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "unknown.jsonl")
    assert "unknown.jsonl" in err and "document d9" in err


def test_hash_mismatch_is_an_error(files, capsys):
    changed = Document("d1", TEXT1.replace("北京", "南京"))
    pred = AnnotationSet("sys")
    pred.add_document(changed, [changed.span(0, 2, "PERSON")])
    write_jsonl(files / "changed.jsonl", pred)
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "changed.jsonl")
    assert "changed.jsonl" in err and "document d1" in err and "hash" in err


def test_span_text_mismatch_without_hash_is_an_error(files, capsys):
    line = {"doc_id": "d1", "spans": [{"start": 0, "end": 2, "label": "PERSON", "text": "李四"}]}
    (files / "shifted.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "shifted.jsonl")
    assert "document d1" in err and "span [0, 2) PERSON '李四'" in err


def test_labels_outside_the_schema_and_map_labels(files, capsys):
    line = {
        "doc_id": "d2",
        "text_sha256": Document("d2", TEXT2).text_sha256,
        "spans": [
            {"start": 0, "end": 2, "label": "PER", "text": "王五"},
            {"start": 3, "end": 5, "label": "MISC", "text": "广州"},
        ],
    }
    (files / "theirs.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "theirs.jsonl")
    assert "theirs.jsonl" in err and "document d2" in err and ("'MISC'" in err or "'PER'" in err)
    (files / "map.json").write_text('{"PER": "PERSON", "MISC": null}', encoding="utf-8")
    code, out, err = run(
        capsys,
        "score",
        "--gold",
        files / "gold",
        "--pred",
        files / "theirs.jsonl",
        "--map-labels",
        files / "map.json",
        "--scheme",
        "strict",
        "--to",
        "json",
    )
    assert code == 0
    row = json.loads(out)[0]
    assert (row["correct"], row["spurious"]) == (1, 0)
    (files / "bad_map.json").write_text('{"PER": "PEOPLE"}', encoding="utf-8")
    err = one_line_error(
        capsys,
        "score",
        "--gold",
        files / "gold",
        "--pred",
        files / "theirs.jsonl",
        "--map-labels",
        files / "bad_map.json",
    )
    assert "bad_map.json" in err and "PEOPLE" in err


def test_malformed_files(files, capsys):
    (files / "broken.jsonl").write_text('{"doc_id": "d1", "spans": [\n', encoding="utf-8")
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "broken.jsonl")
    assert "broken.jsonl" in err and "line 1" in err
    (files / "badspan.jsonl").write_text('{"doc_id": "d1", "spans": [{"start": "0", "end": 2}]}\n', encoding="utf-8")
    err = one_line_error(capsys, "score", "--gold", files / "gold", "--pred", files / "badspan.jsonl")
    assert "badspan.jsonl" in err and "document d1" in err and "span #0" in err
    err = one_line_error(capsys, "score", "--gold", files / "nowhere", "--pred", files / "pred.jsonl")
    assert "nowhere" in err


def test_bad_options(files, capsys):
    err = one_line_error(
        capsys, "score", "--gold", files / "gold", "--pred", files / "pred.jsonl", "--ci", "--confidence", "1.5"
    )
    assert "confidence" in err
    err = one_line_error(capsys, "agree", files / "gold")
    assert "two" in err
