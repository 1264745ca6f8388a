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

A project of any size: the snapshot is downloaded into a file (inside the new directory, removed
before it is swapped in), read as a stream (`export.stream.ExportFile`), converted in two passes
(`export.convert.convert_tasks`) and written as it goes (`pulled.PullWriter`); memory holds one
task at a time and a small index entry per task, never the export or its spans.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from jinbiao.gold import Document, JinbiaoError
from jinbiao.gold.atomic import atomic_directory
from jinbiao.gold.errors import OutputExistsError, Remedy
from jinbiao.gold.progress import progress_bar

from .client import Connection, LabelStudioError, require_project
from .export import DEFAULT_POLICY, Problem
from .export.convert import ALL, check_policy, convert_tasks, corpus_hashes
from .export.read import ExportFormatError
from .export.records import ACCEPTED, CHANGED, DRAWN, UNKNOWN
from .export.stream import ExportFile
from .pulled import CANDIDATE_FILE, GOLD_DIR, PullWriter, WrittenPull

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

    def __init__(self, result: WrittenPull) -> None:
        self.result = result
        self.problems: list[Problem] = result.problems
        tasks = len({p.task_id for p in self.problems})
        super().__init__(
            f"{len(self.problems)} problem(s) in {tasks} task(s), listed above; nothing was written",
            remedy=Remedy.ALLOW_PROBLEMS,
        )


@dataclass
class PullReport:
    """What a pull did: `result` (counts, problems, the sets read back on demand), where it went,
    and `summary`: summary.json without its long lists (`items`, `candidate.chosen`)."""

    result: WrittenPull
    out_dir: Path
    summary: dict[str, Any]
    files: list[Path] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return self.result.problems

    @property
    def edges(self) -> Iterator[Problem]:
        """Spans of submitted annotations with whitespace or punctuation at an edge (warnings)."""
        return self.result.edges

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
        if self.result.edge_count:
            out.append(
                f"{self.result.edge_count} span(s) start or end with whitespace or punctuation: "
                "see `edges` in summary.json"
            )
        out.extend(f"note: {word(note.as_error())}" for note in self.result.notes)
        return out


# ------------------------------------------------------------------------------------ export


def download_snapshot_file(
    connection: Connection,
    project_id: int,
    path: str | os.PathLike[str],
    *,
    timeout: float | None = None,
    progress: bool = False,
) -> Path:
    """A snapshot export of the whole project with predictions, drafts and annotators in full,
    written to `path` as it arrives. (The plain export lists predictions only by id.) The snapshot
    is deleted from the server once downloaded."""
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
    path = Path(path)
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
        with (
            open(path, "wb") as target,
            progress_bar(None, "downloading export", unit="B", enabled=progress, unit_scale=True) as bar,
            connection.call("downloading the snapshot export"),
        ):
            for chunk in client.projects.exports.download(
                id=project_id,
                export_pk=snapshot.id,
                export_type="JSON",
                request_options={**options, "chunk_size": 1 << 20},  # type: ignore[typeddict-unknown-key]
            ):
                target.write(chunk)
                bar.update(len(chunk))
    finally:
        _delete_snapshot(connection, project_id, snapshot.id)
    return path


@contextlib.contextmanager
def snapshot_file(
    connection: Connection, project_id: int, *, timeout: float | None = None, progress: bool = False
) -> Iterator[ExportFile]:
    """The project's snapshot in a scratch file, read as a stream (removed afterwards)."""
    with tempfile.TemporaryDirectory(prefix="jinbiao-snapshot-") as scratch:
        path = download_snapshot_file(
            connection, project_id, Path(scratch) / "snapshot.json", timeout=timeout, progress=progress
        )
        yield read_snapshot(path, project_id)


def download_snapshot(
    connection: Connection, project_id: int, *, timeout: float | None = None, progress: bool = False
) -> list[Any]:
    """The project's snapshot export as a list of task records, in memory (for the small projects
    of a team; `pull` reads a project of any size as a stream)."""
    with tempfile.TemporaryDirectory(prefix="jinbiao-snapshot-") as scratch:
        path = download_snapshot_file(
            connection, project_id, Path(scratch) / "snapshot.json", timeout=timeout, progress=progress
        )
        try:
            payload = json.loads(path.read_bytes())
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            reason = f"Label Studio's export of project {project_id} is not JSON ({error}); try again"
            raise LabelStudioError(reason) from None
    if not isinstance(payload, list):
        raise LabelStudioError(f"Label Studio's export of project {project_id} is not a list of tasks; try again")
    return payload


def read_snapshot(path: Path, project_id: int) -> ExportFile:
    """A downloaded snapshot read as a stream (an empty project's is empty); a download that is not
    an export says so."""
    try:
        return ExportFile(path, allow_empty=True)
    except ExportFormatError as error:
        reason = str(error).split(": ", 1)[1]
        raise LabelStudioError(f"Label Studio's export of project {project_id}: {reason}; try again") from None


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


def _reconcile_with_project(result: WrittenPull, counts: dict[str, int | None]) -> None:
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
    documents: Iterable[Document] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    overwrite: bool = False,
    timeout: float | None = None,
    progress: bool = False,
) -> PullReport:
    """Pull project `title` into `out_dir` (see the module's docstring). `documents` (a list, or
    a corpus stream such as `open_corpus`, read twice) are the articles the tasks are checked
    against, and the offset maps of the gold files."""
    out = check_output(out_dir, overwrite=overwrite)
    _check_options(policy, write_gold, documents)
    project = require_project(connection, title)
    project_id = int(project.id)
    source = {"label_studio": connection.url, "project": title, "project_id": project_id}
    with _writing(out) as tmp:
        snapshot = tmp / ".snapshot.json"
        path = download_snapshot_file(connection, project_id, snapshot, timeout=timeout, progress=progress)
        export = read_snapshot(path, project_id)
        counts = project_counts(connection, project_id)
        users = user_emails(connection)
        options = {"policy": policy, "documents": documents, "write_gold": write_gold, "allow_problems": allow_problems}
        report = write_pull(export, tmp, out, source, users=users, counts=counts, progress=progress, **options)
        path.unlink()
    return report


def pull_file(
    path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    policy: str = DEFAULT_POLICY,
    documents: Iterable[Document] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    overwrite: bool = False,
    progress: bool = False,
) -> PullReport:
    """The same from an export file downloaded from Label Studio's UI (JSON or JSON_MIN), read as
    a stream. An export without a task is refused."""
    out = check_output(out_dir, overwrite=overwrite)
    _check_options(policy, write_gold, documents)
    export = ExportFile(path)
    options = {"policy": policy, "documents": documents, "write_gold": write_gold, "allow_problems": allow_problems}
    with _writing(out) as tmp:
        return write_pull(export, tmp, out, {"file": str(path)}, progress=progress, **options)


def _check_options(policy: str, write_gold: bool, documents: Iterable[Document] | None) -> None:
    check_policy(policy)
    if write_gold and documents is None:
        raise JinbiaoError("gold files need each document's offset map back to its source", remedy=Remedy.GIVE_CORPUS)
    if write_gold and policy == ALL:
        raise JinbiaoError("gold files need one candidate per document", remedy=Remedy.ONE_CANDIDATE_POLICY)


@contextlib.contextmanager
def _writing(out: Path) -> Iterator[Path]:
    """A fresh directory swapped into place whole at the end (`atomic_directory`); a file system
    that refuses to write is one line naming the output."""
    try:
        with atomic_directory(out) as tmp:
            yield tmp
    except (JinbiaoError, ExportFormatError):
        raise
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise JinbiaoError(f"{out}: cannot write there ({reason}); choose another output directory") from None


def write_pull(
    export: ExportFile,
    root: Path,
    out_dir: Path,
    source: dict[str, Any],
    *,
    policy: str = DEFAULT_POLICY,
    documents: Iterable[Document] | None = None,
    users: dict[int, str] | None = None,
    write_gold: bool = False,
    allow_problems: bool = False,
    counts: dict[str, int | None] | None = None,
    progress: bool = False,
) -> PullReport:
    """Convert `export` into the directory `root` (which becomes `out_dir`), refusing on problems
    unless `allow_problems`: nothing of it is then left, as `root` is discarded."""
    writer = PullWriter(root, for_gold=write_gold)
    try:
        with progress_bar(None, "converting", unit="task", enabled=progress) as bar:
            conversion = convert_tasks(
                lambda: _counted(export.tasks(users), bar),
                export.format,
                policy=policy,
                corpus=corpus_hashes(documents),
                sink=writer,
            )
        result = WrittenPull.of(conversion, out_dir)
        result.edge_count = writer.edge_count
        if counts is not None:
            _reconcile_with_project(result, counts)
        if write_gold:
            for problem in writer.gold_edges:
                result.add_problem(problem)
        if result.problems and not allow_problems:
            raise PullFailed(result)
        files = writer.finish()
    except BaseException:
        writer.discard()
        raise
    result.files = writer.entries()
    result.candidate_file = CANDIDATE_FILE if writer.candidate_documents else None
    if write_gold and documents is not None:
        files += writer.write_gold(documents)
    summary = build_summary(result, source, counts=counts, write_gold=write_gold and bool(writer.candidate_documents))
    summary_path = root / "summary.json"
    with open(summary_path, "w", encoding="utf-8") as handle:
        for piece in summary_pieces(summary, writer.chosen_lines(), writer.edge_lines(), writer.item_lines()):
            handle.write(piece)
    writer.remove_scratch()
    files.append(summary_path)
    return PullReport(result, out_dir, summary, [out_dir / path.relative_to(root) for path in files])


def _counted(tasks: Iterable[Any], bar: Any) -> Iterator[Any]:
    for task in tasks:
        yield task
        bar.update(1)


def build_summary(
    result: WrittenPull,
    source: dict[str, Any],
    *,
    counts: dict[str, int | None] | None = None,
    write_gold: bool = False,
) -> dict[str, Any]:
    """summary.json without its long lists: `candidate.chosen`, `edges` and `items` (`summary_pieces`
    adds them)."""
    files: dict[str, Any] = dict(result.files)
    files["candidate"] = result.candidate_file
    files["gold"] = GOLD_DIR if write_gold else None
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
            "documents": result.totals.candidate_documents,
            "missing": result.candidate_missing,
        },
        "problems": [p.to_dict() for p in result.problems],
        "notes": [str(note) for note in result.notes],
    }


def summary_pieces(
    summary: dict[str, Any], chosen: Iterable[str], edges: Iterable[str], items: Iterable[str]
) -> Iterator[str]:
    """summary.json, in pieces: indented, with `candidate.chosen`, `edges` and `items` added from
    their lines (JSON objects, in order) one per line: quick to write, easy to grep, never whole
    in memory."""
    marks = {"chosen": "\u0000chosen\u0000", "edges": "\u0000edges\u0000"}
    head = {**summary, "candidate": {**summary["candidate"], "chosen": marks["chosen"]}, "edges": marks["edges"]}
    text = json.dumps(head, ensure_ascii=False, indent=1)
    before, rest = text.split(json.dumps(marks["chosen"]))
    middle, after = rest.split(json.dumps(marks["edges"]))
    yield before
    yield from _json_list(chosen, "   ", "  ")
    yield middle
    yield from _json_list(edges, "  ", " ")
    yield after[: -len("\n}")]
    yield ',\n "items": '
    yield from _json_list(items, "  ", " ")
    yield "\n}\n"


def _json_list(lines: Iterable[str], indent: str, closing: str) -> Iterator[str]:
    first = True
    for line in lines:
        yield ("[\n" if first else ",\n") + indent + line
        first = False
    yield "[]" if first else f"\n{closing}]"
