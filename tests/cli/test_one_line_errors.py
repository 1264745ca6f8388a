"""What used to end in a traceback ends in one line (issue 13, class 4): a read-only or full file
system, a reader that closes the pipe early, an interrupt, and an internal error, which says it
is a bug and where its traceback went (exit 1)."""

from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import SEED_IDS, jinbiao, mounted_tmpfs, one_line, run, stray_temporaries, tree

import jinbiao.cli.gold_check as gold_check

G0 = SEED_IDS[0]
MENTIONS = ["gold", "from-mentions", "mentions", "--articles", "arts", "--annotator", "me"]


@pytest.fixture
def read_only(work: Path):
    """work/ro: a directory nobody may write in, root included (a read-only tmpfs when root)."""
    path = work / "ro"
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        yield path
        path.chmod(0o755)
        return
    with mounted_tmpfs(path, "ro,size=64k") as mounted:
        if not mounted:
            pytest.skip("running as root and cannot mount a read-only tmpfs: no directory refuses root's writes")
        yield path


@pytest.fixture
def full(work: Path):
    """work/full: a small file system with no space left (root only: a tmpfs filled up)."""
    path = work / "full"
    path.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a full file system needs a tmpfs mount (root)")
    with mounted_tmpfs(path, "size=64k") as mounted:
        if not mounted:
            pytest.skip("cannot mount a tmpfs here")
        with open(path / "filler", "wb", buffering=0) as filler:
            try:
                while True:
                    filler.write(b"\0" * 4096)
                    filler.flush()
            except OSError as error:
                assert error.errno == errno.ENOSPC
        yield path


def one_line_error(capsys, work: Path, argv: list[str], pattern: str, *, command: str | None = None) -> str:
    before = tree(work)
    result = run(capsys, *argv)
    line = one_line(result.err)
    assert result.code == 2, line
    assert re.fullmatch(re.escape(f"jinbiao {command or argv[0]}: error: ") + pattern, line), line
    assert tree(work) == before
    return line


# ------------------------------------------------------------------ a read-only output directory

READ_ONLY = [
    (["extract", "arts", "--baseline", "rules", "-q", "-o", "ro/p.jsonl"], "ro/p.jsonl"),
    (["prelabel", "arts", "--baseline", "rules", "-q", "-o", "ro/t.json"], "ro/t.json"),
    (["score", "--gold", "gold", "--pred", "preds.jsonl", "-o", "ro/s.txt"], "ro/s.txt"),
    (["errors", "--gold", "gold", "--pred", "preds.jsonl", "-o", "ro/e.txt"], "ro/e.txt"),
    (["agree", "gold", "preds.jsonl", "-o", "ro/a.txt"], "ro/a.txt"),
    (["leaderboard", "--gold", "gold", "--baseline", "rules", "-o", "ro/results"], "ro/results"),
    ([*MENTIONS, "-o", "ro/built"], "ro/built"),
    (["normalize", "arts", "-o", "ro/normalized"], "ro/normalized"),
    (["pull", "--from-file", "export.json", "-o", "ro/pulled"], "ro/pulled"),
    (["convert", "preds.jsonl", "--gold", "gold", "--to", "conll", "-o", "ro/x.conll"], "ro/x.conll"),
]


@pytest.mark.parametrize(("argv", "target"), READ_ONLY, ids=lambda v: v[0] if isinstance(v, list) else None)
def test_a_read_only_output_directory_is_refused_before_the_work(capsys, work, read_only, argv, target):
    expected = f"{target}: cannot write there ({read_only} is not a writable directory); choose another output path"
    one_line_error(capsys, work, argv, re.escape(expected))


@pytest.mark.parametrize(
    "argv",
    [
        ["normalize", "arts", "-o", "ro/normalized"],
        ["pull", "--from-file", "export.json", "-o", "ro/pulled"],
        ["convert", "preds.jsonl", "--gold", "gold", "--to", "conll", "-o", "ro/x.conll"],
    ],
    ids=lambda v: v[0],
)
def test_a_read_only_output_directory_is_one_line(capsys, work, read_only, argv):
    one_line_error(capsys, work, argv, r"ro/\S+: .*(Read-only file system|not a writable directory).*")


# ------------------------------------------------------------------------- a full file system


@pytest.mark.parametrize(
    ("argv", "pattern"),
    [
        (
            ["extract", "arts", "--baseline", "rules", "-q", "-o", "full/p.jsonl"],
            r"full/p\.jsonl: cannot write \(No space left on device\); choose another output path",
        ),
        (
            ["score", "--gold", "gold", "--pred", "preds.jsonl", "--by", "document", "-o", "full/s.txt"],
            r"full/s\.txt: cannot write \(No space left on device\); choose another output path",
        ),
        (
            ["normalize", "arts", "-o", "full/normalized"],
            r"full/normalized/\S+: cannot write \(No space left on device\); .*",
        ),
        (
            ["pull", "--from-file", "export.json", "-o", "full/pulled"],
            r"full/pulled: cannot write there \(No space left on device\); choose another output directory",
        ),
        (
            [*MENTIONS, "-o", "full/built"],
            rf"full/built/{G0}\.json: cannot write \(No space left on device\); nothing was written",
        ),
    ],
    ids=lambda v: v[0] if isinstance(v, list) else None,
)
def test_a_full_disk_is_one_line_and_leaves_nothing_behind(capsys, work, full, argv, pattern):
    one_line_error(capsys, work, argv, pattern)
    assert sorted(p.name for p in full.iterdir()) == ["filler"]


# ------------------------------------------------------------- file system errors the library did not word


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (
            PermissionError(errno.EACCES, "Permission denied", "gold/x.json"),
            "gold/x.json: Permission denied; check its permissions, or use another path",
        ),
        (
            OSError(errno.EROFS, "Read-only file system", "out/x"),
            "out/x: Read-only file system; the file system is read-only: use another path",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", "out/x", None, "out/y"),
            "out/x: out/y: No space left on device; free some space, or write elsewhere",
        ),
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
    ids=["permission", "read-only", "disk full", "no file name"],
)
def test_an_os_error_is_one_line_with_what_to_do(capsys, work, monkeypatch, error, expected):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(gold_check, "read_gold", fail)
    one_line_error(capsys, work, ["gold", "stats", "gold"], re.escape(expected), command="gold")


# --------------------------------------------------------------------------- a bug, and an interrupt


def test_an_internal_error_says_it_is_a_bug_and_where_the_traceback_is(capsys, work, monkeypatch):
    def broken(*args, **kwargs):
        return {}["no such key"]

    monkeypatch.setattr(gold_check, "label_counts_table", broken)
    before = tree(work)
    result = run(capsys, "gold", "stats", "gold")
    line = one_line(result.err)
    assert result.code == 1
    found = re.fullmatch(
        r"jinbiao gold: internal error \(a bug in jinbiao, not in your input\): KeyError: 'no such key'; "
        r"the traceback is in (\S+); please report it with that file",
        line,
    )
    assert found, line
    log = Path(found.group(1))
    assert log.parent == Path(os.environ["JINBIAO_HOME"]) / "logs"
    text = log.read_text(encoding="utf-8")
    assert text.startswith("jinbiao gold (jinbiao ")
    assert "arguments: ['gold', 'stats', 'gold']" in text
    assert "Traceback (most recent call last)" in text and "KeyError: 'no such key'" in text
    assert tree(work) == before


def test_the_traceback_goes_to_a_temporary_directory_when_the_workspace_is_not_writable(capsys, work, monkeypatch):
    blocked = work.parent / "not-a-directory"
    blocked.write_text("a file where the workspace should be")
    monkeypatch.setenv("JINBIAO_HOME", str(blocked))
    monkeypatch.setattr(gold_check, "label_counts_table", lambda *a: 1 / 0)
    result = run(capsys, "gold", "stats", "gold")
    assert result.code == 1
    log = Path(re.search(r"the traceback is in (\S+);", one_line(result.err)).group(1))
    assert log.parent.name == "jinbiao-logs" and "ZeroDivisionError" in log.read_text(encoding="utf-8")
    log.unlink()


def test_an_interrupt_is_one_line(capsys, work, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(gold_check, "read_gold", interrupted)
    result = run(capsys, "gold", "stats", "gold")
    assert (result.code, result.err) == (130, "jinbiao gold: interrupted\n")


def test_help_and_version_return_zero(capsys):
    assert run(capsys, "--version").code == 0
    assert run(capsys, "score", "--help").code == 0


# ------------------------------------------------------------------ a reader that closes early


@pytest.mark.parametrize("command", ["errors", "score"])
def test_a_reader_that_closes_the_pipe_early_ends_the_command_quietly(work, command):
    by = ["--by", "document"] if command == "score" else []
    with subprocess.Popen(
        [sys.executable, "-m", "jinbiao", command, "--gold", "gold", "--pred", "preds.jsonl", *by],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        process.stdout.close()  # the reader is gone before a byte is written
        err = process.stderr.read().decode()
        code = process.wait(timeout=120)
    assert err == ""
    assert code in (0, 128 + signal.SIGPIPE)


def test_jinbiao_piped_into_head_prints_no_traceback(work):
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {sys.executable} -m jinbiao errors --gold gold --pred preds.jsonl | head -1"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stderr == ""
    assert done.stdout.startswith("document") and done.stdout.count("\n") == 1
    assert done.returncode in (0, 128 + signal.SIGPIPE)


def test_an_error_as_a_user_sees_it(work):
    done = jinbiao("score", "--gold", "gold", "--pred", "preds.jsonl", "--digits", "-1", cwd=work)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "jinbiao score: error: argument --digits: -1 is negative; give 0 or more (see `jinbiao score --help`)\n"
    )
    assert stray_temporaries(work) == []
