"""A team in a real Label Studio, from raw articles to an adjudicated gold set.

Two annotators, each with their own account, annotate the same three articles in headless
Chromium with the mouse, each in their own project and from the same pre-annotations: regions
after an astral character (𠮷) and across a line break, a label accepted, one relabelled, and a
disagreement on a label and on a boundary. The lead measures agreement; an adjudicator settles the
two disagreements in the browser; the gold that comes out is exactly the expected spans, with a
decision record naming what each annotator had, what was chosen and by whom.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from browser import delete_region, draw, launch, listed_regions, login, open_label_stream, relabel, shown_text, submit
from helpers import Server, sign_up

from jinbiao.annotate.corpus import load_corpus
from jinbiao.annotate.labelstudio.team import pull_team, read_team
from jinbiao.cli import main
from jinbiao.gold import AnnotationSet, Document, Span, read_gold, read_gold_document, write_jsonl
from jinbiao.team import team_agreement

TITLE = "团队金标"
TEXTS = {
    "team-1": "𠮷野家在北京开店。\n上海市人民政府\n办公厅发布通知。",
    "team-2": "2020年5月9日，深圳市人民政府发布通知。",
    "team-3": "香港特别行政区政府今天宣布恢复通关。",
}
ACROSS = "上海市人民政府\n办公厅"  # an organisation's name broken over two lines
PREDICTED = {
    "team-1": [("北京", "GPE")],
    "team-2": [("深圳市人民政府", "ORG")],
    "team-3": [("香港特别行政区政府", "ORG")],
}
# what each annotator does in the browser, document by document
WORK = {
    "a": {
        "team-1": [("draw", "野家", "ORG"), ("draw", ACROSS, "ORG")],
        "team-2": [("draw", "2020年5月9日", "DATE")],
        "team-3": [],
    },
    "b": {
        "team-1": [("relabel", "北京", "GPE", "LOC"), ("draw", "野家", "ORG"), ("draw", ACROSS, "ORG")],
        "team-2": [("draw", "2020年5月", "DATE")],
        "team-3": [],
    },
}
GOLD = {
    "team-1": [("野家", "ORG"), ("北京", "GPE"), (ACROSS, "ORG")],
    "team-2": [("2020年5月9日", "DATE"), ("深圳市人民政府", "ORG")],
    "team-3": [("香港特别行政区政府", "ORG")],
}


def password(email: str) -> str:
    return f"pw-{email.split('@')[0]}-0123456789"


def spans(document: Document, pairs: list[tuple[str, str]]) -> list[Span]:
    found = []
    for needle, label in pairs:
        start = document.text.index(needle)
        found.append(document.span(start, start + len(needle), label))
    return sorted(found)


def project_id(server: Server, title: str) -> int:
    return next(p.id for p in server.client().projects.list() if p.title == title)


def annotate(page: Any, document: Document, actions: list[tuple[str, ...]]) -> None:
    for action in actions:
        if action[0] == "draw":
            _, needle, label = action
            start = document.text.index(needle)
            draw(page, start, start + len(needle), label)
        else:
            _, text, label, new_label = action
            relabel(page, label, text, new_label)


@pytest.fixture(scope="module")
def team(server: Server) -> dict[str, str]:
    """Two annotators and an adjudicator, signed up through the invite link."""
    emails = {"a": "team-a@example.com", "b": "team-b@example.com", "judge": "team-judge@example.com"}
    for email in emails.values():
        sign_up(server.url, server.credentials.token, email, password(email))
    return emails


@pytest.mark.usefixtures("browser_ready")
def test_two_annotators_and_an_adjudicator_make_exactly_the_expected_gold(
    server: Server, team: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from playwright.sync_api import sync_playwright

    corpus = tmp_path / "articles"
    corpus.mkdir()
    for doc_id, text in TEXTS.items():
        (corpus / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
    documents = {d.id: d for d in load_corpus([corpus])}
    assert {doc_id: d.text for doc_id, d in documents.items()} == TEXTS
    predicted = AnnotationSet(name="fake", kind="baseline", version="1")
    for doc_id, pairs in PREDICTED.items():
        predicted.add_document(documents[doc_id], [replace(s, score=0.994) for s in spans(documents[doc_id], pairs)])
    predictions_file = write_jsonl(tmp_path / "predictions.jsonl", predicted)
    monkeypatch.setenv("LABEL_STUDIO_URL", server.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", server.credentials.token)

    # the lead sets up the team: a title Label Studio refuses is refused before anything is made
    assert main(["team", "create", "--project", "金标", "--annotators", team["a"], team["b"]]) == 2
    assert "project title '金标' has 2 characters; Label Studio wants 3 to 50" in capsys.readouterr().err
    create = ["team", "create", "--project", TITLE, "--annotators", team["a"], team["b"], "--corpus", str(corpus)]
    assert main([*create, "--no-baseline", "--predictions", str(predictions_file), "-q"]) == 0
    printed = capsys.readouterr().out
    assert f"created team project {TITLE!r}" in printed and "all starting from the predictions of fake@1" in printed
    recorded = read_team(server.connection(), TITLE)
    assert recorded.annotators == {team["a"]: f"{TITLE} · team-a", team["b"]: f"{TITLE} · team-b"}
    client = server.client()
    for title in recorded.annotators.values():
        project = client.projects.get(id=project_id(server, title))
        assert (project.maximum_annotations, project.show_instruction, project.model_version) == (1, True, "fake@1")
        assert "<h1>Annotation guideline: Chinese named-entity gold standard</h1>" in project.expert_instruction
        for label in ("PERSON", "GPE", "LAW"):  # every label keeps its hint and hotkey
            assert f'<Label value="{label}"' in project.label_config and 'hotkey="' in project.label_config
        assert 'hint="' in project.label_config

    # each annotator, in their own browser session, annotates every document of their own project
    by_text = {d.text: d for d in documents.values()}
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for who in ("a", "b"):
                email = team[who]
                context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
                page = context.new_page()
                login(page, server.url, email, password(email))
                assert open_label_stream(page, server.url, project_id(server, recorded.annotators[email]))
                done = []
                text = shown_text(page)
                while text is not None:
                    document = by_text[text]
                    # every task opens on the same pre-annotations
                    assert listed_regions(page) == [(label, needle) for needle, label in PREDICTED[document.id]]
                    annotate(page, document, WORK[who][document.id])
                    done.append(document.id)
                    text = submit(page)
                assert sorted(done) == sorted(TEXTS)
                context.close()
        finally:
            browser.close()

    # every span came back exactly, with who made it and how, and no model score on human spans
    connection = server.connection()
    team_pull = pull_team(connection, TITLE, documents=list(documents.values()))
    assert team_pull.problems == [] and team_pull.notes == []
    expected = {
        "a": {d: spans(documents[d], [*PREDICTED[d], *((a[1], a[2]) for a in WORK["a"][d])]) for d in TEXTS},
        "b": {
            "team-1": spans(documents["team-1"], [("北京", "LOC"), ("野家", "ORG"), (ACROSS, "ORG")]),
            "team-2": spans(documents["team-2"], [("2020年5月", "DATE"), ("深圳市人民政府", "ORG")]),
            "team-3": spans(documents["team-3"], PREDICTED["team-3"]),
        },
    }
    for who in ("a", "b"):
        pulled = team_pull.annotator_sets[team[who]]
        assert {d.doc_id: d.spans for d in pulled} == expected[who]
        assert all(s.score is None and s.origin == team[who] for d in pulled for s in d.spans)
    across = next(s for s in team_pull.annotator_sets[team["a"]].spans("team-1") if s.label == "ORG" and "\n" in s.text)
    assert across.text == ACROSS and documents["team-1"].text[across.start : across.end] == ACROSS
    after_astral = team_pull.annotator_sets[team["a"]].spans("team-1")[0]
    assert (after_astral.start, after_astral.end, after_astral.text) == (1, 3, "野家")  # code points after 𠮷
    hows = {
        who: {
            (s.text, s.label): how
            for p in team_pull.members[team[who]].result.items
            if p.item.kind == "annotation"
            for s, how in zip(p.spans, p.hows, strict=True)
        }
        for who in ("a", "b")
    }
    assert hows["a"][("北京", "GPE")] == "accepted" and hows["a"][(ACROSS, "ORG")] == "drawn"
    assert hows["b"][("北京", "LOC")] == "changed" and hows["b"][("2020年5月", "DATE")] == "drawn"
    made = [p.item for p in team_pull.members[team["b"]].result.items if p.item.kind == "annotation"]
    assert len(made) == 3 and all(item.who == item.updated_by == team["b"] for item in made)
    assert {item.started_from for item in made} == {"fake@1"}  # each annotation started from the pre-annotations

    # the lead's agreement: per pair, document and label; pre-annotation kept; sortable in Label Studio
    result = team_agreement(team_pull)
    assert result.pairs["f1_strict"].round(4).tolist() == [round(2 / 3, 4)]
    per_document = dict(zip(result.per_document["document"], result.per_document["agreement"].round(3), strict=True))
    assert per_document == {"team-1": 0.667, "team-2": 0.5, "team-3": 1.0}
    acceptance = result.acceptance[result.acceptance["label"] == "all"].set_index("annotator")
    assert acceptance.loc[team["a"], ["predicted", "kept", "final spans", "accepted", "changed", "drawn"]].tolist() == [
        3,
        3,
        6,
        3,
        0,
        3,
    ]
    assert acceptance.loc[team["b"], ["predicted", "kept", "final spans", "accepted", "changed", "drawn"]].tolist() == [
        3,
        2,
        6,
        2,
        1,
        3,
    ]
    html_page = tmp_path / "agreement.html"
    assert main(["team", "agree", "--project", TITLE, "--html", str(html_page), "-q"]) == 0
    printed = capsys.readouterr()
    assert "pairwise agreement" in printed.out and "pre-annotation: kept" in printed.out
    assert f"3 task(s) of {TITLE!r} got new agreement fields" in printed.err
    assert "Disagreements: team-a@example.com and team-b@example.com" in html_page.read_text(encoding="utf-8")
    lead = project_id(server, TITLE)
    ordered = httpx.get(
        f"{server.url}/api/tasks",
        params={"project": lead, "query": json.dumps({"ordering": ["tasks:data.agreement"]})},
        headers={"Authorization": f"Token {server.credentials.token}"},
        trust_env=False,
        timeout=60,
    ).json()["tasks"]
    assert [(t["data"]["doc_id"], t["data"]["agreement"]) for t in ordered] == [
        ("team-2", 0.5),
        ("team-1", 0.667),
        ("team-3", 1.0),
    ]

    # the disagreements go to the adjudicator, agreed spans in place, every reading side by side
    assert main(["adjudicate", "--project", TITLE, "--corpus", str(corpus), "-q"]) == 0
    printed = capsys.readouterr().out
    assert "3 documents: 1 agreed by all their annotators (straight to gold), 2 with disagreements" in printed
    judge = team["judge"]
    settle = {
        "team-1": {
            "shown": {("ORG", "野家"), ("GPE", "北京"), ("LOC", "北京"), ("ORG", ACROSS)},
            "delete": ("LOC", "北京"),
        },
        "team-2": {
            "shown": {("DATE", "2020年5月9日"), ("DATE", "2020年5月"), ("ORG", "深圳市人民政府")},
            "delete": ("DATE", "2020年5月"),
        },
    }
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
            login(page, server.url, judge, password(judge))
            assert open_label_stream(page, server.url, project_id(server, recorded.adjudication))
            settled = []
            text = shown_text(page)
            while text is not None:
                doc_id = by_text[text].id
                assert set(listed_regions(page)) == settle[doc_id]["shown"]
                delete_region(page, *settle[doc_id]["delete"])
                settled.append(doc_id)
                text = submit(page)
            assert sorted(settled) == ["team-1", "team-2"]
        finally:
            browser.close()

    # the gold: exactly the expected spans, with the decision record; never overwritten unasked
    out = tmp_path / "gold"
    collect = ["adjudicate", "--project", TITLE, "--corpus", str(corpus), "-o", str(out), "--adjudicator", judge, "-q"]
    assert main(collect) == 0
    printed = capsys.readouterr().out
    assert "gold: 3 documents (1 agreed by all, 2 adjudicated), 6 spans" in printed
    gold = read_gold(out / "documents")
    assert {d.doc_id: d.spans for d in gold} == {d: spans(documents[d], GOLD[d]) for d in TEXTS}
    _, _, annotators = read_gold_document(out / "documents" / "team-1.json")
    assert annotators == sorted([team["a"], team["b"], judge])
    lines = (out / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0]) == {"format": "jinbiao-decisions/1"}
    decisions = [json.loads(line) for line in lines[1:]]
    summary = [
        (
            d["doc_id"],
            d["kind"],
            {who: [(s["text"], s["label"]) for s in found] for who, found in d["readings"].items()},
            [(s["text"], s["label"]) for s in d["chosen"]],
            d["chosen_from"],
            d["by"],
        )
        for d in decisions
    ]
    assert summary == [
        (
            "team-1",
            "disagreement",
            {team["a"]: [("北京", "GPE")], team["b"]: [("北京", "LOC")]},
            [("北京", "GPE")],
            [team["a"]],
            judge,
        ),
        (
            "team-2",
            "disagreement",
            {team["a"]: [("2020年5月9日", "DATE")], team["b"]: [("2020年5月", "DATE")]},
            [("2020年5月9日", "DATE")],
            [team["a"]],
            judge,
        ),
    ]
    assert main(collect) == 2
    assert "exists and is not empty; pass --overwrite to replace it" in capsys.readouterr().err
    assert main(["datasheet", str(out)]) == 0
    datasheet = capsys.readouterr().out
    characters = sum(len(text) for text in TEXTS.values())
    assert f"| total | {characters} | 0 | 4 | 1 | 0 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 6 |" in datasheet
    assert "## Adjudication (2 decisions)" in datasheet
