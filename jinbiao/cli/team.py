"""`jinbiao team create|agree`, `jinbiao adjudicate`, `jinbiao datasheet`: a team of annotators in
Label Studio, from raw articles to an adjudicated gold set.

Thin wrappers: the Label Studio side is `jinbiao.annotate.labelstudio.team` and `.adjudication`;
the figures that need the scoring room too (agreement, pre-annotation kept, the datasheet) are the
job module `jinbiao.team`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from jinbiao.gold import JinbiaoError
from jinbiao.team import datasheet_markdown, team_agreement, team_agreement_html, team_agreement_text

from .common import check_writable, positive_int, write_output

if TYPE_CHECKING:
    from jinbiao.annotate.labelstudio.team import TeamPull

# -------------------------------------------------------------------------------- commands


def _connect(args: argparse.Namespace):
    from jinbiao.annotate.labelstudio.client import connect

    return connect(args.url, studio_path=args.studio_dir, timeout=args.timeout)


def _documents(args: argparse.Namespace):
    from jinbiao.annotate.corpus import load_corpus
    from jinbiao.gold.paths import ARTICLES_DIR

    return load_corpus(args.corpus or [ARTICLES_DIR])


def cmd_team_create(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio.instructions import read_guideline
    from jinbiao.annotate.labelstudio.push import check_batch_size
    from jinbiao.annotate.labelstudio.team import check_team_titles, create_team

    from .studio import _prediction_sets

    check_team_titles(args.project, args.annotators)
    check_batch_size(args.batch_size)
    read_guideline(args.guideline)  # a missing guideline file fails before the baselines run
    documents = _documents(args)
    connection = _connect(args)  # a wrong key or a server that is down fails before the baselines run
    sets = _prediction_sets(args, documents)
    report = create_team(
        connection,
        args.project,
        documents,
        args.annotators,
        sets,
        per_document=args.per_document,
        guideline=args.guideline,
        batch_size=args.batch_size,
        progress=not args.quiet,
    )
    print("\n".join(report.lines()))
    return 0


def _print_findings(team_pull: TeamPull) -> None:
    for problem in team_pull.problems:
        print(f"problem: {problem}", file=sys.stderr)
    for note in team_pull.notes:
        print(f"note: {note}", file=sys.stderr)


def run_agree_project(args: argparse.Namespace) -> int:
    """`jinbiao agree --project TITLE` (and `jinbiao team agree`): pull the team, report its
    agreement (tables; HTML with `--html`), and keep the lead project's agreement fields up to date."""
    from jinbiao.annotate.labelstudio.team import pull_team, update_lead_fields

    check_writable(getattr(args, "output", None), getattr(args, "html", None))
    connection = _connect(args)
    documents = _documents(args) if args.corpus else None
    team_pull = pull_team(connection, args.project, documents=documents, progress=not args.quiet)
    _print_findings(team_pull)
    result = team_agreement(team_pull)
    text = team_agreement_text(result, digits=args.digits)
    if getattr(args, "output", None):
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    if getattr(args, "html", None):
        write_output(args.html, team_agreement_html(result))
        print(f"wrote {args.html}", file=sys.stderr)
    changed = update_lead_fields(connection, args.project, result.lead_fields())
    print(
        f"{changed} task(s) of {args.project!r} got new agreement fields: sort by data.agreement in its data manager",
        file=sys.stderr,
    )
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from jinbiao.annotate.labelstudio.adjudication import collect_gold, prepare_adjudication
    from jinbiao.annotate.labelstudio.instructions import read_guideline
    from jinbiao.annotate.labelstudio.team import pull_team, update_lead_fields

    if args.output:
        check_writable(Path(args.output) / "summary.json")
        from jinbiao.annotate.labelstudio.pull import check_output

        check_output(args.output, overwrite=args.overwrite)
    read_guideline(args.guideline)
    connection = _connect(args)
    documents = _documents(args)
    team_pull = pull_team(connection, args.project, documents=documents, progress=not args.quiet)
    _print_findings(team_pull)
    try:
        fields = team_agreement(team_pull).lead_fields()
    except JinbiaoError:  # no document has two annotations yet
        fields = {}
    if fields:
        update_lead_fields(connection, args.project, fields)
    report = prepare_adjudication(
        connection, team_pull, documents=documents, guideline=args.guideline, fields=fields, batch_size=args.batch_size
    )
    print("\n".join(report.lines()))
    if args.output:
        gold = collect_gold(
            connection,
            team_pull,
            args.output,
            documents,
            adjudicator=args.adjudicator,
            overwrite=args.overwrite,
            allow_problems=args.allow_problems,
        )
        print("\n".join(gold.lines()))
    return 0


def cmd_datasheet(args: argparse.Namespace) -> int:
    text = datasheet_markdown(args.directory, digits=args.digits)
    if args.output:
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def add_project_options(parser: argparse.ArgumentParser, *, required: bool = False) -> None:
    """The options of `agree --project` (also `jinbiao team agree`)."""
    parser.add_argument("--project", required=required, metavar="TITLE", help="a team project (jinbiao team create)")
    parser.add_argument(
        "--html", metavar="FILE", help="with --project: also write an HTML page, disagreements side by side"
    )
    parser.add_argument(
        "--corpus", nargs="+", metavar="PATH", help="with --project: check tasks against these articles"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    _connection_options(parser)


def _connection_options(parser: argparse.ArgumentParser) -> None:
    from .studio import _connection_options as options

    options(parser)


def register(subparsers: argparse._SubParsersAction) -> None:
    from jinbiao.baselines import DEFAULT_BASELINE

    from .studio import add_transfer_options

    team = subparsers.add_parser("team", help="a team of annotators in Label Studio: create, agree")
    actions = team.add_subparsers(dest="team_command", metavar="ACTION", required=True)

    create = actions.add_parser(
        "create",
        help="documents for k independent annotations each, one project per named annotator",
        description="Push the documents into one Label Studio project per annotator (the same pre-annotations, "
        "or none, for everyone), the guideline as each project's instructions, and a lead project for agreement. "
        "Idempotent: running it again adds only new documents.",
    )
    create.add_argument("--project", required=True, metavar="TITLE", help="the team's title (3 to 50 characters)")
    create.add_argument(
        "--annotators",
        nargs="+",
        required=True,
        metavar="EMAIL",
        help="the annotators' Label Studio logins (2 or more)",
    )
    create.add_argument(
        "--per-document", type=positive_int, metavar="K", help="annotators per document (default: every annotator)"
    )
    create.add_argument("--corpus", nargs="+", metavar="PATH", help="articles (default: the seed articles)")
    create.add_argument(
        "--baseline",
        nargs="+",
        action="extend",
        metavar="NAME",
        help=f"pre-annotate with these baselines (default: {DEFAULT_BASELINE}); every annotator starts from the first",
    )
    create.add_argument("--no-baseline", action="store_true", help="no pre-annotation (the unbiased agreement figure)")
    create.add_argument("--predictions", nargs="+", metavar="FILE", help="pre-annotate with these annotation files")
    create.add_argument("--guideline", metavar="FILE", help="the guideline in Markdown (default: gold/GUIDELINES.md)")
    add_transfer_options(create)
    create.set_defaults(handler=cmd_team_create)

    agree = actions.add_parser(
        "agree",
        help="the team's agreement per pair, label, annotator and document",
        description="Pull every annotator's project and report agreement before adjudication, and how much of the "
        "pre-annotation was kept; keep the lead project's data.agreement field up to date.",
    )
    add_project_options(agree, required=True)
    agree.add_argument("-o", "--output", metavar="FILE", help="write the tables here instead of printing them")
    agree.add_argument("--digits", type=positive_int, default=3, help="decimals shown (default: 3)")
    agree.set_defaults(handler=run_agree_project)

    adjudicate = subparsers.add_parser(
        "adjudicate",
        help="put every disagreement of a team in front of an adjudicator; with -o, write the gold set",
        description="Pull the team, put every document whose annotators differ into the adjudication project "
        "(agreed spans in place, every reading of each disagreement side by side), and with -o write the gold: "
        "agreed documents straight away, the others once adjudicated, with a decision record.",
    )
    adjudicate.add_argument("--project", required=True, metavar="TITLE", help="the team project")
    adjudicate.add_argument("--corpus", nargs="+", metavar="PATH", help="the articles pushed (default: the seeds)")
    adjudicate.add_argument("-o", "--output", metavar="DIR", help="write the gold set here (documents/, decisions)")
    adjudicate.add_argument("--overwrite", action="store_true", help="replace an existing output directory")
    adjudicate.add_argument("--adjudicator", metavar="EMAIL", help="only this user's adjudications count")
    adjudicate.add_argument(
        "--allow-problems", action="store_true", help="write the gold although the annotators' projects have problems"
    )
    adjudicate.add_argument(
        "--guideline", metavar="FILE", help="the guideline in Markdown (default: gold/GUIDELINES.md)"
    )
    add_transfer_options(adjudicate)
    adjudicate.set_defaults(handler=cmd_adjudicate)

    datasheet = subparsers.add_parser(
        "datasheet",
        help="the datasheet's figures of a team's gold set: counts, agreement, decisions (Markdown)",
        description="Regenerate the counts per label and document, the agreement before adjudication and the "
        "decisions by kind, from the directory `jinbiao adjudicate -o DIR` wrote.",
    )
    datasheet.add_argument("directory", metavar="DIR", help="what `jinbiao adjudicate -o DIR` wrote")
    datasheet.add_argument("-o", "--output", metavar="FILE", help="write the Markdown here instead of printing it")
    datasheet.add_argument("--digits", type=positive_int, default=3, help="decimals shown (default: 3)")
    datasheet.set_defaults(handler=cmd_datasheet)


__all__ = ["add_project_options", "register", "run_agree_project"]
