"""`jinbiao studio start|stop|status|credentials|wait`, `jinbiao push`, `jinbiao pull`.

Thin wrappers: each command is a few lines over `jinbiao.annotate.labelstudio.server`, `.push` and `.pull`.
The API key is never taken on the command line (it would land in shell history and `ps`):
it comes from LABEL_STUDIO_API_KEY, the local studio's credentials file, or a prompt.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import time
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from jinbiao.annotate.labelstudio.client import DEFAULT_TIMEOUT
from jinbiao.annotate.labelstudio.database import DATABASES
from jinbiao.annotate.labelstudio.export import DEFAULT_POLICY, POLICIES, Problem
from jinbiao.annotate.labelstudio.push import DEFAULT_BATCH_SIZE
from jinbiao.annotate.labelstudio.server import DEFAULT_PORT, START_TIMEOUT, STOP_TIMEOUT
from jinbiao.baselines import DEFAULT_BASELINE
from jinbiao.gold import AnnotationSet, Document, JinbiaoError, read_annotations

from .common import check_output_dir, positive_float, positive_int
from .errors import describe

if TYPE_CHECKING:
    from jinbiao.annotate.labelstudio.push import Predictor
    from jinbiao.models import Say

STUDIO_DIR_HELP = "the local studio's directory (default: $JINBIAO_HOME/studio, else .jinbiao/studio in the project)"

# ------------------------------------------------------------------------------------ studio


def _studio(args: argparse.Namespace, action: str) -> str:
    """The command that does `action` to the same studio (`--dir` kept), for hints."""
    return f"`jinbiao studio {action}" + (f" --dir {shlex.quote(args.dir)}`" if args.dir else "`")


def cmd_studio_start(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    if not args.quiet:
        print("starting Label Studio (the first start migrates its database: about a minute)…", file=sys.stderr)
    options = {"database": args.database, "database_url": args.database_url}
    current = server.start(args.dir, port=args.port, timeout=args.timeout, **options)
    if current.already_running:
        print(f"Label Studio is already running at {current.url} (pid {current.pid})")
    else:
        if current.moved_port:
            print(f"port {current.requested_port} was taken; Label Studio took {current.port}")
        print(f"Label Studio is running at {current.url} (pid {current.pid}); log: {current.log}")
        if current.database and not current.database.startswith("SQLite"):
            print(f"its projects are in {current.database}")
    if not args.quiet:
        print(f"login and API token: {_studio(args, 'credentials')}; stop it with {_studio(args, 'stop')}")
        if args.dir:
            print(f"push, pull and team commands reach it with --studio-dir {shlex.quote(args.dir)}")
    return 0


def cmd_studio_stop(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    result = server.stop(args.dir, timeout=args.timeout)
    if result.was_running:
        how = "killed after it ignored SIGTERM" if result.killed else "stopped"
        print(f"Label Studio (pid {result.pid}) {how}")
    elif result.stale:
        print("Label Studio was not running (removed a stale pid file)")
    else:
        print("Label Studio was not running")
    if result.database_stopped:
        print("its PostgreSQL cluster stopped")
    return 0


def cmd_studio_status(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    current = server.status(args.dir)
    if args.json:
        print(json.dumps(current.to_dict(), indent=2))
    elif current.running:
        health = "answers /health" if current.healthy else "does not answer /health yet"
        database = f"; database: {current.database}" if current.database else ""
        print(f"running at {current.url} (pid {current.pid}), {health}; data: {current.root}{database}")
    else:
        print(f"not running; data: {current.root}; start it with {_studio(args, 'start')}")
    return 0 if current.running and current.healthy else 1


def cmd_studio_credentials(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    credentials = server.credentials(args.dir)
    url = server.local_url(args.dir)
    if args.env:
        if url is None:
            raise JinbiaoError(f"the local studio is not running; start it with {_studio(args, 'start')}")
        print(f"export LABEL_STUDIO_URL={url}")
        print(f"export LABEL_STUDIO_API_KEY={credentials.token}")
        return 0
    print(f"url:      {url or 'not running (start it with ' + _studio(args, 'start') + ')'}")
    print(f"username: {credentials.username}")
    print(f"password: {credentials.password}")
    return 0


def cmd_studio_wait(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    current = server.status(args.dir)
    if not current.running:
        raise JinbiaoError(f"the local studio is not running; start it with {_studio(args, 'start')}")
    print(f"Label Studio runs at {current.url}; press Ctrl-C to stop it", flush=True)

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)  # a stopped `make run` stops the studio too
    signal.signal(signal.SIGINT, interrupted)  # even where the shell started us ignoring it
    try:
        while server.status(args.dir).running:
            time.sleep(1.0)
    except KeyboardInterrupt:
        result = server.stop(args.dir)
        print(f"\nLabel Studio (pid {result.pid}) stopped" if result.was_running else "\nLabel Studio was not running")
        return 0
    raise JinbiaoError(f"Label Studio stopped on its own; see {current.log}")


# -------------------------------------------------------------------------------------- push


def prediction_sets(
    baselines: Sequence[str],
    files: Sequence[str | os.PathLike[str]],
    documents: Sequence[Document],
    *,
    say: Say | None = None,
    show_progress: bool = False,
) -> list[AnnotationSet]:
    """What `push` (and `team create`) add to their tasks: the predictions of every named baseline
    on `documents`, each with its model provided first (`jinbiao.prelabel.baseline_predictions`,
    told to `say`), then the annotation files given."""
    from jinbiao.prelabel import baseline_predictions

    sets = baseline_predictions(baselines, documents, say=say, show_progress=show_progress) if baselines else []
    sets.extend(read_annotations(path) for path in files)
    return sets


def baseline_predictor(names: Sequence[str], *, say: Say | None = None) -> Predictor | None:
    """The named baselines as the `Predictor` `push` runs batch by batch while it sends tasks (for a
    corpus of any size): names checked, then every model provided now, before anything is sent
    (`jinbiao.models.ready_extractors`, told to `say`). None for no baseline."""
    from jinbiao.annotate.labelstudio.push import Predictor
    from jinbiao.models import ready_extractors
    from jinbiao.prelabel import run_extractor

    if not names:
        return None
    extractors = ready_extractors(names, say=say)  # every name looked up before any model is provided

    def predict(documents: Sequence[Document]) -> list[AnnotationSet]:
        return [run_extractor(extractor, documents).annotation_set for extractor in extractors]

    return Predictor(tuple(extractor.origin for extractor in extractors), predict)


def _baselines(args: argparse.Namespace) -> list[str]:
    return [] if args.no_baseline else list(args.baseline or [DEFAULT_BASELINE])


def _prediction_sets(args: argparse.Namespace, documents: Sequence[Document]) -> list[AnnotationSet]:
    """The predictions the command line asks for (`--baseline`, `--no-baseline`, `--predictions`), in memory."""
    say = partial(print, file=sys.stderr)
    return prediction_sets(_baselines(args), args.predictions or [], documents, say=say, show_progress=not args.quiet)


def cmd_push(args: argparse.Namespace) -> int:
    from jinbiao.annotate.corpus.stream import open_corpus
    from jinbiao.annotate.labelstudio.client import check_title, connect
    from jinbiao.annotate.labelstudio.push import push
    from jinbiao.gold.paths import ARTICLES_DIR

    check_title(args.project)
    corpus = open_corpus(args.corpus or [ARTICLES_DIR])  # read document by document, as the tasks go
    connection = connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)  # a wrong key fails first
    files = [read_annotations(path) for path in args.predictions or []]
    predictor = baseline_predictor(_baselines(args), say=partial(print, file=sys.stderr))
    options = {"new_version": args.new_version, "force": args.force, "batch_size": args.batch_size}
    report = push(connection, args.project, corpus, files, predictor=predictor, progress=not args.quiet, **options)
    print("\n".join(report.lines()))
    return 0


# -------------------------------------------------------------------------------------- pull


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"problem: {problem.where}: {describe(problem.as_error())}", file=sys.stderr)


def cmd_pull(args: argparse.Namespace) -> int:
    from jinbiao.annotate.corpus.stream import open_corpus
    from jinbiao.annotate.labelstudio.pull import PullFailed, pull, pull_file

    check_output_dir(args.output, overwrite=args.overwrite)
    documents = open_corpus(args.corpus) if args.corpus else None  # read as a stream, twice (check, gold files)
    options = {
        "policy": args.policy,
        "documents": documents,
        "write_gold": args.write_gold,
        "allow_problems": args.allow_problems,
        "overwrite": args.overwrite,
    }
    try:
        if args.from_file:
            report = pull_file(args.from_file, args.output, **options)
        else:
            from jinbiao.annotate.labelstudio.client import connect

            connection = connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)
            report = pull(
                connection, args.project, args.output, timeout=args.timeout, progress=not args.quiet, **options
            )
    except PullFailed as failed:
        _print_problems(failed.problems)
        raise
    _print_problems(report.problems)
    for edge in report.edges:
        print(f"warning: {edge}", file=sys.stderr)
    print("\n".join(report.lines(word=describe)))
    return 0


# ---------------------------------------------------------------------------------- register


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (the API key comes from LABEL_STUDIO_API_KEY, never an option)")
    group.add_argument("--url", help="Label Studio's URL (default: LABEL_STUDIO_URL, else the local studio)")
    group.add_argument("--studio-dir", help=STUDIO_DIR_HELP)
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=DEFAULT_TIMEOUT,
        help=f"seconds to wait for each answer (default {DEFAULT_TIMEOUT:g})",
    )


def add_transfer_options(parser: argparse.ArgumentParser) -> None:
    """`--batch-size`, `-q` and the connection options of every command that sends tasks to Label Studio."""
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=DEFAULT_BATCH_SIZE,
        help=f"tasks per request (default {DEFAULT_BATCH_SIZE})",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    studio = subparsers.add_parser("studio", help="run this project's local Label Studio server")
    actions = studio.add_subparsers(dest="studio_command", metavar="ACTION")
    studio.set_defaults(handler=lambda args: (studio.print_help(), 2)[1])

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--dir", help=STUDIO_DIR_HELP)
        return parser

    start = action("start", "start the local studio (idempotent) and wait until it answers")
    start.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="port to ask for (a busy one moves to the next free)"
    )
    start.add_argument(
        "--timeout",
        type=positive_float,
        default=START_TIMEOUT,
        help=f"seconds to wait for /health (default {START_TIMEOUT:g})",
    )
    start.add_argument(
        "--database",
        choices=DATABASES,
        help="where a new studio keeps its projects: sqlite (default) or postgresql, a cluster of its own run by "
        "jinbiao (Debian's postgresql package); a studio keeps its database",
    )
    start.add_argument(
        "--database-url",
        metavar="URL",
        help="a PostgreSQL server of yours instead: postgresql://USER:PASSWORD@HOST:PORT/NAME",
    )
    start.add_argument("-q", "--quiet", action="store_true", help="no hints")
    start.set_defaults(handler=cmd_studio_start)

    stop = action("stop", "stop the local studio (SIGTERM to the process `start` launched) and its PostgreSQL cluster")
    stop.add_argument(
        "--timeout",
        type=positive_float,
        default=STOP_TIMEOUT,
        help=f"seconds to wait before SIGKILL (default {STOP_TIMEOUT:g})",
    )
    stop.set_defaults(handler=cmd_studio_stop)

    status = action("status", "is the local studio running? (exit 0 yes, 1 no)")
    status.add_argument("--json", action="store_true", help="as JSON")
    status.set_defaults(handler=cmd_studio_status)

    credentials = action("credentials", "show the local studio's URL and admin login")
    credentials.add_argument("--env", action="store_true", help="print export lines for URL and API token instead")
    credentials.set_defaults(handler=cmd_studio_credentials)

    wait = action("wait", "wait while the studio runs; Ctrl-C stops it")
    wait.set_defaults(handler=cmd_studio_wait)

    push = subparsers.add_parser(
        "push",
        help="put documents with pre-annotations into a Label Studio project (idempotent)",
        description="Create (or reuse) the project and import the documents as tasks with predictions. "
        "Pushing again adds nothing; a new baseline adds only its predictions.",
    )
    push.add_argument("--project", required=True, metavar="TITLE", help="the project's title")
    push.add_argument(
        "--corpus", nargs="+", metavar="PATH", help="articles (.txt files or folders; default: the seed articles)"
    )
    push.add_argument(
        "--baseline",
        nargs="+",
        action="extend",
        metavar="NAME",
        help=f"baselines whose predictions to add (default: {DEFAULT_BASELINE}); the first is shown to annotators",
    )
    push.add_argument("--no-baseline", action="store_true", help="push tasks without predictions")
    push.add_argument(
        "--predictions", nargs="+", metavar="FILE", help="also push these annotation files as predictions"
    )
    push.add_argument("--new-version", action="store_true", help="add changed documents as new tasks")
    push.add_argument("--force", action="store_true", help="replace a labeling config even if it drops labels in use")
    add_transfer_options(push)
    push.set_defaults(handler=cmd_push)

    pull = subparsers.add_parser(
        "pull",
        help="get every annotation out of Label Studio, checked, as annotation sets",
        description="Snapshot-export a project (or read an export file) and write one annotation set per "
        "annotator, skipped annotations and drafts apart, and the gold candidate.",
    )
    source = pull.add_mutually_exclusive_group(required=True)
    source.add_argument("--project", metavar="TITLE", help="the project's title")
    source.add_argument(
        "--from-file", metavar="EXPORT.json", help="an export downloaded from the UI (JSON or JSON_MIN)"
    )
    pull.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    pull.add_argument(
        "--policy",
        choices=POLICIES,
        default=DEFAULT_POLICY,
        help=f"what becomes the gold candidate (default {DEFAULT_POLICY})",
    )
    pull.add_argument("--corpus", nargs="+", metavar="PATH", help="check tasks against these articles' current text")
    pull.add_argument(
        "--write-gold", action="store_true", help="also write the candidate as gold files (needs --corpus)"
    )
    pull.add_argument("--allow-problems", action="store_true", help="write what is sound and report the rest")
    pull.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    pull.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(pull)
    pull.set_defaults(handler=cmd_pull)
