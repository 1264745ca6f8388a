"""Calibrated scores: the logistic regression over a span's source, label, raw score, length and
agreement; saving and loading; the committed calibration; fitting it on tiny data end to end."""

from __future__ import annotations

import json

import pytest
from tiny_corpus import FAST, tiny_documents, write_tiny_gold

from jinbiao.baselines import calibration
from jinbiao.baselines.calibration import (
    CALIBRATION_FILE,
    Calibrator,
    Candidate,
    UnfittedCalibrator,
    default_calibrator,
    fit,
    fit_calibration,
)
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.ensemble import EnsembleExtractor


def made_up() -> list[Candidate]:
    """CRF spans are right when their raw score is high; gazetteer spans half the time."""
    spans = []
    for i in range(40):
        raw = (i + 0.5) / 40
        spans.append(Candidate("crf", "PERSON", raw, False, 3, raw > 0.5))
        spans.append(Candidate("places", "GPE", None, False, 2, i % 2 == 0))
    return spans


def test_scores_follow_the_raw_score_and_the_source():
    calibrator = fit(made_up())
    low, high = calibrator.score("crf", "PERSON", 0.2, length=3), calibrator.score("crf", "PERSON", 0.95, length=3)
    assert 0 < low < 0.5 < high < 1
    assert calibrator.score("places", "GPE", length=2) == pytest.approx(0.5, abs=0.1)
    assert calibrator.fitted_on == {"spans": 80, "correct": 40}


def test_a_calibration_round_trips_and_is_found_by_default(tmp_path):
    calibrator = fit(made_up(), fitted_on={"note": "made up"})
    path = calibrator.save(tmp_path)
    assert path == tmp_path / CALIBRATION_FILE
    loaded = Calibrator.load(tmp_path)
    assert loaded == calibrator and loaded.fitted_on["note"] == "made up"
    assert default_calibrator(tmp_path).score("crf", "PERSON", 0.9) == calibrator.score("crf", "PERSON", 0.9)
    assert isinstance(default_calibrator(tmp_path / "none"), UnfittedCalibrator)
    assert default_calibrator(tmp_path / "none").score("rules", "DATE") == calibration.UNFITTED_SCORE
    with pytest.raises(ValueError, match="both right and wrong"):
        fit([Candidate("rules", "DATE", correct=True)])


def test_the_committed_calibration_says_what_it_was_fitted_on():
    data = json.loads((calibration.DATA_DIR / CALIBRATION_FILE).read_text(encoding="utf-8"))
    assert data["format"] == calibration.CALIBRATION_FORMAT
    assert "leave-one-document-out" in data["fitted_on"]["seed"]
    assert "MSRA development sentences" in data["fitted_on"]["development"]
    assert set(data["coefficients"]) == set(calibration.feature_names())


def test_fitting_end_to_end_on_tiny_data(tmp_path):
    gold_dir = write_tiny_gold(tmp_path / "gold")
    development = [("刘琳在北京工作。", [(0, 2, "PER"), (3, 5, "LOC")]), ("华夏银行开业。", [(0, 4, "ORG")])]
    calibrator = fit_calibration(
        gold_dir, make=lambda: EnsembleExtractor(CRFExtractor(params=FAST, outside=0)), development=development
    )
    assert calibrator.fitted_on["spans"] > 0
    assert (
        "3 gold documents" in calibrator.fitted_on["seed"]
        and "2 MSRA development sentences" in calibrator.fitted_on["development"]
    )
    document = tiny_documents()[0]
    ensemble = EnsembleExtractor(CRFExtractor(params=FAST, outside=0), calibrator=calibrator)
    ensemble.fit(tiny_documents(), calibration_gold(gold_dir))
    assert all(0 < span.score < 1 for span in ensemble.extract(document))


def calibration_gold(gold_dir):
    from jinbiao.gold import read_gold

    return read_gold(gold_dir)
