"""spaCy-style JSON offsets: ``{"text": ..., "entities": [[start, end, label], ...]}`` per document.

Read: JSONL or a JSON array of such records (entities as ``[start, end, label]`` lists or
``{"start", "end", "label"}`` objects), or of spaCy's training tuples ``["text", {"entities":
[[start, end, label], ...]}]``; the document by ``doc_id`` / ``id`` (also inside ``meta``),
else by its text. Written: JSONL ``{"id", "text", "entities"}``. Lost: scores.
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


def entity_records(entities: Any, where: str) -> list[SpanRecord]:
    """``[start, end, label]`` lists or ``{"start", "end", "label"}`` objects as span records."""
    spans = []
    for index, item in enumerate(expect_list(entities, where, "'entities'")):
        at = f"entity #{index}"
        if isinstance(item, (list, tuple)) and len(item) in (3, 4):
            spans.append(SpanRecord(item[0], item[1], item[2], score=item[3] if len(item) == 4 else None, where=at))
        elif isinstance(item, dict) and {"start", "end", "label"} <= item.keys():
            spans.append(SpanRecord(item["start"], item["end"], item["label"], item.get("text"), item.get("score"), at))
        else:
            raise validation_error(f"{at} {item!r} is not [start, end, label]", file=where)
    return spans


def parse_spacy_record(value: Any, where: str, builder: AnnotationBuilder) -> Iterator[DocumentRecord]:
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], dict):
        text, annotations = value
        yield DocumentRecord(
            where,
            record_doc_id(annotations, builder.refs),
            text,
            entity_records(annotations.get("entities", []), where),
        )
        return
    record = expect_dict(value, where, 'a {"text", "entities"} object or a ["text", {"entities": ...}] pair')
    yield DocumentRecord(
        where,
        record_doc_id(record, builder.refs),
        text_of(record, where),
        entity_records(record.get("entities", []), where),
    )


read_spacy_json = json_reader(
    parse_spacy_record,
    "spacy-json",
    'spaCy-style JSON offsets (``{"text", "entities": [[start, end, label], ...]}`` '
    'or ``(text, {"entities": ...})``) over `documents`.',
)


def _record(document: Document, spans: list[Span]) -> dict[str, Any]:
    return {"id": document.id, "text": document.text, "entities": [[s.start, s.end, s.label] for s in spans]}


write_spacy_json = jsonl_writer(
    _record, "spaCy-style JSON offsets: one document a line, ``entities`` as ``[start, end, label]`` lists."
)
