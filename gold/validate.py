"""Checks every reader applies: offsets inside the text, text matches, label known, no overlap."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

from .errors import ValidationError
from .schema import LABEL_SET
from .span import Span, sort_spans


def _integer(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def span_problems(
    text: str | None,
    spans: Iterable[Span],
    *,
    labels: frozenset[str] | set[str] = LABEL_SET,
    allow_overlap: bool = False,
    file: str | None = None,
    doc_id: str | None = None,
) -> list[ValidationError]:
    """Every contract violation among `spans`, in text order (empty when all is well).

    With `text` None only what needs no text is checked (order of offsets, label, overlap).
    """
    problems: list[ValidationError] = []

    def report(reason: str, span: Span, hint: str | None = None) -> None:
        problems.append(ValidationError(reason, file=file, doc_id=doc_id, span=span, hint=hint))

    typed = []  # spans whose fields have the types the checks below compare
    for span in spans:
        if not (_integer(span.start) and _integer(span.end)):
            kinds = f"{type(span.start).__name__} and {type(span.end).__name__}"
            report(f"start and end must be integers, not {kinds}", span)
        elif span.score is not None and not (_number(span.score) and math.isfinite(span.score)):
            report(f"score must be a finite number, not {span.score!r}", span)
        else:
            typed.append(span)
    previous: Span | None = None
    for span in sort_spans(typed):
        if span.start < 0 or span.end <= span.start:
            report("start must be ≥ 0 and below end", span)
            continue
        if text is not None and span.end > len(text):
            report(f"span ends after the text ({len(text)} characters)", span)
            continue
        if text is not None and text[span.start : span.end] != span.text:
            report(f"text does not match the document, which has {text[span.start : span.end]!r} there", span)
            continue
        if span.label not in labels:
            report(f"label {span.label!r} is not in the schema", span, "use one of the twelve labels or map it")
            continue
        if not allow_overlap and previous is not None and previous.overlaps(span):
            report(
                f"overlaps [{previous.start}, {previous.end}) {previous.label} {previous.text!r}",
                span,
                "spans are flat: keep one of them",
            )
            continue
        previous = span
    return problems


def validate_spans(
    text: str | None,
    spans: Iterable[Span],
    *,
    labels: frozenset[str] | set[str] = LABEL_SET,
    allow_overlap: bool = False,
    file: str | None = None,
    doc_id: str | None = None,
) -> list[Span]:
    """The spans sorted, or the first `ValidationError`."""
    spans = sort_spans(list(spans))
    problems = span_problems(text, spans, labels=labels, allow_overlap=allow_overlap, file=file, doc_id=doc_id)
    if problems:
        raise problems[0]
    return spans
