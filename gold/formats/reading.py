"""The skeleton of the JSON / JSONL readers: records in, checked annotation set out."""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any

from ..annotation_set import AnnotationSet
from ..document import Document
from ..schema import LABEL_SET
from .common import json_records, validation_error
from .mapping import AnnotationBuilder, DocumentRecord

RecordParser = Callable[[Any, str, AnnotationBuilder], Iterable[DocumentRecord]]


def read_json_format(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    parse: RecordParser,
    *,
    format: str,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """Every record of a JSON / JSONL file through `parse` (which yields `DocumentRecord`s) into
    an annotation set over `documents`."""
    path = Path(path)
    builder = AnnotationBuilder.for_file(
        path,
        documents,
        format=format,
        name=name,
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    for where, value in json_records(path):
        for record in parse(value, where, builder):
            builder.add_record(record)
    return builder.finish()


def json_reader(parse: RecordParser, format: str, doc: str) -> Callable[..., AnnotationSet]:
    """The reader of a JSON / JSONL format whose records `parse` understands, with the common signature
    ``(path, documents, *, offsets, labels, flat, extra_documents, name)``."""

    def read(
        path: str | os.PathLike[str],
        documents: Iterable[Document],
        *,
        offsets: str = "normalized",
        labels: Collection[str] | None = LABEL_SET,
        flat: bool = False,
        extra_documents: str = "error",
        name: str | None = None,
    ) -> AnnotationSet:
        return read_json_format(
            path,
            documents,
            parse,
            format=format,
            offsets=offsets,
            labels=labels,
            flat=flat,
            extra_documents=extra_documents,
            name=name,
        )

    read.__name__ = read.__qualname__ = f"read_{format.replace('-', '_')}"
    read.__doc__ = doc
    return read


def expect_dict(value: Any, where: str, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise validation_error(f"expected {what}, found a JSON {type(value).__name__}", file=where)
    return value


def expect_list(value: Any, where: str, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise validation_error(f"{what} must be a list, found {type(value).__name__}", file=where)
    return value


def text_of(record: dict[str, Any], where: str, *keys: str) -> str | None:
    for key in keys or ("text",):
        value = record.get(key)
        if value is not None:
            if not isinstance(value, str):
                raise validation_error(f"{key!r} must be a string, found {type(value).__name__}", file=where)
            return value
    return None
