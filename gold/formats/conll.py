"""Character-level CoNLL: one character per line, its tag in the last column, blank lines between sentences.

Read: tags in BIO, BIOES, BMES or BILOU (told apart by their prefixes, decoded as seqeval's
default mode does, see `tags`); columns separated by a tab or by spaces, the first being the
character and the last the tag (columns between, such as part of speech, are ignored); document
boundaries as common tools mark them: ``-DOCSTART-`` lines (what follows on the line, unless it is
``-X-`` or tags, is the document id) and comment lines ``# doc_id = ID``, ``#doc ID``,
``# newdoc id = ID``; other ``#`` comment lines (``# text = ...``) are ignored. A line whose
character is missing or whitespace (``\\tO``, or a space and the tag) stands for whitespace in the
text; whitespace in the text that has no line is skipped (see `tokens`). A file without document
boundaries is cut into documents by their characters.

Written: ``-DOCSTART-<TAB>ID`` and a blank line before each document (or ``# doc_id = ID``, or
nothing), then ``character<TAB>tag`` per non-whitespace character, a blank line after each line
of the text. Lost: whitespace (it comes back from the document text), overlapping spans (refused:
tags hold flat spans only), scores.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable
from pathlib import Path

from ..annotation_set import AnnotationSet
from ..atomic import atomic_write_text
from ..document import Document
from ..errors import JinbiaoError
from ..schema import LABEL_SET
from .common import read_text_file, validation_error
from .mapping import AnnotationBuilder
from .tags import check_scheme, is_tag
from .tokens import Token, TokenSegment, annotations_from_segments, check_tag, document_sentences
from .writing import spans_to_write

DOCSTART = "-DOCSTART-"
DOCUMENT_MARKERS = ("docstart", "comment", None)
_DOC_COMMENT = re.compile(
    r"^#\s*(?:newdoc(?:\s+id)?|doc(?:ument)?(?:[ _]?id)?)(?:\s*[=:]\s*|\s+)(?P<id>\S.*?)\s*$", re.IGNORECASE
)
_NEWDOC = re.compile(r"^#\s*newdoc\s*$", re.IGNORECASE)


def _docstart_id(line: str) -> str | None:
    rest = line[len(DOCSTART) :].strip()
    if not rest or all(field == "-X-" or is_tag(field) for field in rest.split()):
        return None
    return rest


def _comment_kind(line: str) -> tuple[str, str | None] | None:
    """("document", id or None) for a document boundary, ("comment", None) for any other comment,
    None for a token line whose character is ``#``."""
    fields = line.split("\t") if "\t" in line else line.split()
    if fields[0] == "#" and 2 <= len(fields) <= 3 and "=" not in fields and is_tag(fields[-1].strip()):
        return None
    if _NEWDOC.match(line):
        return "document", None
    found = _DOC_COMMENT.match(line)
    if found:
        return "document", found.group("id")
    return "comment", None


def _token(line: str, where: str) -> Token:
    if "\t" in line:
        fields = line.split("\t")
        text, tag = fields[0], fields[-1].strip()
        if len(fields) < 2 or not tag:
            raise validation_error("expected a character and a tag separated by a tab", file=where)
        if text.isspace():
            text = ""
    else:
        fields = line.split()
        if len(fields) == 1 and line[0].isspace():
            text, tag = "", fields[0]  # the character is whitespace: only its tag is left
        elif len(fields) == 1:
            raise validation_error(f"one column {line.strip()!r}: expected a character and a tag", file=where)
        else:
            text, tag = fields[0], fields[-1]
    return Token(text, check_tag(tag, where), where)


def parse_conll(text: str, file: str) -> list[TokenSegment]:
    """The segments of a CoNLL text: one per marked document (and one for what comes before any mark)."""
    segments = [TokenSegment(None, [[]], f"{file}:1")]
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        where = f"{file}:{number}"
        boundary: str | bool | None = False
        if line.startswith(DOCSTART):
            boundary = _docstart_id(line)
        elif line.startswith("#"):
            kind = _comment_kind(line)
            if kind is not None and kind[0] == "comment":
                continue
            if kind is not None:
                boundary = kind[1]
        if boundary is not False:
            segments.append(TokenSegment(boundary, [[]], where))
            continue
        current = segments[-1].sentences
        if not line.strip():
            if current[-1]:
                current.append([])
            continue
        current[-1].append(_token(line, where))
    for segment in segments:
        segment.sentences = [sentence for sentence in segment.sentences if sentence]
    return [segment for segment in segments if segment.sentences]


def read_conll(
    path: str | os.PathLike[str],
    documents: Iterable[Document],
    *,
    offsets: str = "normalized",
    labels: Collection[str] | None = LABEL_SET,
    flat: bool = False,
    extra_documents: str = "error",
    name: str | None = None,
) -> AnnotationSet:
    """A character-level CoNLL file as an annotation set over `documents` (see the module docstring).

    CoNLL carries no offsets: its characters are aligned to the normalized text, so only
    ``offsets="normalized"`` applies. `flat` is accepted for symmetry (tags are always flat).
    """
    if offsets != "normalized":
        raise JinbiaoError(
            "CoNLL carries no offsets: its characters are aligned to the normalized text; "
            "read it with offsets='normalized'"
        )
    path = Path(path)
    segments = parse_conll(read_text_file(path), str(path))
    builder = AnnotationBuilder.for_file(
        path, documents, format="conll", name=name, labels=labels, flat=flat, extra_documents=extra_documents
    )
    return annotations_from_segments(builder, segments)


def conll_text(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    *,
    scheme: str = "bio",
    document_marker: str | None = "docstart",
    file: str = "CoNLL",
) -> str:
    """The CoNLL text of `annotation_set` (see the module docstring for the layout)."""
    check_scheme(scheme)
    if document_marker not in DOCUMENT_MARKERS:
        raise JinbiaoError(f"document_marker must be 'docstart', 'comment' or None, not {document_marker!r}")
    lines: list[str] = []
    for document, spans in spans_to_write(annotation_set, documents, file=file, flat=True, plain_labels=True):
        if document_marker == "docstart":
            lines += [f"{DOCSTART}\t{document.id}", ""]
        elif document_marker == "comment":
            lines.append(f"# doc_id = {document.id}")
        for sentence in document_sentences(document, spans, scheme, file=file):
            lines += [f"{char}\t{tag}" for char, tag in sentence]
            lines.append("")
    return "".join(line + "\n" for line in lines)


def write_conll(
    annotation_set: AnnotationSet,
    documents: Iterable[Document],
    path: str | os.PathLike[str],
    *,
    scheme: str = "bio",
    document_marker: str | None = "docstart",
    overwrite: bool = False,
) -> Path:
    """Write `annotation_set` as character-level CoNLL in `scheme` (bio, bioes, bmes or bilou)."""
    text = conll_text(annotation_set, documents, scheme=scheme, document_marker=document_marker, file=str(path))
    return atomic_write_text(path, text, overwrite=overwrite)
