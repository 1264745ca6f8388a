"""`score_files`: prediction files scored against a gold of any size, a batch of documents at a time.

A gold directory (or gold file, or JSONL with texts) and predictions in jinbiao JSONL (what
`extract` and `prelabel` write) are read as streams: one pass over the gold notes each document's
id and text hash, one pass over the predictions notes where each document's line starts, then
the gold is read again in batches, each batch's predictions fetched by seeking to their lines,
aligned, counted and dropped. Memory holds one batch, the two indexes (a few dozen bytes per
document) and the count arrays; the checks and messages are those of the whole-file readers.
Other prediction formats, and raw offsets, are read whole (their readers need the whole file).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, DocumentAnnotations, ValidationError
from jinbiao.gold.document import sha256_text
from jinbiao.gold.formats.common import validation_error, warn_skipped
from jinbiao.gold.formats.detect import head_lines
from jinbiao.gold.formats.mapping import AnnotationBuilder, ReferenceDocuments
from jinbiao.gold.formats.native import jsonl_records
from jinbiao.gold.formats.reading import expect_dict
from jinbiao.gold.io import gold_files, iter_jsonl, jsonl_record, read_gold_document, text_lines, unreadable_reason
from jinbiao.gold.progress import progress_bar

from .counting import CorpusCounts, CountAccumulator, count_alignment
from .inputs import (
    check_not_training_data,
    load_predictions,
    load_reference,
    map_labels,
    refuse_training_documents,
    warn_missing_documents,
)
from .metrics import all_schemes
from .schemes import SCHEMES
from .scores import score

BATCH_DOCUMENTS = 256  # documents aligned at once when streaming
STREAMED_FORMAT = "jinbiao"

GoldItem = tuple[str, Document, DocumentAnnotations]


def iter_reference(path: str | Path, *, labels: frozenset[str] = LABEL_SET) -> Iterator[GoldItem]:
    """The gold documents one at a time, each as (where it is, document, annotations): a gold
    directory or file (checked as `load_gold` does), or JSONL whose lines carry their texts."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if path.is_dir() or path.suffix == ".json":
        files = gold_files(path) if path.is_dir() else [path]
        if not files:
            raise ValidationError("no gold files (*.json) here", file=str(path))
        for file in files:
            document, spans, _ = read_gold_document(file, labels=labels)
            yield str(file), document, DocumentAnnotations(document.id, document.text_sha256, spans, document.text)
        return
    for _, found in iter_jsonl(path, labels=labels):
        if found.text is None:
            raise ValidationError(
                "a gold set needs its texts (a gold directory, or JSONL written with texts)",
                file=str(path),
                doc_id=found.doc_id,
            )
        document = Document(found.doc_id, found.text, source=f"{found.doc_id}.txt", source_sha256="")
        yield str(path), document, found


def _gold_name(path: Path) -> str:
    """The name `load_reference` gives the gold: the JSONL's annotator, else the file's stem."""
    if path.is_dir() or path.suffix == ".json":
        return path.stem
    for who, _ in iter_jsonl(path):
        return who.get("name") or path.stem
    return path.stem


def _text_key(text_sha256: str) -> bytes:
    """Half a text hash as bytes: enough to find a document by its text (the text itself is compared
    when the batch is read), in a third of the memory."""
    return bytes.fromhex(text_sha256[:32])


@dataclass
class GoldIndex:
    """The gold's document ids, and which documents have which text, from a first pass over the gold."""

    ids: set[str] = field(default_factory=set)
    by_text: dict[bytes, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, labels: frozenset[str]) -> GoldIndex:
        index = cls()
        for where, doc_id, text in _ids_and_texts(path, labels):
            if doc_id in index.ids:  # worded as load_gold and read_jsonl word it
                twice = (
                    "document appears in two gold files"
                    if path.is_dir() or path.suffix == ".json"
                    else f"document {doc_id} appears twice in annotation set {_gold_name(path)}"
                )
                raise ValidationError(twice, file=where, doc_id=doc_id)
            index.ids.add(doc_id)
            index.by_text.setdefault(_text_key(sha256_text(text)), []).append(doc_id)
        return index


def _ids_and_texts(path: Path, labels: frozenset[str]) -> Iterator[tuple[str, str, str]]:
    """(where, id, text) of each gold document, without checking spans (the second pass checks them)."""
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if path.is_dir() or path.suffix == ".json":
        files = gold_files(path) if path.is_dir() else [path]
        if not files:
            raise ValidationError("no gold files (*.json) here", file=str(path))
        for file in files:
            yield str(file), *_gold_file_id_and_text(file, labels)
        return
    for number, line in text_lines(path):
        if line.strip():
            _, doc_id, _, text = jsonl_record(line, number, file=str(path))
            if text is None:
                raise ValidationError(
                    "a gold set needs its texts (a gold directory, or JSONL written with texts)",
                    file=str(path),
                    doc_id=doc_id,
                )
            yield str(path), doc_id, text


def _gold_file_id_and_text(file: Path, labels: frozenset[str]) -> tuple[str, str]:
    try:
        data = json.loads(file.read_bytes())
        doc_id, text = data["id"], data["text"]
        if isinstance(doc_id, str) and doc_id and isinstance(text, str):
            return doc_id, text
    except (OSError, ValueError, KeyError, TypeError):
        pass
    document, _, _ = read_gold_document(file, labels=labels)  # which says what is wrong
    return document.id, document.text


@dataclass
class PredictionIndex:
    """Where each gold document's predictions start in a jinbiao JSONL file, from a first pass that
    refuses what the whole-file reader refuses (malformed lines, documents annotated twice,
    documents the gold lacks unless they are to be ignored)."""

    path: Path
    lines: dict[str, tuple[int, int]] = field(default_factory=dict)  # gold id -> (byte offset, line)
    name: str = ""
    trained_on: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)

    @classmethod
    def read(cls, path: Path, gold: GoldIndex, *, extra_documents: str) -> PredictionIndex:
        index = cls(path, name=path.stem)
        nowhere = AnnotationBuilder(
            ReferenceDocuments([]),
            name=path.stem,
            format=STREAMED_FORMAT,
            source=str(path),
            extra_documents=extra_documents,
        )
        records = 0
        try:
            with open(path, "rb") as handle:
                number, offset = 0, 0
                for line in iter(handle.readline, b""):
                    number += 1
                    start, offset = offset, offset + len(line)
                    if not line.strip():
                        continue
                    where = f"{path}:{number}"
                    try:
                        value = json.loads(line)
                    except (json.JSONDecodeError, UnicodeDecodeError) as error:
                        reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
                        raise ValidationError(f"line {number} is not valid JSON: {reason}", file=str(path)) from None
                    record = expect_dict(value, where, "a jinbiao annotation record")
                    if "doc_id" not in record or "spans" not in record:
                        raise validation_error("lacks 'doc_id' or 'spans'", file=where)
                    if records == 0:
                        index._note_annotator(record)
                    records += 1
                    target = index._target(record, gold, nowhere, where)
                    if target is None:
                        continue
                    if target in index.lines:
                        also = f"{path}:{index.lines[target][1]}"
                        raise validation_error(f"annotated twice (also at {also})", file=where, doc_id=target)
                    index.lines[target] = (start, number)
        except OSError as error:
            raise ValidationError(unreadable_reason(path, error), file=str(path)) from None
        if records == 0:
            raise ValidationError("no documents in this file", file=str(path))
        index.skipped = nowhere.skipped
        return index

    def _note_annotator(self, record: dict[str, Any]) -> None:
        who = record.get("annotator") or {}
        if isinstance(who, dict):
            self.name = who.get("name") or self.name
            if isinstance(who.get("trained_on"), list):
                self.trained_on = [str(doc_id) for doc_id in who["trained_on"]]

    @staticmethod
    def _target(record: dict[str, Any], gold: GoldIndex, nowhere: AnnotationBuilder, where: str) -> str | None:
        """The gold document a record annotates: by id, else by text (as the whole-file reader resolves)."""
        doc_id = str(record["doc_id"])
        if doc_id in gold.ids:
            return doc_id
        text = record.get("text")
        if isinstance(text, str):
            found = gold.by_text.get(_text_key(sha256_text(text)), [])
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise validation_error(
                    f"{len(found)} documents have this text ({', '.join(found[:3])}): cannot tell which one it "
                    "annotates",
                    file=where,
                    doc_id=doc_id,
                    hint="give each record its document id",
                )
        return nowhere.unknown(doc_id, text if isinstance(text, str) else None, where)


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
    refuse_training_documents(
        pred_index.trained_on, gold_index.ids, name=pred_index.name, allow=allow_training_documents
    )
    if pred_index.skipped:
        warn_skipped(str(pred), pred_index.skipped)
    gold_name = _gold_name(gold)
    batch: list[GoldItem] = []
    with open(pred, "rb") as handle, progress_bar(len(gold_index.ids), "scoring", enabled=show_progress) as bar:
        for item in iter_reference(gold, labels=labels):
            batch.append(item)
            if len(batch) >= batch_documents:
                yield _batch(batch, gold_name, pred_index, handle, labels, label_map, extra_documents)
                bar.update(len(batch))
                batch = []
        if batch:
            yield _batch(batch, gold_name, pred_index, handle, labels, label_map, extra_documents)
            bar.update(len(batch))


def _batch(
    items: list[GoldItem],
    gold_name: str,
    index: PredictionIndex,
    handle: Any,
    labels: frozenset[str],
    label_map: Mapping[str, str | None] | None,
    extra_documents: str,
) -> tuple[AnnotationSet, AnnotationSet]:
    gold = AnnotationSet(name=gold_name, kind="gold")
    for _, _, spans in items:
        gold.add(spans)
    builder = AnnotationBuilder(
        [document for _, document, _ in items],
        name=index.name,
        format=STREAMED_FORMAT,
        source=str(index.path),
        labels=labels,
        extra_documents=extra_documents,
    )
    for _, document, _ in items:
        found = index.lines.get(document.id)
        if found is None:
            continue
        offset, number = found
        handle.seek(offset)
        where = f"{index.path}:{number}"
        for record in jsonl_records(json.loads(handle.readline()), where, builder):
            builder.add_record(record)
    pred = builder.finish(allow_empty=True)
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
    **options: Any,
) -> CorpusCounts:
    """The counts of `pred` (jinbiao JSONL) against `gold`, read a batch at a time (see `paired_batches`);
    gold documents without predictions are warned about once. `summed` keeps only the corpus's
    totals (all a table without intervals or rows per document needs)."""
    accumulator = CountAccumulator(schemes, units, pred_file=str(pred), summed=summed)
    for gold_batch, pred_batch in paired_batches(gold, pred, **options):
        accumulator.add(gold_batch, pred_batch)
    counted = accumulator.result()
    warn_missing_documents(str(pred), counted.missing_docs, stacklevel=3)
    return counted


def streams(pred: str | Path, *, format: str | None = None, offsets: str = "normalized") -> bool:
    """Whether `score_files` reads `pred` as a stream: jinbiao JSONL (one record per line) with
    normalized offsets."""
    from jinbiao.gold.formats import detect_format

    path = Path(pred)
    if offsets != "normalized" or not path.is_file() or (format or detect_format(path)) != STREAMED_FORMAT:
        return False
    try:
        return isinstance(json.loads(head_lines(path, 1)), dict)
    except (json.JSONDecodeError, ValidationError):
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
        from .alignment import align

        reference, documents = load_reference(gold, label_map=label_map)
        predictions = load_predictions(
            pred, documents, format=format, offsets=offsets, label_map=label_map, extra_documents=extra_documents
        )
        check_not_training_data(reference, predictions, allow=allow_training_documents)
        matched = [s for s in SCHEMES if s in schemes] or ["strict"]
        counted = count_alignment(align(reference, predictions, schemes=matched, pred_file=str(pred)), schemes, needed)
    return score(counted, scheme=schemes, **options)
