"""`pull --from-file`: recorded exports in, annotation sets and gold files out (no server needed)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jinbiao.annotate.labelstudio.pull import PullFailed, pull_file
from jinbiao.cli import main
from jinbiao.gold import Document, JinbiaoError, read_gold_document, read_jsonl

DATA = Path(__file__).resolve().parents[2] / "data" / "labelstudio"
TEXT_A = "𠮷野家在北京开店。\r\n上海的𠮷田先生说：“好。”\r\n2020年5月9日，深圳市人民政府发布通知。"
TEXT_B = "香港特别行政区政府今天宣布，3月1日起恢复通关。"
ANN1 = "ann1.1795384671@example.com"
ANN2 = "ann2.1795384671@example.com"
ADMIN = "admin@jinbiao.local"


def corpus() -> list[Document]:
    return [Document("doc-a", TEXT_A, source="doc-a.txt"), Document("doc-b", TEXT_B, source="doc-b.txt")]


def listing(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_pull_file_writes_every_set_and_a_summary_that_reconciles(tmp_path: Path) -> None:
    out = tmp_path / "pulled"
    report = pull_file(DATA / "snapshot.json", out)
    assert listing(out) == [
        f"annotators/{ADMIN}.jsonl",
        f"annotators/{ANN1}.jsonl",
        f"annotators/{ANN2}.jsonl",
        "candidate.jsonl",
        f"drafts/{ANN2}.jsonl",
        "predictions/fake@1.jsonl",
        f"provenance/{ADMIN}.jsonl",
        f"provenance/{ANN1}.jsonl",
        f"provenance/{ANN2}.jsonl",
        f"skipped/{ANN2}.jsonl",
        "summary.json",
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["format"] == "jinbiao-pull/1"
    assert summary["reconciled"] is True
    assert summary["counts"]["annotations"]["in_export"] == 5
    assert summary["counts"]["annotations"]["written"] + summary["counts"]["annotations"]["reported"] == 5
    assert [e["file"] for e in summary["files"]["annotators"]] == [
        f"annotators/{ADMIN}.jsonl",
        f"annotators/{ANN1}.jsonl",
        f"annotators/{ANN2}.jsonl",
    ]
    assert len(summary["items"]) == 8 and {i["status"] for i in summary["items"]} == {"written"}
    # what is written reads back, validated, as exactly what was converted
    for annotation_set in report.result.annotator_sets:
        again = read_jsonl(out / "annotators" / annotation_set.meta["file"])
        assert again.name == annotation_set.name
        assert {d.doc_id: d.spans for d in again} == {d.doc_id: d.spans for d in annotation_set}
    assert report.lines()[1] == (
        "annotations: 5 in Label Studio = 5 written + 0 reported; 1 skipped kept apart; "
        "drafts: 1 kept apart, 0 reported"
    )


def test_gold_files_are_written_for_the_candidate_with_the_corpus(tmp_path: Path) -> None:
    out = tmp_path / "pulled"
    pull_file(DATA / "snapshot.json", out, documents=corpus(), write_gold=True, policy="ground-truth")
    assert sorted(p.name for p in (out / "gold").glob("*.json")) == ["doc-a.json"]
    document, spans, annotators = read_gold_document(out / "gold" / "doc-a.json")
    assert document.text == TEXT_A
    assert [(s.start, s.end, s.label) for s in spans] == [(4, 6, "GPE"), (11, 13, "GPE")]
    assert annotators == [ADMIN]


def test_gold_files_need_the_corpus_and_one_candidate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(JinbiaoError) as no_corpus:
        pull_file(DATA / "snapshot.json", tmp_path / "a", write_gold=True)
    assert str(no_corpus.value) == (
        "gold files need each document's offset map back to its source; "
        "pass the corpus that was pushed (corpus=PATH), for each document's offset map"
    )
    with pytest.raises(JinbiaoError) as policy_all:
        pull_file(DATA / "snapshot.json", tmp_path / "b", write_gold=True, documents=corpus(), policy="all")
    assert str(policy_all.value) == (
        "gold files need one candidate per document; "
        "choose a policy that gives one candidate per document (latest or ground-truth)"
    )
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
    assert main(["pull", "--from-file", str(DATA / "snapshot.json"), "-o", str(tmp_path / "c"), "--write-gold"]) == 2
    assert capsys.readouterr().err == (
        "jinbiao pull: error: gold files need each document's offset map back to its source; "
        "pass the corpus you pushed with --corpus PATH (each document's offset map comes from it)\n"
    )
    assert not (tmp_path / "c").exists()


def test_problems_write_nothing_unless_allowed(tmp_path: Path) -> None:
    out = tmp_path / "pulled"
    with pytest.raises(PullFailed) as failed:
        pull_file(DATA / "snapshot_problems.json", out)
    assert str(failed.value) == (
        "4 problem(s) in 2 task(s), listed above; nothing was written; "
        "fix them in Label Studio, or write the rest and report these (allow_problems=True)"
    )
    assert not out.exists()
    assert listing(tmp_path) == []
    report = pull_file(DATA / "snapshot_problems.json", out, allow_problems=True)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert [(p["task_id"], p["region_id"]) for p in summary["problems"]] == [
        (3, "range1"),
        (3, "text1"),
        (3, "label1"),
        (4, None),
    ]
    assert summary["counts"]["annotations"] | {} == report.result.counts["annotations"]
    # the annotation with three broken regions is written with its sound one; the task without text is not
    assert (summary["counts"]["annotations"]["written"], summary["counts"]["annotations"]["reported"]) == (2, 1)
    assert summary["counts"]["regions"] == {"in_export": 6, "written": 2, "reported": 4}
    assert listing(out) == [
        f"annotators/{ANN1}.jsonl",
        f"annotators/{ANN2}.jsonl",
        f"provenance/{ANN1}.jsonl",
        f"provenance/{ANN2}.jsonl",
        "summary.json",
    ]


def test_an_existing_output_is_kept_without_overwrite_and_replaced_whole_with_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pulled"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(JinbiaoError) as refused:
        pull_file(DATA / "snapshot.json", out)
    assert str(refused.value) == f"{out} exists and is not empty; allow overwriting (overwrite=True) to replace it"
    assert main(["pull", "--from-file", str(DATA / "snapshot.json"), "--output", str(out)]) == 2
    refused_line = f"jinbiao pull: error: {out} exists and is not empty; pass --overwrite to replace it\n"
    assert capsys.readouterr().err == refused_line
    assert listing(out) == ["keep.txt"]
    pull_file(DATA / "snapshot.json", out, overwrite=True)
    assert "keep.txt" not in listing(out) and "summary.json" in listing(out)
    assert [p.name for p in tmp_path.iterdir()] == ["pulled"]  # no temporary directory left behind


def test_cli_pull_from_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pulled"
    assert main(["pull", "--from-file", str(DATA / "ui_export_min.json"), "-o", str(out)]) == 0
    printed = capsys.readouterr()
    assert printed.err == ""
    assert printed.out.splitlines()[0] == f"pulled {DATA / 'ui_export_min.json'}: 2 tasks, 2 documents (JSON_MIN)"
    assert "note: JSON_MIN leaves out skipped annotations" in printed.out
    assert listing(out) == [
        "annotators/user-1.jsonl",
        "annotators/user-2.jsonl",
        "annotators/user-3.jsonl",
        "candidate.jsonl",
        "provenance/user-1.jsonl",
        "provenance/user-2.jsonl",
        "provenance/user-3.jsonl",
        "summary.json",
    ]


def test_cli_pull_lists_problems_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pulled"
    assert main(["pull", "--from-file", str(DATA / "snapshot_problems.json"), "-o", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"problem: task 3 (document doc-a), annotation 6 by {ANN1}, region range1: "
        "span [47, 51) GPE '北京': span ends after the text (48 characters)"
    )
    assert err[3] == (
        "problem: task 4 (document doc-b): the task has no data.text: not pushed by jinbiao, or its data was edited"
    )
    assert err[4] == (
        "jinbiao pull: error: 4 problem(s) in 2 task(s), listed above; nothing was written; "
        "fix them in Label Studio, or pass --allow-problems to write the rest and report these"
    )
    assert len(err) == 5
    assert not out.exists()


def test_cli_pull_from_a_file_that_is_not_an_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "tasks.json"
    shutil.copy(DATA / "snapshot.json", bad)
    bad.write_text('{"tasks": []}', encoding="utf-8")
    assert main(["pull", "--from-file", str(bad), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"jinbiao pull: error: {bad}: not a Label Studio export: expected a list of tasks; "
        "export the project as JSON or JSON_MIN\n"
    )
