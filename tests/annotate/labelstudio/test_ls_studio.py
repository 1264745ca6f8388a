"""The local studio's bookkeeping: its directory, credentials, pid file and messages (the server
itself runs in tests/integration)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from jinbiao.annotate.labelstudio import server
from jinbiao.cli import main
from jinbiao.cli.errors import describe
from jinbiao.gold.paths import HOME_ENV


def test_studio_dir_comes_from_the_argument_then_the_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(HOME_ENV, raising=False)
    monkeypatch.setenv("JINBIAO_STUDIO_DIR", str(tmp_path / "retired"))  # no longer read
    (tmp_path / "proj" / "sub").mkdir(parents=True)
    (tmp_path / "proj" / "pyproject.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "proj" / "sub")
    assert server.studio_dir() == tmp_path / "proj" / ".jinbiao" / "studio"
    monkeypatch.setenv(HOME_ENV, str(tmp_path / "home"))
    assert server.studio_dir() == tmp_path / "home" / "studio"
    assert server.studio_dir(tmp_path / "given") == tmp_path / "given"


def test_credentials_are_made_once_and_readable_by_the_owner_only(tmp_path: Path) -> None:
    paths = server.StudioPaths(tmp_path / "studio")
    made = server.ensure_credentials(paths)
    mode = stat.S_IMODE(paths.credentials.stat().st_mode)
    assert mode == 0o600
    assert stat.S_IMODE(paths.root.stat().st_mode) == 0o700
    assert server.ensure_credentials(paths) == made
    assert made.username == "admin@jinbiao.local" and len(made.token) == 40
    assert made.password not in repr(made) and made.token not in repr(made)
    os.chmod(paths.credentials, 0o644)
    assert server.read_credentials(paths) == made
    assert stat.S_IMODE(paths.credentials.stat().st_mode) == 0o600


def test_missing_credentials_say_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(server.StudioError) as error:
        server.credentials(tmp_path)
    assert str(error.value) == (
        f"no local studio in {tmp_path} (no credentials.json); start one with `jinbiao studio start`"
    )


def test_port_is_read_from_what_the_server_announces() -> None:
    log = (
        "*** WARNING! ***\n* Port 8080 is in use.\n* Trying to start at 8081\n****************\n"
        "Starting development server at http://127.0.0.1:8081/\nQuit the server with CONTROL-C.\n"
    )
    assert server.port_from_log(log) == 8081
    assert server.port_from_log("Initializing database..\n") is None


def test_the_server_gets_no_remote_credentials_and_no_telemetry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "remote-secret")
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://ls.example.org")
    paths = server.StudioPaths(tmp_path)
    env = server.server_environment(paths, server.StudioCredentials("a@b.cd", "pw", "t" * 40))
    assert "LABEL_STUDIO_API_KEY" not in env and "LABEL_STUDIO_URL" not in env
    assert env["SENTRY_DSN"] == "" and env["FRONTEND_SENTRY_DSN"] == ""
    assert env["LATEST_VERSION_CHECK"] == "false" and env["COLLECT_ANALYTICS"] == "false"
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(paths.data_dir)
    command = server.server_command(paths, 8123)
    assert command[command.index("--internal-host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "8123"


def test_a_stale_pid_file_is_noticed_and_cleared(tmp_path: Path) -> None:
    paths = server.StudioPaths(tmp_path)
    finished = subprocess.Popen(["true"])
    finished.wait()
    paths.state.write_text(json.dumps({"pid": finished.pid, "port": 8080, "url": "http://127.0.0.1:8080"}))
    assert server.status(tmp_path).stale
    assert server.stop(tmp_path) == server.StopResult(was_running=False, stale=True)
    assert not paths.state.exists()
    assert server.stop(tmp_path) == server.StopResult(was_running=False)


def test_a_pid_that_is_not_our_server_is_never_signalled(tmp_path: Path) -> None:
    paths = server.StudioPaths(tmp_path)
    other = subprocess.Popen(["sleep", "30"])
    try:
        paths.state.write_text(json.dumps({"pid": other.pid, "port": 8080, "url": "http://127.0.0.1:8080"}))
        assert server.stop(tmp_path).stale
        assert other.poll() is None  # still running: stop only signals the process it started
    finally:
        other.terminate()
        other.wait()


def test_start_without_label_studio_installed_says_how_to_install(tmp_path: Path) -> None:
    python = shutil.which("python3", path="/usr/bin:/bin")
    if python is None or subprocess.run([python, "-c", "import label_studio"], capture_output=True).returncode == 0:
        pytest.skip("no system Python without label-studio to stand for a bare environment")
    with pytest.raises(server.StudioError) as error:
        server.start(tmp_path, python=python)
    assert str(error.value) == (
        f"Label Studio is not installed in this environment ({python}); "
        "install it with `pip install 'jinbiao[studio]'` (or run `make run`, which does)"
    )
    assert not (tmp_path / "server.json").exists()


def test_cli_status_and_stop_when_nothing_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["studio", "status", "--dir", str(tmp_path)]) == 1
    assert capsys.readouterr().out == (
        f"not running; data: {tmp_path}; start it with `jinbiao studio start --dir {tmp_path}`\n"
    )
    assert main(["studio", "stop", "--dir", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "Label Studio was not running\n"
    assert main(["studio", "credentials", "--dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"jinbiao studio: error: no local studio in {tmp_path} (no credentials.json); "
        "start one with `jinbiao studio start`\n"
    )


def fake_python(tmp_path: Path, server_script: str) -> str:
    """A stand-in interpreter: it has label_studio (any `-c` succeeds) and runs `server_script`
    as the server."""
    python = tmp_path / "python"
    python.write_text(f'#!/bin/sh\nif [ "$1" = "-c" ]; then exit 0; fi\n{server_script}\n', encoding="utf-8")
    python.chmod(0o755)
    return str(python)


def test_a_port_the_server_cannot_take_says_to_choose_another(tmp_path: Path) -> None:
    python = fake_python(tmp_path, 'echo "Error: That port is already in use."; exit 1')
    with pytest.raises(server.StudioError) as error:
        server.start(tmp_path / "studio", port=8123, python=python)
    assert str(error.value) == "port 8123 is taken and Label Studio could not use another; choose a free port (port=N)"
    assert describe(error.value) == (
        "port 8123 is taken and Label Studio could not use another; choose a free port with --port N"
    )
    assert not (tmp_path / "studio" / "server.json").exists()


def test_a_server_that_does_not_answer_in_time_is_stopped_and_says_to_wait_longer(tmp_path: Path) -> None:
    python = fake_python(tmp_path, "exec sleep 30")
    with pytest.raises(server.StudioError) as error:
        server.start(tmp_path / "studio", python=python, timeout=0.1)
    log = tmp_path / "studio" / "server.log"
    assert describe(error.value).startswith("Label Studio did not answer /health within 0.1 s (pid ")
    assert describe(error.value).endswith(f"; see {log}; try again, or give it longer with --timeout SECONDS")
    assert not (tmp_path / "studio" / "server.json").exists()


def test_cli_start_hints_keep_the_studio_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "my studio"
    up = server.StudioStatus(root, True, True, 4242, 8081, 8080, "http://127.0.0.1:8081")
    monkeypatch.setattr(server, "start", lambda path, **options: up)
    assert main(["studio", "start", "--dir", str(root)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "port 8080 was taken; Label Studio took 8081",
        f"Label Studio is running at http://127.0.0.1:8081 (pid 4242); log: {root / 'server.log'}",
        f"login and API token: `jinbiao studio credentials --dir '{root}'`; "
        f"stop it with `jinbiao studio stop --dir '{root}'`",
        f"push, pull and team commands reach it with --studio-dir '{root}'",
    ]
