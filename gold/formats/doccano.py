"""doccano JSONL: ``{"text", "label": [[start, end, label], ...]}`` (sequence labelling export) or
``{"text", "entities": [{"start_offset", "end_offset", "label"}, ...]}`` (the export with relations).

Read: the document by ``doc_id`` (or doccano's ``id`` when it is a reference document's id),
else by its text; ``relations`` are skipped and counted. Written: ``{"doc_id", "text", "label"}``,
which doccano imports for sequence labelling. Lost: scores.
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


def _spans(record: dict[str, Any], where: str) -> list[SpanRecord]:
    spans = []
    if "entities" in record:
        for index, item in enumerate(expect_list(record["entities"], where, "'entities'")):
            at = f"entity #{index}"
            if not isinstance(item, dict) or not {"start_offset", "end_offset", "label"} <= item.keys():
                raise validation_error(f"{at} lacks start_offset, end_offset or label", file=where)
            spans.append(SpanRecord(item["start_offset"], item["end_offset"], item["label"], where=at))
        return spans
    key = "label" if "label" in record else "labels"
    for index, item in enumerate(expect_list(record.get(key, []), where, repr(key))):
        at = f"label #{index}"
        if not isinstance(item, (list, tuple)) or len(item) != 3:
            raise validation_error(f"{at} {item!r} is not a span [start, end, label]", file=where)
        spans.append(SpanRecord(item[0], item[1], item[2], where=at))
    return spans


def parse_doccano_record(value: Any, where: str, builder: AnnotationBuilder) -> Iterator[DocumentRecord]:
    record = expect_dict(value, where, 'a doccano record {"text", "label"}')
    if record.get("relations"):
        builder.skipped["relations"] += len(record["relations"])
    yield DocumentRecord(
        where, record_doc_id(record, builder.refs), text_of(record, where, "text", "data"), _spans(record, where)
    )


read_doccano = json_reader(
    parse_doccano_record,
    "doccano",
    "doccano JSONL (``label`` lists or ``entities`` with ``start_offset``) over `documents`.",
)


def _record(document: Document, spans: list[Span]) -> dict[str, Any]:
    return {"doc_id": document.id, "text": document.text, "label": [[s.start, s.end, s.label] for s in spans]}


write_doccano = jsonl_writer(
    _record,
    "doccano JSONL: one document a line, ``label`` as ``[start, end, label]`` lists.",
)
