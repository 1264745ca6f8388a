"""`jinbiao gold check|stats|from-mentions`: keep the gold set honest, and build it."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from jinbiao.annotate.authoring.mentions import align_mentions, read_mentions
from jinbiao.annotate.corpus import load_corpus
from jinbiao.gold import LABELS, JinbiaoError, read_gold, write_gold_document
from jinbiao.gold.lint import lint_gold, read_waivers
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR, GOLD_DIR

from .common import check_writable, format_table

DEFAULT_WAIVERS = GOLD_DIR / "lint_waivers.json"


def cmd_check(args: argparse.Namespace) -> int:
    path = Path(args.path)
    if not path.exists():
        raise JinbiaoError(f"{path}: no such file or directory; point at a gold directory")
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
    gold = read_gold(args.path)
    rows = []
    for doc in gold:
        counts = Counter(s.label for s in doc.spans)
        rows.append([doc.doc_id, len(doc.text or ""), *(counts.get(label, 0) for label in LABELS), len(doc.spans)])
    total = gold.label_counts()
    rows.append(["total", sum(r[1] for r in rows), *(total.get(label, 0) for label in LABELS), gold.span_count()])
    print(format_table(["document", "chars", *LABELS, "spans"], rows))
    return 0


def cmd_from_mentions(args: argparse.Namespace) -> int:
    """Mention lists (JSONL per document) aligned to the normalized articles, written as gold files."""
    check_writable(Path(args.output) / "x.json")
    documents = {d.id: d for d in load_corpus(args.articles)}
    written = 0
    for mentions_file in sorted(Path(args.mentions).glob("*.jsonl")):
        document = documents.get(mentions_file.stem)
        if document is None:
            raise JinbiaoError(f"{mentions_file}: no article with id {mentions_file.stem!r} in {args.articles}")
        spans = align_mentions(document, read_mentions(mentions_file), origin=args.annotator)
        target = Path(args.output) / f"{document.id}.json"
        write_gold_document(target, document, spans, annotators=[args.annotator], overwrite=args.overwrite)
        written += 1
    print(f"wrote {written} gold files to {args.output}")
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
    p.add_argument("--overwrite", action="store_true", help="replace existing gold files")
    p.set_defaults(handler=cmd_from_mentions)
