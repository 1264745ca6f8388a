"""A read export → annotation sets, a gold candidate and a problem list.

Pure: no network. Every task is checked (its id is not listed twice, it has `data.text` and
`data.doc_id`, its `data.sha256` hashes its text, the text is the document's), and every item's
spans with the contract's own checks (`jinbiao.gold.span_problems`: inside the text, `text`
matching, a label of the schema, no overlap); an item's id must not be used twice, nor its
`result` be null or missing. A region is read by its offsets: Label Studio writes a line break
inside a selection into `value.text` as a backslash and `n`, which is the text it covers, escaped.
A region with a problem is reported alone and left out; the item's other regions are written. An
item is reported whole only when its task has a problem, its `result` cannot be read or its id is
used twice. So every annotation of the export is either written or reported, and every region of
one too:

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

The conversion reads the tasks twice and holds neither the export nor its spans (`convert_tasks`):
the first pass notes, per task, its id, document and text hash and its items' ids, authors and
dates (which task holds which document, which ids are used twice, how the items rank); the second
checks each task's items and hands them, one at a time, to a sink, with each document's candidate
as soon as the last task holding it has gone by. `convert_export` keeps everything in memory (a
`PullResult`); `jinbiao.annotate.labelstudio.pull` writes it into files as it goes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

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

from .read import detect_format, read_tasks
from .records import (
    ANNOTATION,
    CATEGORY_DIRS,
    DRAFT,
    JSON_MIN,
    PREDICTION,
    SKIPPED,
    Counts,
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

TaskSource = Callable[[], Iterable[ExportTask]]  # each call: a fresh pass over the export's tasks, in order
Labels = frozenset[str] | set[str] | None  # the labels a span may have (None: any)


class ConversionSink(Protocol):
    """Where a conversion's results go, as they are made (`convert_tasks`)."""

    def task(self, document: TaskDocument, task_id: int | None) -> None:
        """A task that holds `document` (before its items)."""

    def item(self, placed: PlacedItem) -> None:
        """Every item of the export, in export order, written (with its set's rank) or reported."""

    def candidate(self, document: TaskDocument, winner: PlacedItem, chosen: dict[str, Any]) -> None:
        """The gold candidate of `document`: `winner`'s spans; `chosen` says which item that is."""


@dataclass
class Conversion:
    """What a conversion found besides what it handed to its sink."""

    format: str
    policy: str
    problems: list[Problem]
    candidate_missing: dict[str, str]  # doc id → why it has no candidate
    totals: Counts
    notes: list[Note]


def check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise JinbiaoError(f"unknown policy {policy!r}; choose one of: {', '.join(POLICIES)}")


def corpus_hashes(documents: Iterable[Document] | None) -> dict[str, str] | None:
    """Each document's text hash by id: what the tasks are checked against (None: no corpus)."""
    return None if documents is None else {document.id: document.text_sha256 for document in documents}


def convert_export(
    payload: Any,
    *,
    policy: str = DEFAULT_POLICY,
    documents: Iterable[Document] | None = None,
    labels: frozenset[str] | set[str] = LABEL_SET,
    users: Mapping[int, str] | None = None,
) -> PullResult:
    """Check and sort a parsed export (JSON or JSON_MIN) into annotation sets, in memory; see the
    module doc. `users` maps user ids to emails (for who last changed an annotation)."""
    check_policy(policy)
    fmt = detect_format(payload)
    sink = MemorySink()
    conversion = convert_tasks(
        lambda: read_tasks(payload, fmt, users=users),
        fmt,
        policy=policy,
        corpus=corpus_hashes(documents),
        labels=labels,
        sink=sink,
    )
    return sink.result(conversion)


def convert_tasks(
    tasks: TaskSource,
    fmt: str,
    *,
    policy: str = DEFAULT_POLICY,
    corpus: Mapping[str, str] | None = None,
    labels: Labels = LABEL_SET,
    allow_overlap: bool = False,
    sink: ConversionSink,
) -> Conversion:
    """Convert the tasks `tasks()` gives (twice: see the module doc) into `sink`. `corpus` maps
    document ids to the current text hashes (`corpus_hashes`), or None. `labels` None accepts any
    label; `allow_overlap` lets an item's regions overlap (the schema's spans are flat)."""
    check_policy(policy)
    problems: list[Problem] = []
    plan = _plan(tasks(), corpus, problems)
    totals = Counts(tasks=plan.tasks, listed_by_id=plan.listed_by_id)
    by_kind = {kind: ItemCounts() for kind in CATEGORY_DIRS}
    held_back: dict[str, list[tuple[TaskDocument, int | None, list[PlacedItem]]]] = {}  # documents of several tasks
    missing: dict[str, str] = {}
    rules = (labels, allow_overlap)
    for position, task in enumerate(tasks()):
        doc_id = plan.held.get(position)
        if doc_id is None:
            for item in task.items:
                placed = _place(item, task, None, rules, problems, plan)
                _count(placed, by_kind, totals)
                sink.item(placed)
            continue
        text = task.data["text"]
        document = TaskDocument(doc_id, text, sha256_text(text))
        placed_items = [_place(item, task, document, rules, problems, plan) for item in task.items]
        group = [(document, task.task_id, placed_items)]
        if doc_id in plan.several:  # ranked and decided with the document's other tasks, after its last
            held_back.setdefault(doc_id, []).append(group[0])
            if plan.last[doc_id] != position:
                continue
            group = held_back.pop(doc_id)
        _rank([placed for _, _, items in group for placed in items])
        for held_document, task_id, items in group:
            sink.task(held_document, task_id)
            for placed in items:
                _count(placed, by_kind, totals)
                sink.item(placed)
        if policy != ALL:
            found = [p for _, _, items in group for p in items if _is_candidate(p.item, policy)]
            why = _decide(policy, document, found, sink)
            if why is None:
                totals.candidate_documents += 1
            else:
                missing[doc_id] = why
    if policy != ALL:
        for doc_id, why in plan.broken.items():
            if doc_id not in plan.last:
                missing[doc_id] = why
    totals.submitted, totals.skipped = by_kind[ANNOTATION], by_kind[SKIPPED]
    totals.drafts, totals.predictions = by_kind[DRAFT], by_kind[PREDICTION]
    totals.documents = len(plan.last)
    if plan.listed_by_id.annotations:
        reason = f"{plan.listed_by_id.annotations} annotations are listed by id only; export them in full"
        problems.append(Problem(None, reason))
    problems.sort(key=lambda p: (p.task_id is None, p.task_id or 0, p.item != "task", str(p.item_id or "")))
    totals.count_problems(problems)
    notes = _notes(fmt, plan.listed_by_id)
    return Conversion(fmt, policy, problems, dict(sorted(missing.items())), totals, notes)


def _is_candidate(item: Item, policy: str) -> bool:
    return item.kind == ANNOTATION and (policy == LATEST or (policy == GROUND_TRUTH and item.ground_truth))


def _place(
    item: Item,
    task: ExportTask,
    document: TaskDocument | None,
    rules: tuple[Labels, bool],
    problems: list[Problem],
    plan: _Plan,
) -> PlacedItem:
    """The item checked (`_check_item`), or reported for an id used twice."""
    used = plan.repeated_ids.get(_id_key(item)) if document is not None else None
    if document is not None and used is not None:
        times = "twice" if used == 2 else f"{used} times"
        reason = f"its id is used {times} in the export: a damaged export; export the project again"
        problems.append(Problem(item.task_id, reason, document.doc_id, item.kind, item.item_id, item.who))
        return PlacedItem(item, document.doc_id, reported="duplicate id")
    return _check_item(item, task, document, rules[0], problems, allow_overlap=rules[1])


def _rank(items: Sequence[PlacedItem]) -> None:
    """Rank the written items of one document: per author and kind, the most recent ranks 1, the
    one before 2, and so on (ties: export order); each is named after the set it goes to."""
    groups: dict[tuple[str, str], list[PlacedItem]] = defaultdict(list)
    for placed in items:
        if placed.written:
            groups[(placed.item.kind, placed.item.who)].append(placed)
    for (kind, who), found in groups.items():
        for rank, placed in enumerate(sorted(found, key=lambda p: p.item.recency, reverse=True), start=1):
            placed.rank, placed.set_name = rank, set_name(kind, who, rank)


def _count(placed: PlacedItem, by_kind: dict[str, ItemCounts], totals: Counts) -> None:
    counts = by_kind[placed.item.kind]
    counts.in_export += 1
    if placed.written:
        counts.written += 1
    else:
        counts.reported += 1
    if placed.item.kind == ANNOTATION:
        regions = len(placed.item.regions)
        totals.regions.in_export += regions
        totals.regions.written += len(placed.spans)
        totals.regions.reported += regions - len(placed.spans)
        totals.ground_truth += placed.item.ground_truth


# ------------------------------------------------------------------------------ first pass


def _id_key(item: Item) -> tuple[str, int | None]:
    """Submitted and skipped annotations share Label Studio's annotation ids."""
    return ("annotation" if item.kind in (ANNOTATION, SKIPPED) else item.kind, item.item_id)


@dataclass
class _Plan:
    """What the first pass learnt: which task holds which document, and which ids are used twice.
    A few dozen bytes per task: positions, ids and the documents' names."""

    tasks: int = 0
    listed_by_id: ListedById = field(default_factory=ListedById)
    held: dict[int, str] = field(default_factory=dict)  # position → the document it holds
    last: dict[str, int] = field(default_factory=dict)  # doc id → the last position holding it
    several: set[str] = field(default_factory=set)  # documents held by more than one task
    broken: dict[str, str] = field(default_factory=dict)  # doc id → why a task of it has no document
    repeated_ids: dict[tuple[str, int | None], int] = field(default_factory=dict)  # item id used n > 1 times


_TaskText = tuple[int, "int | None", str, str]  # a sound task: position, task id, document it holds, text hash


def _plan(tasks: Iterable[ExportTask], corpus: Mapping[str, str] | None, problems: list[Problem]) -> _Plan:
    plan = _Plan()
    refs: list[tuple[int | None, str | None]] = []  # per position: task id, document it names
    sound: list[_TaskText] = []
    seen: dict[str, set[int]] = defaultdict(set)  # item ids by kind of id
    names: dict[str, str] = {}  # one string per document id, however often it recurs
    for position, task in enumerate(tasks):
        plan.tasks += 1
        plan.listed_by_id += task.listed_by_id
        doc_id = task.doc_id
        if doc_id is not None:
            doc_id = names.setdefault(doc_id, doc_id)
        refs.append((task.task_id, doc_id))
        claim = _claim(position, task, doc_id, problems)
        if claim is not None:
            sound.append(claim)
        for item in task.items:
            if item.item_id is None:
                continue
            kind, item_id = _id_key(item)
            if item_id in seen[kind]:
                key = (kind, item_id)
                plan.repeated_ids[key] = plan.repeated_ids.get(key, 1) + 1
            else:
                seen[kind].add(item_id)
    del seen, names
    counted: dict[int, int] = defaultdict(int)
    for task_id, _ in refs:
        if task_id is not None:
            counted[task_id] += 1
    listed_twice = {task_id for task_id, n in counted.items() if n > 1}
    for task_id, doc_id in refs:
        if task_id in listed_twice:
            times = "twice" if counted[task_id] == 2 else f"{counted[task_id]} times"
            reason = f"the export lists this task {times}: a damaged or concatenated export; export the project again"
            problems.append(Problem(task_id, reason, doc_id))
    sound = [claim for claim in sound if claim[1] not in listed_twice]
    holds = _against_corpus(sound, corpus, problems) if corpus is not None else _against_newest(sound, problems)
    del sound
    for position in sorted(holds):
        doc_id = holds[position]
        plan.held[position] = doc_id
        if doc_id in plan.last:
            plan.several.add(doc_id)
        plan.last[doc_id] = position
    for position, (task_id, doc_id) in enumerate(refs):
        if doc_id is not None and position not in plan.held:
            plan.broken.setdefault(doc_id, f"task {task_id} has problems")
    return plan


def _claim(position: int, task: ExportTask, doc_id: str | None, problems: list[Problem]) -> _TaskText | None:
    """The document a task says it holds, or None (and its problem) when it holds none."""
    data = task.data if isinstance(task.data, dict) else {}
    text = data.get("text")
    if not isinstance(text, str):
        reason = "the task has no data.text: not pushed by jinbiao, or its data was edited"
        problems.append(Problem(task.task_id, reason, doc_id))
        return None
    if doc_id is None:
        problems.append(Problem(task.task_id, "the task has no data.doc_id; it was not pushed by jinbiao"))
        return None
    sha = sha256_text(text)
    claimed = data.get("sha256")
    if claimed and claimed != sha:
        reason = (
            f"data.sha256 {str(claimed)[:12]} does not hash data.text ({sha[:12]}): "
            "the text was edited in Label Studio after the push"
        )
        problems.append(Problem(task.task_id, reason, doc_id))
        return None
    return (position, task.task_id, doc_id, sha)


def _against_corpus(
    sound: Sequence[_TaskText], documents: Mapping[str, str], problems: list[Problem]
) -> dict[int, str]:
    """The tasks (by position) that hold their document's text in the corpus; the others are problems."""
    holds = {}
    for position, task_id, doc_id, claimed in sound:
        sha = documents.get(doc_id)
        if sha is None:
            problems.append(Problem(task_id, f"document {doc_id} is not in the corpus given", doc_id))
        elif sha != claimed:
            reason = f"the task's text ({claimed[:12]}) is not the document's in the corpus ({sha[:12]})"
            problems.append(Problem(task_id, reason, doc_id, remedy=Remedy.PUSH_NEW_VERSION))
        else:
            holds[position] = doc_id
    return holds


def _against_newest(sound: Sequence[_TaskText], problems: list[Problem]) -> dict[int, str]:
    """Without a corpus, the newest task of a document (the highest id) holds its text; the tasks
    (by position) that hold it, and older versions as problems."""
    newest: dict[str, tuple[int, str]] = {}  # doc id → (task id, text hash)
    for _, task_id, doc_id, sha in sound:
        if doc_id not in newest or (task_id or 0) > newest[doc_id][0]:
            newest[doc_id] = (task_id or 0, sha)
    holds = {}
    for position, task_id, doc_id, sha in sound:
        latest_id, latest_sha = newest[doc_id]
        if sha != latest_sha:
            reason = (
                f"the task holds an older text of the document ({sha[:12]}); task {latest_id} holds "
                f"the newest ({latest_sha[:12]}): annotate that one"
            )
            problems.append(Problem(task_id, reason, doc_id))
        else:
            holds[position] = doc_id
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
    labels: Labels,
    problems: list[Problem],
    *,
    allow_overlap: bool = False,
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
    allowed = labels if labels is not None else {span.label for span in sound}
    for error in span_problems(document.text, sound, labels=allowed, allow_overlap=allow_overlap):
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


def set_name(kind: str, who: str, rank: int) -> str:
    """The name of the set an item of `kind` by `who` (a model version for predictions) goes to."""
    name = who.partition("@")[0] if kind == PREDICTION else who
    return name if rank == 1 else f"{name}#{rank}"


def new_set(kind: str, who: str, rank: int, user_id: int | None = None) -> AnnotationSet:
    """An empty annotation set for the items of `kind` by `who` ranked `rank`, its `meta` saying so."""
    if kind == PREDICTION:
        version = who.partition("@")[2]
        annotation_set = AnnotationSet(name=set_name(kind, who, rank), kind="baseline", version=version or None)
    else:
        annotation_set = AnnotationSet(name=set_name(kind, who, rank), kind="human")
    annotation_set.meta.update({"category": kind, "who": who, "rank": rank, "user_id": user_id, "items": []})
    annotation_set.meta["file"] = file_name(who, rank)
    return annotation_set


def file_name(who: str, rank: int) -> str:
    slug = re.sub(r"[^A-Za-z0-9@._+-]+", "_", who).strip("._") or "unnamed"
    return f"{slug}.jsonl" if rank == 1 else f"{slug}.{rank}.jsonl"


class MemorySink:
    """A conversion kept in memory: `result` makes the `PullResult` (sets sorted by author and rank,
    each set's documents and the candidate's by id)."""

    def __init__(self) -> None:
        self.items: list[PlacedItem] = []
        self.documents: dict[str, TaskDocument] = {}
        self.chosen: list[tuple[TaskDocument, PlacedItem, dict[str, Any]]] = []

    def task(self, document: TaskDocument, task_id: int | None) -> None:
        self.documents.setdefault(document.doc_id, document).task_ids.append(task_id or 0)

    def item(self, placed: PlacedItem) -> None:
        self.items.append(placed)

    def candidate(self, document: TaskDocument, winner: PlacedItem, chosen: dict[str, Any]) -> None:
        self.chosen.append((document, winner, chosen))

    def result(self, conversion: Conversion) -> PullResult:
        sets: dict[str, list[AnnotationSet]] = {kind: [] for kind in CATEGORY_DIRS}
        made: dict[tuple[str, str, int], AnnotationSet] = {}
        for placed in self.items:
            if not placed.written or placed.document is None or placed.rank is None:
                continue
            item, document = placed.item, placed.document
            key = (item.kind, item.who, placed.rank)
            if key not in made:
                made[key] = new_set(item.kind, item.who, placed.rank, item.user_id)
            target = made[key]
            target.add(DocumentAnnotations(document.doc_id, document.text_sha256, placed.spans, document.text))
            target.meta["items"].append(
                {"doc_id": document.doc_id, "task_id": item.task_id, "id": item.item_id, "updated_at": item.updated_at}
            )
        for (kind, _, _), annotation_set in sorted(made.items(), key=lambda pair: (pair[0][1], pair[0][2])):
            annotation_set.documents = dict(sorted(annotation_set.documents.items()))  # reviewable files
            annotation_set.meta["items"].sort(key=lambda entry: entry["doc_id"])
            sets[kind].append(annotation_set)
        candidate = None
        if conversion.policy != ALL:
            candidate = AnnotationSet(name="candidate", kind="human", meta={"policy": conversion.policy, "items": []})
            for document, winner, chosen in sorted(self.chosen, key=lambda entry: entry[0].doc_id):
                candidate.add(DocumentAnnotations(document.doc_id, document.text_sha256, winner.spans, document.text))
                candidate.meta["items"].append(chosen)
        return PullResult(
            conversion.format,
            conversion.policy,
            sets,
            candidate,
            conversion.candidate_missing,
            conversion.problems,
            self.items,
            conversion.totals,
            self.documents,
            conversion.notes,
        )


# -------------------------------------------------------------------------------- candidate


def _decide(policy: str, document: TaskDocument, found: Sequence[PlacedItem], sink: ConversionSink) -> str | None:
    """Hand `document`'s candidate by `policy` to `sink`; or why it has none."""
    if not found:
        return "no submitted annotation" if policy == LATEST else "no annotation marked ground truth"
    winner, why_none = _winner(found) if policy == LATEST else (max(found, key=lambda p: p.item.recency), None)
    if winner is None:
        return why_none or ""
    if not winner.written:
        return f"its {policy} annotation ({winner.item.item_id}) has problems"
    item = winner.item
    chosen: dict[str, Any] = {"doc_id": document.doc_id, "task_id": item.task_id, "id": item.item_id, "who": item.who}
    agreeing = sorted({p.item.who for p in found if p.written and p.rank == 1})
    if policy == LATEST and len(agreeing) > 1:
        chosen["agreed_by"] = agreeing
    sink.candidate(document, winner, chosen)
    return None


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


# ------------------------------------------------------------------------------------- notes


def _notes(fmt: str, listed_by_id: ListedById) -> list[Note]:
    notes = []
    if fmt == JSON_MIN:
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
