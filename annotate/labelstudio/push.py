"""Push documents with predictions into a Label Studio project, idempotently.

Tasks are keyed by document id and text hash (`data.doc_id`, `data.sha256`):

* a document with no task yet becomes a task, with one prediction per annotation set;
* a document whose task is there gets only the predictions (model versions) it lacks;
* a document whose text changed since it was pushed is refused, unless `new_version`, which adds
  it as a new task (the old task and its annotations stay).

The project is created with the labeling config generated from the schema, or reused; replacing
a config that would drop labels in use needs `force`. Everything is checked before anything is
written, so a refused push changes nothing.

A corpus of any size: `documents` may be a stream that can be read again (`open_corpus`): a first
pass checks every document and the predictions given and plans the push from document ids and
text hashes alone; the tasks are then built batch by batch, with predictions a `Predictor` makes
for each batch as it goes, while Label Studio imports the batch before. Memory holds a batch and
a few dozen bytes per document. An interrupted push is pushed again: the tasks that went in are
found by document id and text hash, and only the rest is sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from jinbiao.gold import AnnotationSet, Document, JinbiaoError, ValidationError, validate_spans
from jinbiao.gold.atomic import file_lock
from jinbiao.gold.errors import Remedy
from jinbiao.gold.paths import workspace_dir
from jinbiao.gold.progress import progress_bar

from .client import Connection, check_title, find_project
from .config import label_config_xml
from .tasks import document_task, prediction, require_same_text

DEFAULT_BATCH_SIZE = 1000
NO_RETRY = {"max_retries": 0}  # a retried import could import twice


class PushRefused(JinbiaoError):
    """The push would lose or mix up work; nothing was changed."""


# -------------------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class ExistingTask:
    """What a project's task says about itself: its id, document, text hash and model versions."""

    task_id: int
    doc_id: str | None
    sha256: str | None
    model_versions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Predictor:
    """Predictions made batch by batch while a push sends its tasks (for a corpus of any size):
    `predict(documents)` returns one annotation set per name in `origins` (``name@version``, known
    before anything runs, so that the push can be planned), each covering those documents."""

    origins: tuple[str, ...]
    predict: Callable[[Sequence[Document]], Sequence[AnnotationSet]]


@dataclass
class PushPlan:
    """What a push will do; computed from document ids and text hashes and the project's tasks,
    without network. The payloads are built batch by batch (`task_batches`, `prediction_batches`)
    from another pass over the documents, so that building the next batch (and predicting it)
    overlaps with Label Studio importing the previous one."""

    documents: Iterable[Document] = ()
    prediction_sets: Sequence[AnnotationSet] = ()
    predictor: Predictor | None = None
    new_task_docs: list[str] = field(default_factory=list)  # documents that become tasks, in order
    new_versions: list[str] = field(default_factory=list)  # changed documents added as new tasks
    unchanged: list[str] = field(default_factory=list)  # documents whose task is there
    missing: dict[str, tuple[int, tuple[str, ...]]] = field(default_factory=dict)  # doc → (task, versions to add)
    predictions_present: int = 0  # (document, model version) pairs already in the project
    duplicate_tasks: dict[str, list[int]] = field(default_factory=dict)  # same document and text twice
    extra_data: Mapping[str, Any] | None = None  # fields every new task's data gets

    @property
    def origins(self) -> list[str]:
        """Every model version pushed, the predictor's first: the first is what annotators see."""
        return [*(self.predictor.origins if self.predictor else ()), *(s.origin for s in self.prediction_sets)]

    @property
    def new_tasks(self) -> list[dict[str, Any]]:
        return [task for batch in self.task_batches(max(1, len(self.new_task_docs))) for task in batch]

    @property
    def predictions(self) -> list[dict[str, Any]]:
        """The predictions for tasks that are there (each with its `task`)."""
        return [item for batch in self.prediction_batches(max(1, len(self.missing))) for item in batch]

    def task_batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        wanted = set(self.new_task_docs)
        for batch in _document_batches(self.documents, wanted, size):
            sets = self._sets(batch, self.origins)
            yield [document_task(d, sets, extra=self.extra_data) for d in batch]

    def prediction_batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        for batch in _document_batches(self.documents, set(self.missing), size):
            needed = sorted({origin for d in batch for origin in self.missing[d.id][1]}, key=self.origins.index)
            sets = {s.origin: s for s in self._sets(batch, needed)}
            items = []
            for document in batch:
                task_id, versions = self.missing[document.id]
                for version in versions:
                    found = sets[version].documents.get(document.id)
                    if found is not None:
                        require_same_text(sets[version], found, document)
                        items.append({**prediction(document.id, found.spans, version), "task": task_id})
            yield items

    def _sets(self, batch: Sequence[Document], origins: Sequence[str]) -> list[AnnotationSet]:
        """The prediction sets of `origins` covering `batch`, in push order."""
        sets = list(self.prediction_sets)
        if self.predictor is not None and set(origins) & set(self.predictor.origins):
            made = list(self.predictor.predict(batch))
            if [s.origin for s in made] != list(self.predictor.origins):
                raise JinbiaoError(
                    f"the predictor made {', '.join(s.origin for s in made)}, not {', '.join(self.predictor.origins)}"
                )
            sets = [*made, *sets]
        return [s for s in sets if s.origin in origins]


def _document_batches(documents: Iterable[Document], wanted: set[str], size: int) -> Iterator[list[Document]]:
    """The documents whose ids are `wanted`, in order, `size` at a time."""
    if not wanted:
        return
    batch: list[Document] = []
    for document in documents:
        if document.id in wanted:
            batch.append(document)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Surveyed:
    """Every document's id and text hash, in order (what a push is planned from)."""

    ids: list[str]
    hashes: list[str]


def check_inputs(
    documents: Iterable[Document], prediction_sets: Sequence[AnnotationSet], predictor: Predictor | None = None
) -> Surveyed:
    """Unique document ids and model versions; every predicted span valid on its document's text.
    One pass over `documents`, which keeps only their ids and hashes."""
    origins: set[str] = set()
    for origin in [*(predictor.origins if predictor else ()), *(s.origin for s in prediction_sets)]:
        if origin in origins:
            raise ValidationError(f"two prediction sets are both named {origin!r}")
        origins.add(origin)
    seen: set[str] = set()
    surveyed = Surveyed([], [])
    for document in documents:
        if document.id in seen:
            raise ValidationError("document id appears twice in the input", doc_id=document.id)
        seen.add(document.id)
        surveyed.ids.append(document.id)
        surveyed.hashes.append(document.text_sha256)
        for annotation_set in prediction_sets:
            found = annotation_set.documents.get(document.id)
            if found is not None:
                require_same_text(annotation_set, found, document)
                validate_spans(document.text, found.spans, doc_id=document.id, file=f"<{annotation_set.origin}>")
    return surveyed


def plan_push(
    documents: Iterable[Document],
    prediction_sets: Sequence[AnnotationSet],
    existing: Iterable[ExistingTask],
    *,
    new_version: bool = False,
    predictor: Predictor | None = None,
    surveyed: Surveyed | None = None,
) -> PushPlan:
    """Decide, document by document, what to create; `PushRefused` for changed texts. `surveyed`
    (from `check_inputs`) saves a pass over `documents`."""
    surveyed = surveyed or check_inputs(documents, prediction_sets, predictor)
    by_doc: dict[str, list[ExistingTask]] = defaultdict(list)
    for task in existing:
        if task.doc_id is not None:
            by_doc[task.doc_id].append(task)
    plan = PushPlan(documents=documents, prediction_sets=prediction_sets, predictor=predictor)
    covers = {s.origin: s.documents.keys() for s in prediction_sets}  # predictor: every document
    changed: list[str] = []
    for doc_id, sha in zip(surveyed.ids, surveyed.hashes, strict=True):
        tasks = sorted(by_doc.get(doc_id, []), key=lambda t: t.task_id)
        same = [t for t in tasks if t.sha256 == sha]
        if not tasks or (not same and new_version):
            plan.new_task_docs.append(doc_id)
            if tasks:
                plan.new_versions.append(doc_id)
            continue
        if not same:
            held = ", ".join(f"task {t.task_id} has {(t.sha256 or 'no hash')[:12]}" for t in tasks)
            changed.append(f"{doc_id} ({held}, now {sha[:12]})")
            continue
        plan.unchanged.append(doc_id)
        if len(same) > 1:
            plan.duplicate_tasks[doc_id] = [t.task_id for t in same]
        present = frozenset().union(*(t.model_versions for t in same))
        wanted = [origin for origin in plan.origins if origin not in covers or doc_id in covers[origin]]
        plan.predictions_present += sum(1 for origin in wanted if origin in present)
        lacking = tuple(origin for origin in wanted if origin not in present)
        if lacking:
            plan.missing[doc_id] = (same[0].task_id, lacking)
    if changed:
        listed = "; ".join(changed[:5]) + (f"; and {len(changed) - 5} more" if len(changed) > 5 else "")
        raise PushRefused(
            f"{len(changed)} document(s) changed since they were pushed: {listed}", remedy=Remedy.NEW_VERSION
        )
    return plan


# ------------------------------------------------------------------------------------ config


def config_labels(config: str) -> set[str]:
    """The label values of a labeling config's `<Label>` tags (empty if it does not parse)."""
    try:
        root = ET.fromstring(config)
    except ET.ParseError:
        return set()
    return {element.get("value", "") for element in root.iter("Label") if element.get("value")}


def _same_config(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def labels_in_use(tasks: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many regions use each label, over annotations, drafts and predictions of an export."""
    counts: dict[str, int] = defaultdict(int)
    for task in tasks:
        items = [*task.get("annotations", []), *task.get("drafts", []), *task.get("predictions", [])]
        for item in items:
            if not isinstance(item, dict):
                continue
            for region in item.get("result") or []:
                value = region.get("value") if isinstance(region, dict) else None
                for label in (value or {}).get("labels") or []:
                    counts[str(label)] += 1
    return dict(counts)


# -------------------------------------------------------------------------------------- push


def check_batch_size(batch_size: int) -> None:
    """Refuse a batch size that sends nothing (before any work)."""
    if batch_size < 1:
        raise JinbiaoError(f"a batch size of {batch_size} sends nothing", remedy=Remedy.POSITIVE_BATCH)


@dataclass
class PushReport:
    url: str
    project_id: int
    project_title: str
    project_created: bool = False
    config_replaced: bool = False
    tasks_created: int = 0
    tasks_present: int = 0
    new_versions: list[str] = field(default_factory=list)
    predictions_created: dict[str, int] = field(default_factory=dict)
    predictions_present: int = 0
    duplicate_tasks: dict[str, list[int]] = field(default_factory=dict)
    shown_model_version: str | None = None

    def lines(self) -> list[str]:
        verb = "created" if self.project_created else "reused"
        out = [f"{verb} project {self.project_title!r} (id {self.project_id}) on {self.url}"]
        if self.config_replaced:
            out.append("replaced its labeling config with the schema's")
        out.append(f"tasks: {self.tasks_created} created, {self.tasks_present} already there")
        if self.new_versions:
            out.append(f"new versions of changed documents: {', '.join(self.new_versions)}")
        made = ", ".join(f"{n} {version}" for version, n in sorted(self.predictions_created.items())) or "none"
        out.append(f"predictions: {made} created, {self.predictions_present} already there")
        if self.shown_model_version:
            out.append(f"annotators see the predictions of {self.shown_model_version}")
        for doc_id, ids in self.duplicate_tasks.items():
            out.append(f"warning: document {doc_id} has {len(ids)} identical tasks ({', '.join(map(str, ids))})")
        return out


EXISTING_PAGE = 1000  # tasks per page when listing a project's tasks


def existing_tasks(connection: Connection, project_id: int, *, with_model_versions: bool) -> list[ExistingTask]:
    """The project's tasks as (id, doc id, text hash, model versions of their predictions): one
    listing, page by page, with each task's model versions as the data manager's column
    `predictions_model_versions` (never the predictions themselves)."""
    found = []
    include = "id,data,predictions_model_versions" if with_model_versions else "id,data"
    options: dict[str, Any] = {"fields": "all"} if with_model_versions else {}
    with connection.call("listing the project's tasks"):
        for task in connection.client.tasks.list(
            project=project_id, include=include, page_size=EXISTING_PAGE, **options
        ):
            data = task.data if isinstance(task.data, dict) else {}
            doc_id, sha = data.get("doc_id"), data.get("sha256")
            versions = model_versions(getattr(task, "predictions_model_versions", None))
            found.append(
                ExistingTask(
                    int(task.id), str(doc_id) if doc_id is not None else None, str(sha) if sha else None, versions
                )
            )
    return found


def model_versions(column: Any) -> frozenset[str]:
    """The data manager's `predictions_model_versions` of a task: "a@1, b@2" (or a list)."""
    if isinstance(column, str):
        return frozenset(version.strip() for version in column.split(",") if version.strip())
    if isinstance(column, list):
        return frozenset(str(version) for version in column if version)
    return frozenset()


def _ensure_project(
    connection: Connection, title: str, project: Any | None, *, force: bool, timeout: float
) -> tuple[Any, bool, bool]:
    """(project, created, config replaced)."""
    config = label_config_xml()
    client = connection.client
    if project is None:
        with connection.call(f"creating project {title!r}"):
            created = client.projects.create(title=title, label_config=config)
        return created, True, False
    current = project.label_config or ""
    if _same_config(current, config):
        return project, False, False
    dropped = config_labels(current) - config_labels(config)
    if dropped and not force:
        from .pull import snapshot_file  # only on this rare path

        with snapshot_file(connection, int(project.id), timeout=timeout) as export:
            used = {label: n for label, n in labels_in_use(export.records()).items() if label in dropped}
        if used:
            listed = ", ".join(f"{label} ({n} regions)" for label, n in sorted(used.items()))
            raise PushRefused(
                f"project {title!r} uses labels the schema drops: {listed}; its labeling config stays",
                remedy=Remedy.FORCE_CONFIG,
            )
    with connection.call(f"replacing the labeling config of project {title!r}"):
        client.projects.update(id=project.id, label_config=config)
    return project, False, True


def project_lock(url: str, title: str) -> contextlib.AbstractContextManager[None]:
    """One push at a time into one project of one server, on this machine: a second push waits,
    then plans against the tasks the first one made (a lock file under the workspace's `locks/`)."""
    key = hashlib.sha256(f"{url}\x1f{title}".encode()).hexdigest()[:24]
    return file_lock(workspace_dir("locks") / f"push-{key}.lock")


def push(
    connection: Connection,
    title: str,
    documents: Iterable[Document],
    prediction_sets: Sequence[AnnotationSet] = (),
    *,
    predictor: Predictor | None = None,
    new_version: bool = False,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    on_batch: Callable[[int], None] | None = None,
    extra_data: Mapping[str, Any] | None = None,
) -> PushReport:
    """Create or reuse project `title` and bring `documents` and `prediction_sets` into it.

    `documents` is a list or a stream read more than once (`open_corpus`); `predictor` makes
    predictions batch by batch as tasks are sent, its versions before those of `prediction_sets`.
    Pushing the same thing again adds nothing, also when two pushes run at once (`project_lock`),
    and an interrupted push finishes when pushed again. The first model version is what annotators
    are shown, unless the project already shows one of the versions it has. New tasks get
    `extra_data` in their data besides the document (data-manager columns).
    """
    check_title(title)
    check_batch_size(batch_size)
    surveyed = check_inputs(documents, prediction_sets, predictor)
    with project_lock(connection.url, title):
        project = find_project(connection, title)
        origins = bool(prediction_sets) or predictor is not None
        existing = existing_tasks(connection, project.id, with_model_versions=origins) if project else []
        plan = plan_push(
            documents, prediction_sets, existing, new_version=new_version, predictor=predictor, surveyed=surveyed
        )
        plan.extra_data = extra_data
        return _push(connection, title, project, plan, existing, force, batch_size, progress, on_batch)


def _push(
    connection: Connection,
    title: str,
    project: Any | None,
    plan: PushPlan,
    existing: Sequence[ExistingTask],
    force: bool,
    batch_size: int,
    progress: bool,
    on_batch: Callable[[int], None] | None,
) -> PushReport:
    shown_before = getattr(project, "model_version", None) or None
    project, created, replaced = _ensure_project(connection, title, project, force=force, timeout=connection.timeout)
    report = PushReport(
        url=connection.url,
        project_id=int(project.id),
        project_title=title,
        project_created=created,
        config_replaced=replaced,
        tasks_present=len(plan.unchanged),
        new_versions=plan.new_versions,
        predictions_present=plan.predictions_present,
        duplicate_tasks=plan.duplicate_tasks,
    )
    _import_tasks(connection, int(project.id), plan, report, batch_size, progress, on_batch)
    _import_predictions(connection, int(project.id), plan, report, batch_size, progress)
    report.shown_model_version = _show_predictions(
        connection, project.id, plan.origins, existing, shown_before=None if created else shown_before
    )
    return report


def _import_tasks(
    connection: Connection,
    project_id: int,
    plan: PushPlan,
    report: PushReport,
    batch_size: int,
    progress: bool,
    on_batch: Callable[[int], None] | None,
) -> None:
    """Import the new tasks batch by batch, one request in flight while the next batch is built
    (and predicted) and encoded."""
    total = len(plan.new_task_docs)
    fast = connection.can_post_json

    def send(batch: list[dict[str, Any]], body: bytes | None) -> None:
        if body is not None:  # the same endpoint as `projects.import_tasks`, the body encoded by us
            connection.post_json(f"api/projects/{project_id}/import", body)
        else:
            connection.client.projects.import_tasks(id=project_id, request=batch, request_options=NO_RETRY)

    def settle(batch: list[dict[str, Any]]) -> None:
        report.tasks_created += len(batch)
        for task in batch:
            for item in task.get("predictions", []):
                version = item["model_version"]
                report.predictions_created[version] = report.predictions_created.get(version, 0) + 1
        if on_batch:
            on_batch(len(batch))

    what = "importing tasks ({done} of {total} imported so far; push again to finish)"
    _pipelined(connection, plan.task_batches(batch_size), send, settle, what, total, "importing tasks", progress, fast)


def _import_predictions(
    connection: Connection, project_id: int, plan: PushPlan, report: PushReport, batch_size: int, progress: bool
) -> None:
    """Add the predictions the tasks that are there lack, batch by batch."""

    def send(batch: list[dict[str, Any]], body: bytes | None) -> None:
        connection.client.projects.import_predictions(id=project_id, request=batch, request_options=NO_RETRY)

    def settle(batch: list[dict[str, Any]]) -> None:
        for item in batch:
            version = item["model_version"]
            report.predictions_created[version] = report.predictions_created.get(version, 0) + 1

    what = "adding predictions ({done} of {total} tasks done so far; push again to finish)"
    batches = plan.prediction_batches(batch_size)
    total = len(plan.missing)
    _pipelined(connection, batches, send, settle, what, total, "adding predictions", progress, False, by_task=True)


def _pipelined(
    connection: Connection,
    batches: Iterable[list[dict[str, Any]]],
    send: Callable[[list[dict[str, Any]], bytes | None], None],
    settle: Callable[[list[dict[str, Any]]], None],
    what: str,
    total: int,
    description: str,
    progress: bool,
    encode: bool,
    *,
    by_task: bool = False,
) -> None:
    """Send `batches` one request at a time, the next one built (and encoded) while the previous
    is in flight; a failure says how far it got."""
    done = 0
    bar = progress_bar(total, description, unit="task", enabled=progress)

    def settled(pending: Future[None], batch: list[dict[str, Any]]) -> None:
        nonlocal done
        with connection.call(what.format(done=done, total=total)):
            pending.result()
        settle(batch)
        count = len({item["task"] for item in batch}) if by_task else len(batch)
        done += count
        bar.update(count)

    in_flight: tuple[Future[None], list[dict[str, Any]]] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jinbiao-push") as uploader:
            for batch in batches:
                if not batch:
                    continue
                body = json.dumps(batch, ensure_ascii=False).encode("utf-8") if encode else None
                if in_flight is not None:
                    settled(*in_flight)
                in_flight = (uploader.submit(send, batch, body), batch)
            if in_flight is not None:
                settled(*in_flight)
    finally:
        bar.close()


def _show_predictions(
    connection: Connection,
    project_id: int,
    origins: Sequence[str],
    existing: Sequence[ExistingTask],
    *,
    shown_before: str | None,
) -> str | None:
    """Make annotators see the first model version's predictions, unless the project already showed
    a version it has (Label Studio's labeling view shows one model version: the project's
    `model_version`; an import sets it to the last imported prediction's version when it was empty)."""
    present = {version for task in existing for version in task.model_versions}
    if shown_before and shown_before in present:
        return shown_before
    if not origins:
        return shown_before
    wanted = origins[0]
    with connection.call("choosing which predictions annotators see"):
        connection.client.projects.update(id=project_id, model_version=wanted)
    return wanted


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ExistingTask",
    "Predictor",
    "PushPlan",
    "PushRefused",
    "PushReport",
    "Surveyed",
    "check_batch_size",
    "check_inputs",
    "config_labels",
    "existing_tasks",
    "labels_in_use",
    "model_versions",
    "plan_push",
    "project_lock",
    "push",
]
