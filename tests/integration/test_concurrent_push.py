"""Two `jinbiao push` of the same corpus to the same project at the same time (issue 13): one
project, one task per document, whichever push comes first. Real processes against the session's
real Label Studio (see conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from helpers import Server

from jinbiao.gold.paths import ARTICLES_DIR

ROUNDS = 3


def push_twice_at_once(server: Server, title: str, cwd: Path) -> list[tuple[int, str]]:
    env = {**os.environ, "LABEL_STUDIO_URL": server.url, "LABEL_STUDIO_API_KEY": server.credentials.token}
    argv = [sys.executable, "-m", "jinbiao", "push", "--project", title, "--corpus", str(ARTICLES_DIR)]
    processes = [
        subprocess.Popen(
            [*argv, "--no-baseline", "--quiet"], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    results = []
    for process in processes:
        _, err = process.communicate(timeout=600)
        results.append((process.returncode, err))
    return results


def test_two_pushes_at_once_create_one_project_and_no_duplicate_task(server: Server, tmp_path: Path) -> None:
    client = server.client()
    documents = sorted(p.stem for p in ARTICLES_DIR.glob("*.txt"))
    for round_number in range(ROUNDS):
        title = f"concurrent push {round_number}"
        results = push_twice_at_once(server, title, tmp_path)
        for code, err in results:
            assert code == 0, err
        projects = sorted({p.id for p in client.projects.list() if p.title == title})
        assert len(projects) == 1, f"round {round_number}: {len(projects)} projects titled {title!r}"
        tasks = list(client.tasks.list(project=projects[0], include="id,data"))
        doc_ids = Counter(str(task.data["doc_id"]) for task in tasks)
        assert sorted(doc_ids) == documents
        assert [doc for doc, n in doc_ids.items() if n > 1] == [], f"round {round_number}: duplicate tasks"
