"""When a streamed `score` meets bad input: the error the whole-file path would have raised.

The streamed path checks in its own order (the predictions' index before the gold's spans, the
predictions batch by batch in gold order), so on the first error it reads the files once more
in the whole-file path's order, the gold whole-checked first, then each prediction record in file
order against its document, then the training documents, with the very readers and checks of
`load_reference`, `load_predictions` and `check_not_training_data`, one document at a time.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path

from jinbiao.gold import LABEL_SET, ValidationError
from jinbiao.gold.formats.common import LINE_BREAK
from jinbiao.gold.formats.mapping import AnnotationBuilder, ReferenceDocuments
from jinbiao.gold.formats.native import jsonl_records
from jinbiao.gold.io import is_gold_path, iter_gold, iter_jsonl, unreadable_reason

from .inputs import NEEDS_TEXTS, refuse_training_documents
from .stream_index import GoldIndex, prediction_reader


def raise_whole_file_error(
    gold: Path,
    pred: Path,
    *,
    label_map: Mapping[str, str | None] | None,
    extra_documents: str,
    allow_training_documents: bool,
) -> None:
    """Raise the first error the whole-file path meets on these files, if it meets one."""
    labels = LABEL_SET | frozenset(label_map or ())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check_gold(gold, labels)
        index = GoldIndex.read(gold, labels)
        builder = _check_predictions(pred, index, labels, extra_documents)
        refuse_training_documents(
            builder.result.meta.get("trained_on") or (),
            index.ids,
            name=builder.result.name,
            allow=allow_training_documents,
        )


def _check_gold(path: Path, labels: frozenset[str]) -> None:
    """`load_reference`'s checks, in its order, a document at a time."""
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if is_gold_path(path):
        for _ in iter_gold(path, labels=labels):  # what load_gold checks
            pass
        return
    seen: set[str] = set()
    name, without_text = None, None  # read_jsonl, then load_reference's demand for texts
    for who, found in iter_jsonl(path, labels=labels):
        name = name or who.get("name") or path.stem
        if found.doc_id in seen:
            raise ValidationError(
                f"document {found.doc_id} appears twice in annotation set {name}", file=str(path), doc_id=found.doc_id
            )
        seen.add(found.doc_id)
        if found.text is None and without_text is None:
            without_text = found.doc_id
    if not seen:
        raise ValidationError("no documents in this file", file=str(path))
    if without_text is not None:
        raise ValidationError(NEEDS_TEXTS, file=str(path), doc_id=without_text)


def _check_predictions(path: Path, gold: GoldIndex, labels: frozenset[str], extra_documents: str) -> AnnotationBuilder:
    """`read_jinbiao_jsonl`'s checks in file order, each record against only its own documents."""
    _check_utf8(path)
    builder = prediction_reader(path, extra_documents, labels)
    number = 0
    with open(path, "rb") as handle:
        for raw in handle:
            for line in _lines(raw.decode("utf-8-sig" if number == 0 else "utf-8")):
                number += 1
                if not line.strip():
                    continue
                try:
                    value = json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValidationError(f"line {number} is not valid JSON: {error.msg}", file=str(path)) from None
                builder.refs = ReferenceDocuments(_candidates(value, gold, labels, extra_documents))
                for record in jsonl_records(value, f"{path}:{number}", builder):
                    builder.add_record(record)
                builder.result.documents.clear()  # checked: only which documents were seen is kept
    builder.finish()
    return builder


def _lines(text: str) -> list[str]:
    """A file line (ending at a line feed) cut as `json_records` cuts lines: also at a lone CR."""
    body = text[:-1] if text.endswith("\n") else text
    body = body[:-1] if text.endswith("\r\n") else body
    return LINE_BREAK.split(body)


def _check_utf8(path: Path) -> None:
    """The whole-file reader decodes the whole file first: the same message for the same byte."""
    offset = 0
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle):
            try:
                raw.decode("utf-8-sig" if number == 0 else "utf-8")
            except UnicodeDecodeError as error:
                bom = 3 if number and offset and _has_bom(path) else 0
                at = offset + error.start - bom
                raise ValidationError(f"not UTF-8 ({error.reason} at byte {at})", file=str(path)) from None
            offset += len(raw)


def _has_bom(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(3) == b"\xef\xbb\xbf"


def _candidates(value: object, gold: GoldIndex, labels: frozenset[str], extra_documents: str) -> list:
    """The gold documents a record may annotate, read again: its id's, else those with its text,
    else (when it is to be refused) those whose raw article it is, for the message."""
    if not isinstance(value, dict) or "doc_id" not in value:
        return []
    position = gold.positions.get(str(value["doc_id"]))
    if position is not None:
        return [gold.document(position, labels)]
    text = value.get("text")
    if not isinstance(text, str):
        return []
    same_text = [gold.document(p, labels) for p in gold.with_text(text)]
    same_text = [document for document in same_text if document.text == text]
    if same_text or extra_documents == "ignore":
        return same_text
    for position in sorted(range(len(gold)), key=gold.ids.__getitem__) if gold.files else range(len(gold)):
        document = gold.document(position, labels)
        if ReferenceDocuments([document]).with_raw_text(text):
            return [document]
    return []
