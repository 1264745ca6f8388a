"""`jinbiao convert IN -o OUT --to FORMAT`: annotations from one format into another, mapped onto
the gold's documents and checked on the way (`jinbiao.gold.formats`)."""

from __future__ import annotations

import argparse
import sys

from jinbiao.gold.paths import DOCUMENTS_DIR

from .common import check_output_dir, check_writable


def register(subparsers: argparse._SubParsersAction) -> None:
    from jinbiao.gold.formats import FORMATS

    names = ", ".join(FORMATS)
    p = subparsers.add_parser(
        "convert",
        help="annotations from one format into another (CoNLL, brat, spaCy, Hugging Face, doccano, Prodigy, ...)",
        description=f"Read IN (format detected, or named with --format), map it onto the documents of --gold, "
        f"check every span, and write it in --to. Formats: {names}. docs/formats.md says what each keeps.",
    )
    p.add_argument("source", metavar="IN", help="annotations to convert (file or directory)")
    p.add_argument("-o", "--output", required=True, metavar="OUT", help="where to write the converted annotations")
    p.add_argument("--to", required=True, choices=FORMATS, metavar="FORMAT", help=f"output format ({names})")
    p.add_argument("--format", choices=FORMATS, metavar="NAME", help="IN's format (default: detected)")
    p.add_argument("--gold", default=str(DOCUMENTS_DIR), help="the documents IN annotates (default: the shipped gold)")
    p.add_argument(
        "--offsets", choices=("normalized", "raw"), default="normalized", help="IN's offsets count in the "
        "normalized text (default) or in the raw article files"
    )  # fmt: skip
    p.add_argument("--scheme", choices=("bio", "bioes", "bmes", "bilou"), help="tag scheme for CoNLL / datasets")
    p.add_argument("--ignore-extra-documents", action="store_true", help="skip documents the gold does not have")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output")
    p.set_defaults(handler=run_convert)


def run_convert(args: argparse.Namespace) -> int:
    from jinbiao.gold import load_gold
    from jinbiao.gold.formats import format_spec, read_annotations_any, write_annotations

    if format_spec(args.to).directory:
        check_output_dir(args.output, overwrite=args.overwrite)
    else:
        check_writable(args.output)
    _, documents = load_gold(args.gold)
    annotations = read_annotations_any(
        args.source,
        documents,
        format=args.format,
        offsets=args.offsets,
        labels=None,
        extra_documents="ignore" if args.ignore_extra_documents else "error",
    )
    options = {"scheme": args.scheme} if args.scheme else {}
    path = write_annotations(annotations, documents, args.output, args.to, overwrite=args.overwrite, **options)
    print(
        f"wrote {annotations.span_count()} spans in {len(annotations)} documents to {path} ({args.to})", file=sys.stderr
    )
    return 0
