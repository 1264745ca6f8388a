"""`jinbiao score` over corpora of any size: peak memory at about 10 M and 40 M characters.

    .venv/bin/python benchmarks/bench_score_memory.py [--small-chars 10000000]

The corpus is copies of the five seed articles (copy n starts with its own line, so every
document is new), the shipped gold spans as gold JSONL with texts, and the `rules` baseline's
spans as predictions (jinbiao JSONL). Every figure is a fresh process measured from outside (its
peak resident set, `os.wait4`):

* jinbiao's `score` command, which reads the files a batch of documents at a time, twice: as
  typed by default (strict, overall: the counts are added up while reading) and with
  `--scheme all --by label --ci` (five schemes; the bootstrap keeps each document's counts);
* the reference, measured in the same run: the whole-file path (`load_reference`,
  `load_predictions`, `align`, `score`, all in memory), what `score` did before it streamed,
  with `--scheme all --by label --ci`.

Target: the 40 M peak of `score` at most 1.2× its 10 M peak; both paths print the same table.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jinbiao.gold import load_gold
from jinbiao.gold.paths import DOCUMENTS_DIR
from jinbiao.models import ready_extractor

OPTIONS = ["--scheme", "all", "--by", "label", "--ci", "--to", "csv"]
WHOLE_FILE = """
import sys
from jinbiao.evaluate import align, load_predictions, load_reference, score, score_report
gold, documents = load_reference(sys.argv[1])
pred = load_predictions(sys.argv[2], documents)
table = score(align(gold, pred, pred_file=sys.argv[2]), scheme="all", by="label", ci=True, seed=0)
sys.stdout.write(score_report(table, by="label", ci=True, fmt="csv", digits=4))
"""


def write_corpus(root: Path, characters: int) -> tuple[Path, Path, int]:
    """Gold and predictions JSONL of about `characters` characters; returns their paths and the count."""
    gold, documents = load_gold(DOCUMENTS_DIR)
    rules = ready_extractor("rules")
    seeds = [(d, gold.spans(d.id), rules.extract(d)) for d in documents]
    per_copy = sum(len(d.text) for d in documents)
    copies = max(1, round(characters / per_copy))
    written = 0
    gold_path, pred_path = root / f"gold-{characters}.jsonl", root / f"pred-{characters}.jsonl"
    with open(gold_path, "w", encoding="utf-8") as gold_out, open(pred_path, "w", encoding="utf-8") as pred_out:
        for copy in range(copies):
            prefix = f"第{copy}篇稿件。\n"
            for document, gold_spans, pred_spans in seeds:
                text = prefix + document.text
                doc_id = f"c{copy:05d}_{document.id}"
                for out, spans, who in ((gold_out, gold_spans, "gold"), (pred_out, pred_spans, "rules")):
                    shift = len(prefix)
                    shifted = [{**s.to_dict(), "start": s.start + shift, "end": s.end + shift} for s in spans]
                    record = {"doc_id": doc_id, "annotator": {"name": who}, "text": text, "spans": shifted}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += len(text)
    return gold_path, pred_path, written


def start(command: list[str]) -> tuple[subprocess.Popen, float]:
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE), time.perf_counter()


def finish(started: tuple[subprocess.Popen, float]) -> tuple[float, float, bytes]:
    """(seconds, peak resident MiB, stdout) of a started process."""
    process, began = started
    out = process.stdout.read()
    error = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{process.args[:4]} failed: {error.decode()[-2000:]}")
    return time.perf_counter() - began, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small-chars", type=int, default=10_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jinbiao-bench-score-") as tmp:
        root = Path(tmp)
        sizes = {}
        for name, characters in (("10 M", args.small_chars), ("40 M", 4 * args.small_chars)):
            sizes[name] = write_corpus(root, characters)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"`score {' '.join(OPTIONS)}` (streamed) against the whole-file path, one process each")  # fmt: skip
        results = {}
        for name, (gold, pred, characters) in sizes.items():
            files = ["--gold", str(gold), "--pred", str(pred)]
            plain = finish(start([sys.executable, "-m", "jinbiao", "score", *files]))
            ours = finish(start([sys.executable, "-m", "jinbiao", "score", *files, *OPTIONS]))
            whole = finish(start([sys.executable, "-c", WHOLE_FILE, str(gold), str(pred)]))
            results[name] = (plain, ours, whole)
            print(f"  {characters / 1e6:5.1f} M characters: score {plain[1]:6.1f} MiB {plain[0]:5.1f} s | "
                  f"score {' '.join(OPTIONS[:-2])} {ours[1]:6.1f} MiB {ours[0]:5.1f} s | "
                  f"whole-file {whole[1]:7.1f} MiB {whole[0]:5.1f} s | same table: {ours[2] == whole[2]}")  # fmt: skip
        ratios = [results["40 M"][i][1] / results["10 M"][i][1] for i in range(3)]
        print(f"  peak memory 40 M / 10 M: score {ratios[0]:.2f}, with --ci {ratios[1]:.2f} (target ≤ 1.2); "
              f"whole-file {ratios[2]:.2f}")  # fmt: skip
        print(f"  at 40 M, score --ci's peak against the whole-file path's: "
              f"{results['40 M'][1][1] / results['40 M'][2][1]:.2f}")  # fmt: skip

if __name__ == "__main__":
    main()
