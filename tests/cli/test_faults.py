"""Kills at random moments (issue 13): `extract` over ~200 documents, `normalize -o` and `pull
--from-file` of a big export are SIGKILLed while they run, several seeds each. Afterwards the
output is either the old one or the complete new one, never a mixture, and the next run of the
same command leaves no stray temporary file behind.

Two kinds of moment per seed: any moment of the run, and a moment inside the write phase. For the
second the command runs with every file it opens for writing held open a little longer (see
`cli_helpers.python_with_slow_writes`), and the kill comes a random delay after its first
temporary file appears, so that each seed really interrupts a write.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import (
    TMP_MARK,
    big_export,
    jinbiao,
    python_with_slow_writes,
    stray_temporaries,
    tree,
    write_export,
)

from jinbiao.gold.paths import ARTICLES_DIR

pytestmark = pytest.mark.slow  # processes killed or raced: run by `make test`, not by `make unit`

SEEDS = (1, 2, 3, 4, 5, 6)
WRITE_PHASE_SEEDS = frozenset({2, 4, 6})  # the others: any moment of the run


def write_corpus(directory: Path, version: str, copies: int = 40) -> Path:
    """`copies` × the five seeds (200 documents); version "B" has one more line in every article."""
    directory.mkdir(parents=True)
    for n in range(copies):
        for article in sorted(ARTICLES_DIR.glob("*.txt")):
            text = article.read_text(encoding="utf-8")
            if version == "B":
                text = f"第{n}篇稿件。\n{text}"
            (directory / f"c{n:02d}_{article.name}").write_text(text, encoding="utf-8")
    return directory


def output_state(path: Path) -> object:
    if path.is_dir():
        return tree(path)
    return path.read_bytes() if path.exists() else None


def temporaries_appeared(output: Path) -> bool:
    places = [output.parent] + ([output] if output.is_dir() else [])
    for place in places:
        try:
            if any(TMP_MARK in name for name in os.listdir(place)):
                return True
        except FileNotFoundError:
            continue
    return False


def kill_at_random(argv: list[str], work: Path, output: Path, seed: int, *, slow: float, run_time: float) -> None:
    """Start `jinbiao ARGV`, SIGKILL it at a moment chosen by `seed`, wait for it to go."""
    chance = random.Random(seed)
    in_write_phase = seed in WRITE_PHASE_SEEDS
    command = python_with_slow_writes(slow) if in_write_phase else [sys.executable, "-m", "jinbiao"]
    process = subprocess.Popen(
        [*command, *argv], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        if in_write_phase:
            deadline = time.monotonic() + 120
            while not temporaries_appeared(output) and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(chance.uniform(0, slow * 3))
        else:
            time.sleep(chance.uniform(0, run_time))
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)


def check_kills(work: Path, argv: list[str], output: Path, old: object, new: object, *, slow: float) -> None:
    """Kill `argv` at six moments; each time the output is old or new; the next run completes
    it and leaves no temporary anywhere in the working directory."""
    started = time.monotonic()
    done = jinbiao(*argv, cwd=work)
    run_time = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert output_state(output) == new
    outcomes = []
    for seed in SEEDS:
        restore(output, old)
        kill_at_random(argv, work, output, seed, slow=slow, run_time=run_time)
        state = output_state(output)
        assert state in (old, new), f"seed {seed}: the output is neither the old one nor the new one"
        outcomes.append("new" if state == new else "old")
        done = jinbiao(*argv, cwd=work)
        assert done.returncode == 0, done.stderr
        assert output_state(output) == new
        assert stray_temporaries(work) == [], f"seed {seed}: temporaries outlived the next run"
    assert "old" in outcomes  # some kill did interrupt the command


OLD_STATES: dict[Path, object] = {}


def restore(output: Path, old: object) -> None:
    """Put the old output back (as a copy made before the kills)."""
    if output.is_dir():
        shutil.rmtree(output)
    elif output.exists():
        output.unlink()
    shutil.copytree(OLD_STATES[output], output) if OLD_STATES[output].is_dir() else shutil.copy(
        OLD_STATES[output], output
    )


def keep_old(output: Path, work: Path) -> object:
    saved = work.parent / f"saved-{output.name}"
    if output.is_dir():
        shutil.copytree(output, saved)
    else:
        shutil.copy(output, saved)
    OLD_STATES[output] = saved
    return output_state(output)


@pytest.fixture
def corpora(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    write_corpus(work / "A", "A")
    write_corpus(work / "B", "B")
    return work


def test_a_killed_extract_leaves_the_old_predictions_or_the_new(corpora):
    work = corpora
    output = work / "preds.jsonl"
    assert jinbiao("extract", "A", "--baseline", "rules", "-q", "-o", output.name, cwd=work).returncode == 0
    old = keep_old(output, work)
    argv = ["extract", "B", "--baseline", "rules", "-q", "-o", output.name]
    new_run = jinbiao("extract", "B", "--baseline", "rules", "-q", "-o", "reference.jsonl", cwd=work)
    assert new_run.returncode == 0
    new = (work / "reference.jsonl").read_bytes()
    assert new != old
    check_kills(work, argv, output, old, new, slow=0.3)


def test_a_killed_normalize_leaves_the_old_directory_or_the_new(corpora):
    work = corpora
    output = work / "normalized"
    assert jinbiao("normalize", "A", "-o", output.name, cwd=work).returncode == 0
    old = keep_old(output, work)
    assert jinbiao("normalize", "B", "-o", "reference", cwd=work).returncode == 0
    new = tree(work / "reference")
    argv = ["normalize", "B", "-o", output.name, "--overwrite"]
    check_kills(work, argv, output, old, new, slow=0.005)


def test_a_killed_pull_leaves_the_old_directory_or_the_new(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    write_export(work / "old.json", big_export(200))
    write_export(work / "new.json", big_export(300))
    output = work / "pulled"
    assert jinbiao("pull", "--from-file", "old.json", "-o", output.name, cwd=work).returncode == 0
    old = keep_old(output, work)
    assert jinbiao("pull", "--from-file", "new.json", "-o", "reference", cwd=work).returncode == 0
    new = tree(work / "reference")
    argv = ["pull", "--from-file", "new.json", "-o", output.name, "--overwrite"]
    check_kills(work, argv, output, old, new, slow=0.05)
