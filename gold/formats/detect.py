"""`detect_format`: a file's format from its name and, where the name does not settle it, its content."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import JinbiaoError, Remedy, ValidationError
from ..io import GOLD_FORMAT, JSONL_FORMAT
from .common import read_text_file
from .conll import DOCSTART, _is_tag
from .registry import LABEL_STUDIO, registered_formats

CONLL_SUFFIXES = {
    ".conll": "conll",
    ".bio": "conll",
    ".iob": "conll",
    ".iob2": "conll",
    ".bioes": "conll-bioes",
    ".bmes": "conll-bmes",
    ".bilou": "conll-bilou",
}
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
    if record.get("format") == JSONL_FORMAT:
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
        if not 1 <= len(fields) <= 6 or not _is_tag(fields[-1].strip()):
            return False
        seen += 1
        if seen >= SNIFFED_LINES:
            break
    return seen > 0


def _sniff_json(text: str) -> str | None:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        first = next((line for line in text.split("\n") if line.strip()), "")
        try:
            value = json.loads(first)
        except json.JSONDecodeError:
            return None
        return classify_record(value)
    if isinstance(value, list):
        if not value:
            return None
        found = classify_record(value[0])
        if found is None and isinstance(value[0], list) and value[0] and all(_is_entity_item(i) for i in value[0]):
            return "hf-pipeline"  # a list of pipeline outputs (refused when read: no ids)
        return found
    return classify_record(value)


def detect_format(path: str | os.PathLike[str]) -> str:
    """The format name of `path`: a directory of ``.ann`` files is brat, of gold files gold; ``.ann``
    brat, ``.spacy`` spaCy, ``.conll`` / ``.bio`` / ``.bioes`` … CoNLL; JSON and JSONL by the keys
    of their first record; other text by whether its lines look like ``character<TAB>tag``."""
    path = Path(path)
    if not path.exists():
        raise ValidationError("no such file or directory", file=str(path))
    if path.is_dir():
        if any(path.glob("*.ann")):
            return "brat"
        for candidate in sorted(path.glob("*.json"))[:1]:
            with open(candidate, "rb") as handle:
                if GOLD_FORMAT.encode() in handle.read(256):
                    return "gold"
        raise _undetected(path, "a directory of neither brat .ann files nor gold files")
    suffix = path.suffix.lower()
    if suffix == ".ann" or (suffix == ".txt" and path.with_suffix(".ann").is_file()):
        return "brat"
    if suffix == ".spacy":
        return "spacy"
    if suffix in CONLL_SUFFIXES:
        return CONLL_SUFFIXES[suffix]
    try:
        text = read_text_file(path)
    except ValidationError:
        raise _undetected(path, "not UTF-8 text") from None
    if not text.strip():
        raise _undetected(path, "empty")
    if text.lstrip()[:1] in ("{", "["):
        found = _sniff_json(text)
        if found is not None:
            return found
        raise _undetected(path, "JSON whose records no reader knows")
    if _looks_like_conll(text):
        return "conll"
    raise _undetected(path, "neither JSON nor character<TAB>tag lines")
