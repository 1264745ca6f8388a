"""`jinbiao run`: the main job, as `make run` runs it."""

from __future__ import annotations

import argparse

from jinbiao.pipeline import run_baselines, summary_rows, write_outputs

from .common import format_table


def cmd_run(args: argparse.Namespace) -> int:
    paths = args.paths or None
    result = run_baselines(*([paths] if paths else []))
    written = write_outputs(result, args.out)
    print(
        f"{len(result.documents)} documents, {result.characters:,} characters, "
        f"{len(result.runs)} baselines in {result.seconds:.1f} s"
    )
    headers, rows = summary_rows(result)
    print(format_table(headers, rows))
    print("wrote " + ", ".join(str(p) for p in written[:2]) + f" and {len(written) - 2} prediction files")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="the main job: normalize, run every baseline, write out/, score, serve")
    p.add_argument("paths", nargs="*", metavar="PATH", help="articles (default: the shipped corpus)")
    p.add_argument("--out", default="out", help="output directory (default out/)")
    p.set_defaults(handler=cmd_run)
