"""Mention lists ↔ spans: annotations written as (line, surface string, label) records.

A reader who annotates on paper, in a spreadsheet or in a chat writes down each mention as the
line it is on and its exact characters, in reading order; `align_mentions` turns that into
spans with offsets, and refuses anything it cannot place exactly once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinbiao.gold import Document, JinbiaoError, Span, sort_spans, write_gold_document
from jinbiao.gold.atomic import atomic_directory
from jinbiao.gold.formats.common import LINE_BREAK
from jinbiao.gold.io import unreadable_reason


@dataclass(frozen=True)
class Mention:
    line: int  # 1-based number among the document's non-empty lines
    text: str
    label: str
    occurrence: int | None = None  # which occurrence of `text` on the line (1-based), when ambiguous


class MentionError(JinbiaoError):
    pass


def numbered_lines(text: str) -> list[tuple[int, int, str]]:
    """(number, start offset, line) for every non-empty line, numbered from 1."""
    out = []
    position = 0
    number = 0
    for line in text.split("\n"):
        if line.strip():
            number += 1
            out.append((number, position, line))
        position += len(line) + 1
    return out


def render_numbered(document: Document) -> str:
    return "\n".join(f"[{number}] {line}" for number, _, line in numbered_lines(document.text))


def spans_to_mentions(document: Document, spans: Iterable[Span]) -> list[Mention]:
    lines = numbered_lines(document.text)
    out = []
    for span in spans:
        number = next(n for n, start, line in lines if start <= span.start < start + len(line) + 1)
        out.append(Mention(number, span.text, span.label))
    return out


def align_mentions(document: Document, mentions: Iterable[Mention], *, origin: str | None = None) -> list[Span]:
    """Place every mention on its line: the next unused occurrence after the previous mention."""
    lines = {number: (start, line) for number, start, line in numbered_lines(document.text)}
    spans: list[Span] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    cursor: dict[int, int] = {}
    for mention in mentions:
        if mention.line not in lines:
            raise MentionError(f"document {document.id}: no line {mention.line} for {mention.text!r}")
        start, line = lines[mention.line]
        used = taken.setdefault(mention.line, [])

        def free(at: int, length: int = len(mention.text), used: list[tuple[int, int]] = used) -> bool:
            return all(at + length <= s or e <= at for s, e in used)

        if mention.occurrence is not None:
            at = -1
            for _ in range(mention.occurrence):
                at = line.find(mention.text, at + 1)
                if at == -1:
                    break
            if at != -1 and not free(at):
                at = -1
        else:
            at = line.find(mention.text, cursor.get(mention.line, 0))
            while at != -1 and not free(at):
                at = line.find(mention.text, at + 1)
        if at == -1 and mention.occurrence is None:  # listed out of order: the first free occurrence
            at = line.find(mention.text)
            while at != -1 and not free(at):
                at = line.find(mention.text, at + 1)
        if at == -1 or not mention.text:
            raise MentionError(
                f"document {document.id}: {mention.text!r} ({mention.label}) is not on line {mention.line} "
                "(or every occurrence is already taken)"
            )
        used.append((at, at + len(mention.text)))
        cursor[mention.line] = at + len(mention.text)
        spans.append(document.span(start + at, start + at + len(mention.text), mention.label, origin=origin))
    return sort_spans(spans)


def read_mentions(path: str | os.PathLike[str]) -> list[Mention]:
    """JSONL records ``{"line": N, "text": "...", "label": "..."}`` (``p`` is accepted for ``line``),
    with ``"n": K`` to pick the K-th occurrence of the text on its line."""
    mentions = []
    try:
        lines = LINE_BREAK.split(Path(path).read_text(encoding="utf-8"))  # not at U+2028 inside a string
    except UnicodeDecodeError as error:
        raise MentionError(f"{path}: not UTF-8 ({error.reason} at byte {error.start}); re-save it as UTF-8") from None
    except OSError as error:
        raise MentionError(f"{path}: {unreadable_reason(path, error)}") from None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record: dict[str, Any] = json.loads(raw)
            if not isinstance(record, dict):
                raise TypeError(f"a JSON {type(record).__name__}, not an object")
            line, text, label = record.get("line", record.get("p")), record["text"], record["label"]
            occurrence = record.get("n")
            if not _counting_number(line) or (occurrence is not None and not _counting_number(occurrence)):
                raise ValueError(f"line and n must be whole numbers from 1, got {line!r} and {occurrence!r}")
            if not isinstance(text, str) or not text or not isinstance(label, str):
                raise TypeError(f"text must be a non-empty string and label a string, got {text!r} and {label!r}")
            mentions.append(Mention(line, text, label, occurrence))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise MentionError(f"{path}: line {number} is not a mention record ({error})") from None
    return mentions


def _counting_number(value: Any) -> bool:
    return type(value) is int and value >= 1


def gold_from_mentions(
    mentions_dir: str | os.PathLike[str],
    documents: Iterable[Document],
    output: str | os.PathLike[str],
    *,
    annotator: str,
    overwrite: bool = False,
) -> list[Path]:
    """Align every ``<doc id>.jsonl`` mention list in `mentions_dir` onto its document and write
    the gold files into `output`, all or nothing: one list that cannot be aligned writes nothing."""
    by_id = {document.id: document for document in documents}
    aligned = []
    for mentions_file in sorted(Path(mentions_dir).glob("*.jsonl")):
        document = by_id.get(mentions_file.stem)
        if document is None:
            raise MentionError(f"{mentions_file}: no article with id {mentions_file.stem!r} among the articles given")
        aligned.append((document, align_mentions(document, read_mentions(mentions_file), origin=annotator)))
    if not aligned:
        raise MentionError(f"{mentions_dir}: no <doc id>.jsonl mention lists there")
    # the gold writer: it may replace a gold directory, but only whole and only with `overwrite`
    with atomic_directory(output, overwrite=overwrite, gold=True) as tmp:
        for document, spans in aligned:
            try:
                write_gold_document(tmp / f"{document.id}.json", document, spans, annotators=[annotator])
            except OSError as error:  # named as the file it would have been, not the temporary
                reason = error.strerror or type(error).__name__
                target = Path(output) / f"{document.id}.json"
                raise MentionError(f"{target}: cannot write ({reason}); nothing was written") from None
    return [Path(output) / f"{document.id}.json" for document, _ in aligned]
