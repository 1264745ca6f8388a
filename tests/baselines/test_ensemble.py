"""The ensemble: its conflict rule, name propagation, calibrated scores, training, and what it does
without a model."""

from __future__ import annotations

import pytest
from tiny_corpus import FAST, tiny_documents, tiny_gold

from jinbiao.baselines import calibration, get_extractor
from jinbiao.baselines.calibration import Candidate, UnfittedCalibrator
from jinbiao.baselines.crf import Analysis, CRFExtractor
from jinbiao.baselines.crf_model import ModelNotLoadedError
from jinbiao.baselines.ensemble import EnsembleExtractor, propagate_names
from jinbiao.gold import LABEL_SET, Document, validate_spans
from jinbiao.gold.paths import HOME_ENV
from jinbiao.leaderboard import cross_validated

UNSCORED = UnfittedCalibrator()


class StubCRF(CRFExtractor):
    """A CRF that 'predicts' fixed spans, and a name tagger that predicts fixed spans too."""

    def __init__(self, found: list[tuple[int, int, str, float]], names: list[tuple[int, int, str, float]] = ()) -> None:
        super().__init__()
        self.found, self.named = found, list(names)
        self._tagger = object()  # counts as trained

    def analyse(self, text: str) -> Analysis:
        return Analysis(text, self.found, self.named)


def combine(text, crf, names=(), **options) -> list[tuple]:
    ensemble = EnsembleExtractor(StubCRF(crf, names), propagate=False, calibrator=UNSCORED, **options)
    return [(s.start, s.end, s.label) for s in ensemble.extract(Document("d", text))]


def test_the_conflict_rule_longest_wins_then_crf_rules_names_places():
    text = (
        "北京市国资委5月9日开会"  # the rules find DATE 5月9日 at [6, 10); the gazetteer 北京市 (an ORG's head: skipped)
    )
    # the name tagger's ORG is longer than the CRF's GPE; the rules' DATE is longer than the CRF's 5月
    assert combine(text, [(0, 3, "GPE", 0.9), (6, 8, "DATE", 0.5)], [(0, 6, "ORG", 0.95)]) == [
        (0, 6, "ORG"),
        (6, 10, "DATE"),
    ]
    # at equal length the CRF wins over the rules and over the name tagger
    assert combine(text, [(0, 6, "FAC", 0.4), (6, 10, "TIME", 0.7)], [(0, 6, "ORG", 0.95)]) == [
        (0, 6, "FAC"),
        (6, 10, "TIME"),
    ]
    # spans that overlap nothing are all kept; a place that heads no organisation comes from the gazetteer
    assert combine("他在巴黎开会", [], [(0, 1, "PERSON", 0.95)]) == [(0, 1, "PERSON"), (2, 4, "GPE")]
    # the name tagger's spans below NAMES_MIN_SCORE are no candidates
    assert combine("他在巴黎开会", [], [(0, 1, "PERSON", 0.5)]) == [(2, 4, "GPE")]
    assert combine("他在巴黎开会", [], [], with_places=False) == []


def test_a_chain_of_country_abbreviations_is_one_gpe_per_country():
    text = "中美关系有所缓和"
    assert combine(text, [(0, 2, "GPE", 0.9)]) == [(0, 1, "GPE"), (1, 2, "GPE")]
    assert combine(text, [(0, 2, "GPE", 0.9)], with_places=False) == [(0, 2, "GPE")]


def test_every_span_carries_a_calibrated_score_from_its_source():
    text = "埃隆·马斯克在巴黎说，2月7日上午8点多，埃隆·马斯克到了。"
    crf = [(0, 6, "PERSON", 0.95)]
    calibrator = calibration.fit(
        [
            Candidate(source, label, raw, agreed, length, correct)
            for source, label, raw, agreed, length, correct in [
                ("crf", "PERSON", 0.95, False, 6, True), ("crf", "PERSON", 0.3, False, 6, False),
                ("rules", "TIME", None, False, 8, True), ("places", "GPE", None, False, 2, True),
                ("places", "GPE", None, False, 2, False), ("propagated", "PERSON", None, False, 3, False),
                ("propagated", "PERSON", None, False, 3, True), ("names", "PERSON", 0.9, True, 3, True),
            ]
        ]
    )  # fmt: skip
    ensemble = EnsembleExtractor(StubCRF(crf), calibrator=calibrator, propagate=True)
    spans = ensemble.extract(Document("d", text))
    assert [(s.text, s.label) for s in spans] == [
        ("埃隆·马斯克", "PERSON"), ("巴黎", "GPE"), ("2月7日上午8点多", "TIME"), ("埃隆·马斯克", "PERSON"),
    ]  # fmt: skip
    assert all(s.score is not None and 0 < s.score < 1 for s in spans)
    sources = ["crf", "places", "rules", "propagated"]
    expected = [
        calibrator.score(source, s.label, 0.95 if source == "crf" else None, length=s.end - s.start)
        for source, s in zip(sources, spans, strict=True)
    ]
    assert [s.score for s in spans] == expected
    assert spans[0].score > spans[1].score  # a confident CRF span over a gazetteer lookup


def test_propagate_names_labels_the_other_mentions_by_majority():
    text = "金豪制药说，金豪制药和金豪都在北京。金豪制药在北京。"
    found = [(0, 4, "ORG"), (15, 17, "GPE"), (23, 25, "GPE"), (18, 22, "FAC")]
    assert propagate_names(text, found) == [
        (6, 10, "FAC"),  # a tie (ORG 1 : FAC 1) goes to the label first in alphabetical order
    ]
    assert propagate_names(text, [(11, 12, "ORG")]) == []  # one character: never propagated
    assert propagate_names("北京和北京", [(0, 2, "GPE")]) == [(3, 5, "GPE")]


@pytest.fixture(scope="module")
def fitted() -> EnsembleExtractor:
    documents = tiny_documents()
    return EnsembleExtractor(CRFExtractor(params=FAST, outside=0)).fit(documents, tiny_gold(documents))


def test_a_fitted_ensemble_obeys_the_contract(fitted):
    for document in [*tiny_documents(), Document("x", "濟南市國資委2月20日表示，88.06%的企业已复工。\n李 刚")]:
        spans = fitted.extract(document)
        validate_spans(document.text, spans, doc_id=document.id)
        assert {s.label for s in spans} <= LABEL_SET
        assert all(s.origin == "ensemble@" + fitted.version for s in spans)
    assert [s.key for s in fitted.extract(tiny_documents()[0])] == [(0, 3, "PERSON"), (5, 11, "ORG"), (11, 15, "DATE")]


def test_the_ensemble_is_cross_validated_like_the_crf():
    documents = tiny_documents()
    seen: list[tuple[str, list[str]]] = []

    class Spy(EnsembleExtractor):
        def fit(self, docs, gold):
            self.fold = sorted(d.id for d in docs)
            return super().fit(docs, gold)

        def extract(self, document):
            seen.append((document.id, self.fold))
            return super().extract(document)

    cross_validated(
        "ensemble", documents, tiny_gold(documents), factory=lambda _: Spy(CRFExtractor(params=FAST, outside=0))
    )
    assert sorted(doc_id for doc_id, _ in seen) == ["t1", "t2", "t3"]
    assert all(doc_id not in trained_on for doc_id, trained_on in seen)


def test_extract_never_provides_a_model_itself(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    ensemble = EnsembleExtractor()
    assert not ensemble.ready
    with pytest.raises(ModelNotLoadedError, match="the CRF has no model"):
        ensemble.extract(Document("d", "北京市国资委5月9日开会"))
    assert not (tmp_path / "home").exists()  # nothing trained, nothing written


def test_the_fallback_is_every_member_but_the_crf_with_its_own_origin():
    ensemble = EnsembleExtractor().use_fallback()
    assert ensemble.ready and not ensemble.crf.is_trained
    spans = ensemble.extract(Document("d", "北京市国资委5月9日开会"))
    assert {s.origin for s in spans} == {"ensemble@" + ensemble.version + "-fallback"}
    assert [(s.text, s.label) for s in spans] == [("北京市国资委", "ORG"), ("5月9日", "DATE")]
    assert all(0 < s.score < 1 for s in spans)


def test_the_registry_ensemble_is_trainable_and_named():
    ensemble = get_extractor("ensemble")
    assert ensemble.name == "ensemble" and ensemble.trainable and ensemble.labels == LABEL_SET
