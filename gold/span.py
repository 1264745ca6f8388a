"""`Span`: one labelled stretch of a document's normalized text."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """Character offsets into `Document.text`: Python code points, end exclusive.

    `text` repeats `document.text[start:end]` so that every reader can verify the offsets.
    `score` is a prediction's confidence; `origin` names who made the span (an annotator, or a
    baseline as ``name@version``).
    """

    start: int
    end: int
    label: str
    text: str
    score: float | None = field(default=None, compare=False)
    origin: str | None = field(default=None, compare=False)

    @property
    def key(self) -> tuple[int, int, str]:
        """What makes two spans the same annotation: boundaries and label."""
        return (self.start, self.end, self.label)

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        """End-exclusive: spans that merely touch do not overlap."""
        return self.start < other.end and other.start < self.end

    def with_label(self, label: str) -> Span:
        return replace(self, label=label)

    def to_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
        }
        if self.score is not None:
            record["score"] = round(self.score, 6)
        if self.origin is not None:
            record["origin"] = self.origin
        return record

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Span:
        """Build a span from a record; raises KeyError/TypeError/ValueError on a malformed one."""
        start, end = record["start"], record["end"]
        if type(start) is not int or type(end) is not int:  # exact: a JSON true or 3.0 is no offset
            raise TypeError(f"start and end must be integers, got {start!r} and {end!r}")
        label, text = record["label"], record["text"]
        if not isinstance(label, str) or not isinstance(text, str):
            raise TypeError("label and text must be strings")
        score = record.get("score")
        if score is not None and (type(score) not in (int, float) or not math.isfinite(score)):
            raise TypeError(f"score must be a finite number, got {score!r}")
        origin = record.get("origin")
        if origin is not None and not isinstance(origin, str):
            raise TypeError(f"origin must be a string, got {origin!r}")
        return cls(start, end, label, text, None if score is None else float(score), origin)


def sort_spans(spans: list[Span] | tuple[Span, ...]) -> list[Span]:
    """The canonical order: by start, then end, then label."""
    return sorted(spans, key=lambda s: (s.start, s.end, s.label))
