"""The typed records of a Label Studio export: what was read (tasks, items, regions), what the
check and the sorting made of each item, what was counted, and the result of a pull."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from jinbiao.gold import AnnotationSet, JinbiaoError, Span
from jinbiao.gold.errors import Remedy

JSON = "JSON"
JSON_MIN = "JSON_MIN"

# kinds of items, in the order they are written and counted
ANNOTATION = "annotation"
SKIPPED = "skipped"
DRAFT = "draft"
PREDICTION = "prediction"
CATEGORY_DIRS = {ANNOTATION: "annotators", SKIPPED: "skipped", DRAFT: "drafts", PREDICTION: "predictions"}

# how a human span came about, from Label Studio's `origin` of its region
ACCEPTED = "accepted"  # a pre-annotation taken as it was ("prediction")
CHANGED = "changed"  # a pre-annotation moved or relabelled ("prediction-changed")
DRAWN = "drawn"  # drawn by the annotator ("manual")
UNKNOWN = "unknown"  # the export does not say (JSON_MIN, or a region made through the API without `origin`)
HOW_BY_ORIGIN = {"prediction": ACCEPTED, "prediction-changed": CHANGED, "manual": DRAWN}


# ------------------------------------------------------------------------------------- read


@dataclass(slots=True)
class Region:
    """One region of an item as read: its span, or why it is not a sound Labels region."""

    region_id: str  # the region's id, or `#<position>` when the export gives none
    span: Span | None = None
    reason: str | None = None
    origin: str | None = None  # Label Studio's `origin` of the region: prediction, prediction-changed, manual

    @property
    def how(self) -> str:
        """accepted, changed, drawn or unknown (see `HOW_BY_ORIGIN`)."""
        return HOW_BY_ORIGIN.get(self.origin or "", UNKNOWN)


@dataclass(frozen=True)
class Item:
    """An annotation, skipped annotation, draft or prediction of one task, as exported."""

    kind: str  # ANNOTATION | SKIPPED | DRAFT | PREDICTION
    task_id: int | None
    item_id: int | None
    who: str  # the annotator, or the prediction's model version
    regions: tuple[Region, ...] = ()
    unreadable: str | None = None  # why its `result` is not a list of regions
    user_id: int | None = None
    ground_truth: bool = False
    updated_at: str = ""
    created_at: str = ""
    updated_by: str | None = None  # who last changed it (Label Studio's `updated_by`), when the export says
    parent_prediction: int | None = None  # the prediction it started from, if any
    started_from: str | None = None  # that prediction's model version, when the export holds it

    @property
    def recency(self) -> tuple[str, int]:
        return (self.updated_at or self.created_at or "", self.item_id or 0)


@dataclass
class ListedById:
    """Items an export names by id only (Label Studio's plain export does so for drafts and predictions)."""

    annotations: int = 0
    drafts: int = 0
    predictions: int = 0

    def __iadd__(self, other: ListedById) -> ListedById:
        self.annotations += other.annotations
        self.drafts += other.drafts
        self.predictions += other.predictions
        return self


@dataclass
class ExportTask:
    task_id: int | None
    data: Any  # the task's `data` as exported (a dict for a sound task)
    items: list[Item] = field(default_factory=list)
    listed_by_id: ListedById = field(default_factory=ListedById)

    @property
    def doc_id(self) -> str | None:
        value = self.data.get("doc_id") if isinstance(self.data, dict) else None
        return str(value) if value not in (None, "") else None


# ---------------------------------------------------------------------------------- checked


@dataclass
class TaskDocument:
    """The document a task holds, as far as the export (and the corpus, if given) tells."""

    doc_id: str
    text: str
    text_sha256: str
    task_ids: list[int] = field(default_factory=list)


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
    remedy: Remedy | None = None

    @property
    def where(self) -> str:
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
        return ", ".join(parts)

    def as_error(self) -> JinbiaoError:
        """The reason with its remedy, for whoever words remedies (`str()`, or the command line)."""
        return JinbiaoError(self.reason, remedy=self.remedy)

    def __str__(self) -> str:
        return f"{self.where}: {self.as_error()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id,
            "doc_id": self.doc_id,
            "item": self.item,
            "item_id": self.item_id,
            "who": self.who,
            "region_id": self.region_id,
            "reason": str(self.as_error()),
        }


@dataclass(frozen=True)
class Note:
    """Something the user should know about an export that is not a problem in it."""

    text: str
    remedy: Remedy | None = None

    def as_error(self) -> JinbiaoError:
        return JinbiaoError(self.text, remedy=self.remedy)

    def __str__(self) -> str:
        return str(self.as_error())


@dataclass
class PlacedItem:
    """Where one item of the export went: written into a set (with its rank), or reported."""

    item: Item
    doc_id: str | None
    document: TaskDocument | None = None  # the document its spans are on, when it is written
    spans: list[Span] = field(default_factory=list)
    reported: str | None = None  # why it was reported whole: "task problem" or "unreadable"
    set_name: str | None = None
    rank: int | None = None
    hows: list[str] = field(default_factory=list)  # per span (in `spans` order): accepted, changed, drawn, unknown
    region_ids: list[str] = field(default_factory=list)  # per span
    dropped: list[str] = field(default_factory=list)  # ids of its regions reported as problems (left out)

    @property
    def written(self) -> bool:
        return self.reported is None

    def provenance(self) -> dict[str, Any]:
        """Who made this item's spans, who last changed them, and how each came about."""
        item = self.item
        return {
            "doc_id": self.doc_id,
            "task_id": item.task_id,
            "item": item.kind,
            "id": item.item_id,
            "completed_by": item.who,
            "updated_by": item.updated_by,
            "started_from": item.started_from,
            "spans": [
                {**span.to_dict(), "how": how, "region_id": region_id}
                for span, how, region_id in zip(self.spans, self.hows, self.region_ids, strict=True)
            ],
        }

    def to_dict(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "task_id": self.item.task_id,
            "item": self.item.kind,
            "id": self.item.item_id,
            "who": self.item.who,
            "doc_id": self.doc_id,
            "status": "written" if self.written else "reported",
        }
        if self.written:
            entry["set"], entry["rank"] = self.set_name, self.rank
            if self.dropped:
                entry["regions_reported"] = self.dropped
        else:
            entry["reason"] = self.reported
        return entry


# ----------------------------------------------------------------------------------- counts


@dataclass
class ItemCounts:
    """Items of one kind: how many the export holds, how many were written and how many reported."""

    in_export: int = 0
    written: int = 0
    reported: int = 0

    def __add__(self, other: ItemCounts) -> ItemCounts:
        return ItemCounts(
            self.in_export + other.in_export, self.written + other.written, self.reported + other.reported
        )


@dataclass
class Counts:
    """What a conversion found; `to_dict` gives them as summary.json has them."""

    tasks: int = 0
    tasks_with_problems: int = 0
    documents: int = 0
    submitted: ItemCounts = field(default_factory=ItemCounts)
    skipped: ItemCounts = field(default_factory=ItemCounts)
    drafts: ItemCounts = field(default_factory=ItemCounts)
    predictions: ItemCounts = field(default_factory=ItemCounts)
    ground_truth: int = 0
    listed_by_id: ListedById = field(default_factory=ListedById)
    problems: int = 0
    candidate_documents: int = 0
    regions: ItemCounts = field(default_factory=ItemCounts)  # of submitted annotations

    @property
    def annotations(self) -> ItemCounts:
        """Submitted and skipped are both Label Studio annotations; those listed by id only are
        in the export but cannot be written, so they count as reported."""
        by_id = self.listed_by_id.annotations
        both = self.submitted + self.skipped
        return ItemCounts(both.in_export + by_id, both.written, both.reported + by_id)

    @property
    def reconciled(self) -> bool:
        """Every annotation of the export, and every region of a submitted one, is either written or reported."""
        counted, regions = self.annotations, self.regions
        return counted.in_export == counted.written + counted.reported and (
            regions.in_export == regions.written + regions.reported
        )

    def count_problems(self, problems: Sequence[Problem]) -> None:
        """Set the problem counts from the problems reported."""
        self.problems = len(problems)
        self.tasks_with_problems = len({p.task_id for p in problems if p.task_id is not None})

    def to_dict(self) -> dict[str, Any]:
        annotations = self.annotations
        return {
            "tasks": self.tasks,
            "tasks_with_problems": self.tasks_with_problems,
            "documents": self.documents,
            "annotations": {
                "in_export": annotations.in_export,
                "written": annotations.written,
                "reported": annotations.reported,
                "submitted": self.submitted.in_export,
                "skipped": self.skipped.in_export,
                "ground_truth": self.ground_truth,
                "listed_by_id_only": self.listed_by_id.annotations,
            },
            "drafts": {**_item_counts(self.drafts), "listed_by_id_only": self.listed_by_id.drafts},
            "predictions": {**_item_counts(self.predictions), "listed_by_id_only": self.listed_by_id.predictions},
            "regions": _item_counts(self.regions),
            "problems": self.problems,
            "candidate_documents": self.candidate_documents,
        }


def _item_counts(counts: ItemCounts) -> dict[str, int]:
    return {"in_export": counts.in_export, "written": counts.written, "reported": counts.reported}


# ----------------------------------------------------------------------------------- result


@dataclass
class PullResult:
    format: str
    policy: str
    sets: dict[str, list[AnnotationSet]]  # kind → sets (annotators, skipped, drafts, predictions)
    candidate: AnnotationSet | None
    candidate_missing: dict[str, str]  # doc id → why it has no candidate
    problems: list[Problem]
    items: list[PlacedItem]  # every annotation, draft and prediction: where it went
    totals: Counts
    documents: dict[str, TaskDocument]
    notes: list[Note] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, Any]:
        """The counts as summary.json has them."""
        return self.totals.to_dict()

    @property
    def annotator_sets(self) -> list[AnnotationSet]:
        return self.sets[ANNOTATION]

    def annotator_set(self, who: str, rank: int = 1, *, ignore_case: bool = False) -> AnnotationSet | None:
        def same(found: object) -> bool:
            return str(found).lower() == who.lower() if ignore_case else found == who

        for annotation_set in self.sets[ANNOTATION]:
            if same(annotation_set.meta.get("who")) and annotation_set.meta.get("rank") == rank:
                return annotation_set
        return None

    @property
    def reconciled(self) -> bool:
        """Every annotation of the export, and every region of a submitted one, is either written or reported."""
        return self.totals.reconciled
