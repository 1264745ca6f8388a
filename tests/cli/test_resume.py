"""Long runs are humane: a run killed part-way resumes from ``<output>.partial`` and writes the bytes
of a run that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import TMP_MARK

from jinbiao.cli import main
from jinbiao.engines.outputs import journal_path
from jinbiao.gold import JinbiaoError
from jinbiao.gold.paths import ARTICLES_DIR
from jinbiao.prelabel import write_predictions, write_tasks

pytestmark = pytest.mark.slow  # processes killed or raced: run by `make test`, not by `make unit`

# Runs `write_tasks` or `write_predictions` in small batches and stops for good once the journal has
# been flushed twice (two batches of documents finished), leaving `ready` behind: the test then
# kills the whole process group, workers included.
KILLED_RUN = """
import sys, time
from pathlib import Path
from jinbiao.engines import outputs
from jinbiao import prelabel

flushes = 0
real_flush = outputs.Journal.flush

def flush(self):
    global flushes
    real_flush(self)
    flushes += 1
    if flushes == 2:
        Path(sys.argv[1]).write_text("ready")
        time.sleep(600)

outputs.Journal.flush = flush
command, output, jobs = sys.argv[2], sys.argv[3], int(sys.argv[4])
if command == "tasks":
    prelabel.write_tasks([prelabel.ARTICLES_DIR], ["rules", "union"], output, jobs=jobs, batch_characters=3000)
else:
    prelabel.write_predictions([prelabel.ARTICLES_DIR], "rules", output, jobs=jobs, batch_characters=3000)
"""


def kill_part_way(tmp_path: Path, command: str, output: Path, jobs: int) -> None:
    ready = tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", KILLED_RUN, str(ready), command, str(output), str(jobs)],
        start_new_session=True,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert ready.exists(), process.stderr.read().decode() if process.poll() is not None else "no batch finished"
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize(("command", "jobs"), [("tasks", 1), ("tasks", 2), ("predictions", 2)])
def test_a_killed_run_resumes_and_writes_the_bytes_of_an_uninterrupted_one(tmp_path, command, jobs):
    reference, output = tmp_path / "reference", tmp_path / "out" / "result"
    write = write_tasks if command == "tasks" else write_predictions
    which = ["rules", "union"] if command == "tasks" else "rules"
    write([ARTICLES_DIR], which, reference, jobs=1)

    kill_part_way(tmp_path, command, output, jobs)
    partial = journal_path(output)
    assert not output.exists() and partial.is_file()
    assert [p.name for p in output.parent.iterdir() if TMP_MARK in p.name]  # the killed run's temporary
    finished = len(partial.read_bytes().splitlines()) - 1
    assert 2 <= finished < 5

    report = write([ARTICLES_DIR], which, output, jobs=jobs, resume=True)
    assert (report.reused, report.documents) == (finished, 5)
    assert output.read_bytes() == reference.read_bytes()
    assert sorted(p.name for p in output.parent.iterdir()) == ["result"]  # journal and temporary gone


def test_a_failed_run_resumes_once_fixed_and_recomputes_only_changed_documents(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    articles = sorted(ARTICLES_DIR.glob("*.txt"))
    for article in articles:
        (corpus / article.name).write_bytes(article.read_bytes())
    (corpus / articles[-1].name).write_text("收藏\n", encoding="utf-8")  # nothing left after normalization
    output = tmp_path / "p.jsonl"
    with pytest.raises(JinbiaoError, match="nothing left after normalization"):
        write_predictions([corpus], "rules", output, jobs=1, batch_characters=1)
    partial = journal_path(output)
    assert not output.exists() and len(partial.read_bytes().splitlines()) == 1 + 4  # four documents finished
    with partial.open("ab") as handle:
        handle.write(b'["000_a6fffb90fc454c54", "')  # a line a kill cut short
    (corpus / articles[-1].name).write_bytes(articles[-1].read_bytes())  # the cause fixed
    (corpus / articles[1].name).write_text("北京市国资委召开会议。\n", encoding="utf-8")  # and one article edited

    assert main(["extract", str(corpus), "--baseline", "rules", "--resume", "-o", str(output)]) == 0
    assert "(3 documents from the interrupted run)" in capsys.readouterr().err
    fresh = tmp_path / "fresh.jsonl"
    assert main(["extract", str(corpus), "--baseline", "rules", "-q", "-o", str(fresh)]) == 0
    assert output.read_bytes() == fresh.read_bytes()
    assert not partial.exists()


def test_the_journal_of_another_job_is_refused_not_mixed_in(tmp_path, capsys):
    output = tmp_path / "p.jsonl"
    kill_part_way(tmp_path, "predictions", output, 1)
    argv = ["extract", "--baseline", "union", "-q", "--resume", "-o", str(output)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"jinbiao extract: error: {journal_path(output)}: the interrupted run was another job (its extractors "
        "differed); run it again without --resume to start afresh\n"
    )
    assert journal_path(output).is_file() and not output.exists()
    with pytest.raises(JinbiaoError, match="start again without resuming"):
        write_predictions([ARTICLES_DIR], "union", output, jobs=1, resume=True)
    write_predictions([ARTICLES_DIR], "union", output, jobs=1)  # without resume: started afresh
    assert not journal_path(output).exists() and output.is_file()


def test_a_run_that_fails_before_finishing_a_document_leaves_nothing(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("收藏\n", encoding="utf-8")
    with pytest.raises(JinbiaoError, match="nothing left after normalization"):
        write_predictions([corpus], "rules", tmp_path / "new" / "p.jsonl", jobs=1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"]
