"""Corpus commands: `normalize`, `baselines`, `extract`, `prelabel`.

Each streams the corpus one document at a time (`jinbiao.annotate.corpus.stream`); `extract` and
`prelabel` run on an engine (`--jobs`, `--engine`, `--scheduler`) and resume (`--resume`) through
`jinbiao.prelabel.write_predictions` / `write_tasks`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from functools import partial

from jinbiao.annotate.corpus import write_normalized
from jinbiao.annotate.corpus.normalize import DEFAULT_CHROME_PATTERNS, STEPS, NormalizationConfig
from jinbiao.annotate.corpus.stream import open_corpus
from jinbiao.annotate.labelstudio.config import label_config_xml
from jinbiao.baselines import DEFAULT_BASELINE, available, get_extractor
from jinbiao.gold import Document
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.gold.tables import format_table
from jinbiao.prelabel import (
    DEFAULT_LABEL_CONFIG,
    DEFAULT_PREDICTIONS,
    DEFAULT_TASKS,
    StreamReport,
    report_lines,
    write_predictions,
    write_tasks,
)

from .common import add_engine_arguments, check_output_dir, check_writable, engine_options, regex, write_output


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
        "--chrome-pattern",
        action="append",
        default=[],
        type=regex,
        metavar="REGEX",
        help="another whole-line chrome pattern",
    )


def normalization_config(args: argparse.Namespace) -> NormalizationConfig:
    return NormalizationConfig(
        steps=tuple(step for step in STEPS if step not in args.skip_step),
        chrome_patterns=DEFAULT_CHROME_PATTERNS + tuple(args.chrome_pattern),
    )


def corpus_paths(args: argparse.Namespace) -> list[str]:
    return args.paths or [str(ARTICLES_DIR)]


def cmd_normalize(args: argparse.Namespace) -> int:
    if args.output:
        check_output_dir(args.output, overwrite=args.overwrite)
    corpus = open_corpus(corpus_paths(args), config=normalization_config(args))
    rows: list[list[object]] = []

    def documents() -> Iterator[Document]:
        for document, result in corpus.with_reports():
            if args.show:
                if len(corpus) > 1:
                    print(f"==> {document.id} <==")
                print(document.text)
            raw_length = len(document.offsets) + sum(result.removed.values())
            rows.append([document.id, raw_length, len(document.text), *(result.removed.get(s, 0) for s in STEPS)])
            yield document

    if args.output:
        write_normalized(documents(), args.output, overwrite=args.overwrite)
    else:
        for _ in documents():
            pass
    if not args.show or args.output:
        table = format_table(["document", "raw", "normalized", *STEPS], rows)
        print(table, file=sys.stderr if args.show else sys.stdout)
    return 0


def cmd_baselines(args: argparse.Namespace) -> int:
    rows = []
    for name in available():
        extractor = get_extractor(name)
        default = " (default)" if name == DEFAULT_BASELINE else ""
        rows.append([name + default, extractor.version, " ".join(sorted(extractor.labels)), extractor.description])
    print(format_table(["baseline", "version", "labels", "description"], rows))
    return 0


def _streaming_options(args: argparse.Namespace) -> dict[str, object]:
    return {
        "config": normalization_config(args),
        "say": partial(print, file=sys.stderr),
        "show_progress": not args.quiet,
        **engine_options(args),
    }


def _tell(args: argparse.Namespace, report: StreamReport) -> None:
    if not args.quiet:
        for line in report_lines(report):
            print(line, file=sys.stderr)


def cmd_extract(args: argparse.Namespace) -> int:
    check_writable(args.output)
    report = write_predictions(corpus_paths(args), args.baseline, args.output, **_streaming_options(args))
    _tell(args, report)
    print(f"wrote {args.output}")
    return 0


def cmd_prelabel(args: argparse.Namespace) -> int:
    check_writable(args.output, args.config)
    baselines = args.baseline or [DEFAULT_BASELINE]
    report = write_tasks(corpus_paths(args), baselines, args.output, **_streaming_options(args))
    _tell(args, report)
    if args.config:
        write_output(args.config, label_config_xml())
    print(f"wrote {args.output} ({report.documents} tasks)" + (f" and {args.config}" if args.config else ""))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("normalize", help="normalize articles and report what each step removed")
    add_corpus_arguments(p)
    p.add_argument("--show", action="store_true", help="print the normalized text")
    p.add_argument("-o", "--output", metavar="DIR", help="write <id>.txt and <id>.offsets.json here")
    p.add_argument("--overwrite", action="store_true", help="replace an existing non-empty output directory")
    p.set_defaults(handler=cmd_normalize)

    p = subparsers.add_parser("baselines", help="list the registered extractors")
    p.set_defaults(handler=cmd_baselines)

    p = subparsers.add_parser("extract", help="run one baseline and write its spans as JSONL")
    add_corpus_arguments(p)
    p.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"extractor name (default {DEFAULT_BASELINE})")
    p.add_argument("-o", "--output", default=DEFAULT_PREDICTIONS, help=f"output JSONL (default {DEFAULT_PREDICTIONS})")
    add_engine_arguments(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_extract)

    p = subparsers.add_parser("prelabel", help="write Label Studio tasks with predictions")
    add_corpus_arguments(p)
    p.add_argument("--baseline", action="append", help=f"extractor name, repeatable (default {DEFAULT_BASELINE})")
    p.add_argument("-o", "--output", default=DEFAULT_TASKS, help=f"task file (default {DEFAULT_TASKS})")
    p.add_argument("--config", default=DEFAULT_LABEL_CONFIG, help=f"labeling config (default {DEFAULT_LABEL_CONFIG})")
    add_engine_arguments(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_prelabel)
