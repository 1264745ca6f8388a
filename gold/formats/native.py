"""jinbiao's own files as formats of the registry: annotation JSONL (read and written) and the
gold directory (read only: gold is written by the gold writers)."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet, DocumentAnnotations
from ..atomic import atomic_write_text
from ..document import Document
from ..errors import JinbiaoError
from ..io import annotation_set_jsonl, apply_annotator, load_gold
from ..schema import LABEL_SET
from .common import validation_error
from .mapping import AnnotationBuilder, DocumentRecord, ReferenceDocuments, SpanRecord
from .reading import expect_dict, expect_list, read_json_format, text_of
from .writing import spans_to_write


def _only_normalized(offsets: str, what: str) -> None:
    if offsets != "normalized":
        raise JinbiaoError(f"{what} count in the normalized text; read them with offsets='normalized'")


def jsonl_records(value: Any, where: str, builder: AnnotationBuilder) -> Iterator[DocumentRecord]:
    record = expect_dict(value, where, "a jinbiao annotation record")
    if "doc_id" not in record or "spans" not in record:
        raise validation_error("lacks 'doc_id' or 'spans'", file=where)
    doc_id = str(record["doc_id"])
    document = builder.refs.get(doc_id)
    digest = record.get("text_sha256")
    if document is not None and digest and digest != document.text_sha256:
        raise validation_error(
            f"text hash {str(digest)[:12]}… differs from the document's {document.text_sha256[:12]}…",
            file=where,
            doc_id=doc_id,
            hint="the annotations were made on another version of the text",
        )
    if not builder.where_seen:  # until the first document is kept, each record says who made the spans
        apply_annotator(builder.result, record.get("annotator"))
    spans = []
    for index, item in enumerate(expect_list(record["spans"], where, "'spans'")):
        if not isinstance(item, dict) or not {"start", "end", "label"} <= item.keys():
            raise validation_error(f"span #{index} lacks start, end or label", file=where, doc_id=doc_id)
        spans.append(
            SpanRecord(item["start"], item["end"], item["label"], item.get("text"), item.get("score"), f"span #{index}")
        )
    yield DocumentRecord(where, doc_id, text_of(record, where), spans)


def read_jinbiao_jsonl(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """jinbiao annotation JSONL (``jinbiao extract`` writes it), checked against `documents`."""
    _only_normalized(offsets, "jinbiao annotation files")
    result = read_json_format(
        path,
        documents,
        jsonl_records,
        format="jinbiao",
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
        name=name,
    )
    if name:
        result.name = name
    return result


def read_gold_format(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = True,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """A gold directory (or file) read as annotations over `documents` (matched by id and text hash)."""
    _only_normalized(offsets, "gold files")
    gold, _ = load_gold(
        path, name=name or Path(path).stem, labels=frozenset(labels) if labels is not None else LABEL_SET
    )
    builder = AnnotationBuilder(
        ReferenceDocuments(documents),
        name=gold.name,
        format="gold",
        source=str(path),
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    builder.result.kind = "gold"
    for doc in gold:
        document = builder.resolve(doc.doc_id, doc.text, str(path))
        if document is not None:
            builder.add_spans(document, doc.spans, str(path))
    return builder.finish()


def write_jinbiao_jsonl(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """jinbiao annotation JSONL (format ``jinbiao-annotations/1``) with each document's text."""
    trained_on = annotation_set.meta.get("trained_on")
    copy = AnnotationSet(
        name=annotation_set.name,
        kind=annotation_set.kind,
        version=annotation_set.version,
        meta={} if trained_on is None else {"trained_on": trained_on},  # score refuses its training documents
    )
    for document, spans in spans_to_write(annotation_set, documents, file=str(path)):
        copy.add(DocumentAnnotations(document.id, document.text_sha256, spans, document.text))
    return atomic_write_text(path, annotation_set_jsonl(copy), overwrite=overwrite)
