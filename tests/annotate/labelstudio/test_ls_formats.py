"""Label Studio as a format of `jinbiao.gold.formats` (`--format label-studio`, `--to label-studio`):
read an export as the gold candidate (or one annotator, or a model version), write tasks to import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import jinbiao.annotate.labelstudio.formats  # noqa: F401 - binds the format (the command line does it at start-up)
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold import AnnotationSet, Document, JinbiaoError, Span, load_gold
from jinbiao.gold.formats import detect_format, read_annotations_any, write_annotations
from jinbiao.gold.paths import DOCUMENTS_DIR

DATA = Path(__file__).resolve().parents[2] / "data" / "labelstudio"
TEXT_A = "𠮷野家在北京开店。\r\n上海的𠮷田先生说：“好。”\r\n2020年5月9日，深圳市人民政府发布通知。"
TEXT_B = "香港特别行政区政府今天宣布，3月1日起恢复通关。"
ANN1 = "ann1.1795384671@example.com"
ANN2 = "ann2.1795384671@example.com"


def documents() -> list[Document]:
    return [Document("doc-a", TEXT_A, source="doc-a.txt"), Document("doc-b", TEXT_B, source="doc-b.txt")]


def keys(annotation_set: AnnotationSet) -> dict[str, list[tuple[int, int, str]]]:
    return {doc.doc_id: [span.key for span in doc.spans] for doc in annotation_set}


@pytest.fixture(scope="module")
def gold() -> tuple[AnnotationSet, list[Document]]:
    return load_gold(DOCUMENTS_DIR)


@pytest.mark.parametrize("as_annotations", [False, True], ids=["as predictions", "as annotations"])
def test_the_gold_round_trips_through_a_task_file(tmp_path, gold, as_annotations) -> None:
    spans, docs = gold
    path = write_annotations(spans, docs, tmp_path / "tasks.json", "label-studio", as_annotations=as_annotations)
    tasks = json.loads(path.read_text(encoding="utf-8"))
    assert [task["data"]["doc_id"] for task in tasks] == [d.id for d in docs]
    assert all(task["data"]["sha256"] == d.text_sha256 for task, d in zip(tasks, docs, strict=True))
    key = "annotations" if as_annotations else "predictions"
    assert all(len(task[key]) == 1 and not ({"annotations", "predictions"} - {key}) & task.keys() for task in tasks)
    assert detect_format(path) == "label-studio"
    back = read_annotations_any(path, docs)
    assert keys(back) == keys(spans) and back.span_count() == spans.span_count()
    what = "the gold candidate" if as_annotations else f"the predictions of {spans.origin}"
    assert back.meta["label_studio"].startswith(what)


def test_scores_survive_as_predictions(tmp_path) -> None:
    document = Document("d1", "北京和上海。")
    predicted = AnnotationSet(name="model", kind="baseline", version="3")
    predicted.add_document(document, [document.span(0, 2, "GPE", score=0.25), document.span(3, 5, "GPE", score=0.75)])
    path = write_annotations(predicted, [document], tmp_path / "p.json", "label-studio")
    back = read_annotations_any(path, [document], "label-studio")
    assert [(s.key, s.score) for s in back.spans("d1")] == [((0, 2, "GPE"), 0.25), ((3, 5, "GPE"), 0.75)]


def test_an_export_whose_annotators_differ_is_refused_unless_one_is_taken() -> None:
    with pytest.raises(JinbiaoError) as refused:
        read_annotations_any(DATA / "snapshot.json", documents(), "label-studio")
    assert str(refused.value).startswith(f"{DATA / 'snapshot.json'}: document doc-a: its 3 annotators differ (")
    assert str(refused.value).endswith(
        f"adjudicate them, or read one annotator's annotations (take=NAME, one of: admin@jinbiao.local, {ANN1}, {ANN2})"
    )
    assert "`jinbiao adjudicate`" in describe(refused.value)
    mine = read_annotations_any(DATA / "snapshot.json", documents(), "label-studio", take=ANN1)
    assert sorted(mine.documents) == ["doc-a", "doc-b"] and mine.meta["label_studio"] == f"the annotations of {ANN1}"
    assert [s.text for s in mine.spans("doc-a")] == ["北京", "上海", "深圳市人民政府"]
    predicted = read_annotations_any(DATA / "snapshot.json", documents(), "label-studio", take="fake@1")
    assert predicted.span_count() == 5
    with pytest.raises(JinbiaoError, match=r"no annotator or model version 'nobody' in this export \(there are: "):
        read_annotations_any(DATA / "snapshot.json", documents(), "label-studio", take="nobody")


def test_a_problem_in_the_export_is_an_error_naming_file_task_and_annotation(tmp_path) -> None:
    tasks = json.loads((DATA / "snapshot_problems.json").read_text(encoding="utf-8"))
    path = tmp_path / "export.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    with pytest.raises(JinbiaoError) as refused:
        read_annotations_any(path, documents(), "label-studio", take=ANN1)
    assert str(refused.value).startswith(f"{path}: task 3 (document doc-a), annotation 6 by {ANN1}, region range1: ")
    assert str(refused.value).endswith("(and 3 more problem(s), which a pull of the file lists)")


def test_tasks_without_a_document_id_are_matched_by_their_text(tmp_path) -> None:
    document = Document("news-1", "上海的𠮷田先生说。")
    span = document.span(3, 6, "PERSON")
    result = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 3, "end": 6, "text": span.text, "labels": ["PERSON"]}}]  # fmt: skip
    path = tmp_path / "other.json"
    path.write_text(
        json.dumps([{"id": 4, "data": {"text": document.text}, "annotations": [{"id": 9, "result": result}]}])
    )
    assert keys(read_annotations_any(path, [document])) == {"news-1": [span.key]}
    with pytest.raises(
        JinbiaoError, match=r"task 4 has no data.doc_id and no document has its text; pass the documents"
    ):
        read_annotations_any(path, [Document("x", "别的文章。")])
    with pytest.warns(UserWarning, match="skipped 1 annotations of documents not among the reference documents"):
        assert len(read_annotations_any(path, [Document("x", "别的文章。")], extra_documents="ignore")) == 0


def test_the_command_line_converts_to_and_scores_label_studio(tmp_path, capsys) -> None:
    out = tmp_path / "tasks.json"
    assert main(["convert", str(DOCUMENTS_DIR), "--to", "label-studio", "-o", str(out)]) == 0
    capsys.readouterr()
    assert main(["score", "--gold", str(DOCUMENTS_DIR), "--pred", str(out), "--format", "label-studio"]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[1].split() == [
        "strict",
        "757",
        "0",
        "0",
        "0",
        "0",
        "757",
        "757",
        "1.0000",
        "1.0000",
        "1.0000",
    ]
    assert main(["score", "--gold", str(DOCUMENTS_DIR), "--pred", str(out)]) == 0  # detected
    assert capsys.readouterr().out == printed


def test_a_span_set_round_trips_with_line_breaks_and_non_bmp_characters(tmp_path) -> None:
    document = Document("doc-a", TEXT_A)
    spans = [Span(4, 6, "GPE", "北京"), Span(11, 13, "GPE", "上海")]
    original = AnnotationSet(name="people", kind="human")
    original.add_document(document, spans)
    path = write_annotations(original, [document], tmp_path / "a.json", "label-studio", as_annotations=True)
    assert keys(read_annotations_any(path, [document])) == {"doc-a": [s.key for s in spans]}
