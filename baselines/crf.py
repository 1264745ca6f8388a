"""`crf`: a character-level CRF (sklearn-crfsuite) for all twelve labels.

It tags the characters of the Simplified view (`to_simplified`, one character for one) with BIO
tags, one sequence per sentence (`crf_features.sentence_bounds`), from the features of
`crf_features`. Each predicted span's `score` is the smallest marginal probability, over its
characters, of the tag the CRF chose there: a span the model is unsure of anywhere scores low.
Training is sklearn-crfsuite's (L-BFGS, deterministic); prediction uses python-crfsuite's tagger.

Constructed with no model (as the registry and the leaderboard construct it), it is trained by
`fit`; asked to `extract` without having been fitted, it loads the model that `jinbiao train`
saved (`crf_model.default_model_dir()`), checked against this code and the shipped gold. A
missing or stale model raises a `crf_model.ModelError` naming the command that retrains it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrfsuite
import sklearn_crfsuite

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, JinbiaoError, Span, load_gold

from .base import Extractor
from .crf_features import DEFAULT_FEATURES, FEATURES_VERSION, GROUPS, FeatureConfig, sentence_bounds, text_features
from .crf_model import (
    CRF_VERSION,
    MissingModelError,
    ModelError,
    ModelMeta,
    StaleModelError,
    default_gold_dir,
    default_model_dir,
    load_model,
    retrain_command,
    save_model,
    training_hash,
)
from .crf_tags import check_scheme, spans_to_tags, tags_to_spans, trim_span
from .msra import MSRATagger, msra_tagger
from .simplified import to_simplified

DEFAULT_PARAMS: dict[str, Any] = {"c1": 0.05, "c2": 0.05, "max_iterations": 150}
# The marker for "the shipped gold": a model loaded without being fitted must match it.
SHIPPED_GOLD = "shipped"


class CRFExtractor(Extractor):
    name = "crf"
    version = CRF_VERSION
    labels = LABEL_SET
    description = (
        "Character CRF (sklearn-crfsuite) over characters, jieba words/POS, rule and gazetteer tags; "
        "trained by `jinbiao train`."
    )
    trainable = True

    def __init__(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        features: FeatureConfig | None = None,
        scheme: str = "BIO",
        params: dict[str, Any] | None = None,
        gold_dir: str | os.PathLike[str] | None = SHIPPED_GOLD,
        msra_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """`model_dir`: where `extract` loads a model from when it was not fitted (default: the
        project's). `features`: the feature groups to train with (default all; when loading, the
        model's own). `gold_dir`: the gold a loaded model must have been trained on (the shipped
        gold by default; None accepts any). `msra_dir`: where the MSRA tagger is kept (``msra`` features only)."""
        self.model_dir = Path(model_dir) if model_dir is not None else None
        self.features = features
        self.scheme = check_scheme(scheme)
        self.params = {**DEFAULT_PARAMS, **(params or {})}
        self.gold_dir = gold_dir
        self.msra_dir = msra_dir
        self.meta: ModelMeta | None = None
        self._msra: MSRATagger | None = None
        self._model: bytes | None = None
        self._tagger: pycrfsuite.Tagger | None = None

    # ----------------------------------------------------------------------------- training

    @property
    def feature_config(self) -> FeatureConfig:
        return self.features or DEFAULT_FEATURES

    @property
    def is_trained(self) -> bool:
        return self._tagger is not None

    def msra(self, *, train_if_missing: bool = True) -> MSRATagger | None:
        """The MSRA name tagger when the features use it (trained once, on first use)."""
        if not self.feature_config.uses_msra:
            return None
        if self._msra is None:
            self._msra = msra_tagger(self.msra_dir, train_if_missing=train_if_missing)
        return self._msra

    def features_of(self, view: str) -> list[tuple[str, ...]]:
        """The feature lists of the Simplified text `view` under this extractor's feature set."""
        tagger = self.msra()
        return text_features(view, self.feature_config, tagger.tags(view) if tagger is not None else None)

    def sequences(
        self, documents: Sequence[Document], gold: AnnotationSet
    ) -> tuple[list[list[tuple[str, ...]]], list[list[str]]]:
        """Training sequences (features, tags), one per sentence of every document."""
        X: list[list[tuple[str, ...]]] = []
        y: list[list[str]] = []
        for document in documents:
            found = gold.documents.get(document.id)
            if found is None:
                raise JinbiaoError(f"document {document.id} has no gold annotations to train on")
            if found.text_sha256 != document.text_sha256:
                raise JinbiaoError(f"document {document.id}: the gold was made against another text (hash differs)")
            view = to_simplified(document.text)
            features = self.features_of(view)
            tags = spans_to_tags(len(view), [(s.start, s.end, s.label) for s in found.spans], self.scheme)
            for start, end in sentence_bounds(view):
                X.append(features[start:end])
                y.append(tags[start:end])
        return X, y

    def fit(self, documents: Sequence[Document], gold: AnnotationSet) -> CRFExtractor:
        """Train on `documents` with their spans in `gold`; the model stays in memory (see `save`)."""
        if not documents:
            raise JinbiaoError("the CRF needs at least one gold document to train on")
        started = time.perf_counter()
        X, y = self.sequences(documents, gold)
        crf = sklearn_crfsuite.CRF(algorithm="lbfgs", **self.params)
        try:
            crf.fit(X, y)
            model = Path(crf.modelfile.name).read_bytes()
        finally:
            crf.modelfile.cleanup()
        self._open(model)
        self.meta = ModelMeta(
            feature_set=self.feature_config.id,
            tag_scheme=self.scheme,
            training_hash=training_hash(gold, [d.id for d in documents]),
            documents=sorted(d.id for d in documents),
            params=dict(self.params),
            labels=sorted({label.partition("-")[2] for tags in y for label in tags if label != "O"}),
            seconds=round(time.perf_counter() - started, 3),
            msra=self._msra.meta.id if self._msra is not None else "",
        )
        return self

    def _open(self, model: bytes) -> None:
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(model)
        self._model, self._tagger = model, tagger

    def save(self, model_dir: str | os.PathLike[str] | None = None, *, gold_dir: str | os.PathLike[str] = "") -> Path:
        """Write the fitted model (and its metadata) to `model_dir` (default: the project's)."""
        if self._model is None or self.meta is None:
            raise JinbiaoError("the CRF has not been trained: call fit (or `jinbiao train`) first")
        if gold_dir:
            self.meta.gold_dir = str(gold_dir)
        return save_model(model_dir if model_dir is not None else default_model_dir(), self._model, self.meta)

    # ------------------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls, model_dir: str | os.PathLike[str] | None = None, *, gold_dir: str | os.PathLike[str] | None = SHIPPED_GOLD
    ) -> CRFExtractor:
        extractor = cls(model_dir, gold_dir=gold_dir)
        extractor.ensure_model()
        return extractor

    def ensure_model(self) -> None:
        """Load the saved model unless one is in memory; raise `ModelError` if none is usable."""
        if self._tagger is not None:
            return
        directory = self.model_dir if self.model_dir is not None else default_model_dir()
        gold_dir = default_gold_dir() if self.gold_dir == SHIPPED_GOLD else self.gold_dir
        expected = self.features.id if self.features is not None else None
        model, meta = load_model(directory, feature_set=expected, gold_dir=gold_dir)
        try:
            features, scheme = FeatureConfig.from_id(meta.feature_set), check_scheme(meta.tag_scheme)
        except ValueError as error:
            raise StaleModelError(
                f"CRF model in {directory} does not fit this code ({error}); retrain with "
                f"`{retrain_command(gold_dir, directory)}`"
            ) from None
        if meta.msra:
            command = retrain_command(gold_dir, directory, msra=True)
            try:
                tagger = self._msra or msra_tagger(self.msra_dir, train_if_missing=False)
            except ModelError as error:
                problem = str(error).split("; ")[0]
                raise StaleModelError(
                    f"CRF model in {directory} needs the MSRA name tagger: {problem}; retrain with `{command}`"
                ) from None
            if tagger.meta.id != meta.msra:
                raise StaleModelError(
                    f"CRF model in {directory} was trained with MSRA tagger {meta.msra}, the saved one is "
                    f"{tagger.meta.id}; retrain with `{command}`"
                )
            self._msra = tagger
        self.features, self.scheme = features, scheme
        self._open(model)
        self.meta = meta

    # ----------------------------------------------------------------------------- predicting

    def predict_offsets(self, text: str) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) on `text` (any script: tagging runs on its Simplified view)."""
        self.ensure_model()
        tagger = self._tagger
        assert tagger is not None
        view = to_simplified(text)
        features = self.features_of(view)
        found: list[tuple[int, int, str, float]] = []
        for start, end in sentence_bounds(view):
            tags = tagger.tag(features[start:end])
            for a, b, label in tags_to_spans(tags):
                s, e = trim_span(view, start + a, start + b)
                if s >= e or label not in LABEL_SET:
                    continue
                score = min(tagger.marginal(tags[i], i) for i in range(s - start, e - start))
                found.append((s, e, label, score))
        return found

    def extract(self, document: Document) -> list[Span]:
        return [
            document.span(s, e, label, score=score, origin=self.origin)
            for s, e, label, score in self.predict_offsets(document.text)
        ]


@dataclass
class TrainResult:
    extractor: CRFExtractor
    model_dir: Path
    gold_dir: Path
    documents: int
    characters: int
    seconds: float


def train_crf(
    gold_dir: str | os.PathLike[str] | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    *,
    features: FeatureConfig | None = None,
    scheme: str = "BIO",
    params: dict[str, Any] | None = None,
    msra_dir: str | os.PathLike[str] | None = None,
) -> TrainResult:
    """Train the CRF on every document of `gold_dir` (default: the shipped gold) and save it to
    `model_dir` (default: `.jinbiao/models/crf` under the project, or ``$JINBIAO_MODEL_DIR``)."""
    gold_path = Path(gold_dir) if gold_dir is not None else default_gold_dir()
    if not gold_path.exists():
        raise JinbiaoError(f"{gold_path}: no gold to train on (no such directory); pass --gold DIR")
    started = time.perf_counter()
    gold, documents = load_gold(gold_path)
    extractor = CRFExtractor(
        model_dir, features=features, scheme=scheme, params=params, gold_dir=gold_path, msra_dir=msra_dir
    )
    extractor.fit(documents, gold)
    directory = extractor.save(model_dir, gold_dir=gold_path)
    return TrainResult(
        extractor=extractor,
        model_dir=directory,
        gold_dir=gold_path,
        documents=len(documents),
        characters=sum(len(d.text) for d in documents),
        seconds=time.perf_counter() - started,
    )


__all__ = [
    "CRF_VERSION",
    "DEFAULT_PARAMS",
    "FEATURES_VERSION",
    "GROUPS",
    "CRFExtractor",
    "MissingModelError",
    "StaleModelError",
    "TrainResult",
    "train_crf",
]
