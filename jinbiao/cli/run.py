"""`jinbiao run`: the main job, as `make run` runs it (`jinbiao.pipeline`)."""

from __future__ import annotations

import argparse
import sys
from functools import partial

from jinbiao.baselines import DEFAULT_BASELINE
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.leaderboard import DEFAULT_N_RESAMPLES, DEFAULT_RESULTS_DIR
from jinbiao.pipeline import leaderboard_step, run_baselines, serve_for_annotation, stop_unless_waiting, summary
from jinbiao.prelabel import OUTPUT_DIR

from .common import add_engine_arguments, check_output_dir, engine_options, positive_int
from .errors import describe


def cmd_run(args: argparse.Namespace) -> int:
    check_output_dir(args.output, overwrite=True)  # out/ is rewritten on every run
    result = run_baselines(
        args.paths or [ARTICLES_DIR],
        out_dir=args.output,
        say=partial(print, file=sys.stderr),
        show_progress=not args.quiet,
        **engine_options(args),
    )
    print(summary(result))
    for name, error in result.skipped.items():
        print(f"skipped {name}: {describe(error)}", file=sys.stderr)

    if not args.no_leaderboard:
        board = leaderboard_step(args.results, n_resamples=args.n_resamples)
        if board is not None:
            from jinbiao.evaluate import leaderboard_markdown  # scoring's libraries only when scoring

            print("\nleaderboard against the shipped gold (learned baselines cross-validated by document):")
            print(leaderboard_markdown(board.board))
            print(f"wrote {len(board.paths)} files to {args.results}/")

    if args.no_serve:
        return 0
    served = serve_for_annotation(result, baseline=args.baseline, show_progress=True)
    print("\n" + "\n".join(served.push_lines))
    print(
        f"\nLabel Studio: {served.url}\n  project: {served.project_url}\n  login:   {served.username}"
        "  (password: `jinbiao studio credentials`)"
    )
    if stop_unless_waiting():
        print("NO_SERVE or CI: the studio is stopped again (`jinbiao studio start` brings it back)")
        return 0
    print("The studio keeps running for annotators; `jinbiao studio stop` stops it.")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("run", help="the main job: normalize, run every baseline, write out/, score, serve")
    p.add_argument("paths", nargs="*", metavar="PATH", help="articles (default: the shipped corpus)")
    p.add_argument("-o", "--output", default=OUTPUT_DIR, help=f"output directory (default {OUTPUT_DIR}/)")
    p.add_argument(
        "--results", default=DEFAULT_RESULTS_DIR, help=f"leaderboard directory (default {DEFAULT_RESULTS_DIR}/)"
    )
    p.add_argument(
        "--n-resamples",
        type=positive_int,
        default=DEFAULT_N_RESAMPLES,
        help=f"bootstrap resamples for the leaderboard (default {DEFAULT_N_RESAMPLES})",
    )
    p.add_argument("--no-leaderboard", action="store_true", help="skip scoring against the gold")
    p.add_argument("--no-serve", action="store_true", help="do not start Label Studio")
    p.add_argument("--baseline", default=DEFAULT_BASELINE, help=f"pre-annotations to push (default {DEFAULT_BASELINE})")
    add_engine_arguments(p)
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=cmd_run)
