"""`crf`: a character-level CRF (sklearn-crfsuite) for all twelve labels.

It tags the characters of the Simplified view (`to_simplified`, one character for one) with BIO
tags, one sequence per sentence (`crf_features.sentence_bounds`), from the features of
`crf_features`. Each predicted span's `score` is the smallest marginal probability, over its
characters, of the tag the CRF chose there: a span the model is unsure of anywhere scores low.
Training is sklearn-crfsuite's (L-BFGS, deterministic); prediction uses python-crfsuite's tagger.

Constructed with no model (as the registry and the leaderboard construct it), it is trained by
`fit`, or given the model that `train_crf` (`jinbiao train`) saved by `load` / `load_saved`,
checked against this code and the gold (a missing or stale model is a `crf_model.ModelError`
whose remedy trains it). `extract` only predicts: asked before it has a model, it raises
`ModelNotLoadedError`; it never loads, trains or writes anything.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycrfsuite
import sklearn_crfsuite

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, JinbiaoError, Span, load_gold
from jinbiao.gold.edges import trim_edges
from jinbiao.gold.errors import Remedy

from .base import Extractor
from .crf_features import DEFAULT_FEATURES, FeatureConfig, sentence_bounds, text_features
from .crf_model import (
    CRF_VERSION,
    DEFAULT_GOLD_DIR,
    DEFAULT_PARAMS,
    ModelError,
    ModelMeta,
    ModelNotLoadedError,
    StaleModelError,
    default_model_dir,
    load_model,
    save_model,
    training_hash,
)
from .crf_tags import DEFAULT_SCHEME, check_scheme, spans_to_tags, tags_to_spans
from .msra import MSRATagger, msra_tagger
from .simplified import to_simplified


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
        *,
        features: FeatureConfig | None = None,
        scheme: str = DEFAULT_SCHEME,
        params: dict[str, Any] | None = None,
        msra: MSRATagger | None = None,
        msra_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        """`features`: the feature groups to train with (default all; when loading, the model's own).
        `msra`: the MSRA name tagger for the ``msra`` features (default: the one saved in `msra_dir`,
        read when it is first needed)."""
        self.features = features
        self.scheme = check_scheme(scheme)
        self.params = {**DEFAULT_PARAMS, **(params or {})}
        self.msra = msra
        self.msra_dir = msra_dir
        self.meta: ModelMeta | None = None
        self._model: bytes | None = None
        self._tagger: pycrfsuite.Tagger | None = None

    # ----------------------------------------------------------------------------- training

    @property
    def feature_config(self) -> FeatureConfig:
        return self.features or DEFAULT_FEATURES

    @property
    def is_trained(self) -> bool:
        return self._tagger is not None

    def features_of(self, view: str) -> list[tuple[str, ...]]:
        """The feature lists of the Simplified text `view` under this extractor's feature set."""
        if not self.feature_config.uses_msra:
            return text_features(view, self.feature_config)
        if self.msra is None:
            raise ModelNotLoadedError("the CRF's msra features need an MSRA name tagger; none was given")
        return text_features(view, self.feature_config, self.msra.tags(view))

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
        """Train on `documents` with their spans in `gold`; the model stays in memory (see `save`).

        With ``msra`` features and no tagger given, the saved MSRA tagger is read (`msra.msra_tagger`);
        training that one is `train_crf`'s job."""
        if not documents:
            raise JinbiaoError("the CRF needs at least one gold document to train on")
        if self.feature_config.uses_msra and self.msra is None:
            self.msra = msra_tagger(self.msra_dir)
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
            msra=self.msra.meta.id if self.msra is not None and self.feature_config.uses_msra else "",
        )
        return self

    def _open(self, model: bytes) -> None:
        tagger = pycrfsuite.Tagger()
        tagger.open_inmemory(model)
        self._model, self._tagger = model, tagger

    def save(
        self, model_dir: str | os.PathLike[str] | None = None, *, gold_dir: str | os.PathLike[str] | None = None
    ) -> Path:
        """Write the fitted model (and its metadata, naming `gold_dir` if given) to `model_dir`
        (default: `crf_model.default_model_dir()`)."""
        if self._model is None or self.meta is None:
            raise ModelNotLoadedError("the CRF has not been trained: fit it first")
        if gold_dir is not None:
            self.meta.gold_dir = str(gold_dir)
        return save_model(model_dir if model_dir is not None else default_model_dir(), self._model, self.meta)

    # ------------------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
        msra_dir: str | os.PathLike[str] | None = None,
    ) -> CRFExtractor:
        """A CRF with the saved model of `model_dir` (see `load_saved`)."""
        return cls(msra_dir=msra_dir).load_saved(model_dir, gold_dir=gold_dir)

    def load_saved(
        self,
        model_dir: str | os.PathLike[str] | None = None,
        *,
        gold_dir: str | os.PathLike[str] | None = DEFAULT_GOLD_DIR,
    ) -> CRFExtractor:
        """Read the model saved in `model_dir` (default: `crf_model.default_model_dir()`) into this CRF.

        The model must have been made by this code (and, if this CRF was given `features`, with
        them) and trained on the gold in `gold_dir` (default: the shipped gold; None accepts any
        gold). Raises `MissingModelError` or `StaleModelError` otherwise.
        """
        directory = Path(model_dir) if model_dir is not None else default_model_dir()
        expected = self.features.id if self.features is not None else None
        model, meta = load_model(directory, feature_set=expected, gold_dir=gold_dir)
        where = {"gold_dir": gold_dir, "model_dir": directory, "msra": bool(meta.msra)}
        try:
            features, scheme = FeatureConfig.from_id(meta.feature_set), check_scheme(meta.tag_scheme)
        except ValueError as error:
            raise StaleModelError(f"CRF model in {directory} does not fit this code ({error})", **where) from None
        if meta.msra:
            try:
                tagger = self.msra or msra_tagger(self.msra_dir)
            except ModelError as error:
                raise StaleModelError(
                    f"CRF model in {directory} needs the MSRA name tagger: {error.problem}", **where
                ) from None
            if tagger.meta.id != meta.msra:
                raise StaleModelError(
                    f"CRF model in {directory} was trained with MSRA tagger {meta.msra}, the saved one is "
                    f"{tagger.meta.id}",
                    **where,
                )
            self.msra = tagger
        self.features, self.scheme = features, scheme
        self._open(model)
        self.meta = meta
        return self

    # ----------------------------------------------------------------------------- predicting

    def predict_offsets(self, text: str) -> list[tuple[int, int, str, float]]:
        """(start, end, label, score) on `text` (any script: tagging runs on its Simplified view)."""
        tagger = self._tagger
        if tagger is None:
            raise ModelNotLoadedError("the CRF has no model: load a saved one (CRFExtractor.load) or fit it first")
        view = to_simplified(text)
        features = self.features_of(view)
        found: list[tuple[int, int, str, float]] = []
        for start, end in sentence_bounds(view):
            tags = tagger.tag(features[start:end])
            for a, b, label in tags_to_spans(tags):
                s, e = trim_edges(view, start + a, start + b)
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
    scheme: str = DEFAULT_SCHEME,
    params: dict[str, Any] | None = None,
    msra: bool = False,
    msra_dir: str | os.PathLike[str] | None = None,
    say: Callable[[str], None] | None = None,
) -> TrainResult:
    """Train the CRF on every document of `gold_dir` (default: the shipped gold) and save it to
    `model_dir` (default: `crf_model.default_model_dir()`, in the workspace).

    `msra` adds the MSRA name tagger's features, training that tagger first if none is saved in
    `msra_dir` (a few minutes; `say` is told before)."""
    gold_path = Path(gold_dir) if gold_dir is not None else DEFAULT_GOLD_DIR
    if not gold_path.exists():
        raise JinbiaoError(f"{gold_path}: no gold to train on (no such directory)", remedy=Remedy.GIVE_GOLD)
    started = time.perf_counter()
    tagger = None
    if msra:
        features = (features or FeatureConfig()).with_msra()
        tagger = msra_tagger(msra_dir, train_if_missing=True, say=say)
    gold, documents = load_gold(gold_path)
    extractor = CRFExtractor(features=features, scheme=scheme, params=params, msra=tagger, msra_dir=msra_dir)
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


__all__ = ["CRFExtractor", "TrainResult", "train_crf"]
