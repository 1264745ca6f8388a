"""Push documents with predictions into a Label Studio project, idempotently.

Tasks are keyed by document id and text hash (`data.doc_id`, `data.sha256`):

* a document with no task yet becomes a task, with one prediction per annotation set;
* a document whose task is there gets only the predictions (model versions) it lacks;
* a document whose text changed since it was pushed is refused, unless `new_version`, which adds
  it as a new task (the old task and its annotations stay).

The project is created with the labeling config generated from the schema, or reused; replacing
a config that would drop labels in use needs `force`. Everything is checked before anything is
written, so a refused push changes nothing.
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


@dataclass
class PushPlan:
    """What a push will do; computed from the documents and the project's tasks, without network.

    The payloads of new tasks are built batch by batch (`task_batches`), so that building the
    next batch overlaps with Label Studio importing the previous one.
    """

    new_documents: list[Document] = field(default_factory=list)
    prediction_sets: Sequence[AnnotationSet] = ()
    new_versions: list[str] = field(default_factory=list)  # changed documents added as new tasks
    unchanged: list[str] = field(default_factory=list)  # documents whose task is there
    predictions: list[dict[str, Any]] = field(default_factory=list)  # for tasks that are there
    predictions_present: int = 0  # (document, model version) pairs already in the project
    duplicate_tasks: dict[str, list[int]] = field(default_factory=dict)  # same document and text twice
    extra_data: Mapping[str, Any] | None = None  # fields every new task's data gets

    @property
    def new_task_docs(self) -> list[str]:
        return [d.id for d in self.new_documents]

    @property
    def new_tasks(self) -> list[dict[str, Any]]:
        return [task for batch in self.task_batches(max(1, len(self.new_documents))) for task in batch]

    def task_batches(self, size: int) -> Iterator[list[dict[str, Any]]]:
        for start in range(0, len(self.new_documents), size):
            batch = self.new_documents[start : start + size]
            yield [document_task(d, self.prediction_sets, extra=self.extra_data) for d in batch]


def check_inputs(documents: Sequence[Document], prediction_sets: Sequence[AnnotationSet]) -> None:
    """Unique document ids and model versions; every predicted span valid on its document's text."""
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise ValidationError("document id appears twice in the input", doc_id=document.id)
        seen.add(document.id)
    by_id = {d.id: d for d in documents}
    origins: set[str] = set()
    for annotation_set in prediction_sets:
        if annotation_set.origin in origins:
            raise ValidationError(f"two prediction sets are both named {annotation_set.origin!r}")
        origins.add(annotation_set.origin)
        for found in annotation_set:
            document = by_id.get(found.doc_id)
            if document is None:
                continue
            require_same_text(annotation_set, found, document)
            validate_spans(document.text, found.spans, doc_id=document.id, file=f"<{annotation_set.origin}>")


def plan_push(
    documents: Sequence[Document],
    prediction_sets: Sequence[AnnotationSet],
    existing: Iterable[ExistingTask],
    *,
    new_version: bool = False,
) -> PushPlan:
    """Decide, document by document, what to create; `PushRefused` for changed texts."""
    by_doc: dict[str, list[ExistingTask]] = defaultdict(list)
    for task in existing:
        if task.doc_id is not None:
            by_doc[task.doc_id].append(task)
    plan = PushPlan(prediction_sets=prediction_sets)
    changed: list[str] = []
    for document in documents:
        tasks = sorted(by_doc.get(document.id, []), key=lambda t: t.task_id)
        same = [t for t in tasks if t.sha256 == document.text_sha256]
        if not tasks or (not same and new_version):
            plan.new_documents.append(document)
            if tasks:
                plan.new_versions.append(document.id)
            continue
        if not same:
            held = ", ".join(f"task {t.task_id} has {(t.sha256 or 'no hash')[:12]}" for t in tasks)
            changed.append(f"{document.id} ({held}, now {document.text_sha256[:12]})")
            continue
        plan.unchanged.append(document.id)
        if len(same) > 1:
            plan.duplicate_tasks[document.id] = [t.task_id for t in same]
        present = frozenset().union(*(t.model_versions for t in same))
        for annotation_set in prediction_sets:
            found = annotation_set.documents.get(document.id)
            if found is None:
                continue
            if annotation_set.origin in present:
                plan.predictions_present += 1
                continue
            item = prediction(document.id, found.spans, annotation_set.origin)
            item["task"] = same[0].task_id
            plan.predictions.append(item)
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


def existing_tasks(connection: Connection, project_id: int, *, with_model_versions: bool) -> list[ExistingTask]:
    """The project's tasks as (id, doc id, text hash, model versions of their predictions)."""
    refs: list[tuple[int, str | None, str | None]] = []
    with connection.call("listing the project's tasks"):
        for task in connection.client.tasks.list(project=project_id, include="id,data", page_size=1000):
            data = task.data if isinstance(task.data, dict) else {}
            doc_id, sha = data.get("doc_id"), data.get("sha256")
            refs.append((int(task.id), str(doc_id) if doc_id is not None else None, str(sha) if sha else None))
    versions: dict[int, set[str]] = defaultdict(set)
    if with_model_versions and refs:
        with connection.call("listing the project's predictions"):
            for item in connection.client.predictions.list(project=project_id):
                if item.task is not None and item.model_version is not None:
                    versions[int(item.task)].add(item.model_version)
    return [ExistingTask(tid, doc, sha, frozenset(versions.get(tid, ()))) for tid, doc, sha in refs]


def _batches(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


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
        from .pull import download_snapshot  # only on this rare path

        tasks = download_snapshot(connection, project.id, timeout=timeout)
        used = {label: n for label, n in labels_in_use(tasks).items() if label in dropped}
        if used:
            listed = ", ".join(f"{label} ({n} regions)" for label, n in sorted(used.items()))
            raise PushRefused(
                f"project {title!r} uses labels the schema drops: {listed}; its labeling config stays",
                remedy=Remedy.FORCE_CONFIG,
            )
    with connection.call(f"replacing the labeling config of project {title!r}"):
        client.projects.update(id=project.id, label_config=config)
    return project, False, True


@contextlib.contextmanager
def project_lock(url: str, title: str) -> Iterator[None]:
    """One push at a time into one project of one server, on this machine: a second push waits,
    then plans against the tasks the first one made (a lock file under the workspace's `locks/`)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on POSIX
        yield
        return
    key = hashlib.sha256(f"{url}\x1f{title}".encode()).hexdigest()[:24]
    path = workspace_dir("locks") / f"push-{key}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def push(
    connection: Connection,
    title: str,
    documents: Sequence[Document],
    prediction_sets: Sequence[AnnotationSet] = (),
    *,
    new_version: bool = False,
    force: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: bool = False,
    on_batch: Callable[[int], None] | None = None,
    extra_data: Mapping[str, Any] | None = None,
) -> PushReport:
    """Create or reuse project `title` and bring `documents` and `prediction_sets` into it.

    Pushing the same thing again adds nothing, also when two pushes run at once (`project_lock`).
    The first prediction set's model version is what annotators are shown, unless the project
    already shows one of the versions it has. New tasks get `extra_data` in their data besides the
    document (data-manager columns).
    """
    check_title(title)
    check_batch_size(batch_size)
    check_inputs(documents, prediction_sets)
    with project_lock(connection.url, title):
        return _push(
            connection,
            title,
            documents,
            prediction_sets,
            new_version=new_version,
            force=force,
            batch_size=batch_size,
            progress=progress,
            on_batch=on_batch,
            extra_data=extra_data,
        )


def _push(
    connection: Connection,
    title: str,
    documents: Sequence[Document],
    prediction_sets: Sequence[AnnotationSet],
    *,
    new_version: bool,
    force: bool,
    batch_size: int,
    progress: bool,
    on_batch: Callable[[int], None] | None,
    extra_data: Mapping[str, Any] | None,
) -> PushReport:
    project = find_project(connection, title)
    existing = existing_tasks(connection, project.id, with_model_versions=bool(prediction_sets)) if project else []
    plan = plan_push(documents, prediction_sets, existing, new_version=new_version)
    plan.extra_data = extra_data
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
    client = connection.client
    _import_tasks(connection, int(project.id), plan, report, batch_size, progress, on_batch)
    added = 0
    bar = progress_bar(len(plan.predictions), "adding predictions", unit="task", enabled=progress)
    try:
        for batch in _batches(plan.predictions, batch_size):
            what = f"adding predictions ({added} of {len(plan.predictions)} added so far; push again to finish)"
            with connection.call(what):
                client.projects.import_predictions(id=project.id, request=list(batch), request_options=NO_RETRY)
            added += len(batch)
            for item in batch:
                version = item["model_version"]
                report.predictions_created[version] = report.predictions_created.get(version, 0) + 1
            bar.update(len(batch))
    finally:
        bar.close()
    report.shown_model_version = _show_predictions(
        connection, project.id, prediction_sets, existing, shown_before=None if created else shown_before
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
    and encoded."""
    total = len(plan.new_documents)
    bar = progress_bar(total, "importing tasks", unit="task", enabled=progress)
    fast = connection.can_post_json

    def send(batch: list[dict[str, Any]], body: bytes | None) -> None:
        if body is not None:  # the same endpoint as `projects.import_tasks`, the body encoded by us
            connection.post_json(f"api/projects/{project_id}/import", body)
        else:
            connection.client.projects.import_tasks(id=project_id, request=batch, request_options=NO_RETRY)

    def settle(pending: Future[None], batch: list[dict[str, Any]]) -> None:
        what = f"importing tasks ({report.tasks_created} of {total} imported so far; push again to finish)"
        with connection.call(what):
            pending.result()
        report.tasks_created += len(batch)
        for task in batch:
            for item in task.get("predictions", []):
                version = item["model_version"]
                report.predictions_created[version] = report.predictions_created.get(version, 0) + 1
        bar.update(len(batch))
        if on_batch:
            on_batch(len(batch))

    in_flight: tuple[Future[None], list[dict[str, Any]]] | None = None
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jinbiao-push") as uploader:
            for batch in plan.task_batches(batch_size):
                body = json.dumps(batch, ensure_ascii=False).encode("utf-8") if fast else None
                if in_flight is not None:
                    settle(*in_flight)
                in_flight = (uploader.submit(send, batch, body), batch)
            if in_flight is not None:
                settle(*in_flight)
    finally:
        bar.close()


def _show_predictions(
    connection: Connection,
    project_id: int,
    prediction_sets: Sequence[AnnotationSet],
    existing: Sequence[ExistingTask],
    *,
    shown_before: str | None,
) -> str | None:
    """Make annotators see the first set's predictions, unless the project already showed a version
    it has (Label Studio's labeling view shows one model version: the project's `model_version`;
    an import sets it to the last imported prediction's version when it was empty)."""
    present = {version for task in existing for version in task.model_versions}
    if shown_before and shown_before in present:
        return shown_before
    if not prediction_sets:
        return shown_before
    wanted = prediction_sets[0].origin
    with connection.call("choosing which predictions annotators see"):
        connection.client.projects.update(id=project_id, model_version=wanted)
    return wanted


__all__ = [
    "DEFAULT_BATCH_SIZE",
    "ExistingTask",
    "PushPlan",
    "PushRefused",
    "PushReport",
    "check_batch_size",
    "check_inputs",
    "config_labels",
    "existing_tasks",
    "labels_in_use",
    "plan_push",
    "project_lock",
    "push",
]
