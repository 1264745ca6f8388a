"""Label Studio as a format of `jinbiao.gold.formats`: ``--format label-studio`` / ``--to label-studio``.

The data-contract room names the format and may not import this room; importing this module binds
it (`register_format`). The command line imports it at start-up, so `jinbiao score --format
label-studio`, `jinbiao convert --to label-studio` and format detection of an export all work.

**Read** (an export, JSON or JSON_MIN, read as a stream and checked as `jinbiao pull` checks it):
one annotation set, by default the export's *gold candidate* under the `latest` policy: per
document, the most recently updated submitted annotation, when one annotator annotated it or all
its annotators agree exactly. A document whose annotators differ is an error (jinbiao never picks a
winner silently); documents nobody annotated are left out. An export without any submitted
annotation (a file of tasks to import, a pre-annotated project) gives its predictions instead, when
they are of one model version. `take=` picks explicitly: ``"candidate"``, ``"predictions"``, an
annotator (``"li@example.org"``: their latest annotation of each document) or a model version
(``"rules@2.0"``). Tasks are matched to the documents by ``data.doc_id``, else by their text. Any
problem in the export (a region off its text, a label outside the schema, an id used twice …) is an
error naming file, task and annotation; `jinbiao pull --from-file` lists them all.

**Write**: a task file Label Studio's Import dialog takes as it is, one task per annotated document
(text, id, source and text hash, as `jinbiao push` makes them), its spans as the predictions of
the set's name and version (pre-annotations), or with ``as_annotations=True`` as a submitted
annotation. Kept: offsets, labels, scores (predictions). Lost: who made each span.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, JinbiaoError
from jinbiao.gold.atomic import atomic_write_text
from jinbiao.gold.errors import Remedy
from jinbiao.gold.formats.mapping import AnnotationBuilder, DocumentRecord, ReferenceDocuments, SpanRecord
from jinbiao.gold.formats.registry import LABEL_STUDIO, FormatSpec, format_spec, register_format
from jinbiao.gold.formats.writing import spans_to_write

from .export.convert import LATEST, MemorySink, convert_tasks
from .export.records import ANNOTATION, PREDICTION, ExportTask, PullResult
from .export.stream import ExportFile
from .tasks import prediction, region, region_id, task_data

CANDIDATE = "candidate"
PREDICTIONS = "predictions"


def read_label_studio(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
    take: str | None = None,
) -> AnnotationSet:
    """The annotations of a Label Studio export over `documents` (see the module docstring)."""
    path = Path(path)
    refs = ReferenceDocuments(documents)
    export = ExportFile(path)
    sink = MemorySink()
    conversion = convert_tasks(
        lambda: _named_tasks(export, refs, offsets, extra_documents),
        export.format,
        policy=LATEST,
        labels=None if labels is None else frozenset(labels),
        allow_overlap=not flat,
        sink=sink,
    )
    result = sink.result(conversion)
    if result.problems:
        first, more = result.problems[0], len(result.problems) - 1
        others = f" (and {more} more problem(s), which a pull of the file lists)" if more else ""
        raise JinbiaoError(f"{path}: {first}{others}")
    chosen, what = _taken(result, take, path)
    builder = AnnotationBuilder(
        refs,
        name=name or path.stem,
        format=LABEL_STUDIO,
        source=str(path),
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    for found in chosen:
        spans = [SpanRecord(s.start, s.end, s.label, s.text, s.score) for s in found.spans]
        builder.add_record(DocumentRecord(str(path), found.doc_id, found.text, spans))
    read = builder.finish(allow_empty=True)
    read.meta["label_studio"] = what
    return read


def _named_tasks(
    export: ExportFile, refs: ReferenceDocuments, offsets: str, extra_documents: str
) -> Iterator[ExportTask]:
    """The export's tasks, each one that lacks `data.doc_id` named after the document with its text."""
    for task in export.tasks():
        data = task.data if isinstance(task.data, dict) else None
        text = data.get("text") if data is not None else None
        if task.doc_id is not None or not isinstance(text, str):
            yield task
            continue
        found = refs.with_raw_text(text) if offsets == "raw" else refs.with_text(text)
        if len(found) == 1:
            yield replace(task, data={**data, "doc_id": found[0].id})
        elif extra_documents == "ignore":
            yield replace(task, data={**data, "doc_id": f"task {task.task_id}"})  # not a document: skipped, counted
        else:
            which = f"{len(found)} documents have its text" if found else "no document has its text"
            raise JinbiaoError(
                f"{export.path}: task {task.task_id} has no data.doc_id and {which}",
                remedy=Remedy.IGNORE_EXTRA_DOCUMENTS,
            )


def _taken(result: PullResult, take: str | None, path: Path) -> tuple[AnnotationSet, str]:
    """The set `take` asks for, and what it is."""
    annotators = [s for s in result.sets[ANNOTATION] if s.meta["rank"] == 1]
    predictions = [s for s in result.sets[PREDICTION] if s.meta["rank"] == 1]
    if take in (None, CANDIDATE) and (annotators or take == CANDIDATE):
        differ = [doc_id for doc_id, why in result.candidate_missing.items() if "differ" in why]
        if differ:
            more = f" (and {len(differ) - 1} more documents)" if len(differ) > 1 else ""
            names = ", ".join(s.meta["who"] for s in annotators)
            raise JinbiaoError(
                f"{path}: document {differ[0]}: {result.candidate_missing[differ[0]].split(':')[0]}{more}",
                remedy=Remedy.TAKE_ONE_SET,
                names=names,
            )
        assert result.candidate is not None
        return result.candidate, "the gold candidate (latest submitted annotation per document)"
    if take in (None, PREDICTIONS):
        if len(predictions) == 1:
            return predictions[0], f"the predictions of {predictions[0].meta['who']}"
        if not predictions:
            raise JinbiaoError(f"{path}: neither submitted annotations nor predictions to read")
        versions = ", ".join(s.meta["who"] for s in predictions)
        raise JinbiaoError(
            f"{path}: predictions of {len(predictions)} model versions ({versions}): take one (take='VERSION')"
        )
    for found in [*annotators, *predictions]:
        if found.meta["who"] == take:
            kind = "annotations" if found in annotators else "predictions"
            return found, f"the {kind} of {take}"
    names = ", ".join(s.meta["who"] for s in [*annotators, *predictions]) or "none"
    raise JinbiaoError(f"{path}: no annotator or model version {take!r} in this export (there are: {names})")


def write_label_studio(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    as_annotations: bool = False,
) -> Path:
    """A task file for Label Studio's Import dialog (see the module docstring)."""
    version = annotation_set.origin
    tasks: list[dict[str, Any]] = []
    for document, spans in spans_to_write(annotation_set, documents, file=str(path)):
        task: dict[str, Any] = {"data": task_data(document)}
        if as_annotations:
            result = [region(span, region_id(document.id, span, version), origin="manual") for span in spans]
            task["annotations"] = [{"result": result}]
        else:
            task["predictions"] = [prediction(document.id, spans, version)]
        tasks.append(task)
    return atomic_write_text(path, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n", overwrite=overwrite)


SPEC = FormatSpec(
    LABEL_STUDIO,
    "Label Studio export (JSON or JSON_MIN) in; tasks to import out",
    read=read_label_studio,
    write=write_label_studio,
)

if format_spec(LABEL_STUDIO).read is None:  # bound once, however often this module is imported
    register_format(SPEC)

__all__ = ["SPEC", "read_label_studio", "write_label_studio"]
