"""`Document`: a normalized article with the map back to its raw source."""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .span import Span


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(eq=False)
class Document:
    """An article as annotators see it.

    `offsets[i]` is the position in the raw (decoded) source of `text[i]`, so that every span
    can be shown in the original file. `source_sha256` hashes the raw bytes; `text_sha256` the
    normalized text, which is what annotations are made against.
    """

    id: str
    text: str
    source: str = ""
    source_sha256: str = ""
    offsets: Sequence[int] = field(default_factory=lambda: array("q"))
    text_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.text_sha256:
            self.text_sha256 = sha256_text(self.text)
        if len(self.offsets) == 0 and self.text:
            self.offsets = array("q", range(len(self.text)))
        if len(self.offsets) != len(self.text):
            raise ValueError(
                f"document {self.id}: offset map has {len(self.offsets)} entries for {len(self.text)} characters"
            )

    def span(self, start: int, end: int, label: str, *, score: float | None = None, origin: str | None = None) -> Span:
        """A span over this document's text, its `text` filled in from the offsets."""
        return Span(start, end, label, self.text[start:end], score, origin)

    def raw_range(self, start: int, end: int) -> tuple[int, int]:
        """The stretch of the raw source that normalized [start, end) came from."""
        if not 0 <= start < end <= len(self.text):
            raise ValueError(f"document {self.id}: [{start}, {end}) is outside the text of {len(self.text)} characters")
        return self.offsets[start], self.offsets[end - 1] + 1

    def offset_runs(self) -> list[list[int]]:
        """The offset map as runs ``[normalized start, raw start, length]``: compact, reviewable."""
        return encode_offset_runs(self.offsets)


def encode_offset_runs(offsets: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i, raw in enumerate(offsets):
        if runs and runs[-1][1] + runs[-1][2] == raw and runs[-1][0] + runs[-1][2] == i:
            runs[-1][2] += 1
        else:
            runs.append([i, raw, 1])
    return runs


def decode_offset_runs(runs: Iterable[Sequence[int]], length: int) -> array:
    offsets = array("q")
    for norm_start, raw_start, run_length in runs:
        if norm_start != len(offsets):
            raise ValueError(f"offset runs are not contiguous at normalized position {norm_start}")
        offsets.extend(range(raw_start, raw_start + run_length))
    if len(offsets) != length:
        raise ValueError(f"offset runs cover {len(offsets)} characters, the text has {length}")
    return offsets
