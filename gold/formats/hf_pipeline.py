"""Hugging Face token-classification pipeline output: per document, a list of
``{"entity_group" or "entity", "start", "end", "word", "score"}``.

Read, from a file: a JSON object ``{doc_id: [entities, ...]}``, or JSONL / a JSON array of
``{"id" or "doc_id", "text"?, "entities": [...]}`` records; from Python, the same mapping, or a
list of outputs in the order of the documents (``pipe([d.text for d in documents])``).
Aggregated output (``entity_group``, any ``aggregation_strategy`` but "none") gives one span per
item. Token-level output (``entity`` with ``B-``/``I-``/``E-``/``S-`` tags, or bare labels read as
``I-``) is joined into spans the way seqeval's default mode reads tags: tokens are consecutive
when their ``index`` values are (or, without ``index``, when only whitespace lies between them),
and a span's score is the mean of its tokens'. ``start`` / ``end`` are the pipeline's offsets
into the text it was given (Python code points); ``word`` is not checked, as tokenizers decode
it with spaces or ``##`` pieces.

Written: JSONL ``{"id", "text", "entities": [{"entity_group", "start", "end", "word", "score"}]}``
(``score`` only where the span has one).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from ..annotation_set import AnnotationSet
from ..document import Document
from ..errors import JinbiaoError
from ..schema import LABEL_SET
from ..span import Span
from .common import as_offset, validation_error
from .mapping import AnnotationBuilder, DocumentRecord, SpanRecord, record_doc_id
from .reading import expect_dict, expect_list, json_reader, text_of
from .tags import PREFIXES, decode_tags
from .writing import jsonl_writer

ENTITY_KEYS = ("entities", "predictions", "output")


def _token_tag(entity: str) -> str:
    if entity == "O":
        return "O"
    if len(entity) >= 3 and entity[0] in PREFIXES and entity[1] == "-":
        return entity
    return f"I-{entity}"  # an IO-tagged model: a bare label continues whatever it follows


def entity_spans(items: Any, where: str, text: str | None = None) -> list[SpanRecord]:
    """The span records of one document's pipeline output; `text` (the text the offsets count
    in, when known) lets token-level output without ``index`` bridge whitespace."""
    items = expect_list(items, where, "the pipeline output")
    for index, item in enumerate(items):
        if not isinstance(item, dict) or not {"start", "end"} <= item.keys():
            raise validation_error(f"entity #{index} lacks start or end", file=where)
        if "entity_group" not in item and "entity" not in item:
            raise validation_error(f"entity #{index} has neither 'entity_group' nor 'entity'", file=where)
    if all("entity_group" in item for item in items):
        return [
            SpanRecord(item["start"], item["end"], item["entity_group"], score=item.get("score"), where=f"entity #{i}")
            for i, item in enumerate(items)
        ]
    if any("entity_group" in item for item in items):
        raise validation_error("mixes aggregated ('entity_group') and token ('entity') output", file=where)
    return _join_tokens(items, where, text)


def _join_tokens(items: list[dict[str, Any]], where: str, text: str | None) -> list[SpanRecord]:
    bounds = [
        (
            as_offset(item["start"], "start", file=where, doc_id=None, where=f"entity #{i}"),
            as_offset(item["end"], "end", file=where, doc_id=None, where=f"entity #{i}"),
        )
        for i, item in enumerate(items)
    ]
    order = sorted(range(len(items)), key=lambda i: bounds[i])
    use_index = all(isinstance(item.get("index"), int) for item in items)
    tags: list[str] = []
    positions: list[int | None] = []  # item behind each tag; None for an "O" put in a gap
    previous: int | None = None
    for i in order:
        if previous is not None and not _consecutive(items, bounds, previous, i, use_index, text):
            tags.append("O")
            positions.append(None)
        entity = items[i]["entity"]
        if not isinstance(entity, str):
            raise validation_error(f"entity #{i}: 'entity' {entity!r} is not a string", file=where)
        tags.append(_token_tag(entity))
        positions.append(i)
        previous = i
    spans = []
    for label, first, stop in decode_tags(tags):
        members = [positions[k] for k in range(first, stop) if positions[k] is not None]
        scores = [items[k]["score"] for k in members if isinstance(items[k].get("score"), (int, float))]
        spans.append(
            SpanRecord(
                bounds[members[0]][0],
                bounds[members[-1]][1],
                label,
                score=sum(scores) / len(scores) if len(scores) == len(members) else None,
                where=f"entity #{members[0]}",
            )
        )
    return spans


def _consecutive(
    items: list[dict[str, Any]],
    bounds: list[tuple[int, int]],
    before: int,
    after: int,
    use_index: bool,
    text: str | None,
) -> bool:
    if use_index:
        return items[after]["index"] == items[before]["index"] + 1
    gap_start, gap_end = bounds[before][1], bounds[after][0]
    if gap_end <= gap_start:
        return True
    return text is not None and not text[gap_start:gap_end].strip()


def _records(value: Any, where: str, builder: AnnotationBuilder) -> Iterator[DocumentRecord]:
    if isinstance(value, list):
        raise validation_error(
            'pipeline output without document ids: write {doc_id: output} or records {"id", "entities"}',
            file=where,
        )
    record = expect_dict(value, where, "pipeline output per document")
    key = next((k for k in ENTITY_KEYS if k in record), None)
    if key is None:
        if all(isinstance(v, list) for v in record.values()):  # {doc_id: [entities, ...], ...}
            for doc_id, items in record.items():
                document = builder.refs.get(doc_id)
                yield DocumentRecord(
                    f"{where} {doc_id!r}", str(doc_id), None, entity_spans(items, where, _text_for(document, builder))
                )
            return
        raise validation_error(
            "expected {doc_id: [entities]} or a record with 'entities' and 'id' or 'text'", file=where
        )
    text = text_of(record, where)
    doc_id = record_doc_id(record, builder.refs)
    if doc_id is None and record.get("id") is not None:
        doc_id = str(record["id"])
    known = text if text is not None else _text_for(builder.refs.get(doc_id), builder)
    yield DocumentRecord(where, doc_id, text, entity_spans(record[key], where, known))


def _text_for(document: Document | None, builder: AnnotationBuilder) -> str | None:
    return document.text if document is not None and builder.offsets == "normalized" else None


read_hf_pipeline = json_reader(_records, "hf-pipeline", "A file of pipeline output (see the module docstring).")


def pipeline_annotations(
    outputs: Mapping[str, Sequence[Mapping[str, Any]]] | Sequence[Sequence[Mapping[str, Any]]],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str = "pipeline",
) -> AnnotationSet:
    """Pipeline output held in Python: ``{doc_id: output}``, or one output per document in the
    order of `documents` (what ``pipe([d.text for d in documents])`` returns)."""
    documents = list(documents)
    builder = AnnotationBuilder(
        documents,
        name=name,
        format="hf-pipeline",
        source="pipeline output",
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    if isinstance(outputs, Mapping):
        pairs = [(str(doc_id), items) for doc_id, items in outputs.items()]
    elif isinstance(outputs, Sequence) and not isinstance(outputs, (str, bytes)):
        if len(outputs) != len(documents):
            raise JinbiaoError(
                f"{len(outputs)} pipeline outputs for {len(documents)} documents: pass one output per document, "
                "in their order, or a mapping {document id: output}"
            )
        pairs = [(document.id, items) for document, items in zip(documents, outputs, strict=True)]
    else:
        raise JinbiaoError(f"pass pipeline outputs as {{document id: output}} or a list, not {type(outputs).__name__}")
    for doc_id, items in pairs:
        where = f"pipeline output for {doc_id!r}"
        builder.add_record(
            DocumentRecord(
                where, doc_id, None, entity_spans(items, where, _text_for(builder.refs.get(doc_id), builder))
            )
        )
    return builder.finish(allow_empty=True)


def _record(document: Document, spans: list[Span]) -> dict[str, Any]:
    entities = []
    for span in spans:
        entity: dict[str, Any] = {"entity_group": span.label, "start": span.start, "end": span.end, "word": span.text}
        if span.score is not None:
            entity["score"] = round(span.score, 6)
        entities.append(entity)
    return {"id": document.id, "text": document.text, "entities": entities}


write_hf_pipeline = jsonl_writer(
    _record, "Pipeline output: one document a line, ``entities`` as the pipeline gives them (``aggregation_strategy``)."
)
