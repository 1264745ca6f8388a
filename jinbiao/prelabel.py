"""Pre-annotation: run extractors over a corpus and write their predictions, or Label Studio tasks.

Python equivalents of ``jinbiao extract`` and ``jinbiao prelabel``, for a corpus of any size::

    from jinbiao.prelabel import write_predictions, write_tasks
    write_predictions(["archive/"], "ensemble", "out/predictions.jsonl", jobs=2)
    write_tasks(["archive/"], ["ensemble"], "out/tasks.json", resume=True)

Both stream: each document is read, normalized, extracted and written in turn (in batches of
about `BATCH_CHARACTERS` characters), into a temporary file beside the output that replaces it
at the end, so memory does not grow with the corpus. The work runs on an engine
(`jinbiao.engines`): this machine's cores (`jobs`, default all of them) or a Dask cluster
(`engine="dask", scheduler=ADDRESS`); the output is the same byte for byte wherever it ran.
``<output>.partial`` records every finished document, so an interrupted run continues with
`resume=True` (`jinbiao.engines.outputs`).

For a corpus in memory: `run_extractor`, `baseline_predictions`, `prelabel` and `tasks_json`.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.annotate.corpus import NormalizationConfig, load_corpus
from jinbiao.annotate.corpus.stream import CorpusStream, open_corpus
from jinbiao.annotate.labelstudio.tasks import build_tasks, document_task
from jinbiao.baselines import DEFAULT_BASELINE, Extractor, get_extractor
from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, ModelError
from jinbiao.engines import DEFAULT_ENGINE, Engine, make_engine, models_digest
from jinbiao.engines.outputs import Journal, StreamedFile
from jinbiao.gold import AnnotationSet, Document, validate_spans
from jinbiao.gold.io import annotation_set_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.progress import progress, progress_bar
from jinbiao.models import Say, provide_model, ready_extractors

OUTPUT_DIR = "out"  # where the pre-annotation jobs write unless told otherwise
DEFAULT_TASKS = f"{OUTPUT_DIR}/tasks.json"
DEFAULT_LABEL_CONFIG = f"{OUTPUT_DIR}/label_config.xml"
DEFAULT_PREDICTIONS = f"{OUTPUT_DIR}/predictions.jsonl"
# Documents go to the workers in batches of about this many characters (a large document alone):
# about half a second of work for the default baseline, so that shipping a batch costs next to
# nothing and the last batches leave no worker waiting long for the others.
BATCH_CHARACTERS = 20_000
BATCH_DOCUMENTS = 500  # and at most this many documents (many short ones, or ones an interrupted run did)


# ------------------------------------------------------------------------------ in memory


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
    result = extractor.empty_set()
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
    """Load the corpus under `paths` into memory and run the named `baselines` over it, their models
    provided (`jinbiao.models.provide_model`, told to `say`). Names and corpus are checked before any
    model. (`write_tasks` and `write_predictions` stream a corpus of any size to files.)"""
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


# ------------------------------------------------------------------------- what is written


@dataclass(frozen=True)
class PredictionsJsonl:
    """One extractor's predictions as JSONL (`jinbiao.gold.io.annotation_set_jsonl`), one line per
    document."""

    extractor: int  # its position among the job's extractors
    trained_on: tuple[str, ...] | None = None  # its model's training documents, read in the parent
    start: str = ""
    separator: str = ""
    end: str = ""
    empty: str = ""

    def render(self, document: Document, sets: Sequence[AnnotationSet]) -> str:
        annotation_set = sets[self.extractor]
        if self.trained_on is not None:
            annotation_set.meta["trained_on"] = list(self.trained_on)
        return annotation_set_jsonl(annotation_set)


@dataclass(frozen=True)
class TasksJson:
    """Label Studio tasks with every extractor's predictions: the bytes of `tasks_json`, written one
    task at a time."""

    start: str = "[\n"
    separator: str = ",\n"
    end: str = "\n]\n"
    empty: str = "[]\n"

    def render(self, document: Document, sets: Sequence[AnnotationSet]) -> str:
        task = json.dumps(document_task(document, sets), ensure_ascii=False, indent=1)
        return " " + task.replace("\n", "\n ")  # one level deeper: an element of the list


Output = PredictionsJsonl | TasksJson


@dataclass(frozen=True)
class Extraction:
    """What every worker gets once: the ready extractors and the outputs to render."""

    extractors: tuple[Extractor, ...]
    outputs: tuple[Output, ...]


@dataclass
class Extracted:
    """One finished document: what it adds to each output, with its span counts and timings."""

    doc_id: str
    text_sha256: str
    characters: int
    chunks: list[str]
    counts: list[dict[str, int]]  # per extractor: spans per label
    seconds: list[float]  # per extractor

    def kept(self) -> dict[str, Any]:
        """What the journal keeps of it (no timings: a reused document took no time)."""
        return {"characters": self.characters, "chunks": self.chunks, "counts": self.counts}

    @classmethod
    def recalled(cls, doc_id: str, text_sha256: str, kept: dict[str, Any]) -> Extracted:
        return cls(doc_id, text_sha256, kept["characters"], kept["chunks"], kept["counts"], [0.0] * len(kept["counts"]))


def extract_batch(job: Extraction, documents: Sequence[Document]) -> list[Extracted]:
    """Run every extractor of `job` over `documents` and render the outputs (in a worker, or here)."""
    results = []
    for document in documents:
        sets: list[AnnotationSet] = []
        counts: list[dict[str, int]] = []
        seconds: list[float] = []
        for extractor in job.extractors:
            started = time.perf_counter()
            spans = extractor.extract(document)
            validate_spans(document.text, spans, doc_id=document.id, file=f"<{extractor.origin}>")
            seconds.append(time.perf_counter() - started)
            annotation_set = AnnotationSet(name=extractor.name, kind="baseline", version=extractor.version)
            annotation_set.add_document(document, spans)
            sets.append(annotation_set)
            counts.append(dict(Counter(span.label for span in spans)))
        chunks = [output.render(document, sets) for output in job.outputs]
        results.append(Extracted(document.id, document.text_sha256, len(document.text), chunks, counts, seconds))
    return results


# ------------------------------------------------------------------------------ streaming


@dataclass
class ExtractorTotals:
    """One extractor over the whole run."""

    origin: str
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0  # extraction time summed over the workers (reused documents: none)
    characters: int = 0  # characters it extracted in this run (not reused)

    @property
    def spans(self) -> int:
        return sum(self.counts.values())

    @property
    def characters_per_second(self) -> float:
        """Per worker: characters over the seconds spent extracting them."""
        return self.characters / max(self.seconds, 1e-9)


@dataclass
class StreamReport:
    """What a streamed run did."""

    written: list[Path]
    documents: int = 0
    characters: int = 0
    reused: int = 0  # documents taken from the journal of an interrupted run
    seconds: float = 0.0  # wall clock
    extractors: list[ExtractorTotals] = field(default_factory=list)
    engine: str = ""


def _origin(extractor: Extractor) -> str:
    return extractor.origin + ("-fallback" if getattr(extractor, "fallback", False) else "")


def job_description(extraction: Extraction, config: NormalizationConfig | None) -> dict[str, Any]:
    """What makes two runs the same job (a journal is reused only by the same job)."""
    config = config or NormalizationConfig()
    return {
        "extractors": [_origin(extractor) for extractor in extraction.extractors],
        "models": models_digest(extraction.extractors),
        "normalization": {
            "steps": list(config.steps),
            "chrome_patterns": list(config.chrome_patterns),
            "min_broken_line": config.min_broken_line,
        },
        "outputs": [repr(output) for output in extraction.outputs],
    }


@dataclass
class _Batch:
    documents: list[Document]  # to extract
    order: list[tuple[str, str, bool]]  # (doc_id, text_sha256, reused) of every document, in corpus order


def _batches(corpus: Iterable[Document], journal: Journal, batch_characters: int) -> Iterator[_Batch]:
    batch = _Batch([], [])
    size = 0
    for document in corpus:
        reused = journal.done(document.id, document.text_sha256)
        batch.order.append((document.id, document.text_sha256, reused))
        if not reused:
            batch.documents.append(document)
            size += len(document.text)
        if size >= batch_characters or len(batch.order) >= BATCH_DOCUMENTS:
            yield batch
            batch, size = _Batch([], []), 0
    if batch.order:
        yield batch


def stream_extraction(
    corpus: CorpusStream,
    extractors: Sequence[Extractor],
    outputs: Sequence[tuple[str | os.PathLike[str], Output]],
    *,
    engine: Engine | None = None,
    resume: bool = False,
    show_progress: bool = False,
    description: str = "extract",
    batch_characters: int = BATCH_CHARACTERS,
) -> StreamReport:
    """Run the ready `extractors` over `corpus` on `engine` (default: every local core) and write
    each `(path, output)` as the documents finish, in corpus order; the journal is kept beside the
    first path (see the module docstring)."""
    engine = engine or make_engine()
    extraction = Extraction(tuple(extractors), tuple(output for _, output in outputs))
    journal = Journal(outputs[0][0], job_description(extraction, corpus.config), resume=resume)
    files: list[StreamedFile] = []
    report = StreamReport([], engine=engine.describe())
    report.extractors = [ExtractorTotals(_origin(extractor)) for extractor in extractors]
    started = time.perf_counter()
    try:
        files = [StreamedFile(path) for path, _ in outputs]
        in_flight: deque[_Batch] = deque()

        def work() -> Iterator[list[Document]]:
            for batch in _batches(corpus, journal, batch_characters):
                in_flight.append(batch)
                yield batch.documents

        with progress_bar(len(corpus), description, enabled=show_progress) as bar:
            for computed in engine.map(extract_batch, extraction, work()):
                batch = in_flight.popleft()
                fresh = iter(computed)
                for doc_id, text_sha256, reused in batch.order:
                    if reused:
                        done = Extracted.recalled(doc_id, text_sha256, journal.recall(doc_id))
                        report.reused += 1
                    else:
                        done = next(fresh)
                        journal.record(doc_id, text_sha256, done.kept())
                    _write(done, files, extraction.outputs, first=report.documents == 0)
                    _add(report, done, reused)
                journal.flush()
                bar.update(len(batch.order))
        for file, output in zip(files, extraction.outputs, strict=True):
            file.write(output.end if report.documents else output.empty)
        report.written = [file.finish() for file in files]
    except BaseException:
        for file in files:
            file.discard()
        journal.close(keep=len(journal) > 0)
        raise
    journal.close(keep=False)
    report.seconds = time.perf_counter() - started
    return report


def _write(done: Extracted, files: Sequence[StreamedFile], outputs: Sequence[Output], *, first: bool) -> None:
    for file, output, chunk in zip(files, outputs, done.chunks, strict=True):
        file.write(output.start + chunk if first else output.separator + chunk)


def _add(report: StreamReport, done: Extracted, reused: bool) -> None:
    report.documents += 1
    report.characters += done.characters
    for totals, counts, seconds in zip(report.extractors, done.counts, done.seconds, strict=True):
        totals.counts.update(counts)
        if not reused:
            totals.seconds += seconds
            totals.characters += done.characters


@dataclass
class StreamJob:
    """A streamed job made ready in the order that fails fastest: the engine, the baselines' names,
    the corpus (listed, not read), then the models (provided, announced to `say`)."""

    engine: Any
    corpus: CorpusStream
    extractors: list[Extractor]
    skipped: dict[str, ModelError]

    @classmethod
    def prepare(
        cls,
        paths: Sequence[str | os.PathLike[str]],
        names: Sequence[str],
        *,
        config: NormalizationConfig | None,
        jobs: int | None,
        engine: str,
        scheduler: Any,
        say: Say | None,
        gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
        skip_unready: bool = False,
    ) -> StreamJob:
        """With `skip_unready`, a baseline whose model cannot be had is left out (with why) instead of failing."""
        runner = make_engine(jobs, engine=engine, scheduler=scheduler)
        found = [get_extractor(name) for name in names]
        corpus = open_corpus(paths, config=config)
        ready: list[Extractor] = []
        skipped: dict[str, ModelError] = {}
        for extractor in found:
            try:
                ready.append(provide_model(extractor, gold_dir=gold_dir, say=say))
            except ModelError as error:
                if not skip_unready:
                    raise
                skipped[extractor.name] = error
        return cls(runner, corpus, ready, skipped)

    def run(self, outputs: list[tuple[Any, Any]], *, description: str, **options: Any) -> StreamReport:
        return stream_extraction(
            self.corpus, self.extractors, outputs, engine=self.engine, description=description, **options
        )


def write_predictions(
    paths: Sequence[str | os.PathLike[str]],
    baseline: str,
    output: str | os.PathLike[str],
    *,
    config: NormalizationConfig | None = None,
    jobs: int | None = None,
    engine: str = DEFAULT_ENGINE,
    scheduler: Any = None,
    resume: bool = False,
    say: Say | None = None,
    show_progress: bool = False,
    batch_characters: int = BATCH_CHARACTERS,
) -> StreamReport:
    """`baseline`'s predictions on the corpus under `paths`, streamed to the JSONL file `output`
    (`jinbiao extract`). The engine, the corpus and the baseline's name are checked before its model
    is provided (`jinbiao.models`, told to `say`)."""
    job = StreamJob.prepare(paths, [baseline], config=config, jobs=jobs, engine=engine, scheduler=scheduler, say=say)
    outputs = [(output, PredictionsJsonl(0, job.extractors[0].trained_on))]
    return job.run(
        outputs, description=baseline, resume=resume, show_progress=show_progress, batch_characters=batch_characters
    )


def write_tasks(
    paths: Sequence[str | os.PathLike[str]],
    baselines: Sequence[str],
    output: str | os.PathLike[str],
    *,
    config: NormalizationConfig | None = None,
    jobs: int | None = None,
    engine: str = DEFAULT_ENGINE,
    scheduler: Any = None,
    resume: bool = False,
    say: Say | None = None,
    show_progress: bool = False,
    batch_characters: int = BATCH_CHARACTERS,
) -> StreamReport:
    """Label Studio tasks for the corpus under `paths` with the predictions of every named baseline,
    streamed to `output` (`jinbiao prelabel`): the same bytes as `tasks_json`."""
    job = StreamJob.prepare(paths, baselines, config=config, jobs=jobs, engine=engine, scheduler=scheduler, say=say)
    return job.run(
        [(output, TasksJson())],
        description="prelabel",
        resume=resume,
        show_progress=show_progress,
        batch_characters=batch_characters,
    )


def report_lines(report: StreamReport) -> list[str]:
    """One line per extractor: spans, documents and speed (what the commands print on stderr)."""
    lines = []
    for totals in report.extractors:
        line = f"{totals.origin}: {totals.spans} spans in {report.documents} documents"
        if totals.characters:
            line += f", {totals.characters_per_second:,.0f} characters/s per worker"
        if report.reused:
            line += f" ({report.reused} documents from the interrupted run)"
        lines.append(line)
    return lines


__all__ = [
    "BATCH_CHARACTERS",
    "DEFAULT_LABEL_CONFIG",
    "DEFAULT_PREDICTIONS",
    "DEFAULT_TASKS",
    "OUTPUT_DIR",
    "ExtractionRun",
    "PredictionsJsonl",
    "Prelabelled",
    "StreamReport",
    "TasksJson",
    "baseline_predictions",
    "prelabel",
    "report_lines",
    "run_extractor",
    "stream_extraction",
    "tasks_json",
    "write_predictions",
    "write_tasks",
]
