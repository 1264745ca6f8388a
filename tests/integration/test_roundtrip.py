"""Round trips against the real server: push → annotations made through the API the way
annotators make them (each with their own token) → pull → exactly the spans that were sent."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import Annotator, Server, draft, region, regions

from jinbiao.annotate.labelstudio.client import LabelStudioError
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.pull import PullFailed, pull
from jinbiao.annotate.labelstudio.push import PushRefused, push
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold import LABELS, AnnotationSet, Document, Span, read_jsonl

TITLE = "round trip"


def variant(seed: Document) -> Document:
    """A seed article's opening with CRLF line endings and 𠮷 in it: what the seeds lack."""
    head = seed.text[:300]
    text = "𠮷" + head.replace("\n", "\r\n") + "\r\n𠮷野家：北京\r\n上海"
    return Document("zz-crlf-nonbmp", text, source="zz-crlf-nonbmp.txt")


def baseline(name: str, documents: list[Document]) -> AnnotationSet:
    """A real baseline's predictions when the baselines are importable, else a small stand-in."""
    try:
        from jinbiao.baselines import get_extractor

        return get_extractor(name).annotate(documents)
    except ImportError:
        found = AnnotationSet(name=f"fake-{name}", kind="baseline", version="1")
        for document in documents:
            spans = [document.span(m.start(), m.end(), "GPE") for m in re.finditer("北京|上海|深圳", document.text)]
            found.add_document(document, spans)
        return found


def edited(spans: list[Span], text: str) -> list[Span]:
    """What the editor makes of the predictions: some dropped, boundaries moved, labels changed."""
    out = []
    for n, span in enumerate(spans):
        if n % 5 == 4:
            continue
        start, end, label = span.start, span.end, span.label
        if n % 3 == 0 and end - start > 1:
            end -= 1
        elif n % 3 == 1 and end - start > 1:
            start += 1
        if n % 4 == 0:
            label = LABELS[(LABELS.index(label) + 1) % len(LABELS)]
        out.append(Span(start, end, label, text[start:end]))
    return out


def added(document: Document) -> list[Span]:
    """The adder's spans: right after every 𠮷 and every \\r\\n."""
    spans: list[Span] = []
    for match in re.finditer("𠮷|\r\n", document.text):
        start, end = match.end(), match.end() + 2
        piece = document.text[start:end]
        clean = end <= len(document.text) and "\r" not in piece and "\n" not in piece
        if clean and (not spans or spans[-1].end <= start):
            spans.append(document.span(start, end, "ORG"))
    return spans


def tasks_by_doc(server: Server, project_id: int) -> dict[str, Any]:
    return {t.data["doc_id"]: t for t in server.client().tasks.list(project=project_id, fields="all")}


@pytest.fixture(scope="module")
def documents(seed_documents: dict[str, Document]) -> list[Document]:
    seeds = list(seed_documents.values())
    return [*seeds, variant(seeds[0])]


@pytest.fixture(scope="module")
def rules(documents: list[Document]) -> AnnotationSet:
    return baseline("rules", documents)


@pytest.fixture(scope="module")
def round_trip(
    server: Server, annotators: dict[str, Annotator], documents: list[Document], rules: AnnotationSet
) -> dict[str, Any]:
    """Push the seeds (and the CRLF / 𠮷 variant) with predictions; three annotators annotate."""
    report = push(server.connection(), TITLE, documents, [rules])
    tasks = tasks_by_doc(server, report.project_id)
    sent: dict[str, dict[str, list[Span]]] = {"accepter": {}, "editor": {}, "adder": {}}
    by_id = {d.id: d for d in documents}
    for doc_id, task in tasks.items():
        document = by_id[doc_id]
        prediction = task.predictions[0]
        # the accepter takes the pre-annotations as they are, as the UI does on "accept"
        annotators["accepter"].client.annotations.create(
            id=task.id, result=prediction.result, parent_prediction=prediction.id, lead_time=12.0
        )
        sent["accepter"][doc_id] = rules.spans(doc_id)
        mine = edited(rules.spans(doc_id), document.text)
        annotators["editor"].client.annotations.create(id=task.id, result=regions(mine, "ed"), lead_time=30.0)
        sent["editor"][doc_id] = mine
    variant_id = documents[-1].id
    mine = added(by_id[variant_id])
    assert len(mine) >= 3
    annotators["adder"].client.annotations.create(id=tasks[variant_id].id, result=regions(mine, "add"))
    sent["adder"][variant_id] = mine
    return {"report": report, "tasks": tasks, "sent": sent}


def test_push_creates_the_project_and_a_task_per_document(
    round_trip: dict[str, Any], documents: list[Document], rules: AnnotationSet
) -> None:
    report = round_trip["report"]
    assert report.project_created and report.tasks_created == len(documents)
    assert report.predictions_created == {rules.origin: len(documents)}
    assert report.shown_model_version == rules.origin
    for doc_id, task in round_trip["tasks"].items():
        values = [r["value"] for r in task.predictions[0].result]
        assert [(v["start"], v["end"], v["labels"][0], v["text"]) for v in values] == [
            (s.start, s.end, s.label, s.text) for s in rules.spans(doc_id)
        ]


def test_pull_gives_back_exactly_the_spans_each_annotator_sent(
    server: Server,
    round_trip: dict[str, Any],
    annotators: dict[str, Annotator],
    documents: list[Document],
    rules: AnnotationSet,
    tmp_path: Path,
) -> None:
    out = tmp_path / "pulled"
    report = pull(server.connection(), TITLE, out, documents=documents)
    result = report.result
    assert result.problems == []
    for name, per_doc in round_trip["sent"].items():
        email = annotators[name].email
        pulled = result.annotator_set(email)
        assert pulled is not None, email
        assert {d.doc_id: d.spans for d in pulled} == {k: sorted(v) for k, v in per_doc.items()}
        on_disk = read_jsonl(out / "annotators" / f"{email}.jsonl")
        assert {d.doc_id: d.spans for d in on_disk} == {k: sorted(v) for k, v in per_doc.items()}
    # two annotators on one task are both kept
    for document in documents:
        holders = {s.meta["who"] for s in result.annotator_sets if document.id in s.documents}
        assert {annotators["accepter"].email, annotators["editor"].email} <= holders
    counts = result.counts["annotations"]
    total = 2 * len(documents) + 1
    assert (counts["in_export"], counts["written"], counts["reported"]) == (total, total, 0)
    assert report.summary["label_studio_counts"]["annotations"] == total
    assert result.reconciled
    # no silent "latest" winner among annotators who differ: the variant document has three
    who = ", ".join(sorted(annotators[name].email for name in ("accepter", "adder", "editor")))
    assert result.candidate_missing[documents[-1].id] == (
        f"its 3 annotators differ ({who}): adjudicate, or mark one annotation ground truth"
    )
    # every span says who made it and how: the accepter's were accepted from the predictions
    accepted = result.provenance(annotators["accepter"].email)
    assert len(accepted) == len(documents)
    for record in accepted:
        assert record["completed_by"] == annotators["accepter"].email and record["started_from"] == rules.origin
        assert {span["how"] for span in record["spans"]} <= {"accepted"}
        assert all("score" not in span for span in record["spans"])


def test_pushing_again_adds_nothing_and_a_new_baseline_adds_only_its_predictions(
    server: Server, round_trip: dict[str, Any], documents: list[Document], rules: AnnotationSet
) -> None:
    connection = server.connection()
    again = push(connection, TITLE, documents, [rules])
    assert (again.project_created, again.tasks_created, again.predictions_created) == (False, 0, {})
    assert again.tasks_present == len(documents) and again.predictions_present == len(documents)
    union = baseline("union", documents)
    added_baseline = push(connection, TITLE, documents, [rules, union])
    assert added_baseline.tasks_created == 0
    assert added_baseline.predictions_created == {union.origin: len(documents)}
    assert added_baseline.shown_model_version == rules.origin  # annotators keep seeing what they saw
    third = push(connection, TITLE, documents, [rules, union])
    assert third.predictions_created == {} and third.predictions_present == 2 * len(documents)
    versions = [p.model_version for p in server.client().predictions.list(project=again.project_id)]
    assert sorted(versions) == sorted([rules.origin] * len(documents) + [union.origin] * len(documents))
    assert len(list(server.client().tasks.list(project=again.project_id))) == len(documents)


def test_a_changed_text_is_refused_unless_pushed_as_a_new_version(
    server: Server, seed_documents: dict[str, Document]
) -> None:
    connection = server.connection()
    first, second = list(seed_documents.values())[:2]
    push(connection, "changed text", [first, second])
    changed = Document(first.id, first.text.replace("北京", "南京", 1), source=first.source)
    with pytest.raises(PushRefused, match=rf"^1 document\(s\) changed since they were pushed: {first.id} \(task \d+"):
        push(connection, "changed text", [changed, second])
    report = push(connection, "changed text", [changed, second], new_version=True)
    assert (report.tasks_created, report.new_versions, report.tasks_present) == (1, [first.id], 1)
    assert push(connection, "changed text", [changed, second], new_version=True).tasks_created == 0


def test_a_config_that_drops_labels_in_use_is_kept_unless_forced(
    server: Server, seed_documents: dict[str, Document], annotators: dict[str, Annotator]
) -> None:
    client = server.client()
    config = label_config_xml().replace("</Labels>", '  <Label value="PRODUCT" background="#000000"/>\n  </Labels>')
    project = client.projects.create(title="old config", label_config=config)
    document = next(iter(seed_documents.values()))
    connection = server.connection()
    report = push(connection, "old config", [document])  # PRODUCT is not used yet: replaced quietly
    assert report.config_replaced and not report.project_created
    client.projects.update(id=project.id, label_config=config)
    task = next(iter(client.tasks.list(project=project.id)))
    span = document.span(0, 2, "ORG")
    annotators["editor"].client.annotations.create(id=task.id, result=[region(span, "p1", label="PRODUCT")])
    with pytest.raises(PushRefused) as refused:
        push(connection, "old config", [document])
    assert describe(refused.value) == (
        "project 'old config' uses labels the schema drops: PRODUCT (1 regions); its labeling config stays; "
        "map those regions to schema labels, or pass --force to replace the config anyway"
    )
    assert str(refused.value).endswith("map those regions to schema labels, or replace the config anyway (force=True)")
    assert "PRODUCT" in client.projects.get(id=project.id).label_config
    forced = push(connection, "old config", [document], force=True)  # Label Studio does not object either
    assert forced.config_replaced
    assert "PRODUCT" not in client.projects.get(id=project.id).label_config


@pytest.fixture(scope="module")
def damaged(server: Server, annotators: dict[str, Annotator], seed_documents: dict[str, Document]) -> dict[str, Any]:
    """A project with corrupted regions (created through the API), a skip, a draft, a ground
    truth, and a task whose text was removed."""
    first, second, third = list(seed_documents.values())[:3]
    report = push(server.connection(), "damaged", [first, second, third])
    tasks = tasks_by_doc(server, report.project_id)
    good = first.span(0, 2, "GPE")
    bad = annotators["accepter"].client.annotations.create(
        id=tasks[first.id].id,
        result=[
            region(good, "fine"),
            region(first.span(4, 6, "ORG"), "range", start=len(first.text) - 1, end=len(first.text) + 5),
            region(first.span(8, 10, "ORG"), "mismatch", text="不对"),
            region(first.span(12, 14, "ORG"), "unknown", label="COMPANY"),
        ],
    )
    annotators["editor"].client.annotations.create(id=tasks[first.id].id, result=regions([good], "ok"))
    annotators["editor"].client.annotations.create(id=tasks[second.id].id, result=[], was_cancelled=True)
    draft(server.url, annotators["adder"].token, tasks[second.id].id, regions([second.span(0, 2, "GPE")], "dr"))
    server.client().annotations.create(
        id=tasks[second.id].id, result=regions([second.span(0, 2, "ORG")], "gt"), ground_truth=True
    )
    annotators["adder"].client.annotations.create(id=tasks[third.id].id, result=regions([third.span(0, 2, "GPE")], "t"))
    server.client().tasks.update(id=str(tasks[third.id].id), data={"doc_id": third.id, "sha256": third.text_sha256})
    return {"tasks": tasks, "bad": bad, "docs": (first, second, third), "project_id": report.project_id}


def test_corrupted_regions_and_a_task_without_text_are_reported_with_their_task(
    server: Server, damaged: dict[str, Any], annotators: dict[str, Annotator], tmp_path: Path
) -> None:
    first, _second, third = damaged["docs"]
    task_1, task_3 = damaged["tasks"][first.id].id, damaged["tasks"][third.id].id
    annotation = damaged["bad"].id
    who = annotators["accepter"].email
    with pytest.raises(PullFailed) as failed:
        pull(server.connection(), "damaged", tmp_path / "out")
    where = f"task {task_1} (document {first.id}), annotation {annotation} by {who}"
    end = len(first.text) + 5
    assert [str(p) for p in failed.value.problems] == [
        f"{where}, region range: span [{len(first.text) - 1}, {end}) ORG {first.text[4:6]!r}: "
        f"span ends after the text ({len(first.text)} characters)",
        f"{where}, region mismatch: span [8, 10) ORG '不对': "
        f"text does not match the document, which has {first.text[8:10]!r} there",
        f"{where}, region unknown: span [12, 14) COMPANY {first.text[12:14]!r}: "
        "label 'COMPANY' is not in the schema (use one of the twelve labels or map it)",
        f"task {task_3} (document {third.id}): "
        "the task has no data.text: not pushed by jinbiao, or its data was edited",
    ]
    assert not (tmp_path / "out").exists()


def test_allow_problems_writes_the_rest_and_the_counts_reconcile(
    server: Server, damaged: dict[str, Any], annotators: dict[str, Annotator], tmp_path: Path
) -> None:
    _first, second, _third = damaged["docs"]
    report = pull(server.connection(), "damaged", tmp_path / "out", allow_problems=True, policy="ground-truth")
    counts = report.result.counts["annotations"]
    in_label_studio = report.summary["label_studio_counts"]
    assert counts["in_export"] == in_label_studio["annotations"] + in_label_studio["skipped"] == 5
    assert (counts["written"], counts["reported"]) == (4, 1)  # the corrupted annotation keeps its sound region
    assert report.result.counts["regions"] == {"in_export": 7, "written": 3, "reported": 4}
    skipped = {s.meta["who"]: list(s.documents) for s in report.result.sets["skipped"]}
    drafts = {s.meta["who"]: {d.doc_id: d.spans for d in s} for s in report.result.sets["draft"]}
    assert skipped == {annotators["editor"].email: [second.id]}
    assert drafts == {annotators["adder"].email: {second.id: [second.span(0, 2, "GPE")]}}
    assert report.result.candidate is not None
    assert {d.doc_id: d.spans for d in report.result.candidate} == {second.id: [second.span(0, 2, "ORG")]}
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert len(summary["problems"]) == 4 and summary["reconciled"] is True


def test_cli_round_trip_never_shows_or_writes_the_key(
    server: Server,
    round_trip: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    key = server.credentials.token
    monkeypatch.setenv("LABEL_STUDIO_URL", server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", key)
    assert main(["push", "--project", TITLE, "--baseline", "rules", "--quiet"]) == 0
    pushed = capsys.readouterr()
    assert "tasks: 0 created, 5 already there" in pushed.out
    assert main(["pull", "--project", TITLE, "-o", str(tmp_path / "out"), "--quiet"]) == 0
    pulled = capsys.readouterr()
    assert "annotations: 13 in Label Studio = 13 written + 0 reported" in pulled.out
    written = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file())
    for text in (pushed.out, pushed.err, pulled.out, pulled.err, written.decode("utf-8")):
        assert key not in text


def test_faults_are_one_line_with_exit_2_and_no_output(
    server: Server, round_trip: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    out = tmp_path / "out"
    monkeypatch.setenv("LABEL_STUDIO_URL", server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "0123456789abcdef0123456789abcdef01234567")
    assert main(["pull", "--project", TITLE, "-o", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"jinbiao pull: error: Label Studio at {server.url} refused the API key (401 Unauthorized: Invalid token.) "
        "while checking the API key: set LABEL_STUDIO_API_KEY to a legacy token or a personal access token "
        "(Label Studio: Account & Settings), or `jinbiao studio start` for the local studio\n"
    )
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.credentials.token)
    assert main(["pull", "--project", "no such project", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"jinbiao pull: error: no project titled 'no such project' on {server.url} (projects: ")
    assert err.endswith("push documents to it first with `jinbiao push --project 'no such project'`\n")
    with pytest.raises(LabelStudioError) as timed_out:
        pull(server.connection(), TITLE, out, timeout=0.001)
    assert describe(timed_out.value) == (
        f"Label Studio at {server.url} did not answer within 0.001 s while taking a snapshot export; "
        "try again, or give it longer with --timeout SECONDS"
    )
    assert not out.exists()
