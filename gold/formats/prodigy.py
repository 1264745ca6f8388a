"""Prodigy JSONL: ``{"text", "spans": [{"start", "end", "label"}, ...], "meta": {...}}``.

Read: the document by ``doc_id`` (top level or in ``meta``), else by its text; examples answered
``reject`` or ``ignore`` are skipped and counted (their spans are not annotations anyone
accepted). Written: ``{"text", "meta": {"doc_id"}, "spans"}``, one per document. Lost: scores;
no ``tokens`` are written (recipes that need them tokenize the text themselves).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..document import Document
from ..span import Span
from .common import validation_error
from .mapping import AnnotationBuilder, DocumentRecord, SpanRecord, record_doc_id
from .reading import expect_dict, expect_list, json_reader, text_of
from .writing import jsonl_writer

SKIPPED_ANSWERS = ("reject", "ignore")


def parse_prodigy_record(value: Any, where: str, builder: AnnotationBuilder) -> Iterator[DocumentRecord]:
    record = expect_dict(value, where, 'a Prodigy example {"text", "spans"}')
    if record.get("answer") in SKIPPED_ANSWERS:
        builder.skipped[f"examples answered {record['answer']!r}"] += 1
        return
    spans = []
    for index, item in enumerate(expect_list(record.get("spans", []), where, "'spans'")):
        at = f"span #{index}"
        if not isinstance(item, dict) or not {"start", "end", "label"} <= item.keys():
            raise validation_error(f"{at} lacks start, end or label", file=where)
        spans.append(SpanRecord(item["start"], item["end"], item["label"], item.get("text"), item.get("score"), at))
    yield DocumentRecord(where, record_doc_id(record, builder.refs), text_of(record, where), spans)


read_prodigy = json_reader(
    parse_prodigy_record, "prodigy", 'Prodigy JSONL (``{"text", "spans": [{start, end, label}]}``) over `documents`.'
)


def _record(document: Document, spans: list[Span]) -> dict[str, Any]:
    return {
        "text": document.text,
        "meta": {"doc_id": document.id},
        "spans": [{"start": s.start, "end": s.end, "label": s.label} for s in spans],
    }


write_prodigy = jsonl_writer(
    _record,
    "Prodigy JSONL: one document a line, its id in ``meta.doc_id``.",
)
