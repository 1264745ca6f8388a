"""brat standoff: ``ID.txt`` (the text) and ``ID.ann`` (``T1<TAB>LABEL START END<TAB>text``) per document.

Read: a directory of ``.ann`` files (or one ``.ann``, or the ``.txt`` beside one); the document
is the file stem, else found by the ``.txt`` text. Entity (``T``) lines become spans, their text
checked against the document (line breaks and tabs in either compared as spaces, since the
``.ann`` line cannot hold them). A discontinuous entity (``T1 ORG 0 3;5 8``) is refused: jinbiao
spans are contiguous. Relations, events, attributes, normalizations, equivalences and notes are
skipped and counted. Offsets are Python code points, as brat counts them.

Written: a directory with ``ID.txt`` (the normalized text, as is), ``ID.ann`` and an
``annotation.conf`` listing the labels. Lost: scores.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from ..annotation_set import AnnotationSet
from ..atomic import atomic_directory
from ..document import Document
from ..errors import JinbiaoError
from ..schema import LABEL_SET, LABELS
from ..span import Span
from .common import read_text_file, validation_error
from .mapping import AnnotationBuilder, SpanRecord
from .writing import spans_to_write

SKIPPED_KINDS = {
    "R": "relations",
    "E": "events",
    "A": "attributes",
    "M": "attributes",
    "N": "normalizations",
    "*": "equivalences",
    "#": "notes",
}
_ENTITY = re.compile(r"^(?P<label>\S+) (?P<start>\d+) (?P<end>\d+)$")
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\t": " ", "\u2028": " ", "\u2029": " "})


def ann_files(path: str | os.PathLike[str]) -> list[Path]:
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.glob("*.ann") if not p.name.startswith("."))
        if not files:
            raise validation_error("no brat .ann files in this directory", file=str(path))
        return files
    if path.suffix == ".txt" and path.with_suffix(".ann").is_file():
        return [path.with_suffix(".ann")]
    if not path.exists():
        raise validation_error("no such file or directory", file=str(path))
    return [path]


def _entity(line: str, where: str) -> SpanRecord:
    fields = line.split("\t")
    if len(fields) < 2:
        raise validation_error(f"not a brat entity line: {line[:40]!r}", file=where)
    ident, body = fields[0], fields[1]
    if ";" in body:
        raise validation_error(
            f"discontinuous entity {ident} ({body}): jinbiao spans are contiguous",
            file=where,
            hint="split it into contiguous entities, or keep one fragment",
        )
    found = _ENTITY.match(body)
    if not found:
        raise validation_error(f"entity {ident}: expected 'LABEL START END', found {body!r}", file=where)
    text = fields[2] if len(fields) > 2 else None
    return SpanRecord(int(found["start"]), int(found["end"]), found["label"], text, where=f"entity {ident}")


def parse_ann(path: Path) -> tuple[list[tuple[str, SpanRecord]], dict[str, int]]:
    """``(where, span record)`` per entity line, and the count of each kind of line skipped."""
    entities: list[tuple[str, SpanRecord]] = []
    skipped: dict[str, int] = {}
    for number, line in enumerate(read_text_file(path).split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        where = f"{path}:{number}"
        if line[0] == "T":
            entities.append((where, _entity(line, where)))
        elif line[0] in SKIPPED_KINDS:
            kind = SKIPPED_KINDS[line[0]]
            skipped[kind] = skipped.get(kind, 0) + 1
        else:
            raise validation_error(f"not a brat annotation line: {line[:40]!r}", file=where)
    return entities, skipped


def read_brat(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """A brat directory (or one document of it) as an annotation set over `documents`."""
    files = ann_files(path)
    builder = AnnotationBuilder.for_file(
        path,
        documents,
        format="brat",
        name=name,
        offsets=offsets,
        labels=labels,
        flat=flat,
        extra_documents=extra_documents,
    )
    for ann in files:
        txt = ann.with_suffix(".txt")
        text = read_text_file(txt) if txt.is_file() else None
        entities, skipped = parse_ann(ann)
        builder.skipped.update(skipped)
        document = builder.resolve(ann.stem, text, str(ann))
        if document is None:
            continue
        source = text if offsets == "raw" else document.text
        spans = []
        for where, record in entities:
            if source is not None and record.text is not None:
                _check_text(source, record, where, document.id, "raw article" if offsets == "raw" else "document")
            spans.append(builder.span(document, None, SpanRecord(record.start, record.end, record.label), where))
        builder.add_spans(document, spans, str(ann))
    return builder.finish()


def _check_text(source: str, record: SpanRecord, where: str, doc_id: str, what: str) -> None:
    there = source[record.start : record.end]
    if there.translate(_LINE_BREAKS) != str(record.text).translate(_LINE_BREAKS):
        raise validation_error(
            f"text does not match the {what}, which has {there!r} there",
            file=where,
            doc_id=doc_id,
            span=Span(record.start, record.end, str(record.label), record.text),
        )


def ann_text(spans: list[Span]) -> str:
    lines = [
        f"T{number}\t{span.label} {span.start} {span.end}\t{span.text.translate(_LINE_BREAKS)}"
        for number, span in enumerate(spans, start=1)
    ]
    return "".join(line + "\n" for line in lines)


def annotation_conf(labels: Iterable[str]) -> str:
    return "[entities]\n" + "".join(f"{label}\n" for label in labels) + "\n[relations]\n\n[events]\n\n[attributes]\n"


def write_brat(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
) -> Path:
    """A brat directory at `path`: ``ID.txt``, ``ID.ann`` per document, and ``annotation.conf``."""
    written = spans_to_write(annotation_set, documents, file=str(path), plain_labels=True)
    for document, _ in written:
        if "/" in document.id or "\\" in document.id or document.id.startswith("."):
            raise JinbiaoError(f"document id {document.id!r} cannot be a brat file name")
    used = {span.label for _, spans in written for span in spans}
    labels = [*LABELS, *sorted(used - set(LABELS))]
    with atomic_directory(path, overwrite=overwrite) as directory:
        for document, spans in written:
            (directory / f"{document.id}.txt").write_bytes(document.text.encode("utf-8"))
            (directory / f"{document.id}.ann").write_bytes(ann_text(spans).encode("utf-8"))
        (directory / "annotation.conf").write_text(annotation_conf(labels), encoding="utf-8")
    return Path(path)
