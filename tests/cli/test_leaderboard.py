"""The leaderboard runner: baselines on the gold, trainable ones cross-validated leave-one-out."""

from __future__ import annotations

import json
from typing import ClassVar

import pytest

from jinbiao.baselines import Extractor, registry
from jinbiao.cli import main
from jinbiao.gold import Document, JinbiaoError, Span, read_gold, read_gold_documents, write_gold_document
from jinbiao.leaderboard import predict, run_leaderboard


# Fakes, registered by "module:factory" (pytest imports this file as the module test_leaderboard).
class Memoriser(Extractor):
    """Trainable: remembers the gold spans of every document it was trained on, and nothing else."""

    name = "memoriser"
    version = "1"
    trainable = True
    fitted_on: ClassVar[list[list[str]]] = []  # every fit, across instances, for the test to inspect

    def __init__(self) -> None:
        self.memory: dict[str, list[Span]] = {}

    def fit(self, documents, gold):
        ids = [d.id for d in documents]
        Memoriser.fitted_on.append(ids)
        self.memory = {doc_id: list(gold.spans(doc_id)) for doc_id in ids}
        return self

    def extract(self, document: Document) -> list[Span]:
        return list(self.memory.get(document.id, []))


class FirstTwo(Extractor):
    """Not trainable: the first two characters of every document as a PERSON."""

    name = "first-two"
    version = "1"

    def extract(self, document: Document) -> list[Span]:
        return [document.span(0, 2, "PERSON")]


TEXTS = ["张三在北京工作。", "李四去了上海。", "王五到广州出差。", "赵六回到深圳。"]
PLACES = [(3, 5), (4, 6), (3, 5), (4, 6)]  # 北京, 上海, 广州, 深圳


@pytest.fixture
def gold_dir(tmp_path):
    directory = tmp_path / "gold"
    for i, text in enumerate(TEXTS):
        doc = Document(f"doc{i}", text)
        write_gold_document(directory / f"doc{i}.json", doc, [doc.span(0, 2, "PERSON"), doc.span(*PLACES[i], "GPE")])
    return directory


@pytest.fixture(autouse=True)
def fakes(monkeypatch):
    monkeypatch.setitem(registry._FACTORIES, "memoriser", "test_leaderboard:Memoriser")
    monkeypatch.setitem(registry._FACTORIES, "first-two", "test_leaderboard:FirstTwo")
    Memoriser.fitted_on = []


def test_a_memorising_model_scores_zero_under_cross_validation(gold_dir, tmp_path):
    run = run_leaderboard(gold_dir, ["memoriser", "first-two"], tmp_path / "results", n_resamples=50)
    table = run.board.table.set_index("system")
    assert table.loc["memoriser", "f1"] == 0.0
    assert table.loc["memoriser", "correct"] == 0
    # each fold trained on every other document, never on the one it predicted
    assert len(Memoriser.fitted_on) == len(TEXTS)
    for held_out, trained in run.folds["memoriser"].items():
        assert held_out not in trained and len(trained) == len(TEXTS) - 1
    # first-two finds the PERSON of every document: strict P = 1, R = ½
    assert table.loc["first-two", ["precision", "recall"]].tolist() == [1.0, 0.5]
    assert run.board.best == "first-two"
    assert {p.name for p in run.paths} >= {"leaderboard.md", "leaderboard.html", "leaderboard_f1_per_label.png"}


def test_the_same_model_trained_on_the_test_documents_would_be_perfect(gold_dir):
    """The check above can fail: without cross-validation the memoriser is perfect."""
    gold, documents = read_gold(gold_dir), read_gold_documents(gold_dir)
    cheat = Memoriser().fit(documents, gold)
    from jinbiao.evaluate import score

    predictions = cheat.annotate(documents)
    assert score(gold, predictions, scheme="strict").iloc[0].f1 == 1.0
    cross_validated = predict("memoriser", documents, gold)
    assert score(gold, cross_validated, scheme="strict").iloc[0].f1 == 0.0


def test_cross_validation_needs_two_documents(tmp_path):
    doc = Document("only", TEXTS[0])
    write_gold_document(tmp_path / "g" / "only.json", doc, [doc.span(0, 2, "PERSON")])
    with pytest.raises(JinbiaoError, match="two gold documents"):
        run_leaderboard(tmp_path / "g", ["memoriser"], None)


def test_unknown_baseline_and_missing_gold(gold_dir, tmp_path):
    with pytest.raises(JinbiaoError, match="unknown baseline"):
        run_leaderboard(gold_dir, ["nope"], None)
    with pytest.raises(JinbiaoError, match="no gold"):
        run_leaderboard(tmp_path / "missing", ["first-two"], None)


def test_leaderboard_command(gold_dir, tmp_path, capsys):
    out_dir = tmp_path / "out"
    code = main(
        [
            "leaderboard",
            "--gold",
            str(gold_dir),
            "--baseline",
            "memoriser",
            "--baseline",
            "first-two",
            "-o",
            str(out_dir),
            "--n-resamples",
            "30",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[2].split()[:2] == ["1", "first-two"]
    data = json.loads((out_dir / "leaderboard.json").read_text())
    assert [s["system"] for s in data["systems"]] == ["first-two", "memoriser"]
    assert "leaderboard.md" in err
