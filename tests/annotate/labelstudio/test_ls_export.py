"""Export conversion on exports recorded from a real Label Studio 1.23.2 (tests/data/labelstudio/)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinbiao.annotate.labelstudio.export import ExportFormatError, convert_export, detect_format, load_export
from jinbiao.annotate.labelstudio.tasks import region
from jinbiao.cli.errors import describe
from jinbiao.gold import LABELS, Document, JinbiaoError, Span

DATA = Path(__file__).resolve().parents[2] / "data" / "labelstudio"
TEXT_A = "𠮷野家在北京开店。\r\n上海的𠮷田先生说：“好。”\r\n2020年5月9日，深圳市人民政府发布通知。"
TEXT_B = "香港特别行政区政府今天宣布，3月1日起恢复通关。"
ANN1 = "ann1.1795384671@example.com"
ANN2 = "ann2.1795384671@example.com"
ADMIN = "admin@jinbiao.local"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


def span(text: str, needle: str, label: str) -> Span:
    start = text.index(needle)
    return Span(start, start + len(needle), label, needle)


# what the recording script sent (tests/data/labelstudio/record_exports.py)
PREDICTED_A = [span(TEXT_A, "北京", "GPE"), span(TEXT_A, "上海", "GPE"), span(TEXT_A, "深圳市人民政府", "ORG")]
PREDICTED_B = [span(TEXT_B, "香港特别行政区政府", "ORG"), span(TEXT_B, "3月1日", "DATE")]
EDITED_A = [
    span(TEXT_A, "北京", "GPE"),
    span(TEXT_A, "上海", "LOC"),
    span(TEXT_A, "田先生", "PERSON"),
    span(TEXT_A, "2020年5月9日", "DATE"),
    span(TEXT_A, "深圳市", "GPE"),
]
GROUND_TRUTH_A = [span(TEXT_A, "北京", "GPE"), span(TEXT_A, "上海", "GPE")]


def documents() -> list[Document]:
    return [Document("doc-a", TEXT_A, source="doc-a.txt"), Document("doc-b", TEXT_B, source="doc-b.txt")]


def spans_by_doc(annotation_set: Any) -> dict[str, list[Span]]:
    return {d.doc_id: d.spans for d in annotation_set}


def one_annotation(result: Any, text: str) -> list[dict[str, Any]]:
    """An export of one task holding `text`, with one annotation whose regions are `result`."""
    sha = Document("d", text).text_sha256
    annotation = {"id": 7, "completed_by": {"id": 2, "email": "a@x.org"}, "result": result}
    return [{"id": 1, "data": {"text": text, "doc_id": "d", "sha256": sha}, "annotations": [annotation]}]


def region_problems(result: Any, text: str) -> list[tuple[str | None, str]]:
    return [(p.region_id, p.reason) for p in convert_export(one_annotation(result, text)).problems]


def test_the_recorded_texts_keep_non_bmp_characters_and_crlf() -> None:
    texts = {t["data"]["doc_id"]: t["data"]["text"] for t in load("snapshot")}
    assert texts == {"doc-a": TEXT_A, "doc-b": TEXT_B}
    assert "\r\n" in TEXT_A and any(ord(c) > 0xFFFF for c in TEXT_A)


def test_snapshot_gives_one_set_per_annotator_with_exactly_the_spans_sent() -> None:
    result = convert_export(load("snapshot"))
    assert result.format == "JSON"
    assert result.problems == []
    names = [(s.name, s.meta["file"]) for s in result.annotator_sets]
    assert names == [(ADMIN, f"{ADMIN}.jsonl"), (ANN1, f"{ANN1}.jsonl"), (ANN2, f"{ANN2}.jsonl")]
    assert spans_by_doc(result.annotator_set(ANN1)) == {"doc-a": PREDICTED_A, "doc-b": PREDICTED_B[:1]}
    assert spans_by_doc(result.annotator_set(ANN2)) == {"doc-a": sorted(EDITED_A)}
    assert spans_by_doc(result.annotator_set(ADMIN)) == {"doc-a": GROUND_TRUTH_A}
    # two annotators on one task are both kept
    assert {s.name for s in result.annotator_sets if "doc-a" in s.documents} == {ADMIN, ANN1, ANN2}


def test_spans_after_a_non_bmp_character_and_crlf_keep_their_offsets() -> None:
    result = convert_export(load("snapshot"))
    edited = result.annotator_set(ANN2).spans("doc-a")
    after_surrogate = next(s for s in edited if s.label == "PERSON")
    after_crlf = next(s for s in edited if s.label == "DATE")
    assert (after_surrogate.start, after_surrogate.end) == (15, 18)
    assert TEXT_A[after_surrogate.start - 1] == "𠮷"
    assert (after_crlf.start, after_crlf.end) == (26, 35)
    assert TEXT_A[after_crlf.start - 2 : after_crlf.start] == "\r\n"


def test_skipped_annotations_drafts_and_predictions_are_kept_apart() -> None:
    result = convert_export(load("snapshot"))
    skipped, drafts, predictions = result.sets["skipped"], result.sets["draft"], result.sets["prediction"]
    assert [(s.name, spans_by_doc(s)) for s in skipped] == [(ANN2, {"doc-b": []})]
    assert [(s.name, spans_by_doc(s)) for s in drafts] == [(ANN2, {"doc-b": PREDICTED_B[1:]})]
    assert [(s.name, s.version, s.kind) for s in predictions] == [("fake", "1", "baseline")]
    assert spans_by_doc(predictions[0]) == {"doc-a": PREDICTED_A, "doc-b": PREDICTED_B}


def test_counts_reconcile_every_annotation() -> None:
    result = convert_export(load("snapshot"))
    assert result.counts == {
        "tasks": 2,
        "tasks_with_problems": 0,
        "documents": 2,
        "annotations": {
            "in_export": 5,
            "written": 5,
            "reported": 0,
            "submitted": 4,
            "skipped": 1,
            "ground_truth": 1,
            "listed_by_id_only": 0,
        },
        "drafts": {"in_export": 1, "written": 1, "reported": 0, "listed_by_id_only": 0},
        "predictions": {"in_export": 2, "written": 2, "reported": 0, "listed_by_id_only": 0},
        "regions": {"in_export": 11, "written": 11, "reported": 0},
        "problems": 0,
        "candidate_documents": 1,
    }
    assert result.reconciled
    placed = {(p.item.kind, p.item.item_id): (p.written, p.set_name, p.rank) for p in result.items}
    assert placed == {
        ("annotation", 1): (True, ANN1, 1),
        ("annotation", 2): (True, ANN2, 1),
        ("annotation", 5): (True, ADMIN, 1),
        ("annotation", 3): (True, ANN1, 1),
        ("skipped", 4): (True, ANN2, 1),
        ("draft", 1): (True, ANN2, 1),
        ("prediction", 1): (True, "fake", 1),
        ("prediction", 2): (True, "fake", 1),
    }
    assert result.items[0].to_dict() == {
        "task_id": 1,
        "item": "annotation",
        "id": 1,
        "who": ANN1,
        "doc_id": "doc-a",
        "status": "written",
        "set": ANN1,
        "rank": 1,
    }


def test_policy_latest_takes_the_one_annotator_and_never_picks_among_annotators_who_differ() -> None:
    result = convert_export(load("snapshot"), policy="latest")
    assert spans_by_doc(result.candidate) == {"doc-b": PREDICTED_B[:1]}
    assert [(i["doc_id"], i["id"], i["who"]) for i in result.candidate.meta["items"]] == [("doc-b", 3, ANN1)]
    assert all(s.origin == ANN1 for d in result.candidate for s in d.spans)
    assert result.candidate_missing == {
        "doc-a": f"its 3 annotators differ ({ADMIN}, {ANN1}, {ANN2}): adjudicate, or mark one annotation ground truth"
    }


def test_policy_latest_takes_annotators_who_agree_exactly() -> None:
    payload = load("snapshot")
    annotations = payload[0]["annotations"]
    for annotation in annotations:
        annotation["result"] = copy.deepcopy(annotations[0]["result"])
    result = convert_export(payload, policy="latest")
    assert spans_by_doc(result.candidate)["doc-a"] == PREDICTED_A
    chosen = result.candidate.meta["items"][0]
    assert (chosen["doc_id"], chosen["id"], chosen["who"]) == ("doc-a", 5, ADMIN)
    assert chosen["agreed_by"] == [ADMIN, ANN1, ANN2]


def test_policy_ground_truth_takes_only_the_starred_annotation() -> None:
    result = convert_export(load("snapshot"), policy="ground-truth")
    assert spans_by_doc(result.candidate) == {"doc-a": GROUND_TRUTH_A}
    assert result.candidate_missing == {"doc-b": "no annotation marked ground truth"}


def test_policy_all_has_no_single_candidate() -> None:
    result = convert_export(load("snapshot"), policy="all")
    assert result.candidate is None
    assert result.candidate_missing == {}


def test_unknown_policy_is_refused() -> None:
    with pytest.raises(JinbiaoError, match=r"^unknown policy 'first'; choose one of: latest, ground-truth, all$"):
        convert_export(load("snapshot"), policy="first")


def test_ui_json_export_gives_the_same_annotations_by_user_id() -> None:
    result = convert_export(load("ui_export"))
    assert result.problems == []
    assert {s.name: spans_by_doc(s) for s in result.annotator_sets} == {
        "user-1": {"doc-a": GROUND_TRUTH_A},
        "user-2": {"doc-a": PREDICTED_A, "doc-b": PREDICTED_B[:1]},
        "user-3": {"doc-a": sorted(EDITED_A)},
    }
    assert result.counts["predictions"]["listed_by_id_only"] == 2
    [note] = result.notes
    assert str(note) == (
        "the export lists 0 drafts and 2 predictions by id only (Label Studio's plain export does); "
        "take a snapshot export with full predictions (pull(connection, title, ...) does)"
    )
    assert describe(note.as_error()) == (
        "the export lists 0 drafts and 2 predictions by id only (Label Studio's plain export does); "
        "`jinbiao pull --project TITLE` takes a snapshot with full predictions"
    )


def test_json_min_export_gives_the_submitted_annotations() -> None:
    result = convert_export(load("ui_export_min"))
    assert result.format == "JSON_MIN"
    assert {s.name: spans_by_doc(s) for s in result.annotator_sets} == {
        "user-1": {"doc-a": GROUND_TRUTH_A},
        "user-2": {"doc-a": PREDICTED_A, "doc-b": PREDICTED_B[:1]},
        "user-3": {"doc-a": sorted(EDITED_A)},
    }
    assert result.counts["annotations"]["skipped"] == 0
    assert [str(note) for note in result.notes] == [
        "JSON_MIN leaves out skipped annotations, drafts, predictions and region ids; "
        "pull from the server (or export JSON) for the complete picture"
    ]


def test_corrupted_regions_and_a_task_without_text_are_reported_with_task_and_region() -> None:
    result = convert_export(load("snapshot_problems"))
    assert [str(p) for p in result.problems] == [  # in the order of the regions, not of the text
        f"task 3 (document doc-a), annotation 6 by {ANN1}, region range1: "
        "span [47, 51) GPE '北京': span ends after the text (48 characters)",
        f"task 3 (document doc-a), annotation 6 by {ANN1}, region text1: "
        "span [11, 13) GPE '上海市': text does not match the document, which has '上海' there",
        f"task 3 (document doc-a), annotation 6 by {ANN1}, region label1: "
        "span [36, 43) COMPANY '深圳市人民政府': label 'COMPANY' is not in the schema "
        "(use one of the twelve labels or map it)",
        "task 4 (document doc-b): the task has no data.text: not pushed by jinbiao, or its data was edited",
    ]
    annotations = result.counts["annotations"]
    assert (annotations["in_export"], annotations["written"], annotations["reported"]) == (3, 2, 1)
    assert result.counts["regions"] == {"in_export": 6, "written": 2, "reported": 4}
    assert result.reconciled
    # a problem region is reported alone: the corrupted annotation keeps its sound region
    assert {s.name: spans_by_doc(s) for s in result.annotator_sets} == {
        ANN1: {"doc-a": [span(TEXT_A, "北京", "GPE")]},
        ANN2: {"doc-a": [span(TEXT_A, "上海", "GPE")]},
    }
    [corrupted] = [p for p in result.items if p.item.item_id == 6]
    assert corrupted.written and corrupted.dropped == ["range1", "text1", "label1"]
    assert corrupted.to_dict()["regions_reported"] == ["range1", "text1", "label1"]
    assert result.candidate_missing == {
        "doc-a": f"its 2 annotators differ ({ANN1}, {ANN2}): adjudicate, or mark one annotation ground truth",
        "doc-b": "task 4 has problems",
    }


def test_a_candidate_with_a_problem_region_keeps_its_sound_regions_and_the_problem_is_reported() -> None:
    payload = load("snapshot_problems")
    payload[0]["annotations"] = [a for a in payload[0]["annotations"] if a["id"] == 6]
    result = convert_export(payload)
    assert spans_by_doc(result.candidate) == {"doc-a": [span(TEXT_A, "北京", "GPE")]}
    assert [p.region_id for p in result.problems] == ["range1", "text1", "label1", None]


def test_tasks_are_checked_against_the_corpus() -> None:
    changed = Document("doc-a", TEXT_A.replace("北京", "南京"))
    result = convert_export(load("snapshot"), documents=[changed])
    reasons = [str(p) for p in result.problems]
    mismatch = (
        f"task 1 (document doc-a): the task's text ({documents()[0].text_sha256[:12]}) is not the document's "
        f"in the corpus ({changed.text_sha256[:12]})"
    )
    assert reasons == [
        f"{mismatch}; push the current text as a new task (push(..., new_version=True))",
        "task 2 (document doc-b): document doc-b is not in the corpus given",
    ]
    first = result.problems[0]
    assert f"{first.where}: {describe(first.as_error())}" == f"{mismatch}; push the current text with --new-version"
    assert result.counts["annotations"]["reported"] == 5
    assert result.reconciled


def test_a_task_text_edited_in_label_studio_is_reported() -> None:
    payload = load("snapshot")
    payload[1]["data"]["text"] = TEXT_B + "（完）"
    result = convert_export(payload)
    assert [str(p) for p in result.problems] == [
        "task 2 (document doc-b): data.sha256 a3c3a6137002 does not hash data.text "
        f"({Document('x', TEXT_B + '（完）').text_sha256[:12]}): the text was edited in Label Studio after the push"
    ]


def test_an_older_version_of_a_document_is_reported_against_the_newest() -> None:
    payload = load("snapshot")
    newer = copy.deepcopy(payload[1])
    newer["id"] = 9
    newer["data"]["text"] = TEXT_B + "（完）"
    newer["data"]["sha256"] = Document("x", TEXT_B + "（完）").text_sha256
    newer["annotations"], newer["drafts"], newer["predictions"] = [], [], []
    result = convert_export([*payload, newer])
    assert [str(p) for p in result.problems] == [
        f"task 2 (document doc-b): the task holds an older text of the document (a3c3a6137002); task 9 holds "
        f"the newest ({newer['data']['sha256'][:12]}): annotate that one"
    ]
    assert result.candidate_missing["doc-b"] == "no submitted annotation"


def test_two_annotations_by_one_annotator_on_one_document_are_both_kept_ranked_by_recency() -> None:
    payload = load("snapshot")
    second = copy.deepcopy(payload[0]["annotations"][0])
    second["id"], second["updated_at"] = 99, "2999-01-01T00:00:00Z"
    second["result"] = second["result"][:1]
    payload[0]["annotations"].append(second)
    result = convert_export(payload)
    first, again = result.annotator_set(ANN1, 1), result.annotator_set(ANN1, 2)
    assert again is not None and again.name == f"{ANN1}#2" and again.meta["file"] == f"{ANN1}.2.jsonl"
    assert first.spans("doc-a") == PREDICTED_A[:1]  # the most recent first
    assert again.spans("doc-a") == PREDICTED_A
    assert result.reconciled and result.counts["annotations"]["written"] == 6


def test_overlapping_and_duplicate_regions_are_problems() -> None:
    payload = load("snapshot")
    result_a = payload[0]["annotations"][1]["result"]
    result_a.append(copy.deepcopy(result_a[0]) | {"id": "dup"})
    result = convert_export(payload)
    assert [str(p) for p in result.problems] == [
        f"task 1 (document doc-a), annotation 2 by {ANN2}, region dup: span [4, 6) GPE '北京': "
        "overlaps [4, 6) GPE '北京' (spans are flat: keep one of them)"
    ]


@pytest.mark.parametrize(
    ("region", "reason"),
    [
        # the shape Label Studio gives a Labels region
        ({"start": "0", "end": 2}, "start and end must be integers, got '0' and 2"),
        ({"start": True, "end": 2}, "start and end must be integers, got True and 2"),
        ({"labels": ["GPE", "LOC"]}, "a region needs exactly one label, it has ['GPE', 'LOC']"),
        ({"labels": []}, "a region needs exactly one label, it has []"),
        ({"labels": [["GPE"]]}, "a region needs exactly one label, it has [['GPE']]"),
        ({"text": None}, "value.text must be a string, it is None"),
        # the contract's own checks of a span on its text (jinbiao.gold.span_problems)
        ({"start": 3, "end": 3}, "span [3, 3) GPE '北京': start must be ≥ 0 and below end"),
        ({"start": 5, "end": 2}, "span [5, 2) GPE '北京': start must be ≥ 0 and below end"),
        ({"start": -1, "end": 2}, "span [-1, 2) GPE '北京': start must be ≥ 0 and below end"),
        ({"start": 4, "end": 9}, "span [4, 9) GPE '北京': span ends after the text (6 characters)"),
        ({"text": "上海"}, "span [0, 2) GPE '上海': text does not match the document, which has '北京' there"),
        (
            {"labels": ["CITY"]},
            "span [0, 2) CITY '北京': label 'CITY' is not in the schema (use one of the twelve labels or map it)",
        ),
    ],
)
def test_region_checks(region: dict[str, Any], reason: str) -> None:
    value = {"start": 0, "end": 2, "text": "北京", "labels": ["GPE"]} | region
    result = [{"id": "r", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]
    assert region_problems(result, "北京是首都。") == [("r", reason)]


def test_regions_without_value_or_text_and_results_that_are_not_lists() -> None:
    regions = [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels"},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 2}},
        "北京",
    ]
    assert region_problems(regions, "北京是首都。") == [
        ("a", "the region has no `value`"),
        ("b", "a region needs exactly one label, it has None"),
        ("#2", "not a region but a str"),
    ]
    assert region_problems({"start": 0}, "北京是首都。") == [(None, "`result` is a dict, not a list of regions")]


def test_a_result_of_another_control_is_a_problem() -> None:
    result = [{"id": "c", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["x"]}}]
    assert region_problems(result, "abc") == [
        (
            "c",
            "a 'choices' result from 'sentiment' to 'text'; the labeling config has only Labels 'label' on Text 'text'",
        )
    ]


def test_detect_format_refuses_what_is_not_an_export() -> None:
    with pytest.raises(ExportFormatError, match=r"^not a Label Studio export: expected a list of tasks"):
        detect_format({"tasks": []})
    with pytest.raises(ExportFormatError, match=r"^not a Label Studio export: its records have neither"):
        detect_format([{"foo": 1}])
    assert detect_format([]) == "JSON"


def test_load_export_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "export.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportFormatError, match=rf"^{bad}: not JSON \("):
        load_export(bad)
    with pytest.raises(ExportFormatError, match=r"no such file; give the JSON file exported from Label Studio$"):
        load_export(tmp_path / "missing.json")


# ------------------------------------------------------------------------------ properties

CHARS = st.sampled_from(list("北京上海𠮷𩸽田\r\n，。ab1 "))


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(st.text(CHARS, min_size=1, max_size=60))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=12))))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end:
            spans.append(Span(start, end, draw(st.sampled_from(LABELS)), text[start:end]))
    return text, spans


@settings(max_examples=150, deadline=None)
@given(text_and_spans())
def test_conversion_keeps_every_valid_span_exactly(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    results = [region(s, f"r{n}", origin="manual") for n, s in enumerate(reversed(spans))]
    result = convert_export(one_annotation(results, text), documents=[Document("d", text)])
    assert result.problems == []
    assert result.annotator_set("a@x.org").spans("d") == spans
    assert result.candidate.spans("d") == spans
