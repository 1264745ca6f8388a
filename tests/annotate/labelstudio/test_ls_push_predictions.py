"""What `jinbiao push` pre-annotates with: the default baseline (ensemble) gets its model provided
before it extracts, and prediction files come after the baselines. No server needed."""

from __future__ import annotations

from pathlib import Path

import pytest
from tiny_corpus import tiny_documents

from jinbiao.baselines import DEFAULT_BASELINE, crf_model
from jinbiao.cli.studio import prediction_sets
from jinbiao.gold import JinbiaoError, validate_spans, write_jsonl


@pytest.fixture(autouse=True)
def gold_only_training(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crf_model, "DEFAULT_OUTSIDE", 0)  # the CRF trains on the gold alone: seconds


@pytest.mark.slow  # reads the MSRA corpus or trains the ensemble's CRF
def test_the_default_baseline_is_made_ready_and_predicts_every_document(tmp_path: Path) -> None:
    documents = tiny_documents()
    said: list[str] = []
    sets = prediction_sets([DEFAULT_BASELINE], [], documents, say=said.append)
    assert DEFAULT_BASELINE == "ensemble"
    assert [s.name for s in sets] == ["ensemble"] and sets[0].kind == "baseline"
    assert sorted(sets[0].documents) == ["t1", "t2", "t3"]
    for document in documents:
        found = sets[0].documents[document.id]
        assert found.text_sha256 == document.text_sha256
        validate_spans(document.text, found.spans, doc_id=document.id)
    assert sets[0].span_count() > 0
    assert all("\n" not in line for line in said)  # what the model provision said: one line each
    again = prediction_sets([DEFAULT_BASELINE, "rules"], [], documents)  # the saved model serves the second run
    assert [s.name for s in again] == ["ensemble", "rules"]
    assert {d: again[0].spans(d) for d in again[0].documents} == {d: sets[0].spans(d) for d in sets[0].documents}


def test_prediction_files_follow_the_baselines(tmp_path: Path) -> None:
    documents = tiny_documents()
    rules = prediction_sets(["rules"], [], documents)[0]
    path = write_jsonl(tmp_path / "rules.jsonl", rules)
    sets = prediction_sets(["rules"], [path], documents)
    assert [s.name for s in sets] == ["rules", "rules"]
    assert prediction_sets([], [path], documents)[0].span_count() == rules.span_count()


def test_an_unknown_baseline_fails_before_any_model_is_provided() -> None:
    said: list[str] = []
    with pytest.raises(JinbiaoError, match=r"^unknown baseline 'nonesuch'"):
        prediction_sets(["ensemble", "nonesuch"], [], tiny_documents(), say=said.append)
    assert said == []


@pytest.mark.slow  # trains the ensemble's CRF
def test_push_predicts_batch_by_batch_with_the_default_baseline_ready_before_anything_is_sent() -> None:
    from jinbiao.annotate.labelstudio.push import plan_push
    from jinbiao.cli.studio import baseline_predictor

    documents = tiny_documents()
    said: list[str] = []
    predictor = baseline_predictor([DEFAULT_BASELINE], say=said.append)
    assert predictor is not None and len(predictor.origins) == 1 and predictor.origins[0].startswith("ensemble@")
    plan = plan_push(documents, [], [], predictor=predictor)
    batches = list(plan.task_batches(2))
    assert [[task["data"]["doc_id"] for task in batch] for batch in batches] == [["t1", "t2"], ["t3"]]
    whole = prediction_sets([DEFAULT_BASELINE], [], documents)[0]
    for batch in batches:
        for task in batch:
            (made,) = task["predictions"]
            assert made["model_version"] == predictor.origins[0]
            spans = [(r["value"]["start"], r["value"]["end"], r["value"]["labels"][0]) for r in made["result"]]
            assert spans == [s.key for s in whole.spans(task["data"]["doc_id"])]
    assert baseline_predictor([]) is None
