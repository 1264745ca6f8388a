"""Pre-annotation: run extractors over documents and emit Label Studio tasks with predictions."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.annotate.labelstudio.tasks import build_tasks
from jinbiao.baselines import Extractor
from jinbiao.gold import AnnotationSet, Document, atomic_write_text, validate_spans


@dataclass
class ExtractionRun:
    annotation_set: AnnotationSet
    seconds: float
    characters: int = field(default=0)


def run_extractor(
    extractor: Extractor,
    documents: Sequence[Document],
    *,
    progress: Callable[[Document], None] | None = None,
) -> ExtractionRun:
    """Run one extractor over `documents`, checking its output against the contract."""
    result = AnnotationSet(name=extractor.name, kind="baseline", version=extractor.version)
    started = time.perf_counter()
    for document in documents:
        spans = extractor.extract(document)
        validate_spans(document.text, spans, doc_id=document.id, file=f"<{extractor.origin}>")
        result.add_document(document, spans)
        if progress:
            progress(document)
    seconds = time.perf_counter() - started
    return ExtractionRun(result, seconds, sum(len(d.text) for d in documents))


def tasks_json(documents: Sequence[Document], predictions: Sequence[AnnotationSet]) -> str:
    """The task file Label Studio's Import dialog takes as it is."""
    return json.dumps(build_tasks(documents, predictions), ensure_ascii=False, indent=1) + "\n"


def write_tasks(
    path: str | os.PathLike[str], documents: Sequence[Document], predictions: Sequence[AnnotationSet]
) -> Path:
    return atomic_write_text(path, tasks_json(documents, predictions))


def write_label_config(path: str | os.PathLike[str]) -> Path:
    return atomic_write_text(path, label_config_xml())

