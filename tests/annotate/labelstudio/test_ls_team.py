"""Team projects on exports recorded from a real Label Studio 1.23.2, where two annotators drew
regions with the mouse in Chromium and an adjudicator settled their disagreements
(tests/data/labelstudio/team_*.json, recorded by record_team_exports.py). No server needed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from jinbiao.annotate.labelstudio.adjudication import (
    CANDIDATES,
    candidate_regions,
    compare,
    decisions_for,
    gold_from,
    refuse_problems,
    write_gold,
)
from jinbiao.annotate.labelstudio.client import LabelStudioError, check_title
from jinbiao.annotate.labelstudio.export import convert_export
from jinbiao.annotate.labelstudio.team import (
    Team,
    TeamError,
    annotator_titles,
    assign,
    check_team_titles,
    team_of,
    team_pull_of,
)
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold import Document, Span, read_gold
from jinbiao.gold.errors import OutputExistsError

DATA = Path(__file__).resolve().parents[2] / "data" / "labelstudio"
A, B, JUDGE = "t5-a@example.com", "t5-b@example.com", "t5-judge@example.com"
TITLE = "团队金标5"
TEAM = Team(TITLE, {A: f"{TITLE} · t5-a", B: f"{TITLE} · t5-b"}, 2, "fake@1", f"{TITLE} · adjudication")
TEXTS = {
    "team-1": "𠮷野家在北京开店。\n上海市人民政府\n办公厅发布通知。",
    "team-2": "2020年5月9日，深圳市人民政府发布通知。",
    "team-3": "香港特别行政区政府今天宣布恢复通关。",
}
ACROSS = "上海市人民政府\n办公厅"


def load(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


USERS = {int(user_id): email for user_id, email in load("team_users").items()}


def documents() -> list[Document]:
    return [Document(doc_id, text, source=f"{doc_id}.txt") for doc_id, text in TEXTS.items()]


def span(doc_id: str, needle: str, label: str) -> Span:
    start = TEXTS[doc_id].index(needle)
    return Span(start, start + len(needle), label, needle)


def team_pull(a: Any = None, b: Any = None):
    results = {A: convert_export(a or load("team_a"), users=USERS), B: convert_export(b or load("team_b"), users=USERS)}
    return team_pull_of(TEAM, results)


def adjudicated(payload: Any = None):
    return convert_export(payload or load("team_adjudication"), users=USERS)


EXPECTED_A = {
    "team-1": [span("team-1", "野家", "ORG"), span("team-1", "北京", "GPE"), span("team-1", ACROSS, "ORG")],
    "team-2": [span("team-2", "2020年5月9日", "DATE"), span("team-2", "深圳市人民政府", "ORG")],
    "team-3": [span("team-3", "香港特别行政区政府", "ORG")],
}
EXPECTED_B = {
    "team-1": [span("team-1", "野家", "ORG"), span("team-1", "北京", "LOC"), span("team-1", ACROSS, "ORG")],
    "team-2": [span("team-2", "2020年5月", "DATE"), span("team-2", "深圳市人民政府", "ORG")],
    "team-3": [span("team-3", "香港特别行政区政府", "ORG")],
}


# ------------------------------------------------------------------------------------- pull


def test_a_region_across_a_line_break_is_read_by_its_offsets() -> None:
    raw = next(r for t in load("team_a") for a in t["annotations"] for r in a["result"] if "\\n" in r["value"]["text"])
    assert raw["value"]["text"] == "上海市人民政府\\n办公厅"  # Label Studio writes the break as a backslash and n
    result = convert_export(load("team_a"), users=USERS)
    assert result.problems == []
    assert {d.doc_id: d.spans for d in result.annotator_set(A)} == EXPECTED_A
    across = result.annotator_set(A).spans("team-1")[2]
    assert (across.start, across.end, across.text) == (10, 21, ACROSS)


def test_an_escaped_text_that_is_not_the_text_there_is_still_a_problem() -> None:
    payload = load("team_a")
    region = next(r for t in payload for a in t["annotations"] for r in a["result"] if "\\n" in r["value"]["text"])
    region["value"]["text"] = "上海市人民政府\\n办公楼"
    result = convert_export(payload, users=USERS)
    assert [p.reason for p in result.problems] == [
        "span [10, 21) ORG '上海市人民政府\\\\n办公楼': text does not match the document, "
        "which has '上海市人民政府\\n办公厅' there"
    ]


def test_human_spans_carry_who_and_how_and_no_model_score() -> None:
    result = convert_export(load("team_b"), users=USERS)
    raw = next(r for t in load("team_b") for a in t["annotations"] for r in a["result"] if r["value"]["text"] == "北京")
    assert (raw["origin"], raw["value"]["labels"], raw["score"]) == ("prediction-changed", ["LOC"], 0.994)
    pulled = result.annotator_set(B)
    assert {d.doc_id: d.spans for d in pulled} == EXPECTED_B
    assert all(s.score is None and s.origin == B for d in pulled for s in d.spans)
    assert [s.score for d in result.sets["prediction"][0] for s in d.spans] == [0.994, 0.994, 0.994]
    placed = next(p for p in result.items if p.item.kind == "annotation" and p.doc_id == "team-1")
    provenance = placed.provenance()
    assert (provenance["completed_by"], provenance["updated_by"], provenance["started_from"]) == (B, B, "fake@1")
    assert [(s["text"], s["label"], s["how"]) for s in provenance["spans"]] == [
        ("野家", "ORG", "drawn"),
        ("北京", "LOC", "changed"),
        (ACROSS, "ORG", "drawn"),
    ]


def test_pull_writes_provenance_and_counts_how_each_span_came_about(tmp_path: Path) -> None:
    from jinbiao.annotate.labelstudio.pull import pull_file

    report = pull_file(DATA / "team_b.json", tmp_path / "out")
    lines = (tmp_path / "out" / "provenance" / f"{B}.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["doc_id"] for line in lines] == ["team-1", "team-2", "team-3"]
    assert report.summary["files"]["annotators"][0]["how"] == {"accepted": 2, "changed": 1, "drawn": 3}
    assert f"  {B}: 3 documents, 6 spans (2 accepted, 1 changed, 3 drawn) → " in "\n".join(report.lines())


def test_several_annotators_on_a_document_give_no_silent_latest_candidate(tmp_path: Path) -> None:
    both = load("team_a")
    for task, other in zip(both, load("team_b"), strict=True):
        task["annotations"] += other["annotations"]
    result = convert_export(both, users=USERS)
    assert sorted(result.candidate.documents) == ["team-3"]  # the one document where they agree
    assert result.candidate.meta["items"][0]["agreed_by"] == [A, B]
    assert result.candidate_missing == {
        "team-1": f"its 2 annotators differ ({A}, {B}): adjudicate, or mark one annotation ground truth",
        "team-2": f"its 2 annotators differ ({A}, {B}): adjudicate, or mark one annotation ground truth",
    }


def test_spans_with_an_unclean_edge_are_reported_and_kept_out_of_gold_files(tmp_path: Path) -> None:
    from jinbiao.annotate.labelstudio.pull import PullFailed, pull_file

    payload = load("team_a")
    region = payload[2]["annotations"][0]["result"][0]  # team-3: 香港特别行政区政府
    region["value"].update(start=17, end=18, text="。")  # a full stop alone: punctuation at both edges
    path = tmp_path / "export.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    report = pull_file(path, tmp_path / "plain")
    edge = (
        "span [17, 18) ORG '。': starts or ends with whitespace or punctuation "
        "(guideline G3: a span's edges are part of the name)"
    )
    assert [e.reason for e in report.edges] == [edge]
    summary = json.loads((tmp_path / "plain" / "summary.json").read_text(encoding="utf-8"))
    assert [e["reason"] for e in summary["edges"]] == [edge]
    with pytest.raises(PullFailed):
        pull_file(path, tmp_path / "gold", documents=documents(), write_gold=True)
    assert not (tmp_path / "gold").exists()
    allowed = pull_file(path, tmp_path / "gold", documents=documents(), write_gold=True, allow_problems=True)
    assert allowed.result.candidate.spans("team-3") == []
    assert read_gold(tmp_path / "gold" / "gold").spans("team-3") == []


# ------------------------------------------------------------------------------------- team


def test_documents_go_to_k_annotators_in_turn() -> None:
    docs = [Document(f"d{n}", "北京") for n in range(4)]
    shares = assign(docs, ["a", "b", "c"], 2)
    assert {who: [d.id for d in found] for who, found in shares.items()} == {
        "a": ["d0", "d2", "d3"],
        "b": ["d0", "d1", "d3"],
        "c": ["d1", "d2"],
    }


def test_each_annotator_has_a_project_named_after_them() -> None:
    assert annotator_titles("新闻", ["li@a.org", "wang@b.org"]) == {
        "li@a.org": "新闻 · li",
        "wang@b.org": "新闻 · wang",
    }
    assert annotator_titles("新闻", ["li@a.org", "li@b.org"]) == {
        "li@a.org": "新闻 · li@a.org",
        "li@b.org": "新闻 · li@b.org",
    }


def test_titles_label_studio_refuses_are_refused_first(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(LabelStudioError) as short:
        check_title("金标")
    assert str(short.value) == "project title '金标' has 2 characters; Label Studio wants 3 to 50: choose another title"
    with pytest.raises(
        TeamError, match=r"would have 51 characters, Label Studio allows 50: choose a shorter team title$"
    ):
        check_team_titles("x" * 36, ["a@x.org", "b@x.org"])
    assert main(["team", "create", "--project", "金标", "--annotators", "a@x.org", "b@x.org"]) == 2
    assert capsys.readouterr().err == (
        "jinbiao team: error: project title '金标' has 2 characters; Label Studio wants 3 to 50: choose another title\n"
    )
    assert main(["push", "--project", "金标"]) == 2
    assert "Label Studio wants 3 to 50" in capsys.readouterr().err


def test_the_team_record_round_trips_through_the_description() -> None:
    description = TEAM.description()
    assert description.startswith(
        f"Team project: 2 independent annotations per document by {A}, {B}, each in their own project"
    )
    assert team_of(TITLE, description) == TEAM
    with pytest.raises(TeamError, match="is not a team project"):
        team_of(TITLE, "a project")
    with pytest.raises(TeamError, match="its team record .* is damaged"):
        team_of(TITLE, "jinbiao-team: {")


def test_a_team_pull_takes_each_annotators_latest_annotations() -> None:
    pulled = team_pull()
    assert pulled.problems == [] and pulled.notes == []
    assert {d.doc_id: d.spans for d in pulled.annotator_sets[A]} == EXPECTED_A
    assert {d.doc_id: d.spans for d in pulled.annotator_sets[B]} == EXPECTED_B
    assert pulled.members[A].started_from is not None and pulled.members[A].started_from.origin == "fake@1"


def test_work_by_someone_else_or_changed_by_someone_else_is_reported() -> None:
    payload = load("team_b")
    intruder = copy.deepcopy(payload[2]["annotations"][0])
    intruder.update(id=99, completed_by={"id": 17, "email": A}, updated_by=17)
    payload[2]["annotations"].append(intruder)
    payload[1]["annotations"][0]["updated_by"] = 19
    payload[0]["annotations"][0]["parent_prediction"] = None
    pulled = team_pull(b=payload)
    project = TEAM.annotators[B]
    assert pulled.problems == [
        f"{project}: task 45 (document team-2), annotation 19 by {B} was last changed by {JUDGE}",
        f"{project}: task 46 (document team-3), annotation 99 is by {A}, not {B}: it is left out "
        f"(only {B} annotates here)",
    ]
    assert pulled.notes == [
        f"{project}: task 44 (document team-1), annotation 18 did not start from the pre-annotations of fake@1 "
        "(Label Studio's + button opens an empty annotation): its spans were all drawn by hand"
    ]
    with pytest.raises(Exception) as refused:
        refuse_problems(pulled, allow_problems=False)
    assert describe(refused.value) == (
        "2 problem(s) in the annotators' projects (listed above); no gold was written; "
        "fix them in Label Studio, or pass --allow-problems to write the rest and report these"
    )


# ------------------------------------------------------------------------------ adjudication


def test_compare_finds_agreed_spans_and_each_disagreement() -> None:
    comparison = compare("team-1", {A: EXPECTED_A["team-1"], B: EXPECTED_B["team-1"]})
    assert comparison.agreed == [span("team-1", "野家", "ORG"), span("team-1", ACROSS, "ORG")]
    [disagreement] = comparison.disagreements
    assert (disagreement.start, disagreement.end) == (4, 6)
    assert disagreement.readings == {A: [span("team-1", "北京", "GPE")], B: [span("team-1", "北京", "LOC")]}
    boundary = compare("team-2", {A: EXPECTED_A["team-2"], B: EXPECTED_B["team-2"]}).disagreements[0]
    assert (boundary.start, boundary.end) == (0, 9)
    assert compare("team-3", {A: EXPECTED_A["team-3"], B: EXPECTED_B["team-3"]}).settled


def test_an_agreed_span_with_an_unclean_edge_goes_to_the_adjudicator() -> None:
    text = "“北京”很大。"
    edge = Span(0, 3, "GPE", text[0:3])
    comparison = compare("d", {A: [edge], B: [edge]})
    assert comparison.agreed == [] and [g.edge for g in comparison.disagreements] == [True]
    [made] = candidate_regions(comparison)
    assert made["meta"]["text"][0].endswith("| this span starts or ends with whitespace or punctuation (guideline G3)")


def test_an_adjudication_task_opens_on_the_agreed_spans_and_every_reading() -> None:
    comparison = compare("team-1", {A: EXPECTED_A["team-1"], B: EXPECTED_B["team-1"]})
    regions = candidate_regions(comparison)
    shown = [(r["value"]["text"], r["value"]["labels"][0], r["meta"]["text"][0]) for r in regions]
    readings = f"readings here: {A}: GPE '北京'; {B}: LOC '北京'"
    assert shown == [
        ("野家", "ORG", f"agreed by {A}, {B}"),
        (ACROSS, "ORG", f"agreed by {A}, {B}"),
        ("北京", "GPE", f"{A}: GPE '北京' | {readings}"),
        ("北京", "LOC", f"{B}: LOC '北京' | {readings}"),
    ]
    recorded = next(t for t in load("team_adjudication") if t["data"]["doc_id"] == "team-1")
    opened = next(p for p in recorded["predictions"] if p["model_version"] == CANDIDATES)
    assert [(r["value"]["text"], r["meta"]["text"][0]) for r in opened["result"]] == [(t, m) for t, _, m in shown]
    assert sorted(p["model_version"] for p in recorded["predictions"]) == sorted([CANDIDATES, A, B])


def test_the_gold_is_the_agreed_documents_and_the_adjudicated_ones_with_a_decision_each(tmp_path: Path) -> None:
    report = gold_from(team_pull(), adjudicated(), documents(), adjudicator=JUDGE)
    assert report.problems == [] and report.waiting == {}
    assert report.settled == {"team-1": "adjudicated", "team-2": "adjudicated", "team-3": "agreed"}
    assert {d.doc_id: d.spans for d in report.gold} == EXPECTED_A
    assert [(d.doc_id, d.kind, d.chosen_from, d.by, [s.key for s in d.chosen]) for d in report.decisions] == [
        ("team-1", "disagreement", [A], JUDGE, [(4, 6, "GPE")]),
        ("team-2", "disagreement", [A], JUDGE, [(0, 9, "DATE")]),
    ]
    assert report.decisions[1].to_dict()["readings"] == {
        A: [{"start": 0, "end": 9, "label": "DATE", "text": "2020年5月9日", "origin": A}],
        B: [{"start": 0, "end": 7, "label": "DATE", "text": "2020年5月", "origin": B}],
    }
    report.out_dir = tmp_path / "gold"
    write_gold(report, team_pull(), documents())
    assert sorted(str(p.relative_to(report.out_dir)) for p in report.out_dir.rglob("*") if p.is_file()) == [
        f"annotations/{A}.jsonl",
        f"annotations/{B}.jsonl",
        "decisions.jsonl",
        "documents/.jinbiao-gold",
        "documents/team-1.json",
        "documents/team-2.json",
        "documents/team-3.json",
        "summary.json",
    ]
    assert {d.doc_id: d.spans for d in read_gold(report.out_dir / "documents")} == EXPECTED_A
    with pytest.raises(OutputExistsError):
        write_gold(report, team_pull(), documents())


def test_an_adjudication_by_someone_else_or_still_undecided_keeps_its_document_out() -> None:
    report = gold_from(team_pull(), adjudicated(), documents(), adjudicator="other@example.com")
    assert report.waiting == {"team-1": "waiting for adjudication", "team-2": "waiting for adjudication"}
    assert len(report.problems) == 2 and report.problems[0].endswith("not the adjudicator other@example.com: left out")
    payload = load("team_adjudication")
    task = next(t for t in payload if t["data"]["doc_id"] == "team-1")
    loc = next(r for r in task["predictions"][0]["result"] if r["value"]["labels"] == ["LOC"])
    task["annotations"][0]["result"].append(loc)  # the adjudicator left both readings in place
    report = gold_from(team_pull(), adjudicated(payload), documents(), adjudicator=JUDGE)
    assert report.waiting["team-1"].startswith(
        f"its adjudication (annotation 21) is not settled: task {task['id']} (document team-1), annotation 21 by "
        f"{JUDGE}, region d0-1: span [4, 6) LOC '北京': overlaps [4, 6) GPE '北京'"
    )
    assert sorted(report.settled) == ["team-2", "team-3"]


def test_decisions_record_changed_agreed_spans_and_added_ones() -> None:
    comparison = compare("team-1", {A: EXPECTED_A["team-1"], B: EXPECTED_B["team-1"]})
    final = [span("team-1", "北京", "GPE"), span("team-1", ACROSS, "ORG"), span("team-1", "开店", "ORG")]
    found = decisions_for(comparison, final, TEXTS["team-1"], by=JUDGE, task_id=1, annotation_id=2, at="now")
    assert [(d.kind, d.text, [s.text for s in d.chosen], d.chosen_from) for d in found] == [
        ("agreed span changed", "野家", [], []),
        ("disagreement", "北京", ["北京"], [A]),
        ("span added", "开店", ["开店"], []),
    ]


# -------------------------------------------------------------------------------- agreement


def test_team_agreement_per_pair_document_label_and_preannotation() -> None:
    from jinbiao.team import team_agreement, team_agreement_html, team_agreement_text

    result = team_agreement(team_pull())
    assert result.pairs[["a", "b", "documents"]].values.tolist() == [[A, B, 3]]
    assert result.pairs["f1_strict"].tolist() == [pytest.approx(2 / 3)]
    assert result.lead_fields() == {
        "team-1": {"agreement": 0.667, "annotated": "2/2", "disagreements": 1},
        "team-2": {"agreement": 0.5, "annotated": "2/2", "disagreements": 1},
        "team-3": {"agreement": 1.0, "annotated": "2/2", "disagreements": 0},
    }
    per_label = {row.label: (row.agreed, row.f1) for row in result.per_label.itertuples(index=False)}
    assert per_label == {"ORG": (4, 1.0), "GPE": (0, 0.0), "LOC": (0, 0.0), "DATE": (0, 0.0)}
    overall = result.acceptance[result.acceptance["label"] == "all"].set_index("annotator")
    columns = ["predicted", "kept", "final spans", "precision", "recall", "accepted", "changed", "drawn"]
    assert overall.loc[A, columns].tolist() == [3, 3, 6, 1.0, 0.5, 3, 0, 3]
    assert overall.loc[B, columns].tolist() == [3, 2, 6, pytest.approx(2 / 3), pytest.approx(1 / 3), 2, 1, 3]
    text = team_agreement_text(result)
    assert f"team {TITLE!r}: 2 annotators, 2 per document, starting from fake@1" in text
    assert "team-2    2/2        2 / 2      0.500              1" in text
    page = team_agreement_html(result)
    assert page.count('<h3 id="doc-team-') == 2  # the two documents where they differ, side by side
    assert f"Disagreements: {A} and {B}" in page


def test_the_datasheet_figures_come_back_from_the_written_gold(tmp_path: Path, capsys: Any) -> None:
    report = gold_from(team_pull(), adjudicated(), documents(), adjudicator=JUDGE)
    report.out_dir = tmp_path / "gold"
    write_gold(report, team_pull(), documents())
    assert main(["datasheet", str(report.out_dir)]) == 0
    sheet = capsys.readouterr().out
    assert "| total | 66 | 0 | 4 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 6 |" in sheet
    assert f"| {A} | {B} | 3 | 0.667 |" in sheet
    assert f"| disagreement | {A} | 2 |" in sheet
    assert main(["datasheet", str(tmp_path)]) == 2
    assert "no documents/ folder" in capsys.readouterr().err
