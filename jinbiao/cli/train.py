"""`jinbiao train`: train the CRF on the gold and save it with its metadata; or rebuild the committed
name tagger (``--names``) or calibration (``--calibration``).

Python equivalent::

    from jinbiao.baselines.crf import CRFExtractor, train_crf
    result = train_crf()                         # --gold DIR --model-dir DIR: train_crf(DIR, DIR)
    CRFExtractor.load().meta.summary()           # --check

    from jinbiao.baselines.names import train_names
    train_names()                                # --names [--sentences N] [--model-dir DIR]

    from jinbiao.baselines.calibration import fit_calibration
    fit_calibration().save()                     # --calibration [--model-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, DEFAULT_NAME_SENTENCES, DEFAULT_OUTSIDE, DEFAULT_PARAMS
from jinbiao.baselines.crf_tags import DEFAULT_SCHEME, SCHEMES

from .common import check_output_dir, non_negative_float, non_negative_int


def _groups(value: str) -> tuple[str, ...]:
    from jinbiao.baselines.crf_features import FeatureConfig

    try:
        return FeatureConfig(tuple(g for g in value.split(",") if g)).groups
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_train(args: argparse.Namespace) -> int:
    say = partial(print, file=sys.stderr)
    if args.names:
        from jinbiao.baselines.names import train_names

        result = train_names(args.sentences, args.model_dir, gold_dir=args.gold, say=say)
        print(
            f"trained the name tagger on {result.tagger.meta.data['sentences']:,} MSRA sentences and fitted the "
            f"calibration in {result.seconds:.0f} s; wrote {result.directory}"
        )
        return 0
    if args.calibration:
        from jinbiao.baselines.calibration import fit_calibration

        path = fit_calibration(args.gold).save(args.model_dir)
        print(f"fitted the calibration; wrote {path}")
        return 0

    from jinbiao.baselines.crf import CRFExtractor, train_crf
    from jinbiao.baselines.crf_features import FeatureConfig
    from jinbiao.baselines.crf_model import default_model_dir

    model_dir = args.model_dir or default_model_dir()
    if args.check:
        meta = CRFExtractor.load(model_dir, gold_dir=args.gold).meta
        print(f"{model_dir}: current ({meta.summary() if meta else ''})")
        return 0
    check_output_dir(model_dir, overwrite=True)  # a gold directory or an unwritable one is refused before training
    params = {name: getattr(args, name) for name in DEFAULT_PARAMS if getattr(args, name) is not None}
    features = FeatureConfig(args.features) if args.features else None
    result = train_crf(args.gold, model_dir, features=features, scheme=args.scheme, params=params, outside=args.outside)
    meta = result.extractor.meta
    print(
        f"trained crf on {result.documents} documents ({result.characters:,} characters) in {result.seconds:.1f} s "
        f"({meta.summary() if meta else ''}); wrote {result.model_dir}"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train the CRF on the gold and save the model (in the workspace: models/crf)",
        description="Train the character CRF on every gold document (and MSRA sentences the name tagger never "
        "saw) and save it with its training-data hash, feature set and version. `crf` and `ensemble` load it; a "
        "stale model is reported with this command. --names rebuilds the committed MSRA name tagger and the "
        "calibration (several minutes); --calibration refits the calibration only.",
    )
    p.add_argument("--gold", default=DEFAULT_GOLD_DIR, metavar="DIR", help="gold directory (default: the shipped gold)")
    p.add_argument(
        "--model-dir",
        metavar="DIR",
        help="where to save (default: models/crf in $JINBIAO_HOME, else in .jinbiao/; with --names or "
        "--calibration: the committed baselines/data)",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument("--names", action="store_true", help="rebuild the MSRA name tagger and the calibration")
    what.add_argument("--calibration", action="store_true", help="refit the calibration of the scores")
    what.add_argument("--check", action="store_true", help="only check that the saved CRF model is current")
    p.add_argument(
        "--sentences",
        type=non_negative_int,
        default=DEFAULT_NAME_SENTENCES,
        help=f"with --names: MSRA training sentences to train on (default {DEFAULT_NAME_SENTENCES:,})",
    )
    p.add_argument(
        "--outside",
        type=non_negative_int,
        default=DEFAULT_OUTSIDE,
        help=f"MSRA sentences the CRF trains on beside the gold (default {DEFAULT_OUTSIDE:,}; 0: the gold alone)",
    )
    p.add_argument("--features", type=_groups, metavar="G,G", help="feature groups (default: the CRF's default set)")
    p.add_argument("--scheme", choices=SCHEMES, default=DEFAULT_SCHEME, help=f"tag scheme (default: {DEFAULT_SCHEME})")
    p.add_argument("--c1", type=non_negative_float, help=f"L1 regularisation (default {DEFAULT_PARAMS['c1']})")
    p.add_argument("--c2", type=non_negative_float, help=f"L2 regularisation (default {DEFAULT_PARAMS['c2']})")
    p.add_argument(
        "--max-iterations",
        dest="max_iterations",
        type=non_negative_int,
        help=f"L-BFGS iterations (default {DEFAULT_PARAMS['max_iterations']})",
    )
    p.set_defaults(handler=cmd_train)
