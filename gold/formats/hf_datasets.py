"""Hugging Face ``datasets``-style JSONL for token classification: ``{"tokens": [...], "ner_tags": [...]}``.

Read: one record per sentence (JSONL or a JSON array), tags under ``ner_tags`` (or ``tags``),
as strings (``B-PERSON``) or as integers with their names given (`label_names`, the
``ClassLabel`` names in order). Records of one document follow each other; the document is the
record's ``doc_id`` / ``document_id`` (or ``id`` when that is a reference document's id), else
found by its characters as in CoNLL (see `tokens`): consecutive records without an id may hold
several documents. Tokens may be characters (character-level) or longer strings.

Written: one record per line of the text ``{"doc_id", "tokens", "ner_tags"}``, characters as
tokens, tags as names (``tags="names"``) or as integers (``tags="ids"``) numbered by
``tag_names(labels, scheme)``: ``O`` first, then each label's tags in the order of the schema
(labels outside the schema after, sorted). `datasets.load_dataset("json", data_files=PATH)` loads
it as is. Lost: whitespace (it comes back from the document text), overlapping spans (refused),
scores.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet
from ..atomic import atomic_write_text
from ..document import Document
from ..errors import JinbiaoError
from ..schema import LABEL_SET, LABELS
from .common import json_records, jsonl, validation_error
from .mapping import AnnotationBuilder, record_doc_id
from .reading import expect_dict, expect_list
from .tags import check_scheme, tag_names
from .tokens import Token, TokenSegment, annotations_from_segments, check_tag, document_sentences
from .writing import spans_to_write

TAG_KEYS = ("ner_tags", "tags")
TAG_STYLES = ("names", "ids")


def _tags(record: dict[str, Any], where: str, label_names: Sequence[str] | None) -> list[str]:
    key = next((k for k in TAG_KEYS if k in record), None)
    if key is None:
        raise validation_error("no 'ner_tags' (or 'tags') in this record", file=where)
    tags = []
    for index, value in enumerate(expect_list(record[key], where, repr(key))):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise validation_error(f"tag #{index} {value!r} is neither a tag name nor an integer", file=where)
        if isinstance(value, int):
            if label_names is None:
                raise validation_error(
                    "integer tags need their names",
                    file=where,
                    hint="give label_names, the ClassLabel names in order",
                )
            if not 0 <= value < len(label_names):
                raise validation_error(
                    f"tag #{index} is {value}, beyond the {len(label_names)} label names", file=where
                )
            value = label_names[value]
        tags.append(check_tag(value, f"{where} tag #{index}"))
    return tags


def parse_datasets_records(
    records: Iterable[tuple[str, Any]], builder: AnnotationBuilder, label_names: Sequence[str] | None
) -> list[TokenSegment]:
    """Consecutive records of the same document (or of no named document) as one segment each."""
    segments: list[TokenSegment] = []
    for where, value in records:
        record = expect_dict(value, where, 'a record {"tokens", "ner_tags"}')
        tokens = expect_list(record.get("tokens"), where, "'tokens'")
        tags = _tags(record, where, label_names)
        if len(tokens) != len(tags):
            raise validation_error(f"{len(tokens)} tokens but {len(tags)} tags", file=where)
        for index, token in enumerate(tokens):
            if not isinstance(token, str):
                raise validation_error(f"token #{index} {token!r} is not a string", file=where)
        doc_id = record_doc_id(record, builder.refs)
        sentence = [
            Token(token, tag, f"{where} token #{i}") for i, (token, tag) in enumerate(zip(tokens, tags, strict=True))
        ]
        if not segments or segments[-1].doc_id != doc_id:
            segments.append(TokenSegment(doc_id, [], where))
        if sentence:
            segments[-1].sentences.append(sentence)
    return segments


def read_hf_datasets(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    label_names: Sequence[str] | None = None,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """A datasets-style JSONL file (see the module docstring); tokens carry no offsets, so only
    ``offsets="normalized"`` applies."""
    if offsets != "normalized":
        raise JinbiaoError(
            "datasets records carry no offsets: their tokens are aligned to the normalized text; "
            "read them with offsets='normalized'"
        )
    path = Path(path)
    builder = AnnotationBuilder.for_file(
        path, documents, format="hf-datasets", name=name, labels=labels, flat=flat, extra_documents=extra_documents
    )
    return annotations_from_segments(builder, parse_datasets_records(json_records(path), builder, label_names))


def label_names_for(annotation_set: AnnotationSet, scheme: str = "bio") -> list[str]:
    """The names of the integer tags `write_hf_datasets(..., tags="ids")` writes for `annotation_set`."""
    used = annotation_set.label_counts()
    extra = sorted(label for label in used if label not in LABELS)
    return tag_names([*LABELS, *extra], scheme)


def write_hf_datasets(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    scheme: str = "bio",
    tags: str = "names",
    overwrite: bool = False,
) -> Path:
    check_scheme(scheme)
    if tags not in TAG_STYLES:
        raise JinbiaoError(f"tags must be 'names' or 'ids', not {tags!r}")
    numbers = {name: number for number, name in enumerate(label_names_for(annotation_set, scheme))}
    records = []
    for document, spans in spans_to_write(annotation_set, documents, file=str(path), flat=True):
        for sentence in document_sentences(document, spans, scheme, file=str(path)):
            names = [tag for _, tag in sentence]
            records.append(
                {
                    "doc_id": document.id,
                    "tokens": [char for char, _ in sentence],
                    "ner_tags": names if tags == "names" else [numbers[tag] for tag in names],
                }
            )
    return atomic_write_text(path, jsonl(records), overwrite=overwrite)
