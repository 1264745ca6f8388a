"""What the bad-input and fault suites share: a user's working directory made of copies of the
seeds, a byte-for-byte picture of it, and the CLI run in-process or as a subprocess."""

from __future__ import annotations

import contextlib
import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinbiao.annotate.authoring.mentions import spans_to_mentions
from jinbiao.cli import main
from jinbiao.gold import load_gold
from jinbiao.gold.paths import ARTICLES_DIR, DOCUMENTS_DIR

LS_DATA = Path(__file__).resolve().parents[1] / "data" / "labelstudio"
SNAPSHOT = LS_DATA / "snapshot.json"
TMP_MARK = ".jinbiao-tmp-"
# The seeds in file order: the third one is where the "fails on the third document" cases fail.
SEED_IDS = sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(capsys: Any, *argv: Any) -> Result:
    """`jinbiao ARGV` in-process; its exit code and what it printed."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return Result(code, out, err)


def jinbiao(
    *argv: Any, cwd: Path, env: dict[str, str] | None = None, stdin: Any = subprocess.DEVNULL, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """`jinbiao ARGV` as a subprocess (the console script's code path: `python -m jinbiao`)."""
    return subprocess.run(
        [sys.executable, "-m", "jinbiao", *map(str, argv)],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_line(err: str) -> str:
    """The only line of `err`: no traceback, nothing else."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    return lines[0]


def tree(root: Path) -> dict[str, Any]:
    """Every file, directory and link under `root` (hidden ones too) with its bytes or target."""
    found: dict[str, Any] = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(directory) / name
            key = str(path.relative_to(root))
            if path.is_symlink():
                found[key] = ("link", os.readlink(path))
            elif path.is_dir():
                found[key] = ("dir",)
            else:
                found[key] = ("file", path.read_bytes())
    return found


def stray_temporaries(root: Path) -> list[str]:
    return sorted(key for key in tree(root) if TMP_MARK in key)


# --------------------------------------------------------------------------------- workplace


@contextlib.contextmanager
def working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def build_template(root: Path) -> Path:
    """A user's directory: the seed articles, a copy of the gold (marked as gold), the rules
    baseline's predictions, mention lists for two documents, and a Label Studio export."""
    shutil.copytree(ARTICLES_DIR, root / "arts")
    shutil.copytree(DOCUMENTS_DIR, root / "gold")
    gold, documents = load_gold(root / "gold")
    mentions = root / "mentions"
    mentions.mkdir()
    for document in documents[:2]:
        lines = [
            json.dumps({"line": m.line, "text": m.text, "label": m.label}, ensure_ascii=False)
            for m in spans_to_mentions(document, gold.documents[document.id].spans)
        ]
        (mentions / f"{document.id}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(SNAPSHOT, root / "export.json")
    with working_directory(root):
        code = main(["extract", "arts", "--baseline", "rules", "-q", "-o", "preds.jsonl"])
    assert code == 0
    return root


def export_tasks() -> list[dict[str, Any]]:
    return json.loads(SNAPSHOT.read_text(encoding="utf-8"))


def write_export(path: Path, tasks: Any) -> Path:
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return path


def big_export(copies: int) -> list[dict[str, Any]]:
    """The recorded snapshot repeated `copies` times, each copy with its own task, annotation,
    draft and prediction ids and its own document ids: a big project, consistent throughout."""
    recorded = export_tasks()
    tasks = []
    for n in range(copies):
        for task in copy.deepcopy(recorded):
            offset = 1000 * (n + 1)
            task["id"] += offset
            task["data"]["doc_id"] = f"{task['data']['doc_id']}-{n:04d}"
            for kind in ("annotations", "drafts", "predictions"):
                for item in task.get(kind) or []:
                    item["id"] += offset
                    if "task" in item:
                        item["task"] = task["id"]
            tasks.append(task)
    return tasks


def replace_json_lines(path: Path, change: Any) -> Path:
    """Rewrite the first record of a JSONL file with `change(record)`; the rest stay."""
    lines = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    change(record)
    lines[0] = json.dumps(record, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextlib.contextmanager
def mounted_tmpfs(path: Path, options: str) -> Iterator[bool]:
    """A small tmpfs on `path` for the duration (root only); yields whether it could be mounted."""
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True, check=False)
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False)


def python_with_slow_writes(delay: float) -> list[str]:
    """A Python command line that runs `jinbiao` with every file opened for writing `delay` seconds
    slower: the write phase of a command lasts long enough to be interrupted at a chosen moment."""
    code = (
        "import builtins, io, sys, time\n"
        "real = io.open\n"
        "def slow(file, mode='r', *args, **kwargs):\n"
        "    if any(c in mode for c in 'wax+'):\n"
        f"        time.sleep({delay!r})\n"
        "    return real(file, mode, *args, **kwargs)\n"
        "builtins.open = io.open = slow\n"
        "from jinbiao.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    return [sys.executable, "-c", code]


def argv_str(argv: Sequence[Any]) -> list[str]:
    return [str(a) for a in argv]
