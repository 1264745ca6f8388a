"""`jinbiao gold check|stats|from-mentions`: keep the gold set honest, and build it."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from jinbiao.annotate.authoring.mentions import gold_from_mentions
from jinbiao.annotate.corpus import load_corpus
from jinbiao.gold import JinbiaoError, read_gold
from jinbiao.gold.io import unreadable_reason
from jinbiao.gold.lint import lint_gold, read_waivers
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR, GOLD_DIR
from jinbiao.gold.stats import label_counts_table

from .common import check_output_dir, format_table

DEFAULT_WAIVERS = GOLD_DIR / "lint_waivers.json"


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise JinbiaoError(f"{path}: {unreadable_reason(path)}; point at a gold directory")
    report = lint_gold(path, articles_dir=args.articles, waivers=read_waivers(args.waivers))
    for finding in report.findings:
        print(finding)
    counts = Counter(f.check for f in report.findings)
    summary = ", ".join(f"{check} {n}" for check, n in sorted(counts.items())) or "none"
    print(
        f"{report.documents} documents, {report.spans} spans: {len(report.findings)} findings ({summary}), "
        f"{len(report.waived)} waived"
    )
    return 1 if report.findings else 0


def cmd_stats(args: argparse.Namespace) -> int:
    headers, rows = label_counts_table(read_gold(args.path))
    print(format_table(headers, rows))
    return 0


def cmd_from_mentions(args: argparse.Namespace) -> int:
    """Mention lists (JSONL per document) aligned to the normalized articles, written as gold files."""
    check_output_dir(args.output, overwrite=args.overwrite, gold=True)
    written = gold_from_mentions(
        args.mentions, load_corpus(args.articles), args.output, annotator=args.annotator, overwrite=args.overwrite
    )
    print(f"wrote {len(written)} gold files to {args.output}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    gold = subparsers.add_parser("gold", help="check, count and build gold annotation files")
    commands = gold.add_subparsers(dest="gold_command", metavar="SUBCOMMAND", required=True)

    p = commands.add_parser("check", help="validate a gold set and run the consistency checks")
    p.add_argument(
        "path", nargs="?", default=str(DOCUMENTS_DIR), help="gold directory or file (default: the shipped gold)"
    )
    p.add_argument("--waivers", default=str(DEFAULT_WAIVERS), help="JSON list of waived findings with reasons")
    p.add_argument("--articles", default=str(ARTICLES_DIR), help="where the source articles are, to check their hashes")
    p.set_defaults(handler=cmd_check)

    p = commands.add_parser("stats", help="spans per label per document")
    p.add_argument("path", nargs="?", default=str(DOCUMENTS_DIR))
    p.set_defaults(handler=cmd_stats)

    p = commands.add_parser("from-mentions", help="turn mention lists (line, text, label) into gold files")
    p.add_argument("mentions", help="directory of <doc_id>.jsonl mention files")
    p.add_argument("--articles", nargs="+", default=[str(ARTICLES_DIR)], help="the articles (default: shipped)")
    p.add_argument("--annotator", required=True, help="who made the annotations")
    p.add_argument("-o", "--output", required=True, help="directory for the gold files")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output directory whole")
    p.set_defaults(handler=cmd_from_mentions)
