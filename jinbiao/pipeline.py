"""The main job (`make run`, `jinbiao run`): corpus → baselines → Label Studio tasks → scores.

Each stage is a public function a notebook can call the same way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinbiao.annotate.corpus import load_corpus
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.baselines import DEFAULT_BASELINE, Extractor, available, get_extractor
from jinbiao.gold import LABELS, Document, JinbiaoError, atomic_write_text
from jinbiao.gold.io import annotation_set_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.prelabel import ExtractionRun, run_extractor, tasks_json


@dataclass
class CorpusRun:
    documents: list[Document]
    runs: dict[str, ExtractionRun] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def characters(self) -> int:
        return sum(len(d.text) for d in self.documents)


def runnable_baselines() -> list[Extractor]:
    """Every registered extractor, the default first (it trains what it needs on a fresh checkout)."""
    return sorted((get_extractor(name) for name in available()), key=lambda e: e.name != DEFAULT_BASELINE)


def run_baselines(
    paths: Sequence[str | os.PathLike[str]] = (ARTICLES_DIR,),
    extractors: Sequence[Extractor] | None = None,
) -> CorpusRun:
    started = time.perf_counter()
    documents = load_corpus(paths)
    result = CorpusRun(documents)
    for extractor in extractors if extractors is not None else runnable_baselines():
        try:
            result.runs[extractor.name] = run_extractor(extractor, documents)
        except JinbiaoError as error:
            if not extractor.trainable:
                raise
            result.skipped[extractor.name] = str(error)  # a learned baseline with no usable model
    result.seconds = time.perf_counter() - started
    return result


def write_outputs(result: CorpusRun, out_dir: str | os.PathLike[str] = "out") -> list[Path]:
    """out/tasks.json (every baseline's predictions, the default first), out/label_config.xml and
    out/predictions/<baseline>.jsonl."""
    out = Path(out_dir)
    sets = [run.annotation_set for run in result.runs.values()]
    written = [
        atomic_write_text(out / "tasks.json", tasks_json(result.documents, sets)),
        atomic_write_text(out / "label_config.xml", label_config_xml()),
    ]
    for name, run in result.runs.items():
        written.append(
            atomic_write_text(out / "predictions" / f"{name}.jsonl", annotation_set_jsonl(run.annotation_set))
        )
    return written


def summary_rows(result: CorpusRun) -> tuple[list[str], list[list[object]]]:
    """Spans per label per baseline, with throughput."""
    headers = ["baseline", *LABELS, "total", "seconds", "chars/s"]
    rows: list[list[object]] = []
    for name, run in result.runs.items():
        counts = run.annotation_set.label_counts()
        rows.append(
            [
                name,
                *(counts.get(label, 0) for label in LABELS),
                sum(counts.values()),
                f"{run.seconds:.2f}",
                f"{run.characters / max(run.seconds, 1e-9):,.0f}",
            ]
        )
    return headers, rows


PROJECT_TITLE = "金标 seeds"


@dataclass
class Served:
    url: str
    project_url: str
    username: str
    push_lines: list[str]


def serve_for_annotation(
    result: CorpusRun,
    *,
    baseline: str = DEFAULT_BASELINE,
    title: str = PROJECT_TITLE,
    studio_path: str | os.PathLike[str] | None = None,
    progress: bool = False,
) -> Served:
    """Start the local studio (idempotent) and push the documents with `baseline`'s predictions."""
    from jinbiao.annotate.labelstudio import server
    from jinbiao.annotate.labelstudio.client import connect
    from jinbiao.annotate.labelstudio.push import push

    status = server.start(studio_path)
    connection = connect(studio_path=studio_path, interactive=False)
    predictions = [result.runs[baseline].annotation_set] if baseline in result.runs else []
    report = push(connection, title, result.documents, predictions, progress=progress)
    url = status.url or ""
    return Served(
        url=url,
        project_url=f"{url}/projects/{report.project_id}/data",
        username=server.credentials(studio_path).username,
        push_lines=report.lines(),
    )


def should_wait_for_annotators(environ: dict[str, str] | None = None) -> bool:
    """`make run` leaves the studio up for the annotator, except in CI or with NO_SERVE=1."""
    env = os.environ if environ is None else environ
    return not (env.get("CI") or env.get("NO_SERVE", "").strip() not in ("", "0"))
