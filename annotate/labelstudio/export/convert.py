"""A read export → annotation sets, a gold candidate and a problem list (a `PullResult`).

Pure: no network, no files written. Every task is checked (it has `data.text` and `data.doc_id`,
its `data.sha256` hashes its text, the text is the document's), and every item's spans with the
contract's own checks (`jinbiao.gold.span_problems`: inside the text, `text` matching, a label of
the schema, no overlap). A region is read by its offsets: Label Studio writes a line break inside
a selection into `value.text` as a backslash and `n`, which is the text it covers, escaped. A
region with a problem is reported alone and left out; the item's other regions are written. An
item is reported whole only when its task has a problem or its `result` cannot be read. So every
annotation of the export is either written or reported, and every region of one too:

* one set per annotator (by user) of submitted annotations; skipped (cancelled) annotations and
  drafts in sets of their own, kept apart; predictions in one set per model version;
* when one annotator has several annotations of one document (Label Studio allows it), the most
  recent is in the annotator's set and the earlier ones in extra sets ranked 2, 3, …;
* the gold candidate, by policy: `latest` (per document, the most recently updated submitted
  annotation, when one annotator annotated it or all its annotators agree exactly; a document whose
  annotators differ gets no candidate, never a silent winner: adjudicate it), `ground-truth` (the
  one marked ground truth in Label Studio), or `all` (no single candidate: every annotator set is
  one, for adjudication).

Human spans carry who made them (`Span.origin`, the annotator) and no score; `PlacedItem.provenance`
says who last changed them and whether each was accepted from a pre-annotation, changed or drawn.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from jinbiao.gold import (
    LABEL_SET,
    AnnotationSet,
    Document,
    DocumentAnnotations,
    JinbiaoError,
    Span,
    sha256_text,
    sort_spans,
    span_problems,
)
from jinbiao.gold.errors import Remedy

from .read import read_export
from .records import (
    ANNOTATION,
    CATEGORY_DIRS,
    DRAFT,
    JSON_MIN,
    PREDICTION,
    SKIPPED,
    Counts,
    Export,
    ExportTask,
    Item,
    ItemCounts,
    ListedById,
    Note,
    PlacedItem,
    Problem,
    PullResult,
    Region,
    TaskDocument,
)

LATEST = "latest"
GROUND_TRUTH = "ground-truth"
ALL = "all"
POLICIES: tuple[str, ...] = (LATEST, GROUND_TRUTH, ALL)
DEFAULT_POLICY = LATEST


@dataclass
class CheckedTask:
    """A task, the document it holds (None when the task has problems), and where its items went."""

    task: ExportTask
    document: TaskDocument | None
    items: list[PlacedItem]


def convert_export(
    payload: Any,
    *,
    policy: str = DEFAULT_POLICY,
    documents: Iterable[Document] | None = None,
    labels: frozenset[str] | set[str] = LABEL_SET,
    users: Mapping[int, str] | None = None,
) -> PullResult:
    """Check and sort a parsed export (JSON or JSON_MIN) into annotation sets; see the module doc.
    `users` maps user ids to emails (for who last changed an annotation)."""
    if policy not in POLICIES:
        raise JinbiaoError(f"unknown policy {policy!r}; choose one of: {', '.join(POLICIES)}")
    export = read_export(payload, users=users)
    corpus = {d.id: d for d in documents} if documents is not None else None
    held, by_doc, problems = _task_documents(export.tasks, corpus)
    checked = [
        CheckedTask(task, document, [_check_item(item, task, document, labels, problems) for item in task.items])
        for task, document in zip(export.tasks, held, strict=True)
    ]
    placed = [entry for task in checked for entry in task.items]
    sets = {kind: _into_sets(kind, [p for p in placed if p.written and p.item.kind == kind]) for kind in CATEGORY_DIRS}
    candidate, missing = _candidate(policy, checked)
    listed_by_id = ListedById()
    for task in export.tasks:
        listed_by_id += task.listed_by_id
    notes = _notes(export, listed_by_id)
    if listed_by_id.annotations:
        reason = f"{listed_by_id.annotations} annotations are listed by id only; export them in full"
        problems.append(Problem(None, reason))
    problems.sort(key=lambda p: (p.task_id is None, p.task_id or 0, p.item != "task", str(p.item_id or "")))
    totals = _count(export, placed, problems, by_doc, candidate, listed_by_id)
    return PullResult(export.format, policy, sets, candidate, missing, problems, placed, totals, by_doc, notes)


# ------------------------------------------------------------------------------------ tasks


@dataclass(frozen=True)
class _TaskText:
    """What a sound task says it holds: a document id, the text and its hash."""

    position: int  # of the task in the export
    task_id: int | None
    doc_id: str
    text: str
    sha: str


def _task_documents(
    tasks: Sequence[ExportTask], documents: Mapping[str, Document] | None
) -> tuple[list[TaskDocument | None], dict[str, TaskDocument], list[Problem]]:
    """The document each task holds (None for a task that holds none, or the wrong one), the
    documents by id, and the problems of the tasks that hold none."""
    problems: list[Problem] = []
    sound: list[_TaskText] = []
    for position, task in enumerate(tasks):
        data = task.data if isinstance(task.data, dict) else {}
        doc_id, text = task.doc_id, data.get("text")
        if not isinstance(text, str):
            reason = "the task has no data.text: not pushed by jinbiao, or its data was edited"
            problems.append(Problem(task.task_id, reason, doc_id))
            continue
        if doc_id is None:
            problems.append(Problem(task.task_id, "the task has no data.doc_id; it was not pushed by jinbiao"))
            continue
        sha = sha256_text(text)
        claimed = data.get("sha256")
        if claimed and claimed != sha:
            reason = (
                f"data.sha256 {str(claimed)[:12]} does not hash data.text ({sha[:12]}): "
                "the text was edited in Label Studio after the push"
            )
            problems.append(Problem(task.task_id, reason, doc_id))
            continue
        sound.append(_TaskText(position, task.task_id, doc_id, text, sha))
    if documents is not None:
        holds = _against_corpus(sound, documents, problems)
    else:
        holds = _against_newest(sound, problems)
    held: list[TaskDocument | None] = [None] * len(tasks)
    by_doc: dict[str, TaskDocument] = {}
    for position, document in holds.items():
        held[position] = by_doc.setdefault(document.doc_id, document)
        by_doc[document.doc_id].task_ids.append(tasks[position].task_id or 0)
    return held, by_doc, problems


def _against_corpus(
    sound: Sequence[_TaskText], documents: Mapping[str, Document], problems: list[Problem]
) -> dict[int, TaskDocument]:
    """The tasks (by position) that hold their document's text in the corpus; the others are problems."""
    holds = {}
    for claim in sound:
        document = documents.get(claim.doc_id)
        if document is None:
            problems.append(Problem(claim.task_id, f"document {claim.doc_id} is not in the corpus given", claim.doc_id))
        elif document.text_sha256 != claim.sha:
            reason = (
                f"the task's text ({claim.sha[:12]}) is not the document's in the corpus ({document.text_sha256[:12]})"
            )
            problems.append(Problem(claim.task_id, reason, claim.doc_id, remedy=Remedy.PUSH_NEW_VERSION))
        else:
            holds[claim.position] = TaskDocument(claim.doc_id, document.text, document.text_sha256)
    return holds


def _against_newest(sound: Sequence[_TaskText], problems: list[Problem]) -> dict[int, TaskDocument]:
    """Without a corpus, the newest task of a document (the highest id) holds its text; the tasks
    (by position) that hold it, and older versions as problems."""
    newest: dict[str, _TaskText] = {}
    for claim in sound:
        if claim.doc_id not in newest or (claim.task_id or 0) > (newest[claim.doc_id].task_id or 0):
            newest[claim.doc_id] = claim
    holds = {}
    for claim in sound:
        latest = newest[claim.doc_id]
        if claim.sha != latest.sha:
            reason = (
                f"the task holds an older text of the document ({claim.sha[:12]}); task {latest.task_id or 0} holds "
                f"the newest ({latest.sha[:12]}): annotate that one"
            )
            problems.append(Problem(claim.task_id, reason, claim.doc_id))
        else:
            holds[claim.position] = TaskDocument(claim.doc_id, latest.text, latest.sha)
    return holds


# ------------------------------------------------------------------------------------ items


def escape_line_breaks(text: str) -> str:
    """`text` as Label Studio writes a selection into `value.text`: each line feed and carriage
    return as a backslash and `n`."""
    return LINE_BREAK.sub(r"\\n", text)


LINE_BREAK = re.compile(r"[\r\n]")


def read_by_offsets(region: Region, text: str) -> Region:
    """The region with its span's text taken from `text` when its `value.text` is that text with
    the line breaks escaped (a selection across a line break); otherwise unchanged."""
    span = region.span
    if span is None or not (0 <= span.start < span.end <= len(text)):
        return region
    covered = text[span.start : span.end]
    if covered != span.text and escape_line_breaks(covered) == span.text:
        return replace(region, span=replace(span, text=covered))
    return region


def _check_item(
    item: Item,
    task: ExportTask,
    document: TaskDocument | None,
    labels: frozenset[str] | set[str],
    problems: list[Problem],
) -> PlacedItem:
    """The item's spans, checked on its document's text with the contract's checks. A region with a
    problem is reported (in the order of the regions) and left out; the others are kept."""
    if document is None:
        return PlacedItem(item, task.doc_id, reported="task problem")

    def report(region_id: str | None, reason: str) -> None:
        problems.append(Problem(item.task_id, reason, document.doc_id, item.kind, item.item_id, item.who, region_id))

    if item.unreadable is not None:
        report(None, item.unreadable)
        return PlacedItem(item, document.doc_id, reported="unreadable")
    regions = [read_by_offsets(region, document.text) for region in item.regions]
    sound = [region.span for region in regions if region.span is not None]
    reasons: dict[int, list[str]] = defaultdict(list)  # region position → its problems
    for n, region in enumerate(regions):
        if region.reason is not None:
            reasons[n].append(region.reason)
    for error in span_problems(document.text, sound, labels=labels):
        reasons[_region_of(regions, error.span)].append(str(error))
    for n in sorted(reasons):
        for reason in reasons[n]:
            report(regions[n].region_id, reason)
    fine = {id(region.span): region for n, region in enumerate(regions) if n not in reasons and region.span is not None}
    kept = [fine[id(span)] for span in sort_spans([region.span for region in fine.values()])]
    return PlacedItem(
        item,
        document.doc_id,
        document,
        [region.span for region in kept],
        hows=[region.how for region in kept],
        region_ids=[region.region_id for region in kept],
        dropped=[regions[n].region_id for n in sorted(reasons)],
    )


def _region_of(regions: Sequence[Region], span: Span | None) -> int:
    """The position of the region whose span a problem names: that very span, else the last equal one."""
    for n, region in enumerate(regions):
        if region.span is span:
            return n
    return next(n for n in reversed(range(len(regions))) if span is not None and regions[n].span == span)


# ------------------------------------------------------------------------------------- sets


def _into_sets(kind: str, found: list[PlacedItem]) -> list[AnnotationSet]:
    """One set per annotator (or model version); a second item of the same document by the same
    annotator goes to a set of rank 2, and so on. Most recent first. Marks each item with its set."""
    by_who: dict[str, list[PlacedItem]] = defaultdict(list)
    for placed in found:
        by_who[placed.item.who].append(placed)
    sets: list[AnnotationSet] = []
    for who in sorted(by_who):
        ranked: list[AnnotationSet] = []
        for placed in sorted(by_who[who], key=lambda p: p.item.recency, reverse=True):
            document, item = placed.document, placed.item
            assert document is not None  # only written items are sorted into sets
            rank = next((r for r, s in enumerate(ranked, start=1) if document.doc_id not in s.documents), None)
            if rank is None:
                ranked.append(_new_set(kind, who, len(ranked) + 1, item))
                rank = len(ranked)
            target = ranked[rank - 1]
            target.add(DocumentAnnotations(document.doc_id, document.text_sha256, placed.spans, document.text))
            target.meta["items"].append(
                {"doc_id": document.doc_id, "task_id": item.task_id, "id": item.item_id, "updated_at": item.updated_at}
            )
            placed.set_name, placed.rank = target.name, rank
        for annotation_set in ranked:  # documents in id order, for reviewable files
            annotation_set.documents = dict(sorted(annotation_set.documents.items()))
            annotation_set.meta["items"].sort(key=lambda entry: entry["doc_id"])
        sets.extend(ranked)
    return sets


def _new_set(kind: str, who: str, rank: int, item: Item) -> AnnotationSet:
    if kind == PREDICTION:
        name, _, version = who.partition("@")
        annotation_set = AnnotationSet(name=name, kind="baseline", version=version or None)
    else:
        annotation_set = AnnotationSet(name=who, kind="human")
    if rank > 1:
        annotation_set.name += f"#{rank}"
    annotation_set.meta.update({"category": kind, "who": who, "rank": rank, "user_id": item.user_id, "items": []})
    annotation_set.meta["file"] = _file_name(who, rank)
    return annotation_set


def _file_name(who: str, rank: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9@._+-]+", "_", who).strip("._") or "unnamed"
    return f"{slug}.jsonl" if rank == 1 else f"{slug}.{rank}.jsonl"


# -------------------------------------------------------------------------------- candidate


def _candidate(policy: str, checked: Sequence[CheckedTask]) -> tuple[AnnotationSet | None, dict[str, str]]:
    """The gold candidate of each document by `policy`, and why the others have none."""
    if policy == ALL:
        return None, {}
    candidates: dict[str, list[PlacedItem]] = {}
    documents: dict[str, TaskDocument] = {}
    missing: dict[str, str] = {}
    for task in checked:
        if task.document is None:
            if task.task.doc_id:
                missing.setdefault(task.task.doc_id, f"task {task.task.task_id} has problems")
            continue
        doc_id = task.document.doc_id
        documents[doc_id] = task.document
        found = candidates.setdefault(doc_id, [])
        for placed in task.items:
            if placed.item.kind == ANNOTATION and (policy == LATEST or placed.item.ground_truth):
                found.append(placed)
    result = AnnotationSet(name="candidate", kind="human", meta={"policy": policy, "items": []})
    for doc_id in sorted(candidates):
        found = candidates[doc_id]
        if not found:
            missing[doc_id] = "no submitted annotation" if policy == LATEST else "no annotation marked ground truth"
            continue
        winner, why_none = _winner(found) if policy == LATEST else (max(found, key=lambda p: p.item.recency), None)
        if winner is None:
            missing[doc_id] = why_none or ""
            continue
        if not winner.written:
            missing[doc_id] = f"its {policy} annotation ({winner.item.item_id}) has problems"
            continue
        document = documents[doc_id]
        result.add(DocumentAnnotations(doc_id, document.text_sha256, winner.spans, document.text))
        item = winner.item
        agreeing = sorted({p.item.who for p in found if p.written and p.rank == 1})
        chosen = {"doc_id": doc_id, "task_id": item.task_id, "id": item.item_id, "who": item.who}
        if policy == LATEST and len(agreeing) > 1:
            chosen["agreed_by"] = agreeing
        result.meta["items"].append(chosen)
        missing.pop(doc_id, None)
    return result, dict(sorted(missing.items()))


def candidate_of(items: Sequence[PlacedItem]) -> tuple[AnnotationSet, dict[str, str]]:
    """The `latest` candidate over items already checked and placed (say, one user's only)."""
    by_doc: dict[str, list[PlacedItem]] = defaultdict(list)
    for placed in items:
        if placed.item.kind == ANNOTATION and placed.document is not None:
            by_doc[placed.document.doc_id].append(placed)
    result = AnnotationSet(name="candidate", kind="human", meta={"policy": LATEST, "items": []})
    missing = {}
    for doc_id in sorted(by_doc):
        winner, why_none = _winner(by_doc[doc_id])
        if winner is None or winner.document is None:
            missing[doc_id] = why_none or ""
            continue
        document, item = winner.document, winner.item
        result.add(DocumentAnnotations(doc_id, document.text_sha256, winner.spans, document.text))
        result.meta["items"].append({"doc_id": doc_id, "task_id": item.task_id, "id": item.item_id, "who": item.who})
    return result, missing


def _winner(found: Sequence[PlacedItem]) -> tuple[PlacedItem | None, str | None]:
    """`latest` for one document: the most recent annotation of its one annotator, or of its
    annotators when they all agree exactly; none when they differ (that is for adjudication)."""
    latest = max(found, key=lambda p: p.item.recency)
    newest_by_who: dict[str, PlacedItem] = {}
    for placed in sorted(found, key=lambda p: p.item.recency):
        newest_by_who[placed.item.who] = placed
    if len(newest_by_who) == 1:
        return latest, None
    versions = {tuple(s.key for s in p.spans) for p in newest_by_who.values() if p.written}
    if len(versions) == 1 and all(p.written for p in newest_by_who.values()):
        return newest_by_who[latest.item.who], None
    who = ", ".join(sorted(newest_by_who))
    return None, f"its {len(newest_by_who)} annotators differ ({who}): adjudicate, or mark one annotation ground truth"


# ----------------------------------------------------------------------------- counts, notes


def _count(
    export: Export,
    placed: Sequence[PlacedItem],
    problems: Sequence[Problem],
    by_doc: Mapping[str, TaskDocument],
    candidate: AnnotationSet | None,
    listed_by_id: ListedById,
) -> Counts:
    by_kind = {kind: ItemCounts() for kind in CATEGORY_DIRS}
    for entry in placed:
        counts = by_kind[entry.item.kind]
        counts.in_export += 1
        if entry.written:
            counts.written += 1
        else:
            counts.reported += 1
    regions = ItemCounts()
    for entry in placed:
        if entry.item.kind == ANNOTATION:
            regions.in_export += len(entry.item.regions)
            regions.written += len(entry.spans)
            regions.reported += len(entry.item.regions) - len(entry.spans)
    return Counts(
        regions=regions,
        tasks=len(export.tasks),
        tasks_with_problems=len({p.task_id for p in problems if p.task_id is not None}),
        documents=len(by_doc),
        submitted=by_kind[ANNOTATION],
        skipped=by_kind[SKIPPED],
        drafts=by_kind[DRAFT],
        predictions=by_kind[PREDICTION],
        ground_truth=sum(1 for p in placed if p.item.kind == ANNOTATION and p.item.ground_truth),
        listed_by_id=listed_by_id,
        problems=len(problems),
        candidate_documents=len(candidate) if candidate is not None else 0,
    )


def _notes(export: Export, listed_by_id: ListedById) -> list[Note]:
    notes = []
    if export.format == JSON_MIN:
        notes.append(
            Note(
                "JSON_MIN leaves out skipped annotations, drafts, predictions and region ids; "
                "pull from the server (or export JSON) for the complete picture"
            )
        )
    if listed_by_id.drafts or listed_by_id.predictions:
        notes.append(
            Note(
                f"the export lists {listed_by_id.drafts} drafts and {listed_by_id.predictions} predictions by id "
                "only (Label Studio's plain export does)",
                Remedy.FULL_SNAPSHOT,
            )
        )
    return notes
