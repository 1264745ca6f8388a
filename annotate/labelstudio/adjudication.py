"""Adjudication in Label Studio: the documents where a team's annotators differ go to an
adjudicator, and the result comes back as a gold set with a decision record.

`compare` splits each document's versions into spans every annotator drew (agreed) and
disagreements: groups of overlapping spans that not everyone drew alike. Agreed spans with
whitespace or punctuation at an edge (guideline G3) are treated as a disagreement, so that they
reach a person before they can reach the gold.

`prepare_adjudication` puts every document with a disagreement into the project
``TITLE · adjudication``. Its task opens on the model version `CANDIDATES`: the agreed spans, and
every annotator's reading of every disagreement side by side (overlapping regions, each saying in
its meta text whose it is and what the others drew). The adjudicator keeps one reading of each
disagreement (deleting the others) or draws their own, and submits. Each annotator's whole
version is there too, as a prediction named after them (in the data manager's tabs and "Compare
All"), visible and selectable.

`collect_gold` writes the gold set: documents where all annotators agree go straight in; the
others when their adjudication is submitted, holds no overlap (an undecided disagreement) and no
span with an unclean edge. ``decisions.jsonl`` records each disagreement: what each annotator had,
what was chosen, whose reading that was, by whom and when.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinbiao.gold import (
    AnnotationSet,
    Document,
    DocumentAnnotations,
    JinbiaoError,
    Span,
    sort_spans,
    write_gold_document,
    write_jsonl,
)
from jinbiao.gold.atomic import atomic_directory
from jinbiao.gold.edges import has_clean_edges
from jinbiao.gold.errors import Remedy

from .client import Connection, LabelStudioError, find_project
from .export import PullResult, convert_export
from .export.convert import candidate_of
from .export.records import ANNOTATION
from .instructions import instructions_html
from .pull import check_output, download_snapshot, user_emails
from .push import DEFAULT_BATCH_SIZE, push
from .tasks import region
from .team import TeamPull

CANDIDATES = "agreed+candidates"  # the model version an adjudication task opens on
DECISIONS_FORMAT = "jinbiao-decisions/1"
GOLD_SUMMARY_FORMAT = "jinbiao-team-gold/1"
EDGE_NOTE = "starts or ends with whitespace or punctuation (guideline G3)"

ADJUDICATION_PREFACE = """# Adjudication

Each task here is a document where the annotators differ. It opens with the spans they all drew
and, where they differ, every annotator's reading side by side (overlapping regions). Select a
region to see in its meta text whose reading it is and what the others drew. Keep the right
reading of each disagreement and delete the others (select the region, press Backspace), or draw
your own, then Submit. An overlap left in place means the disagreement is still open. Each
annotator's whole version is also a tab of its own (open the task from the data manager; "Compare
All" shows them side by side). The guideline follows.
"""


# ----------------------------------------------------------------------------------- compare


@dataclass
class Disagreement:
    """Overlapping spans that not every annotator drew alike: each annotator's reading of one stretch."""

    start: int
    end: int
    readings: dict[str, list[Span]]  # annotator → their spans here (maybe none)
    edge: bool = False  # an agreed span with an unclean edge, sent to the adjudicator

    @property
    def candidates(self) -> list[tuple[Span, list[str]]]:
        """Each distinct span here, with who drew it."""
        found: dict[tuple[int, int, str], tuple[Span, list[str]]] = {}
        for who, spans in self.readings.items():
            for span in spans:
                found.setdefault(span.key, (span, []))[1].append(who)
        return [found[key] for key in sorted(found)]


@dataclass
class Comparison:
    doc_id: str
    annotators: list[str]
    agreed: list[Span]
    disagreements: list[Disagreement]

    @property
    def settled(self) -> bool:
        return not self.disagreements


def compare(doc_id: str, versions: Mapping[str, Sequence[Span]]) -> Comparison:
    """Agreed spans and disagreements among the annotators' `versions` of one document."""
    who = sorted(versions)
    keys = {w: {s.key for s in versions[w]} for w in who}
    common = set.intersection(*keys.values()) if keys else set()
    agreed, disputed = [], []
    for w in who:
        for span in versions[w]:
            if span.key not in common:
                disputed.append((w, span))
    edge_agreed = []
    for span in sort_spans([s for s in versions[who[0]] if s.key in common]) if who else []:
        (agreed if has_clean_edges(span.text) else edge_agreed).append(span)
    groups: list[Disagreement] = []
    for w, span in sorted(disputed, key=lambda pair: (pair[1].start, pair[1].end, pair[1].label, pair[0])):
        if groups and span.start < groups[-1].end:
            group = groups[-1]
            group.end = max(group.end, span.end)
        else:
            group = Disagreement(span.start, span.end, {name: [] for name in who})
            groups.append(group)
        group.readings[w].append(span)
    for span in edge_agreed:
        groups.append(Disagreement(span.start, span.end, {name: [span] for name in who}, edge=True))
    groups.sort(key=lambda g: (g.start, g.end))
    return Comparison(doc_id, who, agreed, groups)


def _reading(spans: Sequence[Span]) -> str:
    return ", ".join(f"{s.label} {s.text!r}" for s in spans) or "no span"


def candidate_regions(comparison: Comparison) -> list[dict[str, Any]]:
    """The regions an adjudication task opens on: agreed spans, then every reading of every
    disagreement, each with a meta text saying whose it is."""
    everyone = ", ".join(comparison.annotators)
    regions = []
    for n, span in enumerate(comparison.agreed):
        made = region(span, f"agreed-{n}")
        made["meta"] = {"text": [f"agreed by {everyone}"]}
        regions.append(made)
    for g, group in enumerate(comparison.disagreements):
        others = "; ".join(f"{who}: {_reading(spans)}" for who, spans in group.readings.items())
        for c, (span, supporters) in enumerate(group.candidates):
            made = region(span, f"d{g}-{c}")
            note = f"{', '.join(supporters)}: {span.label} {span.text!r} | readings here: {others}"
            if not has_clean_edges(span.text):
                note += f" | this span {EDGE_NOTE}"
            made["meta"] = {"text": [note]}
            regions.append(made)
    return regions


# ----------------------------------------------------------------------------------- status


@dataclass
class DocumentState:
    doc_id: str
    annotators: list[str]  # who annotated it
    expected: list[str]  # who should have
    comparison: Comparison | None

    @property
    def complete(self) -> bool:
        return set(self.expected) <= set(self.annotators)


def document_states(team_pull: TeamPull) -> dict[str, DocumentState]:
    """Every document of the team: who should annotate it, who did, and how they compare."""
    expected: dict[str, list[str]] = {}
    for email, member in team_pull.members.items():
        for doc_id in member.result.documents:
            expected.setdefault(doc_id, []).append(email)
    states = {}
    for doc_id in sorted(expected):
        versions = team_pull.versions(doc_id)
        complete = set(expected[doc_id]) <= set(versions)
        comparison = compare(doc_id, versions) if complete and len(versions) >= 2 else None
        states[doc_id] = DocumentState(doc_id, sorted(versions), sorted(expected[doc_id]), comparison)
    return states


# ----------------------------------------------------------------------------------- prepare


@dataclass
class AdjudicationReport:
    title: str
    url: str
    project_id: int | None
    states: dict[str, DocumentState]
    tasks_created: int = 0
    tasks_present: int = 0
    refreshed: list[str] = field(default_factory=list)  # documents whose candidates were brought up to date
    notes: list[str] = field(default_factory=list)

    @property
    def disagreeing(self) -> list[str]:
        return [d for d, s in self.states.items() if s.comparison is not None and not s.comparison.settled]

    @property
    def agreed(self) -> list[str]:
        return [d for d, s in self.states.items() if s.comparison is not None and s.comparison.settled]

    @property
    def waiting(self) -> list[str]:
        return [d for d, s in self.states.items() if s.comparison is None]

    def lines(self) -> list[str]:
        out = [
            f"{len(self.states)} documents: {len(self.agreed)} agreed by all their annotators (straight to gold), "
            f"{len(self.disagreeing)} with disagreements, {len(self.waiting)} waiting for annotators"
        ]
        if self.project_id is not None:
            out.append(
                f"adjudication project {self.title!r} (id {self.project_id}) on {self.url}: "
                f"{self.tasks_created} tasks created, {self.tasks_present} already there"
            )
        for doc_id in self.waiting:
            state = self.states[doc_id]
            missing = sorted(set(state.expected) - set(state.annotators))
            out.append(f"  {doc_id}: waiting for {', '.join(missing)}")
        out.extend(f"note: {note}" for note in self.notes)
        return out


def prepare_adjudication(
    connection: Connection,
    team_pull: TeamPull,
    *,
    documents: Sequence[Document] | None = None,
    guideline: str | os.PathLike[str] | None = None,
    fields: Mapping[str, Mapping[str, Any]] | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> AdjudicationReport:
    """Put every document whose annotators differ into the team's adjudication project (made or
    reused; idempotent), opening on the agreed spans and every reading of each disagreement.
    `fields` adds data-manager columns per document (such as its agreement)."""
    team = team_pull.team
    states = document_states(team_pull)
    report = AdjudicationReport(team.adjudication, connection.url, None, states)
    disagreeing = report.disagreeing
    if not disagreeing:
        return report
    corpus = {d.id: d for d in documents or ()}
    docs = [corpus.get(doc_id) or Document(doc_id, team_pull.texts[doc_id]) for doc_id in disagreeing]
    columns = dict.fromkeys(next(iter((fields or {}).values()), {}))  # data-manager columns exist from the import
    pushed = push(connection, team.adjudication, docs, (), batch_size=batch_size, extra_data=columns)
    report.project_id = pushed.project_id
    report.tasks_created, report.tasks_present = pushed.tasks_created, pushed.tasks_present
    client = connection.client
    with connection.call(f"listing the tasks of {team.adjudication!r}"):
        tasks = list(client.tasks.list(project=pushed.project_id, fields="all", page_size=1000))
    by_doc = {str(t.data.get("doc_id")): t for t in tasks if isinstance(t.data, dict)}
    new_predictions = []
    for doc_id in disagreeing:
        task = by_doc[doc_id]
        comparison = states[doc_id].comparison
        assert comparison is not None
        wanted = {CANDIDATES: candidate_regions(comparison)}
        for who, spans in team_pull.versions(doc_id).items():
            wanted[who] = [region(span, f"{who}-{n}", origin="manual") for n, span in enumerate(spans)]
        have = {p.model_version: p for p in (task.predictions or [])}
        adjudicated = any(not a.get("was_cancelled") for a in task.annotations or [])
        for version, result in wanted.items():
            if version not in have:
                new_predictions.append({"task": task.id, "model_version": version, "result": result})
            elif _regions_key(have[version].result) != _regions_key(result):
                if adjudicated:
                    report.notes.append(
                        f"{doc_id}: {version} changed after the adjudication was submitted; reopen task {task.id} "
                        "(delete its annotation) to adjudicate the new version"
                    )
                    continue
                with connection.call(f"bringing the candidates of task {task.id} up to date"):
                    client.predictions.update(id=have[version].id, result=result)
                report.refreshed.append(doc_id)
        extra = (fields or {}).get(doc_id)
        if extra and any(task.data.get(k) != v for k, v in extra.items()):
            with connection.call(f"updating the fields of task {task.id}"):
                client.tasks.update(id=str(task.id), data={**task.data, **extra})
    if new_predictions:
        with connection.call(f"adding the candidates to {team.adjudication!r}"):
            client.projects.import_predictions(id=pushed.project_id, request=new_predictions)
    for doc_id, task in by_doc.items():
        if doc_id not in disagreeing:
            report.notes.append(f"{doc_id}: its annotators agree now; its adjudication task {task.id} is not used")
    html = instructions_html(guideline, preface=ADJUDICATION_PREFACE)
    with connection.call(f"setting up {team.adjudication!r}"):
        client.projects.update(
            id=pushed.project_id,
            model_version=CANDIDATES,
            show_collab_predictions=True,
            reveal_preannotations_interactively=False,
            maximum_annotations=1,
            expert_instruction=html,
            show_instruction=True,
            description=f"Adjudication of team project {team.title!r}: the documents where its annotators differ.",
        )
    return report


def _regions_key(result: Any) -> list[tuple[Any, ...]]:
    out = []
    for made in result or []:
        value = made.get("value") or {}
        meta = (made.get("meta") or {}).get("text")
        out.append((value.get("start"), value.get("end"), tuple(value.get("labels") or ()), str(meta)))
    return sorted(out, key=str)


# ----------------------------------------------------------------------------------- collect


@dataclass
class Decision:
    """One settled disagreement: every annotator's reading, what was chosen, whose it was, by whom."""

    doc_id: str
    kind: str  # disagreement | edge | agreed span changed | span added
    start: int
    end: int
    text: str
    readings: dict[str, list[Span]]
    chosen: list[Span]
    by: str
    task_id: int | None
    annotation_id: int | None
    at: str

    @property
    def chosen_from(self) -> list[str]:
        """The annotators whose reading was kept exactly (none: the adjudicator's own)."""
        wanted = [s.key for s in self.chosen]
        return [who for who, spans in self.readings.items() if [s.key for s in spans] == wanted]

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "readings": {who: [s.to_dict() for s in spans] for who, spans in self.readings.items()},
            "chosen": [s.to_dict() for s in self.chosen],
            "chosen_from": self.chosen_from,
            "by": self.by,
            "task_id": self.task_id,
            "annotation_id": self.annotation_id,
            "at": self.at,
        }


def decisions_for(
    comparison: Comparison, final: Sequence[Span], text: str, *, by: str, task_id: Any, annotation_id: Any, at: str
) -> list[Decision]:
    """What the adjudicator decided on each disagreement of `comparison`, and every change to an
    agreed span or span nobody had."""

    def inside(start: int, end: int) -> list[Span]:
        return [s for s in final if s.start < end and start < s.end]

    def decision(kind: str, start: int, end: int, readings: dict[str, list[Span]]) -> Decision:
        chosen = inside(start, end)
        start, end = min([start, *(s.start for s in chosen)]), max([end, *(s.end for s in chosen)])
        return Decision(
            comparison.doc_id, kind, start, end, text[start:end], readings, chosen, by, task_id, annotation_id, at
        )

    out = [decision("edge" if g.edge else "disagreement", g.start, g.end, g.readings) for g in comparison.disagreements]
    final_keys = {s.key for s in final}
    for span in comparison.agreed:
        if span.key not in final_keys:
            out.append(
                decision("agreed span changed", span.start, span.end, {key: [span] for key in comparison.annotators})
            )
    covered = [(d.start, d.end) for d in out]
    agreed_keys = {s.key for s in comparison.agreed}
    for span in final:
        if span.key not in agreed_keys and not any(span.start < e and s < span.end for s, e in covered):
            out.append(decision("span added", span.start, span.end, {who: [] for who in comparison.annotators}))
    return sorted(out, key=lambda d: (d.start, d.end))


@dataclass
class GoldReport:
    out_dir: Path
    gold: AnnotationSet
    settled: dict[str, str]  # doc id → "agreed" | "adjudicated"
    waiting: dict[str, str]  # doc id → why it is not in the gold yet
    decisions: list[Decision]
    problems: list[str]
    annotators: dict[str, list[str]] = field(default_factory=dict)  # doc id → who made its gold
    files: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        agreed = sum(1 for how in self.settled.values() if how == "agreed")
        out = [
            f"gold: {len(self.settled)} documents ({agreed} agreed by all, {len(self.settled) - agreed} adjudicated), "
            f"{self.gold.span_count()} spans → {self.out_dir / 'documents'}",
            f"decisions: {len(self.decisions)} → {self.out_dir / 'decisions.jsonl'}",
        ]
        if self.waiting:
            out.append(f"not in the gold yet: {len(self.waiting)} document(s)")
            out.extend(f"  {doc_id}: {why}" for doc_id, why in self.waiting.items())
        out.extend(f"problem: {problem}" for problem in self.problems)
        return out


class GoldRefused(JinbiaoError):
    """The gold would be made from work with problems; nothing was written."""


def collect_gold(
    connection: Connection,
    team_pull: TeamPull,
    out_dir: str | os.PathLike[str],
    documents: Sequence[Document],
    *,
    adjudicator: str | None = None,
    overwrite: bool = False,
    allow_problems: bool = False,
    timeout: float | None = None,
) -> GoldReport:
    """Write the team's gold set into `out_dir` (see the module's docstring); `documents` are the
    corpus that was pushed (each gold file keeps its document's offset map back to the source)."""
    check_output(out_dir, overwrite=overwrite)
    refuse_problems(team_pull, allow_problems=allow_problems)
    adjudicated = pull_adjudication(connection, team_pull.team.adjudication, documents, timeout=timeout)
    report = gold_from(team_pull, adjudicated, documents, adjudicator=adjudicator)
    report.out_dir = Path(out_dir)
    report.files = write_gold(report, team_pull, documents, overwrite=overwrite)
    return report


def refuse_problems(team_pull: TeamPull, *, allow_problems: bool) -> None:
    """No gold from annotators' projects with problems (someone else's annotation, an annotation
    changed by another), unless allowed."""
    if team_pull.problems and not allow_problems:
        raise GoldRefused(
            f"{len(team_pull.problems)} problem(s) in the annotators' projects (listed above); no gold was written",
            remedy=Remedy.ALLOW_PROBLEMS,
        )


def pull_adjudication(
    connection: Connection, title: str, documents: Sequence[Document] | None = None, *, timeout: float | None = None
) -> PullResult | None:
    """The adjudication project's annotations, converted (None when there is no such project)."""
    project = find_project(connection, title)
    if project is None:
        return None
    payload = download_snapshot(connection, int(project.id), timeout=timeout)
    return convert_export(payload, documents=documents, users=user_emails(connection))


def gold_from(
    team_pull: TeamPull,
    adjudicated: PullResult | None,
    documents: Sequence[Document],
    *,
    adjudicator: str | None = None,
) -> GoldReport:
    """The gold set and the decisions, from the team's annotations and the adjudication project's
    (pure: nothing is read or written)."""
    corpus = {d.id: d for d in documents}
    problems = list(team_pull.problems)
    if adjudicated is not None and adjudicator:
        adjudicated = _only_by(adjudicated, adjudicator, team_pull.team.adjudication, problems)
    gold = AnnotationSet(name="gold", kind="adjudicated")
    report = GoldReport(Path(), gold, {}, {}, [], problems)
    for doc_id, state in document_states(team_pull).items():
        document = corpus.get(doc_id)
        comparison = state.comparison
        if document is None:
            report.waiting[doc_id] = "not in the corpus given"
        elif comparison is None:
            report.waiting[doc_id] = f"waiting for {', '.join(sorted(set(state.expected) - set(state.annotators)))}"
        elif comparison.settled:
            gold.add(DocumentAnnotations(doc_id, document.text_sha256, comparison.agreed, document.text))
            report.settled[doc_id], report.annotators[doc_id] = "agreed", comparison.annotators
        else:
            found = _adjudicated_document(adjudicated, doc_id)
            if isinstance(found, str):
                report.waiting[doc_id] = found
                continue
            spans, item = found
            gold.add(DocumentAnnotations(doc_id, document.text_sha256, spans, document.text))
            report.settled[doc_id], report.annotators[doc_id] = "adjudicated", [*comparison.annotators, item.who]
            report.decisions += decisions_for(
                comparison,
                spans,
                document.text,
                by=item.who,
                task_id=item.task_id,
                annotation_id=item.item_id,
                at=item.updated_at or item.created_at,
            )
    return report


def _only_by(result: PullResult, adjudicator: str, title: str, problems: list[str]) -> PullResult:
    """The result with the candidate made from `adjudicator`'s annotations only; the others reported."""
    for placed in result.items:
        item = placed.item
        if item.kind == ANNOTATION and item.who.lower() != adjudicator.lower():
            problems.append(
                f"{title}: task {item.task_id} (document {placed.doc_id}), annotation {item.item_id} is by {item.who}, "
                f"not the adjudicator {adjudicator}: left out"
            )
    kept = [p for p in result.items if p.item.kind != ANNOTATION or p.item.who.lower() == adjudicator.lower()]
    candidate, missing = candidate_of(kept)
    return replace(result, items=kept, candidate=candidate, candidate_missing=missing)


def _adjudicated_document(result: PullResult | None, doc_id: str) -> tuple[list[Span], Any] | str:
    """The adjudicated spans of `doc_id` and the annotation they come from, or why there are none."""
    if result is None:
        return "waiting for adjudication (run `jinbiao adjudicate` to make its task)"
    candidate = result.candidate
    if candidate is None or doc_id not in candidate.documents:
        why = result.candidate_missing.get(doc_id)
        if why in (None, "no submitted annotation"):
            return "waiting for adjudication"
        return f"its adjudication: {why}"
    chosen = next(entry for entry in candidate.meta["items"] if entry["doc_id"] == doc_id)
    placed = next(
        p
        for p in result.items
        if p.item.kind == ANNOTATION and (p.item.task_id, p.item.item_id) == (chosen["task_id"], chosen["id"])
    )
    if placed.dropped:
        reasons = [str(p) for p in result.problems if p.item_id == placed.item.item_id]
        return f"its adjudication (annotation {placed.item.item_id}) is not settled: " + "; ".join(reasons)
    edges = [s for s in placed.spans if not has_clean_edges(s.text)]
    if edges:
        listed = ", ".join(f"[{s.start}, {s.end}) {s.label} {s.text!r}" for s in edges)
        return f"its adjudication (annotation {placed.item.item_id}) has spans that {EDGE_NOTE}: {listed}"
    return list(placed.spans), placed.item


def write_gold(
    report: GoldReport, team_pull: TeamPull, documents: Sequence[Document], *, overwrite: bool = False
) -> list[Path]:
    """Write into `report.out_dir`, whole (a fresh directory swapped into place): ``documents/`` the
    gold files, ``annotations/`` each annotator's set, ``decisions.jsonl``, ``summary.json``."""
    corpus = {d.id: d for d in documents}
    summary = {
        "format": GOLD_SUMMARY_FORMAT,
        "team": team_pull.team.title,
        "annotators": list(team_pull.team.annotators),
        "starting_point": team_pull.team.starting_point,
        "documents": dict(sorted(report.settled.items())),
        "waiting": report.waiting,
        "decisions": len(report.decisions),
        "problems": report.problems,
    }
    written: list[Path] = []
    try:
        with atomic_directory(report.out_dir, overwrite=overwrite) as tmp:
            for doc in report.gold:
                path = tmp / "documents" / f"{doc.doc_id}.json"
                made_by = report.annotators[doc.doc_id]
                written.append(write_gold_document(path, corpus[doc.doc_id], doc.spans, annotators=made_by))
            for email, annotation_set in team_pull.annotator_sets.items():
                written.append(write_jsonl(tmp / "annotations" / f"{_slug(email)}.jsonl", annotation_set))
            lines = [json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in report.decisions]
            decisions = tmp / "decisions.jsonl"
            head = json.dumps({"format": DECISIONS_FORMAT}, ensure_ascii=False) + "\n"
            decisions.write_text(head + "".join(lines), encoding="utf-8")
            summary_path = tmp / "summary.json"
            summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written += [decisions, summary_path]
    except JinbiaoError:
        raise
    except OSError as error:
        raise LabelStudioError(
            f"{report.out_dir}: cannot write there ({error.strerror}); choose another directory"
        ) from None
    return [report.out_dir / path.relative_to(tmp) for path in written]


def _slug(email: str) -> str:
    return "".join(c if c.isalnum() or c in "@._+-" else "_" for c in email)


__all__ = [
    "ADJUDICATION_PREFACE",
    "CANDIDATES",
    "AdjudicationReport",
    "Comparison",
    "Decision",
    "Disagreement",
    "DocumentState",
    "GoldRefused",
    "GoldReport",
    "candidate_regions",
    "collect_gold",
    "compare",
    "decisions_for",
    "document_states",
    "gold_from",
    "prepare_adjudication",
    "pull_adjudication",
    "refuse_problems",
    "write_gold",
]
