"""The two indexes that let `score` read a gold and a prediction file a batch at a time.

`GoldIndex` (a first pass over the gold: each document's id, where it is, and which documents
have which text) and `PredictionIndex` (a first pass over jinbiao JSONL predictions: where each
gold document's line starts). Both keep a few machine integers per document beside the ids.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, ValidationError
from jinbiao.gold.document import sha256_text
from jinbiao.gold.formats.common import validation_error
from jinbiao.gold.formats.mapping import AnnotationBuilder, ReferenceDocuments
from jinbiao.gold.formats.native import jsonl_records
from jinbiao.gold.formats.reading import expect_dict
from jinbiao.gold.io import (
    apply_annotator,
    gold_paths,
    is_gold_path,
    jsonl_record,
    read_gold_document,
    text_lines,
    unreadable_reason,
)

from .inputs import NEEDS_TEXTS, text_document

STREAMED_FORMAT = "jinbiao"


def _text_key(text: str) -> bytes:
    """Half the text's hash: enough to find a document by its text (the texts themselves are
    compared when the batch is read)."""
    return bytes.fromhex(sha256_text(text)[:32])


def prediction_reader(
    path: Path, extra_documents: str, labels: frozenset[str] = LABEL_SET, documents: Iterable[Document] = ()
) -> AnnotationBuilder:
    """The whole-file reader of jinbiao JSONL predictions over `documents` (none yet: `refs` is
    then set to the documents each record may annotate)."""
    return AnnotationBuilder(
        ReferenceDocuments(documents),
        name=path.stem,
        format=STREAMED_FORMAT,
        source=str(path),
        labels=labels,
        extra_documents=extra_documents,
    )


@dataclass
class GoldIndex:
    """Each gold document's id and place, in reading order, and the documents of each text."""

    path: Path
    name: str
    files: list[Path] = field(default_factory=list)  # a gold directory's files (JSONL: none)
    ids: list[str] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)
    offsets: array = field(default_factory=lambda: array("q"))  # JSONL: where each document's line starts
    by_text: dict[bytes, int | list[int]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path, labels: frozenset[str]) -> GoldIndex:
        """The index of a gold directory or file, or of JSONL with texts (spans are not checked here:
        the batches are read with every check)."""
        if not path.exists():
            raise ValidationError(unreadable_reason(path), file=str(path))
        index = cls(path, path.stem)
        if is_gold_path(path):
            index.files = gold_paths(path)
            for file in index.files:
                index._add(*_id_and_text(file, labels), where=str(file))
            return index
        for number, offset, line in text_lines(path):
            if not line.strip():
                continue
            _, doc_id, who, text = jsonl_record(line, number, file=str(path))
            if not index.ids:
                index.name = who.get("name") or path.stem
            if text is None:
                raise ValidationError(NEEDS_TEXTS, file=str(path), doc_id=doc_id)
            index.offsets.append(offset)
            index._add(doc_id, text, where=str(path))
        if not index.ids:
            raise ValidationError("no documents in this file", file=str(path))
        return index

    def _add(self, doc_id: str, text: str, *, where: str) -> None:
        if doc_id in self.positions:  # worded as load_gold and read_jsonl word it
            twice = (
                "document appears in two gold files"
                if self.files
                else f"document {doc_id} appears twice in annotation set {self.name}"
            )
            raise ValidationError(twice, file=where, doc_id=doc_id)
        position = len(self.ids)
        self.ids.append(doc_id)
        self.positions[doc_id] = position
        key = _text_key(text)
        found = self.by_text.get(key)
        if found is None:
            self.by_text[key] = position
        elif isinstance(found, int):
            self.by_text[key] = [found, position]
        else:
            found.append(position)

    def __len__(self) -> int:
        return len(self.ids)

    def with_text(self, text: str) -> list[int]:
        """The positions of the documents that may have `text`, in the whole-file reader's order
        (a gold directory's documents by id, JSONL's in file order)."""
        found = self.by_text.get(_text_key(text), [])
        positions = [found] if isinstance(found, int) else list(found)
        return sorted(positions, key=self.ids.__getitem__) if self.files else positions

    def document(self, position: int, labels: frozenset[str]) -> Document:
        """The document at `position`, read again (as `load_reference` makes it)."""
        if self.files:
            return read_gold_document(self.files[position], labels=labels)[0]
        with open(self.path, "rb") as handle:
            handle.seek(self.offsets[position])
            _, doc_id, _, text = jsonl_record(handle.readline().decode("utf-8-sig"), 0, file=str(self.path))
        assert text is not None  # the first pass refused documents without a text
        return text_document(doc_id, text)


@dataclass
class PredictionIndex:
    """Where each gold document's predictions start in a jinbiao JSONL file (-1: none), from a pass
    that refuses what the whole-file reader refuses before any span is read: a malformed line, a
    document annotated twice, a document the gold lacks (unless those are to be skipped)."""

    path: Path
    offsets: array
    lines: array
    name: str = ""
    trained_on: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    resolved_any: bool = False

    @classmethod
    def read(cls, path: Path, gold: GoldIndex, *, extra_documents: str) -> PredictionIndex:
        index = cls(path, array("q", [-1]) * len(gold), array("q", [0]) * len(gold), name=path.stem)
        # Records of no gold document go through a reader over no documents: the same shape
        # checks, and the same refusal (or count of what is skipped).
        nowhere = prediction_reader(path, extra_documents)
        records = 0
        try:
            with open(path, "rb") as handle:
                offset = 0
                for number, raw in enumerate(handle, start=1):
                    start, offset = offset, offset + len(raw)
                    if raw.strip():
                        index._note(raw, number, start, gold, nowhere)
                        records += 1
        except OSError as error:
            raise ValidationError(unreadable_reason(path, error), file=str(path)) from None
        if records == 0:
            raise ValidationError("no documents in this file", file=str(path))
        index.skipped = nowhere.skipped
        return index

    def _note(self, raw: bytes, number: int, start: int, gold: GoldIndex, nowhere: AnnotationBuilder) -> None:
        where = f"{self.path}:{number}"
        try:
            value = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            reason = error.msg if isinstance(error, json.JSONDecodeError) else "not UTF-8"
            raise ValidationError(f"line {number} is not valid JSON: {reason}", file=str(self.path)) from None
        record = expect_dict(value, where, "a jinbiao annotation record")
        if "doc_id" not in record or "spans" not in record:
            raise validation_error("lacks 'doc_id' or 'spans'", file=where)
        if not self.resolved_any:
            self._note_annotator(record)
        position = self._target(record, gold, where)
        if position is None:
            for unknown in jsonl_records(record, where, nowhere):  # its shape checked as the whole-file reader does
                nowhere.unknown(unknown.doc_id, unknown.text, where)
            return
        self.resolved_any = True
        if self.offsets[position] >= 0:
            also = f"{self.path}:{self.lines[position]}"
            raise validation_error(f"annotated twice (also at {also})", file=where, doc_id=gold.ids[position])
        self.offsets[position] = start
        self.lines[position] = number

    def _note_annotator(self, record: dict[str, Any]) -> None:
        """Who made the predictions: the annotator of each record up to the first one kept, as the
        whole-file reader takes it."""
        who = AnnotationSet(name=self.name, meta={"trained_on": self.trained_on})
        apply_annotator(who, record.get("annotator"))
        self.name, self.trained_on = who.name, who.meta["trained_on"]

    @staticmethod
    def _target(record: dict[str, Any], gold: GoldIndex, where: str) -> int | None:
        """The position of the gold document a record annotates: by id, else by text."""
        doc_id = str(record["doc_id"])
        position = gold.positions.get(doc_id)
        if position is not None:
            return position
        text = record.get("text")
        if not isinstance(text, str):
            return None
        found = gold.with_text(text)
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            names = ", ".join(gold.ids[p] for p in found[:3])
            raise validation_error(
                f"{len(found)} documents have this text ({names}): cannot tell which one it annotates",
                file=where,
                doc_id=doc_id,
                hint="give each record its document id",
            )
        return None


def _id_and_text(file: Path, labels: frozenset[str]) -> tuple[str, str]:
    """A gold file's id and text, read without checking its spans (a broken file is read with
    every check, which says what is wrong)."""
    try:
        data = json.loads(file.read_bytes())
        doc_id, text = data["id"], data["text"]
        if isinstance(doc_id, str) and doc_id and isinstance(text, str):
            return doc_id, text
    except (OSError, ValueError, KeyError, TypeError):
        pass
    document, _, _ = read_gold_document(file, labels=labels)
    return document.id, document.text
