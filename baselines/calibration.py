"""Calibrated scores: every predicted span's `score` is an estimate of the probability that it is
exactly right (strict match: same start, end and label).

A span comes from a *source*: the gold CRF (``crf``), the MSRA name tagger (``names``), the
grammar and the 《》 rule (``rules``), jieba's names (``jieba``), the place gazetteer (``places``)
or name propagation (``propagated``). The CRF and the name tagger give a raw score (the smallest
marginal probability of their tags over the span); the others give none. The calibrator is a
logistic regression (Platt scaling with covariates) over: the source, the label, whether another
source proposed the very same span (`agreed`), the span's length in characters (capped), and the
logit of the raw score for the two sources that have one.

It is fitted (`fit_calibration`, run by ``jinbiao train --calibration``) on spans whose
correctness is known without touching any benchmark data:

* the ensemble's leave-one-document-out predictions on the seed gold (every label), and
* the ensemble's predictions, trained on the whole seed gold, on the MSRA *development* sentences
  (the last sentences of MSRA's training file, which the name tagger never saw; name labels only,
  MSRA's LOC standing for our GPE / LOC / FAC as in the benchmark);
* the standalone `rules` (seed gold) and `jieba` (seed gold and MSRA development names) spans,
  so that those baselines' scores are calibrated too.

The coefficients are stored in ``baselines/data/calibration.json`` with what they were fitted on.
The benchmark's reliability table (`jinbiao.benchmark`) shows how well the scores match measured
precision on out-of-domain data, which the calibration never saw.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinbiao.gold import LABELS
from jinbiao.gold.atomic import atomic_write_text

from .msra import MSRA_GOLD_LABELS, MSRA_PREDICTION_LABELS

CRF_SOURCE = "crf"
NAMES_SOURCE = "names"
RULES_SOURCE = "rules"
JIEBA_SOURCE = "jieba"
PLACES_SOURCE = "places"
PROPAGATED_SOURCE = "propagated"
SOURCES = (CRF_SOURCE, NAMES_SOURCE, RULES_SOURCE, JIEBA_SOURCE, PLACES_SOURCE, PROPAGATED_SOURCE)
RAW_SOURCES = (CRF_SOURCE, NAMES_SOURCE)
CALIBRATION_FILE = "calibration.json"
CALIBRATION_FORMAT = "jinbiao-calibration/1"
MAX_LENGTH = 12
DATA_DIR = Path(__file__).resolve().parent / "data"
# with no fitted calibration: a neutral guess, so that a span always carries a score
UNFITTED_SCORE = 0.5


@dataclass(frozen=True)
class Candidate:
    """One predicted span as the calibrator sees it, and (when fitting) whether it was right."""

    source: str
    label: str
    raw: float | None = None
    agreed: bool = False
    length: int = 1
    correct: bool | None = None


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def feature_names() -> list[str]:
    return [
        *(f"source={s}" for s in SOURCES),
        *(f"label={label}" for label in LABELS),
        "agreed",
        "length",
        *(f"raw:{s}" for s in RAW_SOURCES),
    ]


def features(candidate: Candidate) -> list[float]:
    row = [1.0 if candidate.source == s else 0.0 for s in SOURCES]
    row += [1.0 if candidate.label == label else 0.0 for label in LABELS]
    row += [1.0 if candidate.agreed else 0.0, min(candidate.length, MAX_LENGTH) / MAX_LENGTH]
    row += [_logit(candidate.raw) if candidate.source == s and candidate.raw is not None else 0.0 for s in RAW_SOURCES]
    return row


@dataclass
class Calibrator:
    """A fitted logistic regression: `score` gives a probability for a span (see the module docstring)."""

    coefficients: dict[str, float]
    intercept: float
    fitted_on: dict[str, Any] = field(default_factory=dict)
    format: str = CALIBRATION_FORMAT

    def score(
        self, source: str, label: str, raw: float | None = None, *, agreed: bool = False, length: int = 1
    ) -> float:
        return self.probability(Candidate(source, label, raw, agreed, length))

    def probability(self, candidate: Candidate) -> float:
        names = feature_names()
        z = self.intercept + sum(
            self.coefficients.get(n, 0.0) * x for n, x in zip(names, features(candidate), strict=True)
        )
        return round(1.0 / (1.0 + math.exp(-z)), 4)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def save(self, directory: str | os.PathLike[str] | None = None) -> Path:
        target = (Path(directory) if directory is not None else DATA_DIR) / CALIBRATION_FILE
        atomic_write_text(target, self.to_json())
        return target

    @classmethod
    def load(cls, directory: str | os.PathLike[str] | None = None) -> Calibrator:
        source = (Path(directory) if directory is not None else DATA_DIR) / CALIBRATION_FILE
        data = json.loads(source.read_text(encoding="utf-8"))
        if data.get("format") != CALIBRATION_FORMAT:
            raise ValueError(f"{source}: not a calibration this code reads ({data.get('format')})")
        return cls(data["coefficients"], data["intercept"], data.get("fitted_on", {}))


class UnfittedCalibrator(Calibrator):
    """What serves when no calibration is saved: every span gets `UNFITTED_SCORE`."""

    def __init__(self) -> None:
        super().__init__({}, 0.0, {"note": "no calibration saved"})

    def probability(self, candidate: Candidate) -> float:
        return UNFITTED_SCORE


def fit(
    candidates: Sequence[Candidate], *, regularisation: float = 1.0, fitted_on: dict[str, Any] | None = None
) -> Calibrator:
    """A calibrator fitted on `candidates` whose `correct` is known (sklearn's logistic regression)."""
    from sklearn.linear_model import LogisticRegression

    known = [c for c in candidates if c.correct is not None]
    if len({c.correct for c in known}) < 2:
        raise ValueError("calibration needs both right and wrong spans to fit on")
    X = [features(c) for c in known]
    y = [int(bool(c.correct)) for c in known]
    model = LogisticRegression(C=regularisation, max_iter=1000)
    model.fit(X, y)
    coefficients = {name: round(float(w), 6) for name, w in zip(feature_names(), model.coef_[0], strict=True)}
    summary = {"spans": len(known), "correct": sum(y), **(fitted_on or {})}
    return Calibrator(coefficients, round(float(model.intercept_[0]), 6), summary)


def seed_candidates(
    gold_dir: str | os.PathLike[str] | None = None, make: Callable[[], Any] | None = None
) -> list[Candidate]:
    """The ensemble's leave-one-document-out spans on the seed gold, each marked right or wrong."""
    from jinbiao.gold import load_gold
    from jinbiao.gold.paths import DOCUMENTS_DIR

    from .ensemble import EnsembleExtractor

    build = make or EnsembleExtractor
    gold, documents = load_gold(gold_dir if gold_dir is not None else DOCUMENTS_DIR)
    found: list[Candidate] = []
    for held in documents:
        training = [d for d in documents if d.id != held.id]
        subset = type(gold)(name=gold.name, kind=gold.kind)
        for document in training:
            subset.add(gold.documents[document.id])
        ensemble = build().fit(training, subset)
        truth = {span.key for span in gold.spans(held.id)}
        found += [replace(c, correct=(s, e, c.label) in truth) for s, e, c in ensemble.candidates(held)]
    return found


def development_candidates(
    ensemble: Any, sentences: Sequence[tuple[str, list[tuple[int, int, str]]]]
) -> list[Candidate]:
    """`ensemble`'s name spans on MSRA development sentences, marked right or wrong (MSRA's LOC is
    our GPE, LOC or FAC); its other spans are left out (MSRA does not annotate them)."""
    from jinbiao.gold import Document

    found: list[Candidate] = []
    for number, (text, spans) in enumerate(sentences):
        truth = {(s, e, MSRA_GOLD_LABELS[kind]) for s, e, kind in spans if kind in MSRA_GOLD_LABELS}
        for s, e, c in ensemble.candidates(Document(f"msra-dev-{number}", text)):
            if c.label in MSRA_PREDICTION_LABELS:
                found.append(replace(c, correct=(s, e, MSRA_PREDICTION_LABELS[c.label]) in truth))
    return found


def fit_calibration(
    gold_dir: str | os.PathLike[str] | None = None,
    *,
    make: Callable[[], Any] | None = None,
    development: Sequence[tuple[str, list[tuple[int, int, str]]]] | None = None,
) -> Calibrator:
    """Fit the calibration on the ensemble's cross-validated seed spans and its spans on the MSRA
    development sentences (`names.development_sentences`, unless `development` is given)."""
    from jinbiao.gold import load_gold
    from jinbiao.gold.paths import DOCUMENTS_DIR

    from .ensemble import EnsembleExtractor
    from .names import DEV_SENTENCES, development_sentences

    build = make or EnsembleExtractor
    seed = seed_candidates(gold_dir, build)
    gold, documents = load_gold(gold_dir if gold_dir is not None else DOCUMENTS_DIR)
    dev_sentences = list(development) if development is not None else development_sentences()
    dev = development_candidates(build().fit(documents, gold), dev_sentences)
    standalone = standalone_candidates(gold, documents, dev_sentences)
    described = {
        "seed": f"{len(seed)} spans of the ensemble, leave-one-document-out on {len(documents)} gold documents",
        "development": f"{len(dev)} name spans on {len(dev_sentences)} MSRA development sentences "
        + (f"(the last {DEV_SENTENCES} of MSRA's training file)" if development is None else "(given)"),
        "standalone": f"{len(standalone)} spans of the rules (seed gold) and jieba (seed gold, MSRA development names)",
    }
    return fit([*seed, *dev, *standalone], fitted_on=described)


def standalone_candidates(
    gold: Any, documents: Sequence[Any], sentences: Sequence[tuple[str, list[tuple[int, int, str]]]]
) -> list[Candidate]:
    """The `rules` and `jieba` baselines' own spans, marked right or wrong: on the seed gold (rules,
    jieba) and on MSRA development sentences (jieba's names)."""
    from jinbiao.gold import Document

    from .jieba_names import JiebaExtractor
    from .rules import RuleExtractor
    from .simplified import to_simplified

    rules, jieba = RuleExtractor(), JiebaExtractor()
    found: list[Candidate] = []
    for document in documents:
        truth = {span.key for span in gold.spans(document.id)}
        view = to_simplified(document.text)
        for source, offsets in ((RULES_SOURCE, rules.offsets(view)), (JIEBA_SOURCE, jieba.extract_offsets(view))):
            found += [Candidate(source, label, None, False, e - s, (s, e, label) in truth) for s, e, label in offsets]
    for text, spans in sentences:
        truth = {(s, e, MSRA_GOLD_LABELS[kind]) for s, e, kind in spans if kind in MSRA_GOLD_LABELS}
        for s, e, label in jieba.extract_offsets(Document("msra-dev", text).text):
            found.append(
                Candidate(JIEBA_SOURCE, label, None, False, e - s, (s, e, MSRA_PREDICTION_LABELS[label]) in truth)
            )
    return found


@lru_cache(maxsize=4)
def _load(directory: str) -> Calibrator:
    try:
        return Calibrator.load(directory)
    except FileNotFoundError:
        return UnfittedCalibrator()


def default_calibrator(directory: str | os.PathLike[str] | None = None) -> Calibrator:
    """The saved calibration (default: the committed one), read once per process; an
    `UnfittedCalibrator` when there is none."""
    return _load(str(Path(directory) if directory is not None else DATA_DIR))


__all__ = [
    "CRF_SOURCE",
    "JIEBA_SOURCE",
    "NAMES_SOURCE",
    "PLACES_SOURCE",
    "PROPAGATED_SOURCE",
    "RULES_SOURCE",
    "SOURCES",
    "Calibrator",
    "Candidate",
    "UnfittedCalibrator",
    "default_calibrator",
    "development_candidates",
    "fit",
    "fit_calibration",
    "seed_candidates",
]
