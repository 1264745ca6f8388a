"""The leaderboard runner: every baseline against the shipped gold, scored by `jinbiao.evaluate`.

A trainable extractor is cross-validated leave-one-document-out: for each gold document a fresh
extractor is fitted on all the other documents and predicts that one only, so no model is ever
scored on a document it was trained on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from jinbiao.baselines import Extractor, available, get_extractor
from jinbiao.gold import AnnotationSet, Document, DocumentAnnotations, JinbiaoError, load_gold
from jinbiao.gold.paths import DOCUMENTS_DIR

DEFAULT_GOLD_DIR = DOCUMENTS_DIR
DEFAULT_RESULTS_DIR = "results"
DEFAULT_N_RESAMPLES = 1000
DEFAULT_SEED = 0
DEFAULT_SCHEME = "strict"
DEFAULT_METHOD = "permutation"
DEFAULT_UNITS = "document"

if TYPE_CHECKING:  # scoring (pandas, numpy) is imported when a leaderboard is run, not with the CLI
    from jinbiao.evaluate import Leaderboard


@dataclass
class LeaderboardRun:
    board: Leaderboard
    predictions: dict[str, AnnotationSet]
    paths: list[Path] = field(default_factory=list)
    # system -> held-out document -> the documents its model was trained on (trainable systems only)
    folds: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def resolve_gold_dir(gold_dir: str | os.PathLike[str] = DEFAULT_GOLD_DIR) -> Path:
    path = Path(gold_dir)
    if not path.exists():
        raise JinbiaoError(f"{gold_dir}: no gold here (no such directory)")
    return path


def gold_subset(gold: AnnotationSet, doc_ids: Sequence[str]) -> AnnotationSet:
    subset = AnnotationSet(name=gold.name, kind=gold.kind, version=gold.version, meta=dict(gold.meta))
    for doc_id in doc_ids:
        found = gold.documents[doc_id]
        subset.add(DocumentAnnotations(found.doc_id, found.text_sha256, list(found.spans), found.text))
    return subset


def cross_validated(
    name: str,
    documents: Sequence[Document],
    gold: AnnotationSet,
    *,
    factory: Callable[[str], Extractor] = get_extractor,
    folds: dict[str, list[str]] | None = None,
) -> AnnotationSet:
    """Leave-one-document-out predictions of the trainable extractor `name`."""
    if len(documents) < 2:
        raise JinbiaoError(f"baseline {name} is trainable: cross-validation needs at least two gold documents")
    result: AnnotationSet | None = None
    for held_out in documents:
        training = [d for d in documents if d.id != held_out.id]
        train_ids = [d.id for d in training]
        if held_out.id in train_ids:  # pragma: no cover - a duplicated document id
            raise JinbiaoError(f"document {held_out.id} would be both trained on and scored")
        model = factory(name)
        model = model.fit(training, gold_subset(gold, train_ids)) or model
        spans = model.extract(held_out)
        if result is None:
            result = AnnotationSet(name=name, kind="baseline", version=model.version)
            result.meta["protocol"] = "leave-one-document-out"
        result.add_document(held_out, list(spans))
        if folds is not None:
            folds[held_out.id] = train_ids
    assert result is not None
    return result


def predict(
    name: str,
    documents: Sequence[Document],
    gold: AnnotationSet,
    *,
    factory: Callable[[str], Extractor] = get_extractor,
    folds: dict[str, list[str]] | None = None,
) -> AnnotationSet:
    """The predictions of baseline `name` on `documents`, cross-validated if it is trainable."""
    extractor = factory(name)
    if extractor.trainable:
        return cross_validated(name, documents, gold, factory=factory, folds=folds)
    return extractor.annotate(documents)


def run_leaderboard(
    gold_dir: str | os.PathLike[str] = DEFAULT_GOLD_DIR,
    baselines: Sequence[str] | None = None,
    out_dir: str | os.PathLike[str] | None = DEFAULT_RESULTS_DIR,
    *,
    n_resamples: int = DEFAULT_N_RESAMPLES,
    seed: int | None = DEFAULT_SEED,
    scheme: str = DEFAULT_SCHEME,
    method: str = DEFAULT_METHOD,
    units: str = DEFAULT_UNITS,
    confidence: float = 0.95,
    factory: Callable[[str], Extractor] = get_extractor,
    systems: Mapping[str, AnnotationSet] | None = None,
) -> LeaderboardRun:
    """Score `baselines` (default: every registered one) on the gold; write `out_dir` unless None.

    `systems` ranks external prediction sets (name -> annotation set, e.g. read with
    `jinbiao.evaluate.load_predictions`) beside the baselines; an empty `baselines` list with
    `systems` ranks only those.
    """
    from jinbiao.evaluate import leaderboard, write_leaderboard

    path = resolve_gold_dir(gold_dir)
    gold, documents = load_gold(path)
    names = list(baselines) if baselines is not None else ([] if systems else available())
    if not names and not systems:
        raise JinbiaoError("no baselines to score")
    clash = sorted(set(names) & set(systems or {}))
    if clash:
        raise JinbiaoError(f"a system is named like a baseline: {', '.join(clash)}; give it another name")
    predictions: dict[str, AnnotationSet] = dict(systems or {})
    folds: dict[str, dict[str, list[str]]] = {}
    for name in names:
        system_folds: dict[str, list[str]] = {}
        predictions[name] = predict(name, documents, gold, factory=factory, folds=system_folds)
        if system_folds:
            folds[name] = system_folds
    board = leaderboard(
        gold,
        predictions,
        scheme=scheme,
        n_resamples=n_resamples,
        seed=seed,
        confidence=confidence,
        method=method,
        units=units,
    )
    paths = write_leaderboard(board, out_dir) if out_dir is not None else []
    return LeaderboardRun(board=board, predictions=predictions, paths=paths, folds=folds)
