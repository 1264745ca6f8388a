"""The main job (`make run`, `jinbiao run`): corpus → baselines → Label Studio tasks → scores.

Each stage is a public function a notebook can call the same way::

    from jinbiao.pipeline import leaderboard_step, run_baselines, summary, write_outputs
    result = run_baselines()                       # every registered baseline on the shipped articles
    print(summary(result, write_outputs(result)))  # out/tasks.json, out/label_config.xml, out/predictions/
    board = leaderboard_step()                     # results/, or None without the shipped gold
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinbiao.annotate.corpus import load_corpus
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.baselines import DEFAULT_BASELINE, available, get_extractor
from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, ModelError, has_gold
from jinbiao.gold import LABELS, Document, atomic_write_text
from jinbiao.gold.io import annotation_set_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.tables import format_table
from jinbiao.leaderboard import DEFAULT_N_RESAMPLES, DEFAULT_RESULTS_DIR, LeaderboardRun, run_leaderboard
from jinbiao.models import Say, provide_model
from jinbiao.prelabel import OUTPUT_DIR, ExtractionRun, run_extractor, tasks_json


@dataclass
class CorpusRun:
    documents: list[Document]
    runs: dict[str, ExtractionRun] = field(default_factory=dict)
    # a learned baseline whose model could not be provided, with the reason
    skipped: dict[str, ModelError] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def characters(self) -> int:
        return sum(len(d.text) for d in self.documents)


def baseline_order(names: Sequence[str] | None = None) -> list[str]:
    """`names` (default: every registered baseline) with the default first: its predictions lead in
    the task file, so Label Studio shows them."""
    chosen = list(names) if names is not None else available()
    return sorted(chosen, key=lambda name: name != DEFAULT_BASELINE)


def run_baselines(
    paths: Sequence[str | os.PathLike[str]] = (ARTICLES_DIR,),
    baselines: Sequence[str] | None = None,
    *,
    gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    say: Say | None = None,
    show_progress: bool = False,
) -> CorpusRun:
    """Run `baselines` (default: every registered one) over the corpus under `paths`.

    Each learned baseline gets its model first (`jinbiao.models.provide_model`: loaded, else trained
    from the gold in `gold_dir`, announced to `say`); one whose model cannot be had is skipped, with why."""
    started = time.perf_counter()
    extractors = [get_extractor(name) for name in baseline_order(baselines)]
    result = CorpusRun(load_corpus(paths))
    for extractor in extractors:
        try:
            provide_model(extractor, gold_dir=gold_dir, say=say)
        except ModelError as error:
            result.skipped[extractor.name] = error
            continue
        result.runs[extractor.name] = run_extractor(extractor, result.documents, show_progress=show_progress)
    result.seconds = time.perf_counter() - started
    return result


def write_outputs(result: CorpusRun, out_dir: str | os.PathLike[str] = OUTPUT_DIR) -> list[Path]:
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


def _summary_rows(result: CorpusRun) -> tuple[list[str], list[list[object]]]:
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
                f"{run.characters_per_second:,.0f}",
            ]
        )
    return headers, rows


def summary(result: CorpusRun, written: Sequence[Path]) -> str:
    """What `jinbiao run` prints about the run: sizes, the spans table, the files written."""
    headers, rows = _summary_rows(result)
    return "\n".join(
        [
            f"{len(result.documents)} documents, {result.characters:,} characters, "
            f"{len(result.runs)} baselines in {result.seconds:.1f} s",
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
    """Start the local studio (idempotent) and push the documents with `baseline`'s predictions."""
    from jinbiao.annotate.labelstudio import server
    from jinbiao.annotate.labelstudio.client import connect
    from jinbiao.annotate.labelstudio.push import push

    status = server.start(studio_path)
    connection = connect(studio_path=studio_path, interactive=False)
    predictions = [result.runs[baseline].annotation_set] if baseline in result.runs else []
    report = push(connection, title, result.documents, predictions, progress=show_progress)
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
