"""`score_files`: prediction files scored against a gold of any size, a batch of documents at a time.

A gold directory (or gold file, or JSONL with texts) and predictions in jinbiao JSONL (what
`extract` and `prelabel` write) are read as streams: a first pass over the gold notes each
document's id and where it is (`GoldIndex`), a first pass over the predictions where each
document's line starts (`PredictionIndex`); then the gold is read again in batches, each batch's
predictions fetched by seeking to their lines, aligned, counted and dropped. Memory holds one
batch, the two indexes (an id and a few integers per document) and the count arrays. The tables
and warnings are those of the whole-file path; on bad input the files are read once more in the
whole-file path's order, so that the error is its error too (`stream_errors`). Other prediction
formats, and raw offsets, are read whole (their readers need the whole file).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, DocumentAnnotations, JinbiaoError, ValidationError
from jinbiao.gold.formats.common import warn_skipped
from jinbiao.gold.formats.detect import head_lines
from jinbiao.gold.formats.native import jsonl_records
from jinbiao.gold.io import is_gold_path, iter_gold, iter_jsonl, unreadable_reason
from jinbiao.gold.progress import progress_bar

from .alignment import Alignment, align
from .counting import CorpusCounts, CountAccumulator, count_alignment
from .inputs import (
    NEEDS_TEXTS,
    load_checked_predictions,
    load_reference,
    map_labels,
    refuse_training_documents,
    text_document,
    warn_missing_documents,
)
from .metrics import all_schemes
from .schemes import SCHEMES
from .scores import score
from .stream_errors import raise_whole_file_error
from .stream_index import STREAMED_FORMAT, GoldIndex, PredictionIndex, prediction_reader

BATCH_DOCUMENTS = 256  # documents aligned at once when streaming

GoldItem = tuple[Document, DocumentAnnotations]


def iter_reference(path: str | Path, *, labels: frozenset[str] = LABEL_SET) -> Iterator[GoldItem]:
    """The gold documents one at a time, each with its annotations: a gold directory or file
    (checked as `load_gold` does), or JSONL whose lines carry their texts."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if is_gold_path(path):
        for _, document, spans, _ in iter_gold(path, labels=labels):
            yield document, DocumentAnnotations(document.id, document.text_sha256, spans, document.text)
        return
    for _, found in iter_jsonl(path, labels=labels):
        if found.text is None:
            raise ValidationError(NEEDS_TEXTS, file=str(path), doc_id=found.doc_id)
        yield text_document(found.doc_id, found.text), found


def paired_batches(
    gold: str | Path,
    pred: str | Path,
    *,
    label_map: Mapping[str, str | None] | None = None,
    extra_documents: str = "error",
    allow_training_documents: bool = False,
    batch_documents: int = BATCH_DOCUMENTS,
    show_progress: bool = True,
) -> Iterator[tuple[AnnotationSet, AnnotationSet]]:
    """(gold, predictions) annotation sets of `batch_documents` gold documents at a time, checked
    as `load_reference` and `load_predictions` check the whole files."""
    gold, pred = Path(gold), Path(pred)
    labels = LABEL_SET | frozenset(label_map or ())
    gold_index = GoldIndex.read(gold, labels)
    pred_index = PredictionIndex.read(pred, gold_index, extra_documents=extra_documents)
    if pred_index.skipped:
        warn_skipped(str(pred), pred_index.skipped)
    refuse_training_documents(
        pred_index.trained_on, gold_index.ids, name=pred_index.name, allow=allow_training_documents
    )
    batch: list[GoldItem] = []
    first = 0  # the position of the batch's first document in the gold
    with open(pred, "rb") as handle, progress_bar(len(gold_index), "scoring", enabled=show_progress) as bar:
        for item in iter_reference(gold, labels=labels):
            batch.append(item)
            if len(batch) >= batch_documents:
                yield _batch(batch, first, gold_index.name, pred_index, handle, labels, extra_documents, label_map)
                bar.update(len(batch))
                first, batch = first + len(batch), []
        if batch:
            yield _batch(batch, first, gold_index.name, pred_index, handle, labels, extra_documents, label_map)
            bar.update(len(batch))


def _batch(
    items: list[GoldItem],
    first: int,
    gold_name: str,
    index: PredictionIndex,
    handle: Any,
    labels: frozenset[str],
    extra_documents: str,
    label_map: Mapping[str, str | None] | None,
) -> tuple[AnnotationSet, AnnotationSet]:
    """The batch's gold, and its predictions read by seeking to their lines (checked by the
    whole-file reader, over the batch's documents only)."""
    gold = AnnotationSet(name=gold_name, kind="gold")
    for _, spans in items:
        gold.add(spans)
    reader = prediction_reader(index.path, extra_documents, labels, [document for document, _ in items])
    for position in range(first, first + len(items)):
        offset = index.offsets[position]
        if offset < 0:
            continue
        handle.seek(offset)
        where = f"{index.path}:{index.lines[position]}"
        for record in jsonl_records(json.loads(handle.readline()), where, reader):
            reader.add_record(record)
    pred = reader.finish(allow_empty=True)
    pred.name = index.name
    if label_map:
        return map_labels(gold, label_map), map_labels(pred, label_map)
    return gold, pred


def count_files(
    gold: str | Path,
    pred: str | Path,
    schemes: Sequence[str],
    units: Collection[str] = ("document",),
    *,
    summed: bool = False,
    label_map: Mapping[str, str | None] | None = None,
    extra_documents: str = "error",
    allow_training_documents: bool = False,
    batch_documents: int = BATCH_DOCUMENTS,
    show_progress: bool = True,
) -> CorpusCounts:
    """The counts of `pred` (jinbiao JSONL) against `gold`, read a batch at a time (see `paired_batches`);
    gold documents without predictions are warned about once. `summed` keeps only the corpus's
    totals (all a table without intervals or rows per document needs). Bad input raises the
    error the whole-file path raises."""
    accumulator = CountAccumulator(schemes, units, pred_file=str(pred), summed=summed)
    checks = {
        "label_map": label_map,
        "extra_documents": extra_documents,
        "allow_training_documents": allow_training_documents,
    }
    try:
        batches = paired_batches(gold, pred, batch_documents=batch_documents, show_progress=show_progress, **checks)
        for gold_batch, pred_batch in batches:
            accumulator.add(gold_batch, pred_batch)
    except JinbiaoError:
        raise_whole_file_error(Path(gold), Path(pred), **checks)
        raise
    counted = accumulator.result()
    warn_missing_documents(str(pred), counted.missing_docs, stacklevel=3)
    return counted


def streams(pred: str | Path, *, format: str | None = None, offsets: str = "normalized") -> bool:
    """Whether `score_files` reads `pred` as a stream: jinbiao JSONL (one record per line) with
    normalized offsets. Anything else, including a file that cannot be read, goes the whole-file
    way (whose errors then come in its order)."""
    from jinbiao.gold.formats import detect_format

    path = Path(pred)
    if offsets != "normalized" or not path.is_file():
        return False
    try:
        return (format or detect_format(path)) == STREAMED_FORMAT and isinstance(json.loads(head_lines(path, 1)), dict)
    except (json.JSONDecodeError, JinbiaoError):
        return False


def score_files(
    gold: str | Path,
    pred: str | Path,
    *,
    format: str | None = None,
    offsets: str = "normalized",
    label_map: Mapping[str, str | None] | None = None,
    extra_documents: str = "error",
    allow_training_documents: bool = False,
    batch_documents: int = BATCH_DOCUMENTS,
    show_progress: bool = True,
    **options: Any,
) -> pd.DataFrame:
    """`score` of a predictions file against a gold path, in memory that does not grow with the
    corpus when the predictions are jinbiao JSONL (see the module's note); the same table as
    ``score(align(load_reference(gold), load_predictions(pred)), **options)`` in every case.
    `options` are `score`'s (scheme, by, labels, zero_division, ci, units, n_resamples, …).

    >>> import json, pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> def write(name, label):
    ...     span = {"start": 0, "end": 2, "label": label, "text": "李刚"}
    ...     record = {"doc_id": "d1", "text": "李刚在北京。", "spans": [span]}
    ...     return (folder / name).write_text(json.dumps(record, ensure_ascii=False) + "\\n", encoding="utf-8")
    >>> _ = write("gold.jsonl", "PERSON"), write("pred.jsonl", "ORG")
    >>> table = score_files(folder / "gold.jsonl", folder / "pred.jsonl", scheme=["strict", "exact"])
    >>> print(table[["scheme", "correct", "incorrect", "f1"]].to_string(index=False))
    scheme  correct  incorrect  f1
    strict        0          1 0.0
     exact        1          0 1.0
    """
    schemes = all_schemes(options.pop("scheme", "all"))
    ci, by, units = options.get("ci", False), options.get("by"), options.get("units", "document")
    needed = ["document", units] if ci and units != "document" else ["document"]
    if streams(pred, format=format, offsets=offsets):
        counted = count_files(
            gold,
            pred,
            schemes,
            needed,
            summed=not ci and by != "document",
            label_map=label_map,
            extra_documents=extra_documents,
            allow_training_documents=allow_training_documents,
            batch_documents=batch_documents,
            show_progress=show_progress,
        )
    else:
        matched = [s for s in SCHEMES if s in schemes] or ["strict"]
        alignment = align_files(
            gold,
            pred,
            format=format,
            offsets=offsets,
            label_map=label_map,
            extra_documents=extra_documents,
            allow_training_documents=allow_training_documents,
            schemes=matched,
        )
        counted = count_alignment(alignment, schemes, needed)
    return score(counted, scheme=schemes, **options)


def align_files(
    gold: str | Path,
    pred: str | Path,
    *,
    reference: tuple[AnnotationSet, list[Document]] | None = None,
    format: str | None = None,
    offsets: str = "normalized",
    label_map: Mapping[str, str | None] | None = None,
    extra_documents: str = "error",
    allow_training_documents: bool = False,
    schemes: Collection[str] = SCHEMES,
) -> Alignment:
    """A gold path and a predictions file read whole and aligned (what `errors`, `compare` and
    `score --html` need: every document at hand). `reference` is the gold already loaded
    (`load_reference`'s pair), to align several files against one reading of it."""
    gold_set, documents = reference or load_reference(gold, label_map=label_map)
    predictions = load_checked_predictions(
        pred,
        gold_set,
        documents,
        format=format,
        offsets=offsets,
        label_map=label_map,
        extra_documents=extra_documents,
        allow_training_documents=allow_training_documents,
    )
    return align(gold_set, predictions, schemes=schemes, pred_file=str(pred))
