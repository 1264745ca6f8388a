"""Pre-annotation speed with the jieba baseline, against raw `jieba.posseg` in the same run.

    .venv/bin/python benchmarks/bench_prelabel.py [--repeat N]

Reference: `list(jieba.posseg.cut(text))` over the Simplified view of the same normalized
articles (the fairest reference: on raw Traditional text jieba is far slower, also printed).
Ours: `jieba` extraction with the contract check plus the Label Studio task JSON. Targets:
ours ≥ 0.8× the reference; the Traditional article no slower per character than the others.
"""

from __future__ import annotations

import argparse
import time

import jieba
import jieba.posseg

from jinbiao.annotate.corpus import load_corpus
from jinbiao.baselines import get_extractor
from jinbiao.baselines.simplified import to_simplified
from jinbiao.gold import Document
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.prelabel import run_extractor, tasks_json

TRADITIONAL = "002_a8adb62852f88d4e"


def best_of(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", type=int, default=10, help="corpus copies per measurement")
    args = parser.parse_args()
    jieba.setLogLevel(60)
    jieba.initialize()
    documents = [
        Document(f"{d.id}-{copy}", d.text, source=d.source, offsets=d.offsets)
        for copy in range(args.copies)
        for d in load_corpus([ARTICLES_DIR])
    ]
    characters = sum(len(d.text) for d in documents)
    extractor = get_extractor("jieba")
    views = [to_simplified(d.text) for d in documents]
    list(jieba.posseg.cut(views[0]))  # warm caches on both sides
    extractor.extract(documents[0])

    raw = best_of(args.repeat, lambda: [list(jieba.posseg.cut(v)) for v in views])
    ours = best_of(
        args.repeat,
        lambda: tasks_json(documents, [run_extractor(extractor, documents).annotation_set]),
    )
    print(f"corpus: {len(documents)} documents, {characters:,} characters (CPU seconds, best of {args.repeat})")
    print(f"raw jieba.posseg on the Simplified view: {characters / raw:10,.0f} chars/s")
    print(f"jinbiao prelabel --baseline jieba:        {characters / ours:10,.0f} chars/s")
    print(f"ratio ours / raw jieba: {raw / ours:.2f}   (target ≥ 0.8)")

    by_kind: dict[str, list] = {"Traditional (002)": [], "Simplified (others)": []}
    for document in load_corpus([ARTICLES_DIR]):
        by_kind["Traditional (002)" if document.id == TRADITIONAL else "Simplified (others)"].append(document)
    per_char = {}
    for kind, docs in by_kind.items():
        docs = docs * args.copies
        seconds = best_of(args.repeat, lambda docs=docs: [extractor.extract(d) for d in docs])
        per_char[kind] = seconds / sum(len(d.text) for d in docs)
        print(f"jieba baseline, {kind:20s} {1e6 * per_char[kind]:6.1f} µs/char")
    ratio = per_char["Traditional (002)"] / per_char["Simplified (others)"]
    print(f"Traditional / Simplified time per character: {ratio:.2f}   (target ≤ 1.0)")
    trad = next(d for d in by_kind["Traditional (002)"])
    raw_trad = best_of(1, lambda: list(jieba.posseg.cut(trad.text)))
    raw_simp = best_of(args.repeat, lambda: list(jieba.posseg.cut(to_simplified(trad.text))))
    print(f"context: raw jieba.posseg on the Traditional text itself is {raw_trad / raw_simp:.0f}× slower than on its"
          " Simplified view")


if __name__ == "__main__":
    main()
