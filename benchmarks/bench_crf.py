"""Benchmark of the default baseline (the ensemble), the CRF and the others against raw
`jieba.posseg`, measured in one run.

    python benchmarks/bench_crf.py [--repeat 3]

On the five shipped articles (their Simplified view, as every extractor sees it) it times:

* training: `CRFExtractor().fit` on the five gold documents and the MSRA sentences it trains on
  beside them (target: under a minute);
* prediction in characters per second, and as a ratio to raw ``jieba.posseg.cut`` (with its HMM,
  as jieba is usually run) on the same texts in the same run: the ensemble (the default baseline:
  the gold CRF, the MSRA name tagger, the grammar, the place gazetteer, propagation, calibrated
  scores; target 20,000 characters per second), the CRF alone (`predict_offsets`), the name
  tagger alone, and the other baselines.

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
ENSEMBLE_TARGET_CPS = 20_000


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
    ensemble_cps = measure(
        "ensemble, the default (extract: every member, calibrated)", lambda v: ensemble.extract(_doc(v))
    )
    measure("crf (predict_offsets, with the name tagger's features)", crf.predict_offsets)
    tagger = crf.name_tagger()
    measure("name tagger alone (its features and tags)", tagger.spans)
    for name in ("rules", "jieba", "union"):
        extractor = get_extractor(name)
        measure(name, lambda v, e=extractor: e.extract(_doc(v)))

    print(f"{len(documents)} articles, {chars:,} characters; CPU seconds, least of {args.repeat} runs")
    outside = crf.meta.outside.get("sentences", 0) if crf.meta else 0
    print(
        f"training on the {len(gold_documents)} gold documents ({gold_chars:,} characters) and {outside:,} MSRA "
        f"sentences: {train_seconds:.1f} s "
        f"(target < {TRAIN_TARGET_SECONDS:.0f} s: {'met' if train_seconds < TRAIN_TARGET_SECONDS else 'MISSED'})"
    )
    width = max(len(name) for name, _ in rows)
    print(f"{'extractor':<{width}}  {'chars/s':>10}  {'x posseg':>8}")
    for name, cps in rows:
        print(f"{name:<{width}}  {cps:>10,.0f}  {cps / reference:>8.2f}")
    met = "met" if ensemble_cps >= ENSEMBLE_TARGET_CPS else "MISSED"
    print(
        f"ensemble (the default baseline): {ensemble_cps:,.0f} chars/s = {ensemble_cps / reference:.2f} x "
        f"jieba.posseg (target {ENSEMBLE_TARGET_CPS:,} chars/s: {met})"
    )
    return 0


def _doc(view: str):
    from jinbiao.gold import Document

    return Document("bench", view)


if __name__ == "__main__":
    sys.exit(main())
