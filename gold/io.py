"""Reading and writing annotation files; every reader validates, every writer is atomic.

Two formats:

* gold: one JSON file per document (``<doc id>.json``) holding the normalized text, its hash,
  the source it came from with the offset map, and the spans sorted, one per line;
* JSONL: one document per line (predictions, exports), with who made the spans.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .annotation_set import AnnotationSet, DocumentAnnotations
from .atomic import GOLD_MARKER, atomic_write_text
from .document import Document, decode_offset_runs, sha256_text
from .errors import ValidationError
from .schema import LABEL_SET
from .span import Span, sort_spans
from .validate import validate_spans

GOLD_FORMAT = "jinbiao-gold/1"
JSONL_FORMAT = "jinbiao-annotations/1"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------- gold


def gold_document_json(document: Document, spans: Iterable[Span], *, annotators: Iterable[str] = ()) -> str:
    """The gold file of one document: reviewable diffs, one span per line."""
    spans = validate_spans(document.text, spans, doc_id=document.id)
    header = {
        "format": GOLD_FORMAT,
        "id": document.id,
        "source": document.source,
        "source_sha256": document.source_sha256,
        "text_sha256": document.text_sha256,
        "annotators": sorted(set(annotators)),
        "text": document.text,
        "offsets": document.offset_runs(),
    }
    lines = ["{"]
    lines += [f"  {_dumps(key)}: {_dumps(value)}," for key, value in header.items()]
    if spans:
        lines.append('  "spans": [')
        records = [_dumps({k: v for k, v in s.to_dict().items() if k != "origin"}) for s in spans]
        lines.append(",\n".join(f"    {record}" for record in records))
        lines.append("  ]")
    else:
        lines.append('  "spans": []')
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_gold_document(
    path: str | os.PathLike[str],
    document: Document,
    spans: Iterable[Span],
    *,
    annotators: Iterable[str] = (),
    overwrite: bool = False,
) -> Path:
    """Write one gold file (never over an existing one unless `overwrite`), and mark its directory as gold."""
    content = gold_document_json(document, spans, annotators=annotators)
    written = atomic_write_text(path, content, overwrite=overwrite, gold=True)
    mark_gold_directory(written.parent)
    return written


def mark_gold_directory(directory: str | os.PathLike[str]) -> None:
    """Leave the marker that protects a gold directory from every writer but the gold writers."""
    marker = Path(directory) / GOLD_MARKER
    if not marker.exists():
        atomic_write_text(marker, MARKER_TEXT, gold=True)


MARKER_TEXT = (
    "This directory holds gold annotations (jinbiao-gold/1 files). jinbiao writes here only through\n"
    "its gold writers (gold from-mentions, pull --write-gold, adjudicate), and replaces a gold file only\n"
    "when asked to overwrite. Remove this file to lift the protection.\n"
)


def unreadable_reason(path: str | os.PathLike[str], error: OSError | None = None) -> str:
    """Why `path` cannot be read, in words: a missing file, a broken or looping symbolic link, a
    directory where a file belongs, no permission."""
    path = Path(path)
    if error is None:
        try:
            os.stat(path)
        except OSError as stat_error:
            error = stat_error
        else:
            return "cannot be read"
    if error.errno == errno.ELOOP:
        return "a symbolic link loop (following it never reaches a file)"
    if error.errno == errno.ENOENT and path.is_symlink():
        return f"a broken symbolic link (to {os.readlink(path)}, which does not exist)"
    if error.errno == errno.ENOENT:
        return "no such file or directory"
    if error.errno == errno.EISDIR:
        return "a directory, not a file"
    return f"cannot read ({error.strerror or type(error).__name__})"


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValidationError(f"not UTF-8 ({error.reason} at byte {error.start})", file=str(path)) from None
    except OSError as error:
        raise ValidationError(unreadable_reason(path, error), file=str(path)) from None


def _load_json(path: Path) -> Any:
    try:
        return json.loads(_read_text(path))
    except json.JSONDecodeError as error:
        raise ValidationError(f"not valid JSON: {error.msg} at line {error.lineno}", file=str(path)) from None


def _spans_from_records(records: Any, *, file: str, doc_id: str | None) -> list[Span]:
    if not isinstance(records, list):
        raise ValidationError("'spans' must be a list", file=file, doc_id=doc_id)
    spans = []
    for index, record in enumerate(records):
        try:
            spans.append(Span.from_dict(record))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValidationError(f"span #{index} is malformed: {error}", file=file, doc_id=doc_id) from None
    return spans


def read_gold_document(
    path: str | os.PathLike[str], *, labels: frozenset[str] = LABEL_SET
) -> tuple[Document, list[Span], list[str]]:
    """One gold file: its document, its validated spans and its annotators."""
    path = Path(path)
    data = _load_json(path)
    file = str(path)
    if not isinstance(data, dict) or data.get("format") != GOLD_FORMAT:
        raise ValidationError(f"not a jinbiao gold file (expected format {GOLD_FORMAT!r})", file=file)
    try:
        doc_id, text = data["id"], data["text"]
    except KeyError as missing:
        raise ValidationError(f"missing field {missing}", file=file) from None
    if not isinstance(doc_id, str) or not doc_id or not isinstance(text, str):
        raise ValidationError(f"'id' and 'text' must be strings, got {doc_id!r} and a {type(text).__name__}", file=file)
    if sha256_text(text) != data.get("text_sha256"):
        raise ValidationError(
            "text_sha256 does not match the text", file=file, doc_id=doc_id, hint="the text was edited by hand"
        )
    try:
        offsets = decode_offset_runs(data.get("offsets") or [[0, 0, len(text)]], len(text))
    except (ValueError, TypeError) as error:
        raise ValidationError(f"bad offset map: {error}", file=file, doc_id=doc_id) from None
    document = Document(
        id=doc_id,
        text=text,
        source=data.get("source", ""),
        source_sha256=data.get("source_sha256", ""),
        offsets=offsets,
        text_sha256=data["text_sha256"],
    )
    spans = _spans_from_records(data.get("spans", []), file=file, doc_id=doc_id)
    spans = validate_spans(text, spans, labels=labels, file=file, doc_id=doc_id)
    return document, spans, list(data.get("annotators", []))


def gold_files(directory: str | os.PathLike[str]) -> list[Path]:
    return sorted(p for p in Path(directory).glob("*.json") if not p.name.startswith("."))


def is_gold_path(path: str | os.PathLike[str]) -> bool:
    """Whether `path` names gold files (a directory of them, or one `.json` file) rather than JSONL."""
    path = Path(path)
    return path.is_dir() or path.suffix == ".json"


def gold_paths(path: str | os.PathLike[str]) -> list[Path]:
    """The files of a gold directory (refusing one without any), or the one gold file."""
    path = Path(path)
    files = gold_files(path) if path.is_dir() else [path]
    if not files:
        raise ValidationError("no gold files (*.json) here", file=str(path))
    return files


def iter_gold(
    path: str | os.PathLike[str], *, labels: frozenset[str] = LABEL_SET
) -> Iterator[tuple[Path, Document, list[Span], list[str]]]:
    """A gold directory (or one gold file) a document at a time, in file order: each file with
    its document, validated spans and annotators; a document in two files is refused."""
    seen: set[str] = set()
    for file in gold_paths(path):
        document, spans, who = read_gold_document(file, labels=labels)
        if document.id in seen:
            raise ValidationError("document appears in two gold files", file=str(file), doc_id=document.id)
        seen.add(document.id)
        yield file, document, spans, who


def load_gold(
    path: str | os.PathLike[str], *, name: str = "gold", labels: frozenset[str] = LABEL_SET
) -> tuple[AnnotationSet, list[Document]]:
    """A gold directory (or one gold file), read once: its annotation set (carrying the texts) and
    its documents (carrying the offset maps), in document id order."""
    annotation_set = AnnotationSet(name=name, kind="gold")
    documents: list[Document] = []
    annotators: set[str] = set()
    for _, document, spans, who in iter_gold(path, labels=labels):
        annotators.update(who)
        annotation_set.add(DocumentAnnotations(document.id, document.text_sha256, spans, document.text))
        documents.append(document)
    annotation_set.meta["annotators"] = sorted(annotators)
    return annotation_set, sorted(documents, key=lambda d: d.id)


def read_gold(path: str | os.PathLike[str], *, name: str = "gold", labels: frozenset[str] = LABEL_SET) -> AnnotationSet:
    """A gold directory (or one gold file) as an annotation set that carries the texts."""
    return load_gold(path, name=name, labels=labels)[0]


def read_gold_documents(path: str | os.PathLike[str]) -> list[Document]:
    return load_gold(path)[1]


# --------------------------------------------------------------------------------------- JSONL


def annotator_record(annotation_set: AnnotationSet) -> dict[str, Any]:
    """Who made the spans; for a learned model, also the documents it was trained on (``trained_on``),
    so that a scorer can refuse to score it on its own training data."""
    record: dict[str, Any] = {
        "name": annotation_set.name,
        "kind": annotation_set.kind,
        "version": annotation_set.version,
    }
    if annotation_set.meta.get("trained_on") is not None:
        record["trained_on"] = sorted(annotation_set.meta["trained_on"])
    return record


def apply_annotator(annotation_set: AnnotationSet, who: Any) -> None:
    """Take who made the spans from a JSONL line's 'annotator' object (`annotator_record` read
    back): name, kind and version, and a model's ``trained_on``; what it lacks stays as it was."""
    if not isinstance(who, dict):
        return
    annotation_set.name = who.get("name") or annotation_set.name
    annotation_set.kind = who.get("kind") or annotation_set.kind
    annotation_set.version = who.get("version")
    if isinstance(who.get("trained_on"), list):
        annotation_set.meta["trained_on"] = [str(doc_id) for doc_id in who["trained_on"]]


def annotation_set_jsonl(annotation_set: AnnotationSet) -> str:
    lines = []
    for doc in annotation_set:
        record: dict[str, Any] = {
            "format": JSONL_FORMAT,
            "doc_id": doc.doc_id,
            "text_sha256": doc.text_sha256,
            "annotator": annotator_record(annotation_set),
            "spans": [s.to_dict() for s in sort_spans(doc.spans)],
        }
        if doc.text is not None:
            record["text"] = doc.text
        lines.append(_dumps(record))
    return "".join(line + "\n" for line in lines)


def write_jsonl(path: str | os.PathLike[str], annotation_set: AnnotationSet, *, overwrite: bool = True) -> Path:
    for doc in annotation_set:
        validate_spans(doc.text, doc.spans, doc_id=doc.doc_id, file=str(path))
    return atomic_write_text(path, annotation_set_jsonl(annotation_set), overwrite=overwrite)


def text_lines(path: str | os.PathLike[str]) -> Iterator[tuple[int, int, str]]:
    """The lines of a UTF-8 file one at a time as (number, byte offset, text), split at newlines
    only (a JSON string may hold U+2028 raw); a BOM before the first line is dropped."""
    file = str(path)
    try:
        with open(path, "rb") as handle:
            offset = 0
            for number, raw in enumerate(handle, start=1):
                try:
                    line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError as error:
                    at = offset + error.start
                    raise ValidationError(f"not UTF-8 ({error.reason} at byte {at})", file=file) from None
                yield number, offset, line
                offset += len(raw)
    except OSError as error:
        raise ValidationError(unreadable_reason(Path(path), error), file=file) from None


def jsonl_record(line: str, number: int, *, file: str) -> tuple[dict[str, Any], str, dict[str, Any], str | None]:
    """One JSONL line as (record, doc id, annotator object, text), its shape checked."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValidationError(f"line {number} is not valid JSON: {error.msg}", file=file) from None
    if not isinstance(record, dict) or "doc_id" not in record or "spans" not in record:
        raise ValidationError(f"line {number} lacks 'doc_id' or 'spans'", file=file)
    who = record.get("annotator") or {}
    text = record.get("text")
    if not isinstance(who, dict) or not isinstance(text, (str, type(None))):
        raise ValidationError(f"line {number}: 'annotator' must be an object and 'text' a string", file=file)
    return record, str(record["doc_id"]), who, text


def iter_jsonl(
    path: str | os.PathLike[str], *, labels: frozenset[str] = LABEL_SET, allow_overlap: bool = False
) -> Iterator[tuple[dict[str, Any], DocumentAnnotations]]:
    """The documents of a JSONL annotation file one line at a time, each validated (text-bearing
    lines against their text), with the line's 'annotator' object; memory stays one line's."""
    path = Path(path)
    file = str(path)
    for number, _, line in text_lines(path):
        if not line.strip():
            continue
        record, doc_id, who, text = jsonl_record(line, number, file=file)
        text_sha256 = record.get("text_sha256") or (sha256_text(text) if text is not None else "")
        if text is not None and sha256_text(text) != text_sha256:
            raise ValidationError(f"line {number}: text_sha256 does not match the text", file=file, doc_id=doc_id)
        spans = _spans_from_records(record["spans"], file=file, doc_id=doc_id)
        spans = validate_spans(text, spans, labels=labels, allow_overlap=allow_overlap, file=file, doc_id=doc_id)
        yield who, DocumentAnnotations(doc_id, text_sha256, spans, text)


def read_jsonl(
    path: str | os.PathLike[str], *, labels: frozenset[str] = LABEL_SET, allow_overlap: bool = False
) -> AnnotationSet:
    """A JSONL annotation file, every line validated (text-bearing lines against their text)."""
    path = Path(path)
    file = str(path)
    annotation_set: AnnotationSet | None = None
    for who, document in iter_jsonl(path, labels=labels, allow_overlap=allow_overlap):
        if annotation_set is None:
            annotation_set = AnnotationSet(name=path.stem, kind="human")
            apply_annotator(annotation_set, who)
        try:
            annotation_set.add(document)
        except ValueError as error:
            raise ValidationError(str(error), file=file, doc_id=document.doc_id) from None
    if annotation_set is None:
        raise ValidationError("no documents in this file", file=file)
    return annotation_set


def read_annotations(path: str | os.PathLike[str], *, labels: frozenset[str] = LABEL_SET) -> AnnotationSet:
    """Any annotation file of ours: a gold directory or file, or JSONL."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if is_gold_path(path):
        return read_gold(path, name=path.stem, labels=labels)
    return read_jsonl(path, labels=labels)
