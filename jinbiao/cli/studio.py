"""`jinbiao studio start|stop|status|credentials|wait`, `jinbiao push`, `jinbiao pull`.

Thin wrappers: each command is a few lines over `jinbiao.annotate.labelstudio.server`, `.push` and `.pull`.
The API key is never taken on the command line (it would land in shell history and `ps`):
it comes from LABEL_STUDIO_API_KEY, the local studio's credentials file, or a prompt.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Sequence

from jinbiao.gold import AnnotationSet, JinbiaoError, read_annotations


def _default_baseline() -> str:
    try:
        from jinbiao.baselines import DEFAULT_BASELINE
    except ImportError:
        return "union"
    return DEFAULT_BASELINE


# ------------------------------------------------------------------------------------ studio


def cmd_studio_start(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    if not args.quiet:
        print("starting Label Studio (the first start migrates its database: about a minute)…", file=sys.stderr)
    current = server.start(args.dir, port=args.port, timeout=args.timeout)
    if current.already_running:
        print(f"Label Studio is already running at {current.url} (pid {current.pid})")
    else:
        if current.moved_port:
            print(f"port {current.requested_port} was taken; Label Studio took {current.port}")
        print(f"Label Studio is running at {current.url} (pid {current.pid}); log: {current.log}")
    if not args.quiet:
        print("login and API token: `jinbiao studio credentials`; stop it with `jinbiao studio stop`")
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
    return 0


def cmd_studio_status(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    current = server.status(args.dir)
    if args.json:
        print(json.dumps(current.to_dict(), indent=2))
    elif current.running:
        health = "answers /health" if current.healthy else "does not answer /health yet"
        print(f"running at {current.url} (pid {current.pid}), {health}; data: {current.root}")
    else:
        print(f"not running; data: {current.root}; start it with `jinbiao studio start`")
    return 0 if current.running and current.healthy else 1


def cmd_studio_credentials(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    credentials = server.credentials(args.dir)
    url = server.local_url(args.dir)
    if args.env:
        if url is None:
            raise JinbiaoError("the local studio is not running; start it with `jinbiao studio start`")
        print(f"export LABEL_STUDIO_URL={url}")
        print(f"export LABEL_STUDIO_API_KEY={credentials.token}")
        return 0
    print(f"url:      {url or 'not running (start it with `jinbiao studio start`)'}")
    print(f"username: {credentials.username}")
    print(f"password: {credentials.password}")
    return 0


def cmd_studio_wait(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio import server

    current = server.status(args.dir)
    if not current.running:
        raise JinbiaoError("the local studio is not running; start it with `jinbiao studio start`")
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


def _prediction_sets(args: argparse.Namespace, documents: Sequence) -> list[AnnotationSet]:
    sets: list[AnnotationSet] = []
    if not args.no_baseline:
        from jinbiao.baselines import get_extractor

        for name in args.baseline or [_default_baseline()]:
            try:
                extractor = get_extractor(name)
            except ImportError as error:
                raise JinbiaoError(
                    f"baseline {name!r} cannot be loaded ({error}); choose another with --baseline"
                ) from None
            sets.append(extractor.annotate(documents))
    for path in args.predictions or []:
        sets.append(read_annotations(path))
    return sets


def cmd_push(args: argparse.Namespace) -> int:
    from jinbiao.annotate.corpus import load_corpus
    from jinbiao.annotate.labelstudio.client import connect
    from jinbiao.annotate.labelstudio.push import push
    from jinbiao.gold.paths import ARTICLES_DIR

    documents = load_corpus(args.corpus or [ARTICLES_DIR])
    sets = _prediction_sets(args, documents)
    connection = connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)
    report = push(
        connection,
        args.project,
        documents,
        sets,
        new_version=args.new_version,
        force=args.force,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    for line in report.lines():
        print(line)
    return 0


# -------------------------------------------------------------------------------------- pull


def cmd_pull(args: argparse.Namespace) -> int:
    from jinbiao.annotate.corpus import load_corpus
    from jinbiao.annotate.labelstudio.pull import PullFailed, check_output, pull, pull_file

    check_output(args.out, overwrite=args.overwrite)
    documents = load_corpus(args.corpus) if args.corpus else None
    options = {
        "policy": args.policy,
        "documents": documents,
        "gold": args.gold,
        "allow_problems": args.allow_problems,
        "overwrite": args.overwrite,
    }
    try:
        if args.from_file:
            report = pull_file(args.from_file, args.out, **options)
        else:
            from jinbiao.annotate.labelstudio.client import connect

            connection = connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)
            report = pull(connection, args.project, args.out, timeout=args.timeout, progress=not args.quiet, **options)
    except PullFailed as failed:
        for problem in failed.problems:
            print(f"problem: {problem}", file=sys.stderr)
        raise
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)
    for line in report.lines():
        print(line)
    return 0


# ---------------------------------------------------------------------------------- register


def _connection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("connection (the API key comes from LABEL_STUDIO_API_KEY, never an option)")
    group.add_argument("--url", help="Label Studio's URL (default: LABEL_STUDIO_URL, else the local studio)")
    group.add_argument(
        "--studio-dir", help="the local studio's directory (default: .jinbiao/studio or JINBIAO_STUDIO_DIR)"
    )
    group.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for each answer (default 120)")


def register(subparsers: argparse._SubParsersAction) -> None:
    studio = subparsers.add_parser("studio", help="run this project's local Label Studio server")
    actions = studio.add_subparsers(dest="studio_command", metavar="ACTION")
    studio.set_defaults(handler=lambda args: (studio.print_help(), 2)[1])

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text, description=help_text)
        parser.add_argument("--dir", help="the studio's directory (default: .jinbiao/studio or JINBIAO_STUDIO_DIR)")
        return parser

    start = action("start", "start the local studio (idempotent) and wait until it answers")
    start.add_argument("--port", type=int, default=8080, help="port to ask for (a busy one moves to the next free)")
    start.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for /health (default 180)")
    start.add_argument("-q", "--quiet", action="store_true", help="no hints")
    start.set_defaults(handler=cmd_studio_start)

    stop = action("stop", "stop the local studio (SIGTERM to the process `start` launched)")
    stop.add_argument("--timeout", type=float, default=30.0, help="seconds to wait before SIGKILL (default 30)")
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
        help=f"baselines whose predictions to add (default: {_default_baseline()}); the first is shown to annotators",
    )
    push.add_argument("--no-baseline", action="store_true", help="push tasks without predictions")
    push.add_argument(
        "--predictions", nargs="+", metavar="FILE", help="also push these annotation files as predictions"
    )
    push.add_argument("--new-version", action="store_true", help="add changed documents as new tasks")
    push.add_argument("--force", action="store_true", help="replace a labeling config even if it drops labels in use")
    push.add_argument("--batch-size", type=int, default=250, help="tasks per request (default 250)")
    push.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(push)
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
    pull.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory")
    pull.add_argument(
        "--policy",
        choices=("latest", "ground-truth", "all"),
        default="latest",
        help="what becomes the gold candidate (default latest)",
    )
    pull.add_argument("--corpus", nargs="+", metavar="PATH", help="check tasks against these articles' current text")
    pull.add_argument("--gold", action="store_true", help="also write the candidate as gold files (needs --corpus)")
    pull.add_argument("--allow-problems", action="store_true", help="write what is sound and report the rest")
    pull.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    pull.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(pull)
    pull.set_defaults(handler=cmd_pull)
