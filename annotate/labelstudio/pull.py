"""Pull every annotation out of Label Studio into annotation sets, checked, written atomically.

`pull` takes a snapshot export of a project with everything in full (predictions, drafts, who
completed each annotation; skipped and ground-truth annotations included), cross-checks its
counts with the project's, and hands it to `export.convert_export`. `pull_file` does the same
for an export downloaded from the UI (JSON or JSON_MIN). The output directory::

    summary.json                  counts that reconcile, files, problems, where every item went
    annotators/<who>.jsonl        one annotation set per annotator (submitted annotations)
    provenance/<who>.jsonl        per annotation: who made it, who last changed it, the prediction it
                                  started from, and per span whether it was accepted, changed or drawn
    skipped/<who>.jsonl           skipped (cancelled) annotations, kept apart
    drafts/<who>.jsonl            drafts, kept apart
    predictions/<model>.jsonl     the predictions, one set per model version
    candidate.jsonl               the gold candidate chosen by the policy (not with `all`)
    gold/<doc id>.json            the candidate as gold files (with `write_gold=True`; needs the corpus)

Nothing is written when there are problems, unless `allow_problems` (then a problem region is
left out and reported, its annotation's other regions written). Spans with whitespace or
punctuation at an edge are reported in every pull; in the gold files they are problems. An
existing output directory is replaced only with `overwrite`, and then whole
(`jinbiao.gold.atomic.atomic_directory`).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinbiao.gold import AnnotationSet, Document, JinbiaoError, write_gold_document, write_jsonl
from jinbiao.gold.atomic import atomic_directory
from jinbiao.gold.errors import OutputExistsError, Remedy
from jinbiao.gold.progress import progress_bar

from .client import Connection, LabelStudioError, require_project
from .export import CATEGORY_DIRS, DEFAULT_POLICY, Problem, PullResult, convert_export, load_export
from .export.convert import ALL
from .export.edges import annotation_edges, candidate_items, edge_problems, without_edge_spans
from .export.records import ACCEPTED, ANNOTATION, CHANGED, DRAWN, UNKNOWN, PlacedItem

SUMMARY_FORMAT = "jinbiao-pull/1"
SERIALIZATION = {
    "predictions": {"only_id": False},
    "drafts": {"only_id": False},
    "annotations__completed_by": {"only_id": False},
}
ALL_ANNOTATIONS = {"usual": True, "ground_truth": True, "skipped": True}
EXPORT_TIMEOUT = 600.0


class PullFailed(JinbiaoError):
    """The export has problems; nothing was written. `problems` lists them, one per line."""

    def __init__(self, result: PullResult) -> None:
        self.result = result
        self.problems: list[Problem] = result.problems
        tasks = len({p.task_id for p in self.problems})
        super().__init__(
            f"{len(self.problems)} problem(s) in {tasks} task(s), listed above; nothing was written",
            remedy=Remedy.ALLOW_PROBLEMS,
        )


@dataclass
class PullReport:
    result: PullResult
    out_dir: Path
    summary: dict[str, Any]
    files: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.result.problems

    def lines(self, word: Callable[[JinbiaoError], str] = str) -> list[str]:
        """What was pulled and where it went; `word` words the notes' remedies (the command line
        passes its own)."""
        counts = self.result.totals
        annotations = counts.annotations
        where = self.summary["source"].get("project") or self.summary["source"].get("file")
        out = [
            f"pulled {where!s}: {counts.tasks} tasks, {counts.documents} documents ({self.result.format})",
            f"annotations: {annotations.in_export} in Label Studio = {annotations.written} written "
            f"+ {annotations.reported} reported; {counts.skipped.in_export} skipped kept apart; "
            f"drafts: {counts.drafts.written} kept apart, {counts.drafts.reported} reported",
        ]
        regions = counts.regions
        if regions.reported:
            out.append(
                f"regions of submitted annotations: {regions.in_export} = {regions.written} written "
                f"+ {regions.reported} reported"
            )
        for entry in self.summary["files"]["annotators"]:
            how = entry.get("how") or {}
            made = ", ".join(f"{how[k]} {k}" for k in (ACCEPTED, CHANGED, DRAWN, UNKNOWN) if how.get(k))
            out.append(
                f"  {entry['name']}: {entry['documents']} documents, {entry['spans']} spans"
                f"{f' ({made})' if made else ''} → {self.out_dir / entry['file']}"
            )
        candidate = self.summary["candidate"]
        if candidate["file"]:
            out.append(
                f"gold candidate ({self.result.policy}): {candidate['documents']} documents → "
                f"{self.out_dir / candidate['file']}"
            )
        elif self.result.policy == ALL:
            out.append("gold candidate (all): every annotator set, for adjudication")
        if candidate["missing"]:
            out.append(f"no candidate for {len(candidate['missing'])} document(s):")
            out.extend(f"  {doc_id}: {why}" for doc_id, why in list(candidate["missing"].items())[:5])
            if len(candidate["missing"]) > 5:
                out.append(f"  and {len(candidate['missing']) - 5} more: see summary.json")
        if self.summary["files"]["gold"]:
            out.append(f"gold files → {self.out_dir / self.summary['files']['gold']}")
        if self.problems:
            out.append(f"{len(self.problems)} problem(s) reported in summary.json")
        if self.summary["edges"]:
            out.append(
                f"{len(self.summary['edges'])} span(s) start or end with whitespace or punctuation: "
                "see `edges` in summary.json"
            )
        out.extend(f"note: {word(note.as_error())}" for note in self.result.notes)
        return out


# ------------------------------------------------------------------------------------ export


def download_snapshot(
    connection: Connection, project_id: int, *, timeout: float | None = None, progress: bool = False
) -> list[Any]:
    """A snapshot export of the whole project with predictions, drafts and annotators in full.

    (The plain export lists predictions only by id.) The snapshot is deleted from the server
    once downloaded.
    """
    timeout = timeout or max(connection.timeout, EXPORT_TIMEOUT)
    connection = replace(connection, timeout=timeout)  # so that a timeout's message names this one
    client = connection.client
    options = {"timeout_in_seconds": timeout, "max_retries": 0}
    with connection.call("taking a snapshot export"):
        snapshot = client.projects.exports.create(
            id=project_id,
            title="jinbiao pull",
            serialization_options=SERIALIZATION,  # type: ignore[arg-type]
            annotation_filter_options=ALL_ANNOTATIONS,  # type: ignore[arg-type]
            request_options=options,  # type: ignore[arg-type]
        )
    what = f"Label Studio's export of project {project_id}"
    try:
        deadline = time.monotonic() + timeout
        status = snapshot.status
        while status != "completed":
            if status == "failed":
                raise LabelStudioError(f"{what} failed (snapshot {snapshot.id}); see the server's log, then try again")
            if time.monotonic() > deadline:
                raise LabelStudioError(
                    f"{what} did not finish within {timeout:g} s (status {status})", remedy=Remedy.LONGER_TIMEOUT
                )
            time.sleep(0.5)
            with connection.call("waiting for the snapshot export"):
                snapshot = client.projects.exports.get(id=project_id, export_pk=snapshot.id)
            status = snapshot.status
        data = bytearray()
        with (
            progress_bar(None, "downloading export", unit="B", enabled=progress, unit_scale=True) as bar,
            connection.call("downloading the snapshot export"),
        ):
            for chunk in client.projects.exports.download(
                id=project_id,
                export_pk=snapshot.id,
                export_type="JSON",
                request_options={**options, "chunk_size": 1 << 20},  # type: ignore[typeddict-unknown-key]
            ):
                data += chunk
                bar.update(len(chunk))
    finally:
        _delete_snapshot(connection, project_id, snapshot.id)
    try:
        payload = json.loads(bytes(data))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LabelStudioError(f"{what} is not JSON ({error}); try again") from None
    if not isinstance(payload, list):
        raise LabelStudioError(f"{what} is not a list of tasks; try again")
    return payload


def _delete_snapshot(connection: Connection, project_id: int, export_id: int) -> None:
    with contextlib.suppress(Exception):  # cleanup only: at worst the snapshot stays on the server
        connection.client.projects.exports.delete(id=project_id, export_pk=export_id)


def project_counts(connection: Connection, project_id: int) -> dict[str, int | None]:
    """What the project itself counts, to reconcile the export against."""
    with connection.call("reading the project's counters"):
        project = connection.client.projects.get(id=project_id)
    return {
        "tasks": getattr(project, "task_number", None),
        "annotations": getattr(project, "total_annotations_number", None),  # submitted, not skipped
        "skipped": getattr(project, "skipped_annotations_number", None),
        "predictions": getattr(project, "total_predictions_number", None),
    }


def user_emails(connection: Connection) -> dict[int, str]:
    """Every user of the server by id, to name who last changed an annotation (the export gives an id)."""
    with connection.call("listing users"):
        return {int(user.id): str(user.email or user.username) for user in connection.client.users.list()}


def _reconcile_with_project(result: PullResult, counts: dict[str, int | None]) -> None:
    """A problem when the export holds fewer (or more) items than the project counts."""
    found = result.totals
    pairs = [
        ("tasks", found.tasks, counts.get("tasks")),
        ("submitted annotations", found.submitted.in_export, counts.get("annotations")),
        ("skipped annotations", found.skipped.in_export, counts.get("skipped")),
        ("predictions", found.predictions.in_export, counts.get("predictions")),
    ]
    for name, exported, counted in pairs:
        if counted is not None and exported != counted:
            reason = f"the export holds {exported} {name} but the project counts {counted}; pull again"
            result.add_problem(Problem(None, reason))


# -------------------------------------------------------------------------------------- pull


def check_output(out_dir: str | os.PathLike[str], *, overwrite: bool) -> Path:
    """Fail before any work when `out_dir` holds something and `overwrite` is off."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise JinbiaoError(f"{out} is a file; give a directory for the pulled annotations")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise OutputExistsError(str(out), f"{out} exists and is not empty")
    return out


def pull(
    connection: Connection,
    title: str,
    out_dir: str | os.PathLike[str],
    *,
    policy: str = DEFAULT_POLICY,
    documents: Sequence[Document] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    overwrite: bool = False,
    timeout: float | None = None,
    progress: bool = False,
) -> PullReport:
    """Pull project `title` into `out_dir` (see the module's docstring)."""
    out = check_output(out_dir, overwrite=overwrite)
    _check_gold(write_gold, documents)
    project = require_project(connection, title)
    payload = download_snapshot(connection, int(project.id), timeout=timeout, progress=progress)
    counts = project_counts(connection, int(project.id))
    result = convert_export(payload, policy=policy, documents=documents, users=user_emails(connection))
    _reconcile_with_project(result, counts)
    source = {"label_studio": connection.url, "project": title, "project_id": int(project.id)}
    return finish(
        result, out, source, documents=documents, write_gold=write_gold, allow_problems=allow_problems, counts=counts
    )


def pull_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    policy: str = DEFAULT_POLICY,
    documents: Sequence[Document] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    overwrite: bool = False,
) -> PullReport:
    """The same from an export file downloaded from Label Studio's UI (JSON or JSON_MIN)."""
    out = check_output(out_dir, overwrite=overwrite)
    _check_gold(write_gold, documents)
    result = convert_export(load_export(path), policy=policy, documents=documents)
    source = {"file": str(path)}
    return finish(result, out, source, documents=documents, write_gold=write_gold, allow_problems=allow_problems)


def _check_gold(write_gold: bool, documents: Sequence[Document] | None) -> None:
    if write_gold and documents is None:
        raise JinbiaoError("gold files need each document's offset map back to its source", remedy=Remedy.GIVE_CORPUS)


def finish(
    result: PullResult,
    out_dir: Path,
    source: dict[str, Any],
    *,
    documents: Sequence[Document] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    counts: dict[str, int | None] | None = None,
) -> PullReport:
    """Refuse on problems (unless allowed), else write everything in one go."""
    if write_gold and result.policy == ALL:
        raise JinbiaoError("gold files need one candidate per document", remedy=Remedy.ONE_CANDIDATE_POLICY)
    if write_gold:
        for problem in edge_problems(candidate_items(result)):
            result.add_problem(problem)
    if result.problems and not allow_problems:
        raise PullFailed(result)
    if write_gold:
        without_edge_spans(result)
    summary = build_summary(result, source, counts=counts, write_gold=write_gold)
    files = write_pull(result, out_dir, summary, documents=documents if write_gold else None)
    return PullReport(result, out_dir, summary, files)


def _set_entry(annotation_set: AnnotationSet, directory: str, result: PullResult) -> dict[str, Any]:
    meta = annotation_set.meta
    entry = {
        "name": annotation_set.name,
        "who": meta["who"],
        "rank": meta["rank"],
        "user_id": meta.get("user_id"),
        "file": f"{directory}/{meta['file']}",
        "documents": len(annotation_set),
        "spans": annotation_set.span_count(),
    }
    if meta["category"] == ANNOTATION:
        how: dict[str, int] = {}
        for placed in set_items(result, annotation_set):
            for made in placed.hows:
                how[made] = how.get(made, 0) + 1
        entry["how"] = dict(sorted(how.items()))
        entry["provenance"] = f"provenance/{meta['file']}"
    return entry


def set_items(result: PullResult, annotation_set: AnnotationSet) -> list[PlacedItem]:
    """The written items an annotation set was made of, in document order."""
    meta = annotation_set.meta
    found = [
        p
        for p in result.items
        if p.written and p.item.kind == meta["category"] and p.item.who == meta["who"] and p.rank == meta["rank"]
    ]
    return sorted(found, key=lambda p: p.doc_id or "")


def build_summary(
    result: PullResult,
    source: dict[str, Any],
    *,
    counts: dict[str, int | None] | None = None,
    write_gold: bool = False,
) -> dict[str, Any]:
    files: dict[str, Any] = {
        directory: [_set_entry(s, directory, result) for s in result.sets[kind]]
        for kind, directory in CATEGORY_DIRS.items()
    }
    candidate = result.candidate
    has_candidate = candidate is not None and len(candidate) > 0
    files["candidate"] = "candidate.jsonl" if has_candidate else None
    files["gold"] = "gold" if write_gold and has_candidate else None
    return {
        "format": SUMMARY_FORMAT,
        "source": source,
        "export_format": result.format,
        "policy": result.policy,
        "reconciled": result.reconciled,
        "counts": result.counts,
        "label_studio_counts": counts,
        "files": files,
        "candidate": {
            "policy": result.policy,
            "file": files["candidate"],
            "documents": len(candidate) if candidate is not None else 0,
            "chosen": candidate.meta["items"] if candidate is not None else [],
            "missing": result.candidate_missing,
        },
        "problems": [p.to_dict() for p in result.problems],
        "edges": [p.to_dict() for p in annotation_edges(result)],
        "notes": [str(note) for note in result.notes],
        "items": [placed.to_dict() for placed in result.items],
    }


def summary_json(summary: dict[str, Any]) -> str:
    """Indented, except the long `items` list: one item per line (quick to write, easy to grep)."""
    if not summary.get("items") or list(summary)[-1] != "items":
        return json.dumps(summary, ensure_ascii=False, indent=1) + "\n"
    head = json.dumps({key: value for key, value in summary.items() if key != "items"}, ensure_ascii=False, indent=1)
    items = ",\n".join("  " + json.dumps(item, ensure_ascii=False) for item in summary["items"])
    return head[:-2] + ',\n "items": [\n' + items + "\n ]\n}\n"


def write_pull(
    result: PullResult, out_dir: Path, summary: dict[str, Any], *, documents: Sequence[Document] | None = None
) -> list[Path]:
    """Write into a fresh directory beside `out_dir`, swapped into place whole at the end."""
    written: list[Path] = []
    try:
        with atomic_directory(out_dir) as tmp:
            for kind, directory in CATEGORY_DIRS.items():
                for annotation_set in result.sets[kind]:
                    written.append(write_jsonl(tmp / directory / annotation_set.meta["file"], annotation_set))
            for annotation_set in result.sets[ANNOTATION]:
                lines = [json.dumps(p.provenance(), ensure_ascii=False) for p in set_items(result, annotation_set)]
                path = tmp / "provenance" / annotation_set.meta["file"]
                path.parent.mkdir(exist_ok=True)
                path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
                written.append(path)
            candidate = result.candidate
            if candidate is not None and len(candidate):
                written.append(write_jsonl(tmp / "candidate.jsonl", candidate))
                if documents is not None:
                    written.extend(_write_gold_files(candidate, documents, tmp / "gold"))
            summary_path = tmp / "summary.json"
            summary_path.write_text(summary_json(summary), encoding="utf-8")
            written.append(summary_path)
    except OutputExistsError:
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise JinbiaoError(f"{out_dir}: cannot write there ({reason}); choose another output directory") from None
    return [Path(out_dir) / path.relative_to(tmp) for path in written]


def _write_gold_files(candidate: AnnotationSet, documents: Sequence[Document], directory: Path) -> list[Path]:
    by_id = {d.id: d for d in documents}
    who = {item["doc_id"]: item["who"] for item in candidate.meta["items"]}
    return [
        write_gold_document(
            directory / f"{annotations.doc_id}.json",
            by_id[annotations.doc_id],
            annotations.spans,
            annotators=[who[annotations.doc_id]],
        )
        for annotations in candidate
    ]
