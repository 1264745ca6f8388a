"""Corpus commands: `normalize`, `baselines`, `extract`, `prelabel`."""

from __future__ import annotations

import argparse
import json
import sys
from functools import partial
from pathlib import Path

from jinbiao.annotate.corpus import load_corpus_with_reports
from jinbiao.annotate.corpus.normalize import DEFAULT_CHROME_PATTERNS, STEPS, NormalizationConfig
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.baselines import DEFAULT_BASELINE, available, get_extractor
from jinbiao.gold.io import annotation_set_jsonl
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.tables import format_table
from jinbiao.prelabel import DEFAULT_LABEL_CONFIG, DEFAULT_PREDICTIONS, DEFAULT_TASKS, Prelabelled, prelabel, tasks_json

from .common import check_writable, write_output


def add_corpus_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f".txt files or directories (default: the shipped articles, {ARTICLES_DIR.name}/)",
    )
    parser.add_argument(
        "--skip-step", action="append", default=[], choices=STEPS, help="switch a normalization step off"
    )
    parser.add_argument(
        "--chrome-pattern", action="append", default=[], metavar="REGEX", help="another whole-line chrome pattern"
    )


def normalization_config(args: argparse.Namespace) -> NormalizationConfig:
    return NormalizationConfig(
        steps=tuple(step for step in STEPS if step not in args.skip_step),
        chrome_patterns=DEFAULT_CHROME_PATTERNS + tuple(args.chrome_pattern),
    )


def corpus_paths(args: argparse.Namespace) -> list[str]:
    return args.paths or [str(ARTICLES_DIR)]


def cmd_normalize(args: argparse.Namespace) -> int:
    loaded = load_corpus_with_reports(corpus_paths(args), config=normalization_config(args))
    if args.show:
        for document, _ in loaded:
            if len(loaded) > 1:
                print(f"==> {document.id} <==")
            print(document.text)
    if args.output:
        out = Path(args.output)
        for document, _ in loaded:
            write_output(out / f"{document.id}.txt", document.text + "\n")
            offsets = {
                "id": document.id,
                "source": document.source,
                "source_sha256": document.source_sha256,
                "text_sha256": document.text_sha256,
                "offsets": document.offset_runs(),
            }
            write_output(out / f"{document.id}.offsets.json", json.dumps(offsets, ensure_ascii=False) + "\n")
    if not args.show or args.output:
        rows = []
        for document, result in loaded:
            raw_length = len(document.offsets) + sum(result.removed.values())
            rows.append([document.id, raw_length, len(document.text), *(result.removed.get(s, 0) for s in STEPS)])
        print(
            format_table(["document", "raw", "normalized", *STEPS], rows), file=sys.stderr if args.show else sys.stdout
        )
    return 0


def cmd_baselines(args: argparse.Namespace) -> int:
    rows = []
    for name in available():
        extractor = get_extractor(name)
        default = " (default)" if name == DEFAULT_BASELINE else ""
        rows.append([name + default, extractor.version, " ".join(sorted(extractor.labels)), extractor.description])
    print(format_table(["baseline", "version", "labels", "description"], rows))
    return 0


def _prelabel(args: argparse.Namespace, baselines: list[str]) -> Prelabelled:
    result = prelabel(
        corpus_paths(args),
        baselines,
        config=normalization_config(args),
        say=partial(print, file=sys.stderr),
        show_progress=not args.quiet,
    )
    if not args.quiet:
        for run in result.runs:
            print(
                f"{run.annotation_set.origin}: {run.annotation_set.span_count()} spans in {len(result.documents)} "
                f"documents, {run.characters_per_second:,.0f} characters/s",
                file=sys.stderr,
            )
    return result


def cmd_extract(args: argparse.Namespace) -> int:
    check_writable(args.output)
    result = _prelabel(args, [args.baseline])
    write_output(args.output, annotation_set_jsonl(result.annotation_sets[0]), overwrite=True)
    print(f"wrote {args.output}")
    return 0


def cmd_prelabel(args: argparse.Namespace) -> int:
    check_writable(args.output, args.config)
    result = _prelabel(args, args.baseline or [DEFAULT_BASELINE])
    write_output(args.output, tasks_json(result.documents, result.annotation_sets))
    if args.config:
        write_output(args.config, label_config_xml())
    print(f"wrote {args.output} ({len(result.documents)} tasks)" + (f" and {args.config}" if args.config else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("normalize", help="normalize articles and report what each step removed")
    add_corpus_arguments(p)
    p.add_argument("--show", action="store_true", help="print the normalized text")
    p.add_argument("-o", "--output", metavar="DIR", help="write <id>.txt and <id>.offsets.json here")
    p.set_defaults(handler=cmd_normalize)

    p = subparsers.add_parser("baselines", help="list the registered extractors")
    p.set_defaults(handler=cmd_baselines)

    p = subparsers.add_parser("extract", help="run one baseline and write its spans as JSONL")
    add_corpus_arguments(p)
    p.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"extractor name (default {DEFAULT_BASELINE})")
    p.add_argument("-o", "--output", default=DEFAULT_PREDICTIONS, help=f"output JSONL (default {DEFAULT_PREDICTIONS})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_extract)

    p = subparsers.add_parser("prelabel", help="write Label Studio tasks with predictions")
    add_corpus_arguments(p)
    p.add_argument("--baseline", action="append", help=f"extractor name, repeatable (default {DEFAULT_BASELINE})")
    p.add_argument("-o", "--output", default=DEFAULT_TASKS, help=f"task file (default {DEFAULT_TASKS})")
    p.add_argument("--config", default=DEFAULT_LABEL_CONFIG, help=f"labeling config (default {DEFAULT_LABEL_CONFIG})")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_prelabel)
