"""Pre-annotation: run extractors over documents and emit Label Studio tasks with predictions.

Python equivalent of ``jinbiao prelabel`` (``jinbiao extract`` is the same with one baseline,
written as JSONL)::

    from jinbiao.prelabel import prelabel, tasks_json
    result = prelabel(["gold/articles"], ["ensemble"])
    open("out/tasks.json", "w").write(tasks_json(result.documents, result.annotation_sets))
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from jinbiao.annotate.corpus import NormalizationConfig, load_corpus
from jinbiao.annotate.labelstudio.tasks import build_tasks
from jinbiao.baselines import DEFAULT_BASELINE, Extractor, get_extractor
from jinbiao.gold import AnnotationSet, Document, validate_spans
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.progress import progress
from jinbiao.models import Say, provide_model, ready_extractors

OUTPUT_DIR = "out"  # where the pre-annotation jobs write unless told otherwise
DEFAULT_TASKS = f"{OUTPUT_DIR}/tasks.json"
DEFAULT_LABEL_CONFIG = f"{OUTPUT_DIR}/label_config.xml"
DEFAULT_PREDICTIONS = f"{OUTPUT_DIR}/predictions.jsonl"


@dataclass
class ExtractionRun:
    annotation_set: AnnotationSet
    seconds: float
    characters: int = field(default=0)

    @property
    def characters_per_second(self) -> float:
        return self.characters / max(self.seconds, 1e-9)


def run_extractor(extractor: Extractor, documents: Sequence[Document], *, show_progress: bool = False) -> ExtractionRun:
    """Run one (ready) extractor over `documents`, checking its output against the contract."""
    result = AnnotationSet(name=extractor.name, kind="baseline", version=extractor.version)
    started = time.perf_counter()
    for document in progress(documents, extractor.name, enabled=show_progress):
        spans = extractor.extract(document)
        validate_spans(document.text, spans, doc_id=document.id, file=f"<{extractor.origin}>")
        result.add_document(document, spans)
    seconds = time.perf_counter() - started
    return ExtractionRun(result, seconds, sum(len(d.text) for d in documents))


def baseline_predictions(
    names: Sequence[str], documents: Sequence[Document], *, say: Say | None = None, show_progress: bool = False
) -> list[AnnotationSet]:
    """The predictions of every named baseline on `documents`, each checked against the contract,
    with its model provided first (`jinbiao.models.ready_extractors`, told to `say`): what ``push``
    adds to its tasks."""
    extractors = ready_extractors(names, say=say)
    return [run_extractor(extractor, documents, show_progress=show_progress).annotation_set for extractor in extractors]


@dataclass
class Prelabelled:
    documents: list[Document]
    runs: list[ExtractionRun]

    @property
    def annotation_sets(self) -> list[AnnotationSet]:
        return [run.annotation_set for run in self.runs]


def prelabel(
    paths: Sequence[str | os.PathLike[str]] = (ARTICLES_DIR,),
    baselines: Sequence[str] = (DEFAULT_BASELINE,),
    *,
    config: NormalizationConfig | None = None,
    say: Say | None = None,
    show_progress: bool = False,
) -> Prelabelled:
    """Load the corpus under `paths` and run the named `baselines` over it, their models provided
    (`jinbiao.models.provide_model`, told to `say`). Names and corpus are checked before any model."""
    extractors = [get_extractor(name) for name in baselines]
    documents = load_corpus(paths, config=config)
    runs = [
        run_extractor(provide_model(extractor, say=say), documents, show_progress=show_progress)
        for extractor in extractors
    ]
    return Prelabelled(documents, runs)


def tasks_json(documents: Sequence[Document], predictions: Sequence[AnnotationSet]) -> str:
    """The task file Label Studio's Import dialog takes as it is."""
    return json.dumps(build_tasks(documents, predictions), ensure_ascii=False, indent=1) + "\n"
