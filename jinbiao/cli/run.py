"""`jinbiao run`: the main job, as `make run` runs it."""

from __future__ import annotations

import argparse
import sys

from jinbiao.baselines import DEFAULT_BASELINE
from jinbiao.gold.paths import DOCUMENTS_DIR
from jinbiao.pipeline import (
    run_baselines,
    serve_for_annotation,
    should_wait_for_annotators,
    summary_rows,
    write_outputs,
)

from .common import format_table


def cmd_run(args: argparse.Namespace) -> int:
    result = run_baselines(*([args.paths] if args.paths else []))
    written = write_outputs(result, args.out)
    print(
        f"{len(result.documents)} documents, {result.characters:,} characters, "
        f"{len(result.runs)} baselines in {result.seconds:.1f} s"
    )
    headers, rows = summary_rows(result)
    print(format_table(headers, rows))
    print("wrote " + ", ".join(str(p) for p in written[:2]) + f" and {len(written) - 2} prediction files")
    for name, reason in result.skipped.items():
        print(f"skipped {name}: {reason}", file=sys.stderr)

    if not args.no_leaderboard and DOCUMENTS_DIR.is_dir() and any(DOCUMENTS_DIR.glob("*.json")):
        from jinbiao.evaluate import leaderboard_markdown
        from jinbiao.leaderboard import run_leaderboard

        print("\nleaderboard against the shipped gold (learned baselines cross-validated by document):")
        board = run_leaderboard(str(DOCUMENTS_DIR), out_dir=args.results, n_resamples=args.n_resamples)
        print(leaderboard_markdown(board.board))
        print(f"wrote {len(board.paths)} files to {args.results}/")

    if args.no_serve:
        return 0
    served = serve_for_annotation(result, baseline=args.baseline, progress=sys.stderr.isatty())
    print("\n" + "\n".join(served.push_lines))
    print(f"\nLabel Studio: {served.url}\n  project: {served.project_url}\n  login:   {served.username}"
          "  (password: `jinbiao studio credentials`)")
    if not should_wait_for_annotators():
        from jinbiao.annotate.labelstudio import server

        server.stop()
        print("NO_SERVE or CI: the studio is stopped again (`jinbiao studio start` brings it back)")
        return 0
    print("The studio keeps running for annotators; `jinbiao studio stop` stops it.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="the main job: normalize, run every baseline, write out/, score, serve")
    p.add_argument("paths", nargs="*", metavar="PATH", help="articles (default: the shipped corpus)")
    p.add_argument("--out", default="out", help="output directory (default out/)")
    p.add_argument("--results", default="results", help="leaderboard directory (default results/)")
    p.add_argument("--n-resamples", type=int, default=1000, help="bootstrap resamples for the leaderboard")
    p.add_argument("--no-leaderboard", action="store_true", help="skip scoring against the gold")
    p.add_argument("--no-serve", action="store_true", help="do not start Label Studio")
    p.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"pre-annotations to push (default {DEFAULT_BASELINE})")
    p.set_defaults(handler=cmd_run)
