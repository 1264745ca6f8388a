"""Character tags for the CRF: spans to BIO / BIES tags and back.

BIO: ``B-X`` opens a span of label X, ``I-X`` continues it, ``O`` is outside. BIES adds ``E-X``
(last character) and ``S-X`` (a one-character span). Decoding is lenient, as seqeval's is: an
``I-X`` or ``E-X`` that does not continue a span of label X opens a new one, so every tag
sequence decodes to flat, non-overlapping spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

SCHEMES = ("BIO", "BIES")
DEFAULT_SCHEME = "BIO"
OUTSIDE = "O"


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown tag scheme {scheme!r}; choose one of {', '.join(SCHEMES)}")
    return scheme


def spans_to_tags(length: int, spans: Iterable[tuple[int, int, str]], scheme: str = "BIO") -> list[str]:
    """One tag per character of a text of `length` characters; `spans` must be flat."""
    check_scheme(scheme)
    tags = [OUTSIDE] * length
    for start, end, label in spans:
        if not 0 <= start < end <= length:
            raise ValueError(f"span [{start}, {end}) is outside a text of {length} characters")
        if any(tag != OUTSIDE for tag in tags[start:end]):
            raise ValueError(f"span [{start}, {end}) {label} overlaps another span")
        if scheme == "BIES" and end - start == 1:
            tags[start] = f"S-{label}"
            continue
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
        if scheme == "BIES":
            tags[end - 1] = f"E-{label}"
    return tags


def tags_to_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) of every span in a BIO or BIES tag sequence, in text order."""
    spans: list[tuple[int, int, str]] = []
    start: int | None = None
    label = ""
    for i, tag in enumerate(tags):
        prefix, _, tag_label = tag.partition("-")
        if prefix in ("I", "E") and start is not None and tag_label == label:
            if prefix == "E":
                spans.append((start, i + 1, label))
                start = None
            continue
        if start is not None:
            spans.append((start, i, label))
            start = None
        if prefix == "S" or (prefix == "E" and tag_label):
            spans.append((i, i + 1, tag_label))
        elif prefix in ("B", "I") and tag_label:
            start, label = i, tag_label
    if start is not None:
        spans.append((start, len(tags), label))
    return spans
