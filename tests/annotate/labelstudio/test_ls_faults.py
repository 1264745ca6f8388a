"""Faults a real server will not produce on demand (an export that fails, an export that hangs, a
server error), injected by a small stand-in server on loopback. Not a round trip: the round trips
run against a real Label Studio in tests/integration."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from jinbiao.annotate.labelstudio.client import LabelStudioError, connect
from jinbiao.annotate.labelstudio.pull import pull
from jinbiao.cli import main
from jinbiao.cli.errors import describe

KEY = "0123456789abcdef0123456789abcdef01234567"
PROJECT = {"id": 3, "title": "seeds", "label_config": "<View/>", "model_version": ""}


class Behaviour:
    export: str = "failed"  # failed | error | hang | forever-in-progress

    def __init__(self) -> None:
        self.test_over = threading.Event()  # a hanging export answers only then, to a client long gone


def handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def reply(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            try:
                self.end_headers()
                self.wfile.write(data)
            except ConnectionError:  # the client gave up waiting (the hanging export)
                pass

        def do_GET(self) -> None:
            if self.headers.get("Authorization") != f"Token {KEY}":
                self.reply(401, {"detail": "Invalid token."})
            elif self.path.startswith("/api/current-user/whoami"):
                self.reply(200, {"id": 1, "email": "admin@example.org", "username": "admin"})
            elif self.path.startswith("/api/projects/3/exports/7"):
                self.reply(200, {"id": 7, "status": "in_progress", "title": "jinbiao pull"})
            elif self.path.startswith("/api/projects") and "page=1&" not in self.path + "&":
                self.reply(404, {"detail": "Invalid page."})  # as Label Studio ends its pages
            elif self.path.startswith("/api/projects"):
                self.reply(200, {"count": 1, "next": None, "previous": None, "results": [PROJECT]})
            else:
                self.reply(404, {"detail": "Not found."})

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if not self.path.startswith("/api/projects/3/exports"):
                self.reply(404, {"detail": "Not found."})
            elif behaviour.export == "failed":
                self.reply(201, {"id": 7, "status": "failed", "title": "jinbiao pull"})
            elif behaviour.export == "error":
                self.reply(500, {"detail": "Export crashed"})
            elif behaviour.export == "hang":
                behaviour.test_over.wait(timeout=30)
                self.reply(201, {"id": 7, "status": "completed", "title": "jinbiao pull"})
            else:
                self.reply(201, {"id": 7, "status": "in_progress", "title": "jinbiao pull"})

        def do_DELETE(self) -> None:
            self.send_response(204)
            self.end_headers()

    return Handler


@pytest.fixture
def stand_in() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler(behaviour))
    server.daemon_threads = False  # server_close() waits for every answer: none comes after the test
    # a short poll interval: shutdown() waits for the loop's next look
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    finally:
        behaviour.test_over.set()
        server.shutdown()
        server.server_close()


def test_an_export_that_fails_is_one_line_and_writes_nothing(stand_in: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = stand_in
    behaviour.export = "failed"
    with pytest.raises(LabelStudioError) as error:
        pull(connect(url, KEY, interactive=False), "seeds", tmp_path / "out")
    assert str(error.value) == (
        "Label Studio's export of project 3 failed (snapshot 7); see the server's log, then try again"
    )
    assert not (tmp_path / "out").exists()


def test_a_server_error_during_the_export(stand_in: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = stand_in
    behaviour.export = "error"
    with pytest.raises(LabelStudioError) as error:
        pull(connect(url, KEY, interactive=False), "seeds", tmp_path / "out")
    assert str(error.value) == (
        f"Label Studio at {url} failed (HTTP 500) while taking a snapshot export: Export crashed; try again"
    )


def test_an_export_that_does_not_answer_in_time(stand_in: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = stand_in
    behaviour.export = "hang"
    with pytest.raises(LabelStudioError) as error:
        pull(connect(url, KEY, interactive=False), "seeds", tmp_path / "out", timeout=0.3)
    assert str(error.value) == (
        f"Label Studio at {url} did not answer within 0.3 s while taking a snapshot export; "
        "try again, or give it longer (timeout=SECONDS)"
    )
    assert describe(error.value) == (
        f"Label Studio at {url} did not answer within 0.3 s while taking a snapshot export; "
        "try again, or give it longer with --timeout SECONDS"
    )


def test_an_export_that_never_finishes(stand_in: tuple[str, Behaviour], tmp_path: Path) -> None:
    url, behaviour = stand_in
    behaviour.export = "forever-in-progress"
    with pytest.raises(LabelStudioError) as error:
        pull(connect(url, KEY, interactive=False), "seeds", tmp_path / "out", timeout=0.4)
    assert str(error.value) == (
        "Label Studio's export of project 3 did not finish within 0.4 s (status in_progress); "
        "try again, or give it longer (timeout=SECONDS)"
    )
    assert describe(error.value) == (
        "Label Studio's export of project 3 did not finish within 0.4 s (status in_progress); "
        "try again, or give it longer with --timeout SECONDS"
    )


def test_cli_export_failure_exits_2_with_one_line(
    stand_in: tuple[str, Behaviour], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url, behaviour = stand_in
    behaviour.export = "failed"
    monkeypatch.setenv("LABEL_STUDIO_URL", url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", KEY)
    assert main(["pull", "--project", "seeds", "-o", str(tmp_path / "out")]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err == (
        "jinbiao pull: error: Label Studio's export of project 3 failed (snapshot 7); "
        "see the server's log, then try again\n"
    )
    assert KEY not in printed.err
