"""The local studio as a user runs it: idempotent start, credentials, a busy port, stop by pid."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import urllib.request
from pathlib import Path

import pytest
from helpers import Server

from jinbiao.annotate.labelstudio import server as local_studio
from jinbiao.cli import main


def test_start_is_idempotent_and_status_reports_the_server(server: Server, capsys: pytest.CaptureFixture[str]) -> None:
    again = local_studio.start(server.root)
    assert again.already_running and again.pid == server.pid and again.url == server.url
    current = local_studio.status(server.root)
    assert (current.running, current.healthy, current.pid) == (True, True, server.pid)
    assert main(["studio", "start", "--dir", str(server.root), "--quiet"]) == 0
    assert capsys.readouterr().out == f"Label Studio is already running at {server.url} (pid {server.pid})\n"
    assert main(["studio", "status", "--dir", str(server.root), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["port"] == int(server.url.rsplit(":", 1)[1])


def test_credentials_live_only_in_the_studio_dir_readable_by_the_owner(
    server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = local_studio.StudioPaths(server.root)
    assert stat.S_IMODE(paths.credentials.stat().st_mode) == 0o600
    assert main(["studio", "credentials", "--dir", str(server.root)]) == 0
    shown = capsys.readouterr().out
    assert shown.splitlines() == [
        f"url:      {server.url}",
        f"username: {server.credentials.username}",
        f"password: {server.credentials.password}",
    ]
    assert server.credentials.token not in shown  # the token only with --env
    assert main(["studio", "credentials", "--dir", str(server.root), "--env"]) == 0
    assert capsys.readouterr().out == (
        f"export LABEL_STUDIO_URL={server.url}\nexport LABEL_STUDIO_API_KEY={server.credentials.token}\n"
    )
    request = urllib.request.Request(
        f"{server.url}/api/current-user/whoami", headers={"Authorization": f"Token {server.credentials.token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert json.loads(response.read())["email"] == server.credentials.username


def test_a_busy_port_moves_the_server_and_stop_ends_exactly_that_process(server: Server, tmp_path: Path) -> None:
    """A second studio (a copy of the first one's data, so it needs no migration) asks for the
    port the first one holds: Label Studio takes the next free one, and `start` says which."""
    if server.database != "sqlite":
        pytest.skip("copies the first studio's SQLite database")
    first = local_studio.StudioPaths(server.root)
    second = local_studio.StudioPaths(tmp_path / "second")
    second.data_dir.mkdir(parents=True)
    shutil.copy2(first.credentials, second.credentials)
    shutil.copy2(first.data_dir / ".env", second.data_dir / ".env")
    with (
        sqlite3.connect(first.data_dir / "label_studio.sqlite3") as source,
        sqlite3.connect(second.data_dir / "label_studio.sqlite3") as target,
    ):
        source.backup(target)
    busy = int(server.url.rsplit(":", 1)[1])
    started = local_studio.start(second.root, port=busy, timeout=180)
    try:
        assert started.requested_port == busy and started.port != busy and started.moved_port
        assert started.url == f"http://127.0.0.1:{started.port}"
        assert local_studio.status(server.root).healthy  # the first one is untouched
    finally:
        stopped = local_studio.stop(second.root)
    assert stopped.was_running and stopped.pid == started.pid and not stopped.killed
    with pytest.raises(ProcessLookupError):
        os.kill(started.pid, 0)
    assert local_studio.status(server.root).healthy
    assert not second.state.exists()
