"""`detect_format`: a file's format from its name and, where the name does not settle it, its content."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import JinbiaoError, Remedy, ValidationError
from ..io import GOLD_FORMAT, JSONL_FORMAT, unreadable_reason
from .common import read_text_file
from .conll import DOCSTART
from .registry import LABEL_STUDIO, registered_formats, registered_specs
from .tags import is_tag

SNIFFED_LINES = 200


def _undetected(path: Path, why: str) -> JinbiaoError:
    return JinbiaoError(
        f"{path}: cannot tell its format ({why})", remedy=Remedy.NAME_FORMAT, formats=", ".join(registered_formats())
    )


def _is_entity_item(item: Any) -> bool:
    return isinstance(item, dict) and ("entity_group" in item or "entity" in item) and "start" in item


def classify_record(record: Any) -> str | None:
    """The format one JSON record (a JSONL line, or an element of a JSON array) belongs to."""
    if isinstance(record, list):
        if len(record) == 2 and isinstance(record[0], str) and isinstance(record[1], dict):
            return "spacy-json"
        if record and all(_is_entity_item(item) for item in record):
            return "hf-pipeline"
        return None
    if not isinstance(record, dict):
        return None
    if record.get("format") == JSONL_FORMAT or ("doc_id" in record and "spans" in record):
        return "jinbiao"
    if record.get("format") == GOLD_FORMAT:
        return "gold"
    if "tokens" in record and ("ner_tags" in record or "tags" in record):
        return "hf-datasets"
    if "data" in record and ("annotations" in record or "predictions" in record):
        return LABEL_STUDIO
    if "spans" in record and "text" in record:
        return "prodigy"
    entities = record.get("entities")
    if isinstance(entities, list):
        first = entities[0] if entities else None
        if isinstance(first, dict) and "start_offset" in first:
            return "doccano"
        if _is_entity_item(first):
            return "hf-pipeline"
        if first is None and "relations" in record:
            return "doccano"
        return "spacy-json"
    for key in ("label", "labels"):
        labels = record.get(key)
        if isinstance(labels, list) and ("text" in record or "data" in record):
            return LABEL_STUDIO if labels and isinstance(labels[0], dict) else "doccano"
    if record and all(isinstance(v, list) and all(_is_entity_item(i) for i in v) for v in record.values()):
        return "hf-pipeline"  # {doc_id: [entities]}
    return None


def _looks_like_conll(text: str) -> bool:
    seen = 0
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith((DOCSTART, "#")):
            continue
        fields = line.split("\t") if "\t" in line else line.split()
        if not 1 <= len(fields) <= 6 or not is_tag(fields[-1].strip()):
            return False
        seen += 1
        if seen >= SNIFFED_LINES:
            break
    return seen > 0


def _has_no_spans(record: Any) -> bool:
    """A record whose span lists are all empty says little about its format (``"entities": []``)."""
    if not isinstance(record, dict):
        return isinstance(record, list) and not record
    lists = [record.get(key) for key in ("entities", "label", "labels", "spans")]
    return not any(isinstance(found, list) and found for found in lists)


def _sniff_json(text: str) -> str | None:
    """The format of the first record that shows its spans (else of the first record)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        records = []
        for line in text.split("\n"):
            if line.strip():
                try:
                    records.append(json.loads(line))
                except json.JSONDecodeError:
                    break
            if len(records) >= SNIFFED_LINES:
                break
    else:
        records = value[:SNIFFED_LINES] if isinstance(value, list) else [value]
    found = [(classify_record(record), _has_no_spans(record)) for record in records]
    found = [(name, empty) for name, empty in found if name is not None]
    shown = [name for name, empty in found if not empty]
    return shown[0] if shown else found[0][0] if found else None


def head_lines(path: str | os.PathLike[str], count: int) -> str:
    """The first `count` non-blank lines of a UTF-8 file (a JSONL file's records need no more to be
    recognised, and a corpus-sized one is not read whole)."""
    lines: list[str] = []
    try:
        with open(path, encoding="utf-8-sig", newline="\n") as handle:
            for line in handle:
                if line.strip():
                    lines.append(line)
                    if len(lines) >= count:
                        break
    except UnicodeDecodeError as error:
        raise ValidationError(f"not UTF-8 ({error.reason} at byte {error.start})", file=str(path)) from None
    return "".join(lines)


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format name of `path`: a directory of ``.ann`` files is brat, of gold files gold; ``.ann``
    brat, ``.spacy`` spaCy, ``.conll`` / ``.bio`` / ``.bioes`` … CoNLL (the registered endings); JSON
    and JSONL by the keys of the first record that shows spans; other text by whether its lines look
    like ``character<TAB>tag``."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(unreadable_reason(path), file=str(path))
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        for candidate in sorted(path.glob("*.json"))[:1]:
            with open(candidate, "rb") as handle:
                if GOLD_FORMAT.encode() in handle.read(256):
                    return "gold"
        raise _undetected(path, "a directory of neither brat .ann files nor gold files")
    suffix = path.suffix.lower()
    if suffix == ".txt" and path.with_suffix(".ann").is_file():
        return "brat"
    for spec in registered_specs():
        if suffix in spec.extensions:
            return spec.name
    try:
        text = head_lines(path, SNIFFED_LINES) if suffix == ".jsonl" else read_text_file(path)
        if text.lstrip().startswith("["):  # a JSON array after all: its records need the whole file
            text = read_text_file(path)
    except ValidationError:
        raise _undetected(path, "not UTF-8 text") from None
    if not text.strip():
        raise _undetected(path, "empty")
    if text.lstrip()[:1] in ("{", "["):
        found = _sniff_json(text)
        if found is not None:
            return found
        if suffix == ".jsonl":
            return "jinbiao"  # our own reader then says which line is wrong and why
        raise _undetected(path, "JSON whose records no reader knows")
    if _looks_like_conll(text):
        return "conll"
    raise _undetected(path, "neither JSON nor character<TAB>tag lines")
