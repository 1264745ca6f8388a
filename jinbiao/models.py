"""Providing models: the explicit step that makes a learned extractor ready before a job runs it.

Extractors never load, train or write anything while they extract. A job that runs one the
registry made (`run`, `extract`, `prelabel`, `push` with predictions) first calls
`provide_model` (or `ready_extractor` by name):

* an extractor that needs no model (`rules`, `jieba`, `union`) or already has one is left as it is;
* `crf`, and the CRF inside `ensemble`, get the saved model (`CRFExtractor.load_saved`), checked
  against this code and the gold;
* when that is missing or stale and there is gold, the CRF is trained from it (10–30 s) and saved
  for next time; `say` is told first (the command line passes a function that prints on stderr);
* with no gold to train on, `ensemble` falls back to its other members: the grammar, the MSRA name
  tagger and the place gazetteer (and `say` is told), while
  `crf` raises the `ModelError` (its remedy trains the model).

So it does not matter in which order a job provides its extractors: the first to need the model
trains and saves it, the others load it.

The leaderboard does not come here: it fits every learned extractor on its training folds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from jinbiao.baselines import Extractor, get_extractor
from jinbiao.baselines.crf_model import DEFAULT_GOLD_DIR, ModelError, has_gold
from jinbiao.gold import load_gold

if TYPE_CHECKING:
    from jinbiao.baselines.crf import CRFExtractor

Say = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def _unready_crf(extractor: Extractor) -> CRFExtractor | None:
    """The CRF whose model `extractor` still needs, or None."""
    if not extractor.trainable:
        return None  # rules, jieba, union: nothing to provide (and the CRF's libraries stay unloaded)
    from jinbiao.baselines.crf import CRFExtractor
    from jinbiao.baselines.ensemble import EnsembleExtractor

    if isinstance(extractor, EnsembleExtractor):
        return None if extractor.ready else extractor.crf
    if isinstance(extractor, CRFExtractor):
        return None if extractor.is_trained else extractor
    return None


def provide_model(
    extractor: Extractor,
    *,
    gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    model_dir: str | os.PathLike[str] | None = None,
    train: bool = True,
    say: Say | None = None,
) -> Extractor:
    """Make `extractor` ready to extract (see the module docstring); return it.

    `gold_dir`: the gold a saved model must have been trained on, and the gold to train on
    (default: the shipped gold; None accepts any saved model and trains on none). `model_dir`:
    where the model is saved (default: the workspace's). `train` False only loads: a missing or
    stale model is then the `ModelError`. `say` is told, in one line each, when a model is trained,
    cannot be saved, or the ensemble falls back.
    """
    crf = _unready_crf(extractor)
    if crf is None:
        return extractor
    tell = say or _quiet
    try:
        crf.load_saved(model_dir, gold_dir=gold_dir)
        return extractor
    except ModelError as error:
        if not train:
            raise
        failure = error
    if gold_dir is not None and has_gold(gold_dir):
        tell(f"{extractor.name}: {failure.problem}; training it now from the gold in {gold_dir}")
        gold, documents = load_gold(gold_dir)
        crf.fit(documents, gold)
        try:
            crf.save(model_dir, gold_dir=gold_dir)
        except OSError as error:  # an unwritable model directory: the model serves this run only
            tell(f"{extractor.name}: cannot save the CRF model ({error}); using it unsaved")
        return extractor
    from jinbiao.baselines.ensemble import EnsembleExtractor

    if isinstance(extractor, EnsembleExtractor):
        tell(
            f"{extractor.name}: {failure.problem} and no gold to train it on; falling back to the grammar, "
            "the name tagger and the place gazetteer"
        )
        return extractor.use_fallback()
    raise failure


def ready_extractor(
    name: str,
    *,
    gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    model_dir: str | os.PathLike[str] | None = None,
    train: bool = True,
    say: Say | None = None,
) -> Extractor:
    """The registered extractor `name`, with its model provided (`provide_model`)."""
    return provide_model(get_extractor(name), gold_dir=gold_dir, model_dir=model_dir, train=train, say=say)


def ready_extractors(
    names: Sequence[str],
    *,
    gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    model_dir: str | os.PathLike[str] | None = None,
    train: bool = True,
    say: Say | None = None,
) -> list[Extractor]:
    """`ready_extractor` for each name; every name is looked up before any model is provided, so a
    mistyped name fails before minutes of training."""
    extractors = [get_extractor(name) for name in names]
    return [
        provide_model(extractor, gold_dir=gold_dir, model_dir=model_dir, train=train, say=say)
        for extractor in extractors
    ]


__all__ = ["provide_model", "ready_extractor", "ready_extractors"]
