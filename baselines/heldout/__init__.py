"""The frozen held-out phrase set: short news sentences no rule or model was tuned on.

Read ``README.md`` beside this file for how and when the phrases were written and how they are
kept apart from development. The data files are checked against ``MANIFEST.sha256`` every time
they are loaded, so an edited file is refused instead of silently scored.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from jinbiao.gold import AnnotationSet, Document, JinbiaoError, Span
from jinbiao.gold.schema import NAME_LABELS, NUMERIC_LABELS

HELDOUT_DIR = Path(__file__).resolve().parent
MANIFEST = HELDOUT_DIR / "MANIFEST.sha256"
# set name -> (file, the labels annotated exhaustively in it and scored on it)
SETS: dict[str, tuple[str, frozenset[str]]] = {
    "numeric": ("numeric.jsonl", NUMERIC_LABELS),
    "names": ("names.jsonl", NAME_LABELS),
}
SCORED_LABELS: dict[str, frozenset[str]] = {name: labels for name, (_, labels) in SETS.items()}


class ManifestMismatch(JinbiaoError):
    """A held-out file differs from the hash it was frozen with."""


@dataclass(frozen=True)
class HeldoutPhrase:
    id: str
    set: str
    phenomenon: str
    text: str
    spans: tuple[tuple[int, int, str], ...]

    def document(self) -> Document:
        return Document(id=self.id, text=self.text, source=f"heldout/{SETS[self.set][0]}")

    def gold_spans(self) -> list[Span]:
        return [Span(start, end, label, self.text[start:end]) for start, end, label in self.spans]


def manifest() -> dict[str, str]:
    """File name -> the SHA-256 it was frozen with (``sha256sum`` format)."""
    digests: dict[str, str] = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            digests[name.strip()] = digest.strip()
    return digests


def file_digest(name: str) -> str:
    return hashlib.sha256((HELDOUT_DIR / name).read_bytes()).hexdigest()


def verify_manifest() -> None:
    """Raise `ManifestMismatch` unless every data file hashes to its manifest line."""
    frozen = manifest()
    for file_name, _ in SETS.values():
        if frozen.get(file_name) != file_digest(file_name):
            raise ManifestMismatch(
                f"{HELDOUT_DIR / file_name}: does not match its frozen SHA-256 in {MANIFEST.name}; "
                "the held-out set may not be edited (see its README)"
            )


def load_phrases(set_name: str | None = None) -> list[HeldoutPhrase]:
    """The phrases of one set ("numeric" or "names"), or of both; checked against the manifest."""
    if set_name is not None and set_name not in SETS:
        raise JinbiaoError(f"unknown held-out set {set_name!r}; choose one of: {', '.join(SETS)}")
    verify_manifest()
    phrases: list[HeldoutPhrase] = []
    for name in [set_name] if set_name else list(SETS):
        file_name, labels = SETS[name]
        path = HELDOUT_DIR / file_name
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            record = json.loads(line)
            text = record["text"]
            spans = []
            for start, end, label, span_text in record["spans"]:
                if text[start:end] != span_text or label not in labels:
                    raise JinbiaoError(f"{path}:{number}: span {start}-{end} {label} {span_text!r} does not hold")
                spans.append((start, end, label))
            phrases.append(HeldoutPhrase(record["id"], name, record["phenomenon"], text, tuple(spans)))
    return phrases


def heldout_gold(phrases: list[HeldoutPhrase], name: str = "heldout") -> tuple[list[Document], AnnotationSet]:
    """The phrases as documents and a gold annotation set, for `jinbiao.evaluate.align`."""
    documents = [phrase.document() for phrase in phrases]
    gold = AnnotationSet(name=name, kind="human", version="frozen-2026-11-30")
    for phrase, document in zip(phrases, documents, strict=False):
        gold.add_document(document, phrase.gold_spans())
    return documents, gold


__all__ = [
    "HELDOUT_DIR",
    "NAME_LABELS",
    "NUMERIC_LABELS",
    "SCORED_LABELS",
    "SETS",
    "HeldoutPhrase",
    "ManifestMismatch",
    "heldout_gold",
    "load_phrases",
    "manifest",
    "verify_manifest",
]
