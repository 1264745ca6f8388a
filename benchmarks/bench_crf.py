"""Benchmark of the CRF (and the ensemble) against raw `jieba.posseg`, measured in one run.

    python benchmarks/bench_crf.py [--repeat 3]

On the five shipped articles (their Simplified view, as every extractor sees it) it times:

* training: `CRFExtractor().fit` on the five gold documents (target: under a minute);
* prediction: `CRFExtractor.predict_offsets` over the five articles, in characters per second
  (target: 50,000 on this 2-core machine), and as a ratio to raw ``jieba.posseg.cut`` (with its
  HMM, as jieba is usually run) on the same texts in the same run; ``jieba.cut(HMM=False)``
  (what the CRF's word features would cost without the HMM) is shown for context;
* the ensemble (CRF + rules + jieba names + propagation), and the other baselines, the same way.

The CRF's own floor is its features: jieba's segmentation alone (``jieba.cut`` with the HMM,
which finds the unknown words that are mostly names) costs about a third of its time.

Times are CPU seconds of this process (`time.process_time`), the least of `--repeat` runs, so
that other work on a shared machine does not decide the ratios.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

import jieba
import jieba.posseg

from jinbiao.annotate.corpus import load_corpus
from jinbiao.baselines import get_extractor
from jinbiao.baselines.crf import CRFExtractor
from jinbiao.baselines.ensemble import EnsembleExtractor
from jinbiao.baselines.simplified import to_simplified
from jinbiao.gold import load_gold
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR

TRAIN_TARGET_SECONDS = 60.0
PREDICT_TARGET_CPS = 50_000


def best_time(func: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        func()
        best = min(best, time.process_time() - started)
    return max(best, 1e-9)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the least is kept")
    args = parser.parse_args(argv)

    jieba.setLogLevel(60)
    jieba.initialize()
    documents = load_corpus([ARTICLES_DIR])
    views = [to_simplified(d.text) for d in documents]
    chars = sum(len(v) for v in views)
    if not DOCUMENTS_DIR.is_dir():
        print(f"no gold in {DOCUMENTS_DIR}: nothing to train on", file=sys.stderr)
        return 1
    gold, gold_documents = load_gold(DOCUMENTS_DIR)
    gold_chars = sum(len(d.text) for d in gold_documents)

    crf = CRFExtractor()
    train_seconds = best_time(lambda: crf.fit(gold_documents, gold), 1)
    ensemble = EnsembleExtractor(crf)
    for view in views:  # warm-up: jieba's dictionary, OpenCC, regex caches
        crf.predict_offsets(view)

    rows: list[tuple[str, float]] = []

    def measure(name: str, func: Callable[[str], object]) -> float:
        seconds = best_time(lambda: [func(v) for v in views], args.repeat)
        rows.append((name, chars / seconds))
        return chars / seconds

    reference = measure("jieba.posseg.cut (HMM), the reference", lambda v: list(jieba.posseg.cut(v)))
    measure("jieba.cut (HMM=False)", lambda v: list(jieba.cut(v, HMM=False)))
    crf_cps = measure("crf (predict_offsets)", crf.predict_offsets)
    measure("ensemble (crf + rules + jieba + propagation)", lambda v: ensemble.extract(_doc(v)))
    for name in ("rules", "jieba", "union"):
        extractor = get_extractor(name)
        measure(name, lambda v, e=extractor: e.extract(_doc(v)))

    print(f"{len(documents)} articles, {chars:,} characters; CPU seconds, least of {args.repeat} runs")
    print(
        f"training on the {len(gold_documents)} gold documents ({gold_chars:,} characters): {train_seconds:.1f} s "
        f"(target < {TRAIN_TARGET_SECONDS:.0f} s: {'met' if train_seconds < TRAIN_TARGET_SECONDS else 'MISSED'})"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'extractor':<{width}}  {'chars/s':>10}  {'x posseg':>8}")
    for name, cps in rows:
        print(f"{name:<{width}}  {cps:>10,.0f}  {cps / reference:>8.2f}")
    print(
        f"crf prediction: {crf_cps:,.0f} chars/s = {crf_cps / reference:.2f} x jieba.posseg "
        f"(target {PREDICT_TARGET_CPS:,} chars/s: {'met' if crf_cps >= PREDICT_TARGET_CPS else 'MISSED'})"
    )
    return 0


def _doc(view: str):
    from jinbiao.gold import Document

    return Document("bench", view)


if __name__ == "__main__":
    sys.exit(main())
