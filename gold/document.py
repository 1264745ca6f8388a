"""`Document`: a normalized article with the map back to its raw source."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import operator
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from .span import Span


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class RunOffsets(Sequence[int]):
    """An offset map (normalized position → raw position) kept as runs.

    A run is a stretch of normalized text copied whole from the raw text: ``[normalized start,
    raw start, length]``, as the gold files write them (`Document.offset_runs`). Indexing costs a
    binary search over the runs; memory is two machine integers per run, whatever the length of
    the text, so a corpus streamed document by document never holds one integer per character.
    """

    __slots__ = ("_length", "_raw_starts", "_starts")

    def __init__(self, runs: Iterable[Sequence[int]], length: int) -> None:
        starts, raw_starts = array("q"), array("q")
        covered = 0
        for norm_start, raw_start, run_length in runs:
            if norm_start != covered or run_length < 0:
                raise ValueError(f"offset runs are not contiguous at normalized position {norm_start}")
            if run_length == 0:
                continue
            if starts and raw_starts[-1] + (covered - starts[-1]) == raw_start:
                covered += run_length  # continues the run before it
                continue
            starts.append(norm_start)
            raw_starts.append(raw_start)
            covered += run_length
        if covered != length:
            raise ValueError(f"offset runs cover {covered} characters, the text has {length}")
        self._starts, self._raw_starts, self._length = starts, raw_starts, length

    @classmethod
    def identity(cls, length: int) -> RunOffsets:
        """The map of a text that normalization left as it was."""
        return cls([(0, 0, length)] if length else [], length)

    @classmethod
    def from_offsets(cls, offsets: Sequence[int]) -> RunOffsets:
        """The runs of a map with one raw position per character (such as `normalize` makes)."""
        if isinstance(offsets, RunOffsets):
            return offsets
        runs = []
        position = 0
        # raw - normalized is constant along a run: groupby finds the runs at C speed
        for shift, group in itertools.groupby(map(operator.sub, offsets, itertools.count())):
            run_length = len(list(group))
            runs.append((position, shift + position, run_length))
            position += run_length
        return cls(runs, position)

    def __len__(self) -> int:
        return self._length

    def _at(self, index: int) -> int:
        if index < 0:
            index += self._length
        if not 0 <= index < self._length:
            raise IndexError("offset map index out of range")
        run = bisect.bisect_right(self._starts, index) - 1
        return self._raw_starts[run] + index - self._starts[run]

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> array: ...
    def __getitem__(self, index: int | slice) -> int | array:
        if isinstance(index, slice):
            return array("q", (self._at(i) for i in range(*index.indices(self._length))))
        return self._at(index)

    def _ends(self) -> list[int]:
        return [*self._starts[1:], self._length] if self._starts else []

    def __iter__(self) -> Iterator[int]:
        for start, raw, end in zip(self._starts, self._raw_starts, self._ends(), strict=True):
            yield from range(raw, raw + end - start)

    def runs(self) -> list[list[int]]:
        """``[normalized start, raw start, length]`` for every run."""
        triples = zip(self._starts, self._raw_starts, self._ends(), strict=True)
        return [[start, raw, end - start] for start, raw, end in triples]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RunOffsets):
            return self._length == other._length and self.runs() == other.runs()
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(other) == self._length and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[list[list[int]], int]]:
        return RunOffsets, (self.runs(), self._length)

    def __repr__(self) -> str:
        return f"RunOffsets({self.runs()!r}, {self._length})"


@dataclass(eq=False)
class Document:
    """An article as annotators see it.

    `offsets[i]` is the position in the raw (decoded) source of `text[i]`, so that every span
    can be shown in the original file; whatever sequence it is given, the map is kept as runs
    (`RunOffsets`). `source_sha256` hashes the raw bytes; `text_sha256` the
    normalized text, which is what annotations are made against.
    """

    id: str
    text: str
    source: str = ""
    source_sha256: str = ""
    offsets: Sequence[int] = field(default_factory=lambda: RunOffsets.identity(0))
    text_sha256: str = ""

    def __post_init__(self) -> None:
        if not self.text_sha256:
            self.text_sha256 = sha256_text(self.text)
        if len(self.offsets) == 0 and self.text:
            self.offsets = RunOffsets.identity(len(self.text))
        if len(self.offsets) != len(self.text):
            raise ValueError(
                f"document {self.id}: offset map has {len(self.offsets)} entries for {len(self.text)} characters"
            )
        self.offsets = RunOffsets.from_offsets(self.offsets)

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
        return self.offsets.runs()  # type: ignore[attr-defined]


def encode_offset_runs(offsets: Sequence[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i, raw in enumerate(offsets):
        if runs and runs[-1][1] + runs[-1][2] == raw and runs[-1][0] + runs[-1][2] == i:
            runs[-1][2] += 1
        else:
            runs.append([i, raw, 1])
    return runs


def decode_offset_runs(runs: Iterable[Sequence[int]], length: int) -> RunOffsets:
    """The offset map that `runs` write down, for a text of `length` characters."""
    return RunOffsets(runs, length)
