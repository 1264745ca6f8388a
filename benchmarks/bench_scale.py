"""Corpora of any size: peak memory, every core, and a Dask cluster against the process pool.

    .venv/bin/python benchmarks/bench_scale.py [--small-chars 10000000] [--pool-chars 1000000]

Corpora are generated in a temporary directory from the seed articles (copy n of an article
starts with its own line, so no two documents are the same). Every figure is a fresh
`jinbiao extract` process, measured from outside:

1. Peak memory (the child's peak resident set, `os.wait4`'s rusage) of `extract --baseline rules
   --jobs 1` over about 10 M and 40 M normalized characters (run side by side). Target: the 40 M
   peak at most 1.2× the 10 M peak. (`rules`, not the default `ensemble`, whose 40 M run would take
   half an hour on two cores; memory does not depend on the baseline's speed.)
2. Throughput of the default baseline (`ensemble`) with `--jobs 1` and `--jobs 2` on the same
   corpus (about 1 M characters: each run imports and loads the models once and each worker
   warms up once, a few seconds that a larger corpus makes smaller), the best of `--repeat` runs
   taken in turn. Target on a 2-core machine: at least 1.7×. Other work on the machine (the load
   average is printed) shows up as a lower ratio.
3. The same job on a Dask LocalCluster of two worker processes (one thread each) started here,
   against `--jobs 2`: its first job (workers that import jinbiao and open the models) and the best
   of the later ones; the outputs must be byte-identical. Target: within 1.3× of the process pool.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from jinbiao.annotate.corpus import load_corpus
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.models import ready_extractor

SEED_CHARACTERS = sum(len(d.text) for d in load_corpus([ARTICLES_DIR]))


def write_corpus(directory: Path, characters: int) -> int:
    """Copies of the seed articles, each with its own first line, until about `characters`
    normalized characters; returns the number of documents."""
    directory.mkdir(parents=True)
    articles = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ARTICLES_DIR.glob("*.txt"))]
    copies = max(1, round(characters / SEED_CHARACTERS))
    for copy in range(copies):
        for name, text in articles:
            (directory / f"c{copy:05d}_{name}").write_text(f"第{copy}篇稿件。\n{text}", encoding="utf-8")
    return copies * len(articles)


def jinbiao_extract(*arguments: str) -> subprocess.Popen:
    command = [sys.executable, "-m", "jinbiao", "extract", "-q", *arguments]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(process: subprocess.Popen, started: float) -> tuple[float, int]:
    """Wait for `process`: (seconds, its peak resident memory in bytes)."""
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode()
    process.stderr.close()
    if process.returncode != 0:
        raise SystemExit(f"jinbiao extract failed ({process.returncode}): {error}")
    return seconds, usage.ru_maxrss * 1024


def timed(*arguments: str) -> float:
    started = time.perf_counter()
    return finish(jinbiao_extract(*arguments), started)[0]


def load() -> str:
    """The machine's load when a section starts: other work on the cores slows the timed runs."""
    return f"  [load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores]"


def characters_of(path: Path) -> int:
    return sum(len(d.text) for d in load_corpus([path]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small-chars", type=int, default=10_000_000, help="the smaller memory corpus")
    parser.add_argument("--pool-chars", type=int, default=1_000_000, help="the corpus of the throughput runs")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each throughput figure (the best counts)")
    args = parser.parse_args()
    ready_extractor("ensemble", say=lambda line: print(line, file=sys.stderr))  # trained once, then loaded
    with tempfile.TemporaryDirectory(prefix="jinbiao-bench-scale-") as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        small_docs = write_corpus(root / "small", args.small_chars)
        large_docs = write_corpus(root / "large", 4 * args.small_chars)
        pool_docs = write_corpus(root / "pool", args.pool_chars)
        pool_chars = characters_of(root / "pool")
        small_chars = pool_chars * small_docs // pool_docs
        large_chars = pool_chars * large_docs // pool_docs
        print(f"corpora written in {time.perf_counter() - started:.0f} s (seed articles × copies, normalized):")
        print(f"  {small_docs:,} documents, {small_chars:,} characters; {large_docs:,} documents, {large_chars:,}"
              f" characters; {pool_docs:,} documents, {pool_chars:,} characters")  # fmt: skip

        print(f"\n1. peak resident memory of `jinbiao extract --baseline rules --jobs 1` (side by side){load()}")
        started = time.perf_counter()
        small = jinbiao_extract(str(root / "small"), "--baseline", "rules", "--jobs", "1", "-o", str(root / "s.jsonl"))
        large = jinbiao_extract(str(root / "large"), "--baseline", "rules", "--jobs", "1", "-o", str(root / "l.jsonl"))
        small_seconds, small_peak = finish(small, started)
        large_seconds, large_peak = finish(large, started)
        print(f"  {small_chars / 1e6:5.1f} M characters: {small_peak / 2**20:6.1f} MiB  ({small_seconds:.0f} s)")
        print(f"  {large_chars / 1e6:5.1f} M characters: {large_peak / 2**20:6.1f} MiB  ({large_seconds:.0f} s)")
        print(f"  ratio 40 M / 10 M: {large_peak / small_peak:.2f}   (target ≤ 1.2)")
        for name in ("s.jsonl", "l.jsonl"):
            (root / name).unlink()

        print(f"\n2. `jinbiao extract --baseline ensemble` over {pool_chars:,} characters "
              f"(best of {args.repeat}, interleaved){load()}")  # fmt: skip
        corpus = str(root / "pool")
        ones, twos = [], []
        for _ in range(args.repeat):
            ones.append(timed(corpus, "--jobs", "1", "-o", str(root / "one.jsonl")))
            twos.append(timed(corpus, "--jobs", "2", "-o", str(root / "two.jsonl")))
        one, two = min(ones), min(twos)
        same = (root / "one.jsonl").read_bytes() == (root / "two.jsonl").read_bytes()
        print(f"  --jobs 1: {one:6.1f} s  {pool_chars / one:8,.0f} characters/s")
        print(f"  --jobs 2: {two:6.1f} s  {pool_chars / two:8,.0f} characters/s   output identical: {same}")
        print(f"  speed-up with 2 jobs: {one / two:.2f}×   (target ≥ 1.7 on 2 cores; this machine has "
              f"{os.cpu_count()})")  # fmt: skip

        print(f"\n3. the same job on a Dask LocalCluster (2 worker processes, 1 thread each) against --jobs 2{load()}")
        try:
            from distributed import LocalCluster
        except ImportError:
            print("  skipped: dask.distributed is not installed (pip install 'dask[distributed]')")
            return

        started = time.perf_counter()
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster:
            up = time.perf_counter() - started
            dask_args = ["--engine", "dask", "--scheduler", cluster.scheduler_address]
            first = timed(corpus, *dask_args, "-o", str(root / "dask.jsonl"))
            second = min(timed(corpus, *dask_args, "-o", str(root / "dask.jsonl")) for _ in range(args.repeat))
        same = (root / "dask.jsonl").read_bytes() == (root / "two.jsonl").read_bytes()
        print(f"  cluster started in {up:.1f} s (not counted below)")
        print(f"  first job (fresh workers):  {first:6.1f} s   ratio to --jobs 2: {first / two:.2f}")
        print(f"  later jobs (best of {args.repeat}): {second:6.1f} s   ratio to --jobs 2: {second / two:.2f}"
              f"   (target ≤ 1.3)   output identical: {same}")  # fmt: skip


if __name__ == "__main__":
    main()
