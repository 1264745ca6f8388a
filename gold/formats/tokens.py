"""Token formats (CoNLL, Hugging Face datasets): token streams aligned to the document text.

Reading: a file gives tokens (one character each, in character-level files) with tags, in
sentences, in segments that may name their document. Tokens are aligned to the normalized
document text in order, skipping whitespace in the text that has no token of its own (a space
inside ``李 刚`` usually has no line); a token whose text is missing or whitespace takes the
whitespace at that point if there is some, and no character otherwise. A segment without a known
id is found by its characters (whitespace aside); a stream without document boundaries is cut
into documents the same way, longest match first. Entities never cross sentence boundaries.

Writing: one token per non-whitespace character (a code point), whitespace left out, one sentence
per line of the text (a span that crosses a line break keeps those lines together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..annotation_set import AnnotationSet
from ..document import Document
from ..errors import ValidationError
from ..span import Span
from .common import validation_error
from .mapping import AnnotationBuilder, strip_whitespace
from .tags import decode_tags, detect_scheme, encode_tags, split_tag

PREFIX_INDEX = 8  # characters of a document used to find candidates when cutting a stream


@dataclass
class Token:
    text: str
    tag: str
    where: str


@dataclass
class TokenSegment:
    """Sentences of tokens that belong to one document (or, without boundaries, to several)."""

    doc_id: str | None
    sentences: list[list[Token]]
    where: str


def is_blank(text: str) -> bool:
    return not text or text.isspace()


def check_tag(tag: str, where: str) -> str:
    try:
        split_tag(tag)
    except ValueError as error:
        raise validation_error(str(error), file=where) from None
    return tag


# -------------------------------------------------------------------------------------- reading


def align_tokens(document: Document, tokens: Sequence[Token], where: str) -> list[tuple[int, int]]:
    """The character range of every token in `document.text` (empty for a whitespace token
    where the text has no whitespace)."""
    text = document.text
    position = 0
    ranges: list[tuple[int, int]] = []
    for token in tokens:
        if is_blank(token.text):
            if position < len(text) and text[position].isspace():
                ranges.append((position, position + 1))
                position += 1
            else:
                ranges.append((position, position))
            continue
        while position < len(text) and text[position].isspace():
            position += 1
        if not text.startswith(token.text, position):
            there = text[position : position + len(token.text)]
            found = f"{there!r} at offset {position}" if there else f"its end at offset {position}"
            raise validation_error(
                f"token {token.text!r} does not match the document, which has {found}",
                file=token.where,
                doc_id=document.id,
                hint="tokens are aligned to the normalized text, skipping whitespace that has no token",
            )
        ranges.append((position, position + len(token.text)))
        position += len(token.text)
    rest = text[position:]
    if rest.strip():
        raise validation_error(
            f"the tokens end at offset {position}, {len(rest)} characters before the end of the document "
            f"(next: {rest.lstrip()[:10]!r})",
            file=where,
            doc_id=document.id,
        )
    return ranges


def token_spans(document: Document, sentences: Sequence[Sequence[Token]], where: str) -> list[Span]:
    """The entities the tags of `sentences` mark, as spans over `document`."""
    ranges = align_tokens(document, [token for sentence in sentences for token in sentence], where)
    spans: list[Span] = []
    offset = 0
    for sentence in sentences:
        for label, first, stop in decode_tags([token.tag for token in sentence]):
            start, end = ranges[offset + first][0], ranges[offset + stop - 1][1]
            if end <= start:
                raise validation_error(
                    f"an entity {label} of whitespace tokens only covers no character",
                    file=sentence[first].where,
                    doc_id=document.id,
                )
            spans.append(document.span(start, end, label))
        offset += len(sentence)
    return spans


def _cut_stream(segment: TokenSegment, builder: AnnotationBuilder) -> list[tuple[Document, list[list[Token]]]] | None:
    """A stream without boundaries cut into documents by their characters, or None if it cannot be."""
    flat = [(index, token) for index, sentence in enumerate(segment.sentences) for token in sentence]
    stream = ""
    starts: dict[int, int] = {}  # position in the stream -> index in `flat` of the token starting there
    for number, (_, token) in enumerate(flat):
        piece = strip_whitespace(token.text)
        if piece:
            starts.setdefault(len(stream), number)
        stream += piece
    starts[len(stream)] = len(flat)
    by_prefix: dict[str, list[tuple[str, Document]]] = {}
    for key, documents in builder.refs.stripped().items():
        if len(documents) == 1:
            by_prefix.setdefault(key[:PREFIX_INDEX], []).append((key, documents[0]))
    cuts: list[tuple[Document, int, int]] = []
    used: set[str] = set()
    position = 0
    while position < len(stream):
        candidates = [
            (key, document)
            for length in range(min(PREFIX_INDEX, len(stream) - position), 0, -1)
            for key, document in by_prefix.get(stream[position : position + length], [])
        ]
        candidates.sort(key=lambda item: -len(item[0]))
        for key, document in candidates:
            stop = position + len(key)
            if document.id not in used and stop in starts and stream.startswith(key, position):
                cuts.append((document, starts[position], starts[stop]))
                used.add(document.id)
                position = stop
                break
        else:
            return None
    if not cuts:
        return None
    result = []
    for document, first, stop in cuts:
        if cuts[0][0] is document:
            first = 0  # whitespace tokens before the first document belong to it
        if cuts[-1][0] is document:
            stop = len(flat)
        sentences: list[list[Token]] = []
        last_sentence = None
        for sentence_index, token in flat[first:stop]:
            if sentence_index != last_sentence:
                sentences.append([])
                last_sentence = sentence_index
            sentences[-1].append(token)
        result.append((document, sentences))
    return result


def annotations_from_segments(builder: AnnotationBuilder, segments: Sequence[TokenSegment]) -> AnnotationSet:
    """The annotation set of a token format's segments, with the tagging scheme its tags follow."""
    add_segments(builder, segments)
    result = builder.finish()
    tags = (token.tag for segment in segments for sentence in segment.sentences for token in sentence)
    result.meta["scheme"] = detect_scheme(tags)
    return result


def add_segments(builder: AnnotationBuilder, segments: Sequence[TokenSegment]) -> None:
    """Map every segment onto its document (by id, else by its characters) and add its entities."""
    for segment in segments:
        if not any(segment.sentences):
            continue
        builder.records += 1
        document = builder.refs.get(segment.doc_id)
        if document is not None:
            builder.add_spans(document, token_spans(document, segment.sentences, segment.where), segment.where)
            continue
        key = strip_whitespace("".join(token.text for sentence in segment.sentences for token in sentence))
        found = builder.refs.stripped().get(key, [])
        if len(found) > 1:
            names = ", ".join(d.id for d in found[:3])
            raise validation_error(
                f"{len(found)} documents have these characters ({names}): cannot tell which one it annotates",
                file=segment.where,
                hint="mark each document with its id",
            )
        if found:
            builder.add_spans(found[0], token_spans(found[0], segment.sentences, segment.where), segment.where)
            continue
        pieces = _cut_stream(segment, builder) if segment.doc_id is None else None
        if pieces is None:
            builder.unknown(segment.doc_id, key, segment.where, what="characters")
            continue
        for document, sentences in pieces:
            where = sentences[0][0].where
            builder.add_spans(document, token_spans(document, sentences, where), where)


# -------------------------------------------------------------------------------------- writing


def document_sentences(
    document: Document, spans: Sequence[Span], scheme: str, *, file: str
) -> list[list[tuple[str, str]]]:
    """``(character, tag)`` per non-whitespace character, in sentences (lines of the text)."""
    text = document.text
    for span in spans:
        if span.text[0].isspace() or span.text[-1].isspace():
            raise ValidationError(
                "starts or ends with whitespace, which has no token in this format",
                file=file,
                doc_id=document.id,
                span=span,
            )
    inside = bytearray(len(text) + 1)
    for span in spans:
        inside[span.start + 1 : span.end] = b"\x01" * (span.end - span.start - 1)
    token_of: dict[int, int] = {}
    characters: list[str] = []
    breaks: list[int] = []  # token indices that start a sentence
    pending_break = True
    for position, char in enumerate(text):
        if char.isspace():
            if char in "\n\r\u2028\u2029" and not inside[position]:
                pending_break = True
            continue
        if pending_break:
            breaks.append(len(characters))
            pending_break = False
        token_of[position] = len(characters)
        characters.append(char)
    entities = [(span.label, token_of[span.start], token_of[span.end - 1] + 1) for span in spans]
    tags = encode_tags(len(characters), entities, scheme)
    bounds = [*breaks, len(characters)]
    return [
        list(zip(characters[first:stop], tags[first:stop], strict=True))
        for first, stop in zip(bounds, bounds[1:], strict=False)
        if stop > first
    ]
