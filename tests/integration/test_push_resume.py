"""A push killed half-way (a real `jinbiao push` process, SIGKILL) and pushed again: every document
becomes exactly one task with exactly one prediction, nothing twice (issue 14). Against the
session's real Label Studio (see conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
from helpers import Server

DOCUMENTS = 1500
BATCH = 25
TITLE = "interrupted push"


def articles(directory: Path) -> list[str]:
    """Short articles with places the rules baseline finds."""
    directory.mkdir()
    cities = ["北京", "上海", "广州", "深圳", "杭州", "南京"]
    names = []
    for n in range(DOCUMENTS):
        name = f"article-{n:05d}"
        text = f"第{n}号通报：{cities[n % 6]}市政府今天在{cities[(n + 1) % 6]}召开会议。\n"
        (directory / f"{name}.txt").write_text(text, encoding="utf-8")
        names.append(name)
    return names


def project_tasks(server: Server, title: str) -> int | None:
    headers = {"Authorization": f"Token {server.credentials.token}"}
    found = httpx.get(f"{server.url}/api/projects", params={"title": title}, headers=headers, trust_env=False)
    projects = [p for p in found.json().get("results", []) if p["title"] == title]
    return projects[0]["task_number"] if projects else None


def test_a_push_killed_half_way_finishes_when_pushed_again_without_duplicates(server: Server, tmp_path: Path) -> None:
    names = articles(tmp_path / "articles")
    env = {**os.environ, "LABEL_STUDIO_URL": server.url, "LABEL_STUDIO_API_KEY": server.credentials.token}
    argv = [sys.executable, "-m", "jinbiao", "push", "--project", TITLE, "--corpus", str(tmp_path / "articles")]
    argv += ["--baseline", "rules", "--batch-size", str(BATCH), "--quiet"]
    first = subprocess.Popen(argv, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    imported = None
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and first.poll() is None:
        imported = project_tasks(server, TITLE)
        if imported is not None and imported >= 4 * BATCH:
            os.kill(first.pid, signal.SIGKILL)
            break
        time.sleep(0.05)
    first.wait(60)
    assert first.returncode == -signal.SIGKILL, (
        "the push ended before it could be killed: " + first.stderr.read().decode()
    )
    imported = project_tasks(server, TITLE)
    assert imported is not None and 4 * BATCH <= imported < DOCUMENTS

    again = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    lines = again.stdout.splitlines()
    assert lines[1] == f"tasks: {DOCUMENTS - imported} created, {imported} already there"
    assert lines[2].startswith(f"predictions: {DOCUMENTS - imported} rules@") and lines[2].endswith(
        f" created, {imported} already there"
    )

    client = server.client()
    project = next(p for p in client.projects.list(title=TITLE) if p.title == TITLE)
    tasks = list(client.tasks.list(project=project.id, fields="all", page_size=500))
    assert Counter(task.data["doc_id"] for task in tasks) == Counter(names)  # every document once
    versions = Counter(len(task.predictions) for task in tasks)
    assert versions == {1: DOCUMENTS}  # one prediction each: none lost, none twice
    third = subprocess.run(argv, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert third.stdout.splitlines()[1] == f"tasks: 0 created, {DOCUMENTS} already there"
