"""The main job (`make run`, `jinbiao run`): corpus → baselines → Label Studio tasks → scores.

Each stage is a public function a notebook can call the same way::

    from jinbiao.pipeline import leaderboard_step, run_baselines, summary
    result = run_baselines()          # every registered baseline on the shipped articles, into out/
    print(summary(result))            # out/tasks.json, out/label_config.xml, out/predictions/<baseline>.jsonl
    board = leaderboard_step()        # results/, or None without the shipped gold

`run_baselines` streams the corpus once, every baseline on each document, on an engine
(`jobs`, `engine`, `scheduler`: `jinbiao.engines`), and resumes an interrupted run (`resume`;
its journal is ``out/tasks.json.partial``), like `jinbiao.prelabel.write_tasks`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinbiao.annotate.corpus import NormalizationConfig, load_corpus
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.baselines import DEFAULT_BASELINE, available
from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, ModelError, has_gold
from jinbiao.engines import DEFAULT_ENGINE
from jinbiao.gold import LABELS, atomic_write_text, read_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.tables import format_table
from jinbiao.leaderboard import DEFAULT_N_RESAMPLES, DEFAULT_RESULTS_DIR, LeaderboardRun, run_leaderboard
from jinbiao.models import Say
from jinbiao.prelabel import (
    BATCH_CHARACTERS,
    OUTPUT_DIR,
    PredictionsJsonl,
    StreamJob,
    StreamReport,
    TasksJson,
)


@dataclass
class CorpusRun:
    """What `run_baselines` did: the streamed run, the files written, the baselines skipped."""

    report: StreamReport
    out_dir: Path
    paths: list[str | os.PathLike[str]]
    config: NormalizationConfig | None = None
    written: list[Path] = field(default_factory=list)
    # a learned baseline whose model could not be provided, with the reason
    skipped: dict[str, ModelError] = field(default_factory=dict)

    @property
    def baselines(self) -> list[str]:
        """The baselines that ran, the default first."""
        return [totals.origin.partition("@")[0] for totals in self.report.extractors]

    @property
    def documents(self) -> int:
        return self.report.documents

    @property
    def characters(self) -> int:
        return self.report.characters

    @property
    def seconds(self) -> float:
        return self.report.seconds

    def predictions_path(self, baseline: str) -> Path:
        return self.out_dir / "predictions" / f"{baseline}.jsonl"


def baseline_order(names: Sequence[str] | None = None) -> list[str]:
    """`names` (default: every registered baseline) with the default first: its predictions lead in
    the task file, so Label Studio shows them."""
    chosen = list(names) if names is not None else available()
    return sorted(chosen, key=lambda name: name != DEFAULT_BASELINE)


def run_baselines(
    paths: Sequence[str | os.PathLike[str]] = (ARTICLES_DIR,),
    baselines: Sequence[str] | None = None,
    *,
    out_dir: str | os.PathLike[str] = OUTPUT_DIR,
    gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    config: NormalizationConfig | None = None,
    jobs: int | None = None,
    engine: str = DEFAULT_ENGINE,
    scheduler: Any = None,
    resume: bool = False,
    say: Say | None = None,
    show_progress: bool = False,
    batch_characters: int = BATCH_CHARACTERS,
) -> CorpusRun:
    """Run `baselines` (default: every registered one) over the corpus under `paths` and write
    `out_dir`: tasks.json (every baseline's predictions, the default first), label_config.xml and
    predictions/<baseline>.jsonl.

    Each learned baseline gets its model first (`jinbiao.models.provide_model`: loaded, else trained
    from the gold in `gold_dir`, announced to `say`); one whose model cannot be had is skipped, with why."""
    job = StreamJob.prepare(
        paths,
        baseline_order(baselines),
        config=config,
        jobs=jobs,
        engine=engine,
        scheduler=scheduler,
        say=say,
        gold_dir=gold_dir,
        skip_unready=True,
    )
    out = Path(out_dir)
    result = CorpusRun(StreamReport([]), out, list(paths), config, skipped=job.skipped)
    outputs = [(out / "tasks.json", TasksJson())]
    outputs += [
        (result.predictions_path(e.name), PredictionsJsonl(i, e.trained_on)) for i, e in enumerate(job.extractors)
    ]
    result.report = job.run(
        outputs, description="run", resume=resume, show_progress=show_progress, batch_characters=batch_characters
    )
    tasks, *predictions = result.report.written
    result.written = [tasks, atomic_write_text(out / "label_config.xml", label_config_xml()), *predictions]
    return result


def _summary_rows(result: CorpusRun) -> tuple[list[str], list[list[object]]]:
    """Spans per label per baseline, with throughput (per worker: characters over the seconds spent)."""
    headers = ["baseline", *LABELS, "total", "seconds", "chars/s"]
    rows: list[list[object]] = []
    for name, totals in zip(result.baselines, result.report.extractors, strict=True):
        rows.append(
            [
                name,
                *(totals.counts.get(label, 0) for label in LABELS),
                totals.spans,
                f"{totals.seconds:.2f}",
                f"{totals.characters_per_second:,.0f}",
            ]
        )
    return headers, rows


def summary(result: CorpusRun) -> str:
    """What `jinbiao run` prints about the run: sizes, the spans table, the files written."""
    headers, rows = _summary_rows(result)
    reused = f" ({result.report.reused} from the interrupted run)" if result.report.reused else ""
    written = result.written
    return "\n".join(
        [
            f"{result.documents} documents{reused}, {result.characters:,} characters, "
            f"{len(result.baselines)} baselines on {result.report.engine} in {result.seconds:.1f} s",
            format_table(headers, rows),
            "wrote " + ", ".join(str(p) for p in written[:2]) + f" and {len(written) - 2} prediction files",
        ]
    )


def leaderboard_step(
    results_dir: str | os.PathLike[str] = DEFAULT_RESULTS_DIR,
    *,
    n_resamples: int = DEFAULT_N_RESAMPLES,
    gold_dir: str | os.PathLike[str] = DEFAULT_GOLD_DIR,
) -> LeaderboardRun | None:
    """The leaderboard against the gold in `gold_dir` (default: the shipped gold), written to
    `results_dir`; None when there is no gold there."""
    if not has_gold(gold_dir):
        return None
    return run_leaderboard(gold_dir, out_dir=results_dir, n_resamples=n_resamples)


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
    show_progress: bool = False,
) -> Served:
    """Start the local studio (idempotent) and push the documents with `baseline`'s predictions
    (read back from the run's predictions file)."""
    from jinbiao.annotate.labelstudio import server
    from jinbiao.annotate.labelstudio.client import connect
    from jinbiao.annotate.labelstudio.push import push

    status = server.start(studio_path)
    connection = connect(studio_path=studio_path, interactive=False)
    documents = load_corpus(result.paths, config=result.config)
    predictions = [read_jsonl(result.predictions_path(baseline))] if baseline in result.baselines else []
    report = push(connection, title, documents, predictions, progress=show_progress)
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


def stop_unless_waiting(studio_path: str | os.PathLike[str] | None = None) -> bool:
    """Stop the local studio in CI or with NO_SERVE=1 (`should_wait_for_annotators`); True if it was stopped."""
    if should_wait_for_annotators():
        return False
    from jinbiao.annotate.labelstudio import server

    server.stop(studio_path)
    return True
