"""Providing models (`jinbiao.models`): the explicit step before a job runs a learned extractor."""

from __future__ import annotations

import pytest
from tiny_corpus import FAST, tiny_documents, write_tiny_gold

from jinbiao.baselines import get_extractor
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.crf_model import DEFAULT_PARAMS, META_FILE, MissingModelError
from jinbiao.baselines.ensemble import EnsembleExtractor
from jinbiao.gold.paths import HOME_ENV
from jinbiao.models import provide_model, ready_extractor, ready_extractors


@pytest.fixture
def fast_training(monkeypatch):
    """Every CRF the registry makes trains in a fraction of a second."""
    monkeypatch.setitem(DEFAULT_PARAMS, "max_iterations", FAST["max_iterations"])


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    return tmp_path / "home"


def test_extractors_without_a_model_are_left_as_they_are(workspace):
    rules = get_extractor("rules")
    assert provide_model(rules, gold_dir=None, say=pytest.fail) is rules
    assert [e.name for e in ready_extractors(["rules", "jieba", "union"], say=pytest.fail)] == [
        "rules",
        "jieba",
        "union",
    ]
    assert not workspace.exists()


def test_without_a_model_it_trains_one_from_the_gold_and_says_so(tmp_path, fast_training):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    model_dir = tmp_path / "model"
    notes: list[str] = []
    ensemble = provide_model(EnsembleExtractor(), gold_dir=gold_dir, model_dir=model_dir, say=notes.append)
    assert notes == [f"ensemble: no trained CRF model in {model_dir}; training it now from the gold in {gold_dir}"]
    assert (model_dir / META_FILE).is_file() and ensemble.ready and not ensemble.fallback
    spans = ensemble.extract(tiny_documents()[1])
    assert [s.text for s in spans if s.label == "ORG"] == ["华夏银行"]
    again: list[str] = []  # the saved model is used next time, silently, and by `crf` too
    reloaded = provide_model(EnsembleExtractor(), gold_dir=gold_dir, model_dir=model_dir, say=again.append)
    assert again == [] and reloaded.extract(tiny_documents()[1]) == spans
    crf = provide_model(get_extractor("crf"), gold_dir=gold_dir, model_dir=model_dir, say=again.append)
    assert again == [] and crf.is_trained


def test_the_order_of_the_extractors_does_not_matter(tmp_path, fast_training):
    """Whichever comes first trains the model; the other loads it; both predict the same either way."""
    gold_dir = write_tiny_gold(tmp_path / "gold")
    document = tiny_documents()[2]
    results = {}
    for order in (["crf", "ensemble"], ["ensemble", "crf"]):
        notes: list[str] = []
        model_dir = tmp_path / "-".join(order)
        ready = ready_extractors(order, gold_dir=gold_dir, model_dir=model_dir, say=notes.append)
        assert len(notes) == 1 and notes[0].startswith(f"{order[0]}: no trained CRF model in {model_dir}")
        results[tuple(order)] = {e.name: [(s.key, s.score) for s in e.extract(document)] for e in ready}
    assert results[("crf", "ensemble")] == results[("ensemble", "crf")]


def test_a_stale_model_is_retrained(tmp_path, fast_training):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    model_dir = tmp_path / "model"
    provide_model(get_extractor("crf"), gold_dir=gold_dir, model_dir=model_dir)
    write_tiny_gold(gold_dir, drop_last_span_of="t3")  # the gold changes
    notes: list[str] = []
    crf = provide_model(get_extractor("crf"), gold_dir=gold_dir, model_dir=model_dir, say=notes.append)
    assert len(notes) == 1 and "was trained on other gold" in notes[0] and "training it now" in notes[0]
    assert CRFExtractor.load(model_dir, gold_dir=gold_dir).meta.training_hash == crf.meta.training_hash


def test_without_a_model_or_gold_the_ensemble_falls_back_and_the_crf_refuses(tmp_path):
    notes: list[str] = []
    no_gold = tmp_path / "no-gold"
    ensemble = provide_model(EnsembleExtractor(), gold_dir=no_gold, model_dir=tmp_path / "m", say=notes.append)
    assert notes == [
        f"ensemble: no trained CRF model in {tmp_path / 'm'} and no gold to train it on; falling back to the "
        "grammar, the name tagger and the place gazetteer"
    ]
    assert ensemble.fallback
    with pytest.raises(MissingModelError) as caught:
        ready_extractor("crf", gold_dir=no_gold, model_dir=tmp_path / "m")
    assert caught.value.context["model_dir"] == str(tmp_path / "m")


def test_training_can_be_switched_off(tmp_path):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    with pytest.raises(MissingModelError, match="no trained CRF model"):
        ready_extractor("ensemble", gold_dir=gold_dir, model_dir=tmp_path / "m", train=False)
    assert not (tmp_path / "m").exists()


def test_an_unwritable_model_directory_keeps_the_model_for_the_run(tmp_path, fast_training):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    notes: list[str] = []
    crf = ready_extractor("crf", gold_dir=gold_dir, model_dir=blocker / "model", say=notes.append)
    assert crf.is_trained and len(notes) == 2
    assert notes[1].startswith("crf: cannot save the CRF model (") and notes[1].endswith("); using it unsaved")
