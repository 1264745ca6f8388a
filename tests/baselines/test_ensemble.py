"""The ensemble: its conflict rule, name propagation, training, and what it does without a model."""

from __future__ import annotations

import pytest
from tiny_corpus import FAST, tiny_documents, tiny_gold

from jinbiao.baselines import get_extractor
from jinbiao.baselines.base import Extractor
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.crf_model import ModelNotLoadedError
from jinbiao.baselines.ensemble import EnsembleExtractor, propagate_names
from jinbiao.gold import LABEL_SET, Document, Span, validate_spans
from jinbiao.gold.paths import HOME_ENV
from jinbiao.leaderboard import cross_validated


def span(text: str, start: int, end: int, label: str, score: float | None = None) -> Span:
    return Span(start, end, label, text[start:end], score)


class StubCRF(CRFExtractor):
    """A CRF that 'predicts' fixed spans."""

    def __init__(self, found: list[tuple[int, int, str, float]]) -> None:
        super().__init__()
        self.found = found
        self._tagger = object()  # counts as trained

    def predict_offsets(self, text: str) -> list[tuple[int, int, str, float]]:
        return self.found


class StubJieba(Extractor):
    name = "jieba"

    def __init__(self, found: list[tuple[int, int, str]]) -> None:
        self.found = found

    def extract(self, document: Document) -> list[Span]:
        return [document.span(s, e, label) for s, e, label in self.found]


def combine(text: str, crf: list[tuple[int, int, str, float]], jieba: list[tuple[int, int, str]]) -> list[tuple]:
    ensemble = EnsembleExtractor(StubCRF(crf), propagate=False)
    ensemble.jieba = StubJieba(jieba)
    return [(s.start, s.end, s.label, s.score) for s in ensemble.extract(Document("d", text))]


def test_the_conflict_rule_longest_wins_then_crf_then_rules_then_jieba():
    text = "北京市国资委5月9日开会"  # the rules find DATE 5月9日 at [6, 10)
    # jieba's ORG is longer than the CRF's GPE; the rules' DATE is longer than the CRF's 5月
    assert combine(text, [(0, 3, "GPE", 0.9), (6, 8, "DATE", 0.5)], [(0, 6, "ORG")]) == [
        (0, 6, "ORG", None),
        (6, 10, "DATE", None),
    ]
    # at equal length the CRF wins over the rules and over jieba
    assert combine(text, [(0, 6, "FAC", 0.4), (6, 10, "TIME", 0.7)], [(0, 6, "ORG")]) == [
        (0, 6, "FAC", 0.4),
        (6, 10, "TIME", 0.7),
    ]
    # spans that overlap nothing are all kept
    assert combine(text, [], [(0, 2, "GPE"), (10, 12, "ORG")]) == [
        (0, 2, "GPE", None),
        (6, 10, "DATE", None),
        (10, 12, "ORG", None),
    ]


def test_propagate_names_labels_the_other_mentions_by_majority():
    text = "金豪制药说，金豪制药和金豪都在北京。金豪制药在北京。"
    found = [span(text, 0, 4, "ORG"), span(text, 15, 17, "GPE"), span(text, 23, 25, "GPE"), span(text, 18, 22, "FAC")]
    result = propagate_names(text, found, lambda s, e, label: span(text, s, e, label))
    assert [(s.text, s.start, s.label) for s in result] == [
        ("金豪制药", 0, "ORG"),
        ("金豪制药", 6, "FAC"),  # a tie (ORG 1 : FAC 1) goes to the label first in alphabetical order
        ("北京", 15, "GPE"),
        ("金豪制药", 18, "FAC"),  # already there: left as it is
        ("北京", 23, "GPE"),
    ]
    assert propagate_names(text, [span(text, 11, 12, "ORG")], lambda s, e, lab: span(text, s, e, lab)) == [
        span(text, 11, 12, "ORG")  # one character: never propagated
    ]


@pytest.fixture(scope="module")
def fitted() -> EnsembleExtractor:
    documents = tiny_documents()
    return EnsembleExtractor(CRFExtractor(params=FAST)).fit(documents, tiny_gold(documents))


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
            self.trained_on = sorted(d.id for d in docs)
            return super().fit(docs, gold)

        def extract(self, document):
            seen.append((document.id, self.trained_on))
            return super().extract(document)

    cross_validated("ensemble", documents, tiny_gold(documents), factory=lambda _: Spy(CRFExtractor(params=FAST)))
    assert sorted(doc_id for doc_id, _ in seen) == ["t1", "t2", "t3"]
    assert all(doc_id not in trained_on for doc_id, trained_on in seen)


def test_extract_never_provides_a_model_itself(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    ensemble = EnsembleExtractor()
    assert not ensemble.ready
    with pytest.raises(ModelNotLoadedError, match="the CRF has no model"):
        ensemble.extract(Document("d", "北京市国资委5月9日开会"))
    assert not (tmp_path / "home").exists()  # nothing trained, nothing written


def test_the_fallback_is_rules_and_jieba_with_its_own_origin():
    ensemble = EnsembleExtractor().use_fallback()
    assert ensemble.ready and not ensemble.crf.is_trained
    spans = ensemble.extract(Document("d", "北京市国资委5月9日开会"))
    assert {s.origin for s in spans} == {"ensemble@" + ensemble.version + "-fallback"}
    assert [(s.text, s.label) for s in spans] == [("北京市国资委", "ORG"), ("5月9日", "DATE")]


def test_the_registry_ensemble_is_trainable_and_named():
    ensemble = get_extractor("ensemble")
    assert ensemble.name == "ensemble" and ensemble.trainable and ensemble.labels == LABEL_SET
