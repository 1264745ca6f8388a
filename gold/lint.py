"""`jinbiao gold check`: validation plus the consistency checks that keep a gold set honest.

Checks (each finding names file, document, span and check):

* ``invalid``               the file breaks the contract (offsets, text, label, overlap, hash);
* ``source``                the text's source file is missing or its bytes changed;
* ``inconsistent_label``    the same surface string carries different labels across the set;
* ``unlabelled_occurrence`` a string labelled elsewhere occurs with no span on or over it;
* ``edge``                  a span starts or ends with whitespace or punctuation (a closing
                            bracket that closes one opened inside the span is fine: `edges`);
* ``approximator``          约, 超, 左右 … inside a MONEY or PERCENT span;
* ``law_marks``             a 《 or 》 inside a LAW span.

A finding can be waived, with its reason, in a JSON file (``gold/lint_waivers.json``):
``[{"check": "...", "text": "...", "reason": "...", "doc_id": "...", "start": N}]`` (``doc_id``
and ``start`` optional: without them the waiver covers every such finding of that text).
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .document import sha256_bytes
from .edges import has_clean_edges
from .errors import ValidationError
from .io import gold_paths, read_gold_document
from .span import Span

APPROXIMATOR = re.compile(r"^(约|超过|超|近|达|不低于|预计|多达|高达|逾)|(左右|以上|以下|上下)$")
MIN_REPEATABLE = 2  # single characters (京, 两) are too ambiguous for the occurrence check


@dataclass(frozen=True)
class Finding:
    check: str
    file: str
    doc_id: str
    message: str
    span: Span | None = None

    def __str__(self) -> str:
        where = f"{self.file}: {self.doc_id}"
        if self.span is not None:
            where += f": [{self.span.start}, {self.span.end}) {self.span.label} {self.span.text!r}"
        return f"{where}: {self.check}: {self.message}"


@dataclass(frozen=True)
class Waiver:
    check: str
    text: str
    reason: str
    doc_id: str | None = None
    start: int | None = None

    def covers(self, finding: Finding) -> bool:
        if finding.check != self.check or (self.doc_id and self.doc_id != finding.doc_id):
            return False
        if finding.span is None or finding.span.text != self.text:
            return False
        return self.start is None or finding.span.start == self.start


@dataclass
class LintReport:
    findings: list[Finding] = field(default_factory=list)
    waived: list[tuple[Finding, Waiver]] = field(default_factory=list)
    documents: int = 0
    spans: int = 0


def read_waivers(path: str | os.PathLike[str] | None) -> list[Waiver]:
    if path is None or not Path(path).exists():
        return []
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
        return [Waiver(r["check"], r["text"], r["reason"], r.get("doc_id"), r.get("start")) for r in records]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValidationError(f"not a waiver list: {error}", file=str(path)) from None


def _span_findings(file: str, doc_id: str, span: Span) -> list[Finding]:
    found = []
    if not has_clean_edges(span.text):
        found.append(Finding("edge", file, doc_id, "starts or ends with whitespace or punctuation", span))
    if span.label in ("MONEY", "PERCENT") and APPROXIMATOR.search(span.text):
        found.append(Finding("approximator", file, doc_id, "approximators stay outside MONEY and PERCENT", span))
    if span.label == "LAW" and ("《" in span.text or "》" in span.text):
        found.append(Finding("law_marks", file, doc_id, "the 《》 marks stay outside LAW", span))
    return found


def _stands_alone(text: str, start: int, end: int, label: str) -> bool:
    """Not a piece of a longer figure or word (20 in 2020, IT in ITS); a LAW title only in 《》."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if label == "LAW":
        return before == "《" and after == "》"
    for edge, neighbour in ((text[start], before), (text[end - 1], after)):
        if neighbour and (edge.isdigit() and (neighbour.isdigit() or neighbour == ".")):
            return False
        if neighbour and edge.isascii() and edge.isalpha() and neighbour.isascii() and neighbour.isalpha():
            return False
    return True


def lint_gold(
    path: str | os.PathLike[str],
    *,
    articles_dir: str | os.PathLike[str] | None = None,
    waivers: list[Waiver] | None = None,
) -> LintReport:
    """Check every gold file under `path` (a directory or one file)."""
    files = gold_paths(path)
    report = LintReport()
    loaded: list[tuple[str, str, str, list[Span]]] = []
    for file in files:
        try:
            document, spans, _ = read_gold_document(file)
        except ValidationError as error:
            report.findings.append(Finding("invalid", str(file), error.doc_id or file.stem, error.reason, error.span))
            continue
        report.documents += 1
        report.spans += len(spans)
        loaded.append((str(file), document.id, document.text, spans))
        if articles_dir is not None and document.source:
            source = Path(articles_dir) / document.source
            if not source.is_file():
                report.findings.append(Finding("source", str(file), document.id, f"source {source} is missing"))
            elif document.source_sha256 and sha256_bytes(source.read_bytes()) != document.source_sha256:
                report.findings.append(Finding("source", str(file), document.id, f"source {source} has changed"))
        for span in spans:
            report.findings.extend(_span_findings(str(file), document.id, span))

    labels_of: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for _, _, _, spans in loaded:
        for span in spans:
            labels_of[span.text][span.label] += 1
    for file, doc_id, _, spans in loaded:
        for span in spans:
            labels = labels_of[span.text]
            if len(labels) > 1:
                summary = ", ".join(f"{label} ×{n}" for label, n in sorted(labels.items()))
                report.findings.append(
                    Finding("inconsistent_label", file, doc_id, f"labelled {summary} in the set", span)
                )

    for file, doc_id, text, spans in loaded:
        covered = bytearray(len(text))
        for span in spans:
            covered[span.start : span.end] = b"\x01" * (span.end - span.start)
        for surface, labels in labels_of.items():
            if len(surface) < MIN_REPEATABLE:
                continue
            label = max(labels, key=lambda name: labels[name])
            at = text.find(surface)
            while at != -1:
                if not any(covered[at : at + len(surface)]) and _stands_alone(text, at, at + len(surface), label):
                    missing = Span(at, at + len(surface), label, surface)
                    message = f"labelled {label} elsewhere but has no span here"
                    report.findings.append(Finding("unlabelled_occurrence", file, doc_id, message, missing))
                at = text.find(surface, at + 1)

    for finding in list(report.findings):
        waiver = next((w for w in waivers or [] if w.covers(finding)), None)
        if waiver is not None:
            report.findings.remove(finding)
            report.waived.append((finding, waiver))
    report.findings.sort(key=lambda f: (f.file, f.span.start if f.span else -1, f.check))
    return report
