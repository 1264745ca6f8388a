"""Label Studio exports (JSON or JSON_MIN) → annotation sets, a gold candidate and a problem list.

Pure: no network, no files written. Every region is checked (offsets inside the text,
`value.text == text[start:end]`, one label of the schema, no overlap), and every task (it has
`data.text` and `data.doc_id`, its `data.sha256` hashes its text, the text is the document's).
An annotation with any problem is reported, never written in part; everything else is sorted
into sets, so that every annotation of the export is either written or reported:

* one set per annotator (by user) of submitted annotations; skipped (cancelled) annotations and
  drafts in sets of their own, kept apart; predictions in one set per model version;
* when one annotator has several annotations of one document (Label Studio allows it), the most
  recent is in the annotator's set and the earlier ones in extra sets ranked 2, 3, …;
* the gold candidate, by policy: `latest` (per document, the most recently updated submitted
  annotation of anyone), `ground-truth` (the one marked ground truth in Label Studio), or `all`
  (no single candidate: every annotator set is one, for adjudication).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from jinbiao.gold import (
    LABEL_SET,
    AnnotationSet,
    Document,
    DocumentAnnotations,
    JinbiaoError,
    Span,
    sha256_text,
    span_problems,
)

from .config import FROM_NAME, TO_NAME

POLICIES: tuple[str, ...] = ("latest", "ground-truth", "all")
JSON = "JSON"
JSON_MIN = "JSON_MIN"

# categories of items, in the order they are written and counted
ANNOTATION = "annotation"
SKIPPED = "skipped"
DRAFT = "draft"
PREDICTION = "prediction"
CATEGORY_DIRS = {ANNOTATION: "annotators", SKIPPED: "skipped", DRAFT: "drafts", PREDICTION: "predictions"}

_JSON_MIN_META = {"id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time", "agreement", "history"}


class ExportFormatError(JinbiaoError):
    """Not a Label Studio export we can read."""


# ------------------------------------------------------------------------------------ model


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an export, located by task, item (annotation, draft …) and region."""

    task_id: int | None
    reason: str
    doc_id: str | None = None
    item: str = "task"  # task | annotation | skipped | draft | prediction
    item_id: int | str | None = None
    who: str | None = None
    region_id: str | None = None

    def __str__(self) -> str:
        where = f"task {self.task_id}" if self.task_id is not None else "a task without id"
        if self.doc_id:
            where += f" (document {self.doc_id})"
        parts = [where]
        if self.item != "task":
            name = {SKIPPED: "skipped annotation"}.get(self.item, self.item)
            item = f"{name} {self.item_id}" if self.item_id is not None else name
            if self.who:
                item += f" of {self.who}" if self.item == PREDICTION else f" by {self.who}"
            parts.append(item)
        if self.region_id is not None:
            parts.append(f"region {self.region_id}")
        return ", ".join(parts) + f": {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "doc_id": self.doc_id,
            "item": self.item,
            "item_id": self.item_id,
            "who": self.who,
            "region_id": self.region_id,
            "reason": self.reason,
        }


@dataclass
class ExportItem:
    """An annotation, skipped annotation, draft or prediction of one task, as exported."""

    kind: str
    task_id: int | None
    item_id: int | None
    who: str
    result: Any
    user_id: int | None = None
    ground_truth: bool = False
    updated_at: str = ""
    created_at: str = ""
    lead_time: float | None = None

    @property
    def recency(self) -> tuple[str, int]:
        return (self.updated_at or self.created_at or "", self.item_id or 0)


@dataclass
class ExportTask:
    task_id: int | None
    data: Any
    items: list[ExportItem] = field(default_factory=list)
    ids_only: Counter[str] = field(default_factory=Counter)  # drafts / predictions listed by id only


# ------------------------------------------------------------------------------------ parse


def load_export(path: str | os.PathLike[str]) -> Any:
    """The parsed JSON of an export file, or an `ExportFormatError` naming the file."""
    path = Path(path)
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ExportFormatError(f"{path}: no such file; give the JSON file exported from Label Studio") from None
    except OSError as error:
        raise ExportFormatError(f"{path}: cannot read ({error.strerror})") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ExportFormatError(
            f"{path}: not JSON ({error}); export the project as JSON or JSON_MIN from Label Studio"
        ) from None


def detect_format(payload: Any) -> str:
    if not isinstance(payload, list):
        raise ExportFormatError(
            "not a Label Studio export: expected a list of tasks; export the project as JSON or JSON_MIN"
        )
    for record in payload:
        if not isinstance(record, dict):
            break
        if "data" in record or "annotations" in record:
            return JSON
        if "annotation_id" in record or "annotator" in record:
            return JSON_MIN
        break
    else:
        return JSON  # empty export
    raise ExportFormatError(
        "not a Label Studio export: its records have neither `data` (JSON) nor `annotator` (JSON_MIN)"
    )


def _user(completed_by: Any) -> tuple[str, int | None]:
    """(annotator name, user id): the email when the export has it, else `user-<id>`."""
    if isinstance(completed_by, dict):
        user_id = completed_by.get("id")
        user_id = user_id if isinstance(user_id, int) else None
        email = completed_by.get("email")
        if email:
            return str(email), user_id
        return (f"user-{user_id}" if user_id is not None else "unknown"), user_id
    if isinstance(completed_by, bool):
        return "unknown", None
    if isinstance(completed_by, int):
        return f"user-{completed_by}", completed_by
    if isinstance(completed_by, str) and completed_by:
        return completed_by, None
    return "unknown", None


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _draft_user(draft: dict[str, Any]) -> tuple[str, int | None]:
    name = draft.get("user")
    user_id = None
    created = draft.get("created_username")
    if isinstance(created, str) and "," in created:
        tail = created.rsplit(",", 1)[1].strip()
        user_id = int(tail) if tail.isdigit() else None
    if isinstance(name, str) and name:
        return name, user_id
    return _user(user_id)


def parse_export(payload: Any) -> tuple[str, list[ExportTask]]:
    """(format, tasks) of a parsed JSON or JSON_MIN export."""
    fmt = detect_format(payload)
    return fmt, (_parse_json(payload) if fmt == JSON else _parse_json_min(payload))


def _parse_json(payload: list[Any]) -> list[ExportTask]:
    tasks = []
    for record in payload:
        if not isinstance(record, dict):
            tasks.append(ExportTask(None, None))
            continue
        task = ExportTask(_int_or_none(record.get("id")), record.get("data"))
        for annotation in record.get("annotations") or []:
            if not isinstance(annotation, dict):
                task.ids_only[ANNOTATION] += 1
                continue
            who, user_id = _user(annotation.get("completed_by"))
            task.items.append(
                ExportItem(
                    SKIPPED if annotation.get("was_cancelled") else ANNOTATION,
                    task.task_id,
                    _int_or_none(annotation.get("id")),
                    who,
                    annotation.get("result"),
                    user_id,
                    bool(annotation.get("ground_truth")),
                    str(annotation.get("updated_at") or ""),
                    str(annotation.get("created_at") or ""),
                    annotation.get("lead_time"),
                )
            )
        for draft in record.get("drafts") or []:
            if not isinstance(draft, dict):
                task.ids_only[DRAFT] += 1
                continue
            who, user_id = _draft_user(draft)
            task.items.append(
                ExportItem(
                    DRAFT,
                    task.task_id,
                    _int_or_none(draft.get("id")),
                    who,
                    draft.get("result"),
                    user_id,
                    False,
                    str(draft.get("updated_at") or ""),
                    str(draft.get("created_at") or ""),
                    draft.get("lead_time"),
                )
            )
        for item in record.get("predictions") or []:
            if not isinstance(item, dict):
                task.ids_only[PREDICTION] += 1
                continue
            task.items.append(
                ExportItem(
                    PREDICTION,
                    task.task_id,
                    _int_or_none(item.get("id")),
                    str(item.get("model_version") or "undefined"),
                    item.get("result"),
                    updated_at=str(item.get("updated_at") or ""),
                    created_at=str(item.get("created_at") or ""),
                )
            )
        tasks.append(task)
    return tasks


def _parse_json_min(payload: list[Any]) -> list[ExportTask]:
    """JSON_MIN has one record per annotation (skipped ones and drafts left out), task data
    flattened into it, and regions as bare values under the control's name."""
    by_id: dict[Any, ExportTask] = {}
    for record in payload:
        if not isinstance(record, dict):
            by_id[object()] = ExportTask(None, None)
            continue
        task_id = _int_or_none(record.get("id"))
        key: Any = task_id if task_id is not None else object()
        task = by_id.get(key)
        if task is None:
            data = {k: v for k, v in record.items() if k not in _JSON_MIN_META and k != FROM_NAME}
            task = by_id[key] = ExportTask(task_id, data)
        if record.get("annotation_id") is None:
            continue  # a task without annotations
        values = record.get(FROM_NAME, [])
        result: Any = (
            [
                {"id": None, "from_name": FROM_NAME, "to_name": TO_NAME, "type": "labels", "value": value}
                for value in values
            ]
            if isinstance(values, list)
            else values
        )
        who, user_id = _user(record.get("annotator"))
        task.items.append(
            ExportItem(
                ANNOTATION,
                task_id,
                _int_or_none(record.get("annotation_id")),
                who,
                result,
                user_id,
                False,
                str(record.get("updated_at") or ""),
                str(record.get("created_at") or ""),
                record.get("lead_time"),
            )
        )
    return list(by_id.values())


# ----------------------------------------------------------------------------------- checks


def region_spans(
    result: Any, text: str, *, labels: frozenset[str] | set[str] = LABEL_SET, origin: str | None = None
) -> tuple[list[Span], list[tuple[str | None, str]]]:
    """The spans of one annotation's `result` (sorted), or its problems as (region id, reason)."""
    if result is None:
        return [], []
    if not isinstance(result, list):
        return [], [(None, f"`result` is a {type(result).__name__}, not a list of regions")]
    spans: list[Span] = []
    problems: list[tuple[str | None, str]] = []
    size = len(text)
    for index, region in enumerate(result):
        # the common case, checked inline (a pull checks every region of every annotation)
        if type(region) is dict and region.get("type") == "labels" and region.get("from_name") == FROM_NAME:
            value = region.get("value")
            if region.get("to_name") == TO_NAME and type(value) is dict:
                start, end, names = value.get("start"), value.get("end"), value.get("labels")
                if (
                    type(start) is int
                    and type(end) is int
                    and 0 <= start < end <= size
                    and value.get("text") == text[start:end]
                    and type(names) is list
                    and len(names) == 1
                    and type(names[0]) is str
                    and names[0] in labels
                ):
                    score = region.get("score")
                    score = float(score) if type(score) in (int, float) else None
                    spans.append(Span(start, end, names[0], value["text"], score, origin))
                    continue
        region_id = str(region.get("id")) if isinstance(region, dict) and region.get("id") else f"#{index}"
        problems.append((region_id, _check_region(region, text, labels)))
    if problems:
        return [], problems
    spans.sort(key=_SPAN_ORDER)
    reach = -1
    for span in spans:
        if span.start < reach:  # an overlap: let the contract's own check word it
            return [], _overlaps(result, spans, text, labels)
        reach = max(reach, span.end)
    return spans, []


_SPAN_ORDER = attrgetter("start", "end", "label")


def _overlaps(
    result: list[Any], spans: list[Span], text: str, labels: frozenset[str] | set[str]
) -> list[tuple[str | None, str]]:
    ids: dict[tuple[int, int, str], list[str]] = defaultdict(list)
    for index, region in enumerate(result):
        value = region["value"]
        ids[(value["start"], value["end"], value["labels"][0])].append(str(region.get("id") or f"#{index}"))
    problems: list[tuple[str | None, str]] = []
    for problem in span_problems(text, spans, labels=labels):
        span = problem.span
        region_id = ids[span.key][-1] if span is not None and ids.get(span.key) else None
        problems.append((region_id, f"{problem.reason} ({problem.hint})" if problem.hint else problem.reason))
    return problems


def _check_region(region: Any, text: str, labels: frozenset[str] | set[str]) -> str:
    """Why a region is not a sound Labels region over `text` (called only for those that are not)."""
    if not isinstance(region, dict):
        return f"not a region but a {type(region).__name__}"
    kind, from_name, to_name = region.get("type"), region.get("from_name"), region.get("to_name")
    if kind != "labels" or from_name != FROM_NAME or to_name != TO_NAME:
        return (
            f"a {kind!r} result from {from_name!r} to {to_name!r}; the labeling config has only "
            f"Labels {FROM_NAME!r} on Text {TO_NAME!r}"
        )
    value = region.get("value")
    if not isinstance(value, dict):
        return "the region has no `value`"
    start, end = value.get("start"), value.get("end")
    if _int_or_none(start) is None or _int_or_none(end) is None:
        return f"start and end must be integers, got {start!r} and {end!r}"
    if start >= end:
        return f"offsets [{start}, {end}) are empty or reversed"
    if start < 0 or end > len(text):
        return f"offsets [{start}, {end}) are outside the text ({len(text)} characters)"
    found = text[start:end]
    if "text" not in value:
        return f"the region has no value.text (the text has {found!r} there)"
    if value["text"] != found:
        return f"value.text {value['text']!r} does not match the text, which has {found!r} there"
    names = value.get("labels")
    if not isinstance(names, list) or len(names) != 1 or not isinstance(names[0], str):
        return f"a region needs exactly one label, it has {names!r}"
    if names[0] not in labels:
        return f"label {names[0]!r} is not in the schema"
    return f"the region is not a sound Labels region: {region!r}"


# ---------------------------------------------------------------------------------- convert


@dataclass
class TaskDocument:
    """The document a task holds, as far as the export (and the corpus, if given) tells."""

    doc_id: str
    text: str
    text_sha256: str
    task_ids: list[int] = field(default_factory=list)


@dataclass
class PullResult:
    format: str
    policy: str
    sets: dict[str, list[AnnotationSet]]  # category → sets (annotators, skipped, drafts, predictions)
    candidate: AnnotationSet | None
    candidate_missing: dict[str, str]  # doc id → why it has no candidate
    problems: list[Problem]
    index: list[dict[str, Any]]  # one entry per annotation, draft and prediction: where it went
    counts: dict[str, Any]
    documents: dict[str, TaskDocument]
    notes: list[str] = field(default_factory=list)

    @property
    def annotator_sets(self) -> list[AnnotationSet]:
        return self.sets[ANNOTATION]

    def annotator_set(self, who: str, rank: int = 1) -> AnnotationSet | None:
        for annotation_set in self.sets[ANNOTATION]:
            if annotation_set.meta.get("who") == who and annotation_set.meta.get("rank") == rank:
                return annotation_set
        return None

    @property
    def reconciled(self) -> bool:
        """Every annotation of the export is either written or reported."""
        counted = self.counts["annotations"]
        return counted["in_export"] == counted["written"] + counted["reported"]


def _task_documents(
    tasks: Sequence[ExportTask], documents: Mapping[str, Document] | None
) -> tuple[dict[int, TaskDocument], dict[str, TaskDocument], list[Problem]]:
    """Which document each task holds; the problems of tasks that hold none (or the wrong one)."""
    problems: list[Problem] = []
    candidates: list[tuple[ExportTask, str, str, str]] = []  # task, doc id, text, sha
    for task in tasks:
        data = task.data if isinstance(task.data, dict) else {}
        doc_id = data.get("doc_id")
        doc_id = str(doc_id) if doc_id not in (None, "") else None
        text = data.get("text")
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
            problems.append(
                Problem(
                    task.task_id,
                    f"data.sha256 {str(claimed)[:12]} does not hash data.text ({sha[:12]}): "
                    "the text was edited in Label Studio after the push",
                    doc_id,
                )
            )
            continue
        candidates.append((task, doc_id, text, sha))
    by_task: dict[int, TaskDocument] = {}
    by_doc: dict[str, TaskDocument] = {}
    if documents is not None:
        for task, doc_id, _text, sha in candidates:
            document = documents.get(doc_id)
            if document is None:
                problems.append(Problem(task.task_id, f"document {doc_id} is not in the corpus given", doc_id))
                continue
            if document.text_sha256 != sha:
                problems.append(
                    Problem(
                        task.task_id,
                        f"the task's text ({sha[:12]}) is not the document's in the corpus "
                        f"({document.text_sha256[:12]}); push the current text with --new-version",
                        doc_id,
                    )
                )
                continue
            held = by_doc.setdefault(doc_id, TaskDocument(doc_id, document.text, document.text_sha256))
            held.task_ids.append(task.task_id or 0)
            by_task[id(task)] = held
        return by_task, by_doc, problems
    newest: dict[str, tuple[int, str, str]] = {}
    for task, doc_id, text, sha in candidates:
        task_id = task.task_id or 0
        if doc_id not in newest or task_id > newest[doc_id][0]:
            newest[doc_id] = (task_id, text, sha)
    for task, doc_id, _text, sha in candidates:
        newest_id, newest_text, newest_sha = newest[doc_id]
        if sha != newest_sha:
            problems.append(
                Problem(
                    task.task_id,
                    f"the task holds an older text of the document ({sha[:12]}); task {newest_id} holds the "
                    f"newest ({newest_sha[:12]}): annotate that one",
                    doc_id,
                )
            )
            continue
        held = by_doc.setdefault(doc_id, TaskDocument(doc_id, newest_text, newest_sha))
        held.task_ids.append(task.task_id or 0)
        by_task[id(task)] = held
    return by_task, by_doc, problems


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9@._+-]+", "_", name).strip("._") or "unnamed"


def convert_export(
    payload: Any,
    *,
    policy: str = "latest",
    documents: Iterable[Document] | None = None,
    labels: frozenset[str] | set[str] = LABEL_SET,
) -> PullResult:
    """Check and sort a parsed export (JSON or JSON_MIN) into annotation sets; see the module doc."""
    if policy not in POLICIES:
        raise JinbiaoError(f"unknown policy {policy!r}; choose one of: {', '.join(POLICIES)}")
    fmt, tasks = parse_export(payload)
    corpus = {d.id: d for d in documents} if documents is not None else None
    by_task, by_doc, problems = _task_documents(tasks, corpus)

    index: list[dict[str, Any]] = []
    good: dict[str, list[tuple[ExportItem, TaskDocument, list[Span]]]] = defaultdict(list)
    bad_items: set[int] = set()
    ids_only: Counter[str] = Counter()
    for task in tasks:
        ids_only.update(task.ids_only)
        held = by_task.get(id(task))
        for item in task.items:
            entry = {
                "task_id": item.task_id,
                "item": item.kind,
                "id": item.item_id,
                "who": item.who,
                "doc_id": held.doc_id if held else _doc_id_of(task),
            }
            index.append(entry)
            if held is None:
                entry["status"] = "reported"
                entry["reason"] = "task problem"
                bad_items.add(id(item))
                continue
            origin = item.who
            spans, region_problems = region_spans(item.result, held.text, labels=labels, origin=origin)
            if region_problems:
                entry["status"] = "reported"
                entry["reason"] = "region problem"
                bad_items.add(id(item))
                for region_id, reason in region_problems:
                    problems.append(
                        Problem(item.task_id, reason, held.doc_id, item.kind, item.item_id, item.who, region_id)
                    )
                continue
            entry["status"] = "written"
            entry["_item"] = item
            good[item.kind].append((item, held, spans))

    sets: dict[str, list[AnnotationSet]] = {kind: [] for kind in CATEGORY_DIRS}
    where: dict[int, tuple[str, int]] = {}
    for kind in CATEGORY_DIRS:
        sets[kind], placed = _into_sets(kind, good.get(kind, []))
        where.update(placed)
    for entry in index:
        item = entry.pop("_item", None)
        if item is not None:
            entry["set"], entry["rank"] = where[id(item)]

    candidate, missing = _candidate(policy, tasks, by_task, bad_items, good)
    count = Counter((e["item"], e["status"]) for e in index)

    def counted(kind: str) -> dict[str, int]:
        return {
            "in_export": count[(kind, "written")] + count[(kind, "reported")],
            "written": count[(kind, "written")],
            "reported": count[(kind, "reported")],
        }

    annotations = {
        kind: counted(kind) for kind in (ANNOTATION, SKIPPED)
    }  # submitted and skipped are both Label Studio annotations
    counts: dict[str, Any] = {
        "tasks": len(tasks),
        "tasks_with_problems": len({p.task_id for p in problems if p.task_id is not None}),
        "documents": len(by_doc),
        "annotations": {
            "in_export": annotations[ANNOTATION]["in_export"] + annotations[SKIPPED]["in_export"],
            "written": annotations[ANNOTATION]["written"] + annotations[SKIPPED]["written"],
            "reported": annotations[ANNOTATION]["reported"] + annotations[SKIPPED]["reported"],
            "submitted": annotations[ANNOTATION]["in_export"],
            "skipped": annotations[SKIPPED]["in_export"],
            "ground_truth": sum(1 for t in tasks for i in t.items if i.kind == ANNOTATION and i.ground_truth),
            "listed_by_id_only": ids_only[ANNOTATION],
        },
        "drafts": {**counted(DRAFT), "listed_by_id_only": ids_only[DRAFT]},
        "predictions": {**counted(PREDICTION), "listed_by_id_only": ids_only[PREDICTION]},
        "problems": len(problems),
        "candidate_documents": len(candidate) if candidate is not None else 0,
    }
    counts["annotations"]["in_export"] += ids_only[ANNOTATION]
    counts["annotations"]["reported"] += ids_only[ANNOTATION]
    notes = []
    if fmt == JSON_MIN:
        notes.append(
            "JSON_MIN leaves out skipped annotations, drafts, predictions and region ids; "
            "pull from the server (or export JSON) for the complete picture"
        )
    if ids_only[DRAFT] or ids_only[PREDICTION]:
        notes.append(
            f"the export lists {ids_only[DRAFT]} drafts and {ids_only[PREDICTION]} predictions by id only "
            "(Label Studio's plain export does); `jinbiao pull --project` takes a snapshot with them in full"
        )
    if ids_only[ANNOTATION]:
        problems.append(Problem(None, f"{ids_only[ANNOTATION]} annotations are listed by id only; export them in full"))
        counts["problems"] = len(problems)
    problems.sort(key=lambda p: (p.task_id is None, p.task_id or 0, p.item != "task", str(p.item_id or "")))
    return PullResult(fmt, policy, sets, candidate, missing, problems, index, counts, by_doc, notes)


def _doc_id_of(task: ExportTask) -> str | None:
    data = task.data if isinstance(task.data, dict) else {}
    value = data.get("doc_id")
    return str(value) if value not in (None, "") else None


def _into_sets(
    kind: str, found: list[tuple[ExportItem, TaskDocument, list[Span]]]
) -> tuple[list[AnnotationSet], dict[int, tuple[str, int]]]:
    """One set per annotator (or model version); a second annotation of the same document by the
    same annotator goes to a set of rank 2, and so on. Most recent first."""
    by_who: dict[str, list[tuple[ExportItem, TaskDocument, list[Span]]]] = defaultdict(list)
    for entry in found:
        by_who[entry[0].who].append(entry)
    sets: list[AnnotationSet] = []
    placed: dict[int, tuple[str, int]] = {}
    for who in sorted(by_who):
        ranked: list[AnnotationSet] = []
        for item, held, spans in sorted(by_who[who], key=lambda e: e[0].recency, reverse=True):
            rank = next((r for r, s in enumerate(ranked, start=1) if held.doc_id not in s.documents), None)
            if rank is None:
                ranked.append(_new_set(kind, who, len(ranked) + 1, item))
                rank = len(ranked)
            target = ranked[rank - 1]
            target.add(DocumentAnnotations(held.doc_id, held.text_sha256, spans, held.text))
            target.meta["items"].append(
                {"doc_id": held.doc_id, "task_id": item.task_id, "id": item.item_id, "updated_at": item.updated_at}
            )
            placed[id(item)] = (target.name, rank)
        for annotation_set in ranked:  # documents in id order, for reviewable files
            annotation_set.documents = dict(sorted(annotation_set.documents.items()))
            annotation_set.meta["items"].sort(key=lambda entry: entry["doc_id"])
        sets.extend(ranked)
    return sets, placed


def _new_set(kind: str, who: str, rank: int, item: ExportItem) -> AnnotationSet:
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
    return f"{_slug(who)}.jsonl" if rank == 1 else f"{_slug(who)}.{rank}.jsonl"


def _candidate(
    policy: str,
    tasks: Sequence[ExportTask],
    by_task: dict[int, TaskDocument],
    bad_items: set[int],
    good: dict[str, list[tuple[ExportItem, TaskDocument, list[Span]]]],
) -> tuple[AnnotationSet | None, dict[str, str]]:
    if policy == "all":
        return None, {}
    spans_of = {id(item): spans for item, _held, spans in good.get(ANNOTATION, [])}
    candidates: dict[str, list[ExportItem]] = defaultdict(list)
    missing: dict[str, str] = {}
    for task in tasks:
        held = by_task.get(id(task))
        if held is None:
            doc_id = _doc_id_of(task)
            if doc_id:
                missing.setdefault(doc_id, f"task {task.task_id} has problems")
            continue
        candidates.setdefault(held.doc_id, [])
        for item in task.items:
            if item.kind == ANNOTATION and (policy == "latest" or item.ground_truth):
                candidates[held.doc_id].append(item)
    documents = {held.doc_id: held for held in by_task.values()}
    result = AnnotationSet(name="candidate", kind="human", meta={"policy": policy, "items": []})
    for doc_id in sorted(candidates):
        items = candidates[doc_id]
        if not items:
            missing[doc_id] = "no submitted annotation" if policy == "latest" else "no annotation marked ground truth"
            continue
        winner = max(items, key=lambda i: i.recency)
        if id(winner) in bad_items:
            which = "latest" if policy == "latest" else "ground-truth"
            missing[doc_id] = f"its {which} annotation ({winner.item_id}) has problems"
            continue
        held = documents[doc_id]
        result.add(DocumentAnnotations(doc_id, held.text_sha256, spans_of[id(winner)], held.text))
        chosen = {"doc_id": doc_id, "task_id": winner.task_id, "id": winner.item_id, "who": winner.who}
        result.meta["items"].append(chosen)
        missing.pop(doc_id, None)
    return result, dict(sorted(missing.items()))
