"""Where the server and key come from, and the one-line errors (the real server is in tests/integration)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from label_studio_sdk.core.api_error import ApiError

from jinbiao.annotate.labelstudio import client
from jinbiao.annotate.labelstudio.client import (
    Connection,
    Endpoint,
    LabelStudioError,
    api_error,
    connect,
    resolve,
    safe_url,
)
from jinbiao.cli import main


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SECRET = "s3cr3t-key-that-must-never-show-0123456789"


@pytest.fixture(autouse=True)
def _no_ambient_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.delenv("LABEL_STUDIO_API_KEY", raising=False)
    monkeypatch.setenv("JINBIAO_HOME", str(tmp_path / "no-workspace"))


def test_nothing_configured_says_both_ways_out() -> None:
    with pytest.raises(LabelStudioError) as error:
        resolve(interactive=False)
    assert str(error.value) == (
        "no Label Studio to talk to: run `jinbiao studio start` for the local one, "
        "or set LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY for a remote one"
    )


def test_url_without_key_and_no_terminal_says_where_keys_come_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://ls.example.org/")
    with pytest.raises(LabelStudioError) as error:
        resolve(interactive=False)
    assert str(error.value) == (
        "no API key for https://ls.example.org: set LABEL_STUDIO_API_KEY to a legacy token or a personal access "
        "token (Label Studio: Account & Settings), or `jinbiao studio start` for the local studio"
    )


def test_the_environment_gives_url_and_key_and_the_key_stays_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://user:pw@ls.example.org:8443/ls/")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", SECRET)
    endpoint = resolve(interactive=False)
    assert endpoint.url == "https://ls.example.org:8443/ls"
    assert endpoint.api_key == SECRET and endpoint.source == "LABEL_STUDIO_API_KEY"
    assert SECRET not in repr(endpoint)


def test_a_prompt_asks_for_the_key_without_echo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABEL_STUDIO_URL", "https://ls.example.org")
    asked: list[str] = []
    monkeypatch.setattr(client.getpass, "getpass", lambda prompt: asked.append(prompt) or f" {SECRET} ")
    endpoint = resolve(interactive=True)
    assert endpoint.api_key == SECRET and endpoint.source == "prompt"
    assert asked == ["API key for https://ls.example.org (not echoed): "]


def test_a_bad_url_is_named() -> None:
    with pytest.raises(LabelStudioError, match=r"^LABEL_STUDIO_URL must be a URL such as http://localhost:8080, got"):
        safe_url("localhost:8080")


def test_an_unreachable_server_is_one_line_that_says_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(LabelStudioError) as error:
        connect(f"http://127.0.0.1:{port}", SECRET, timeout=5)
    assert str(error.value) == (
        f"cannot reach Label Studio at http://127.0.0.1:{port} while checking the API key "
        "(connection refused or host unknown); is it running? start it with `jinbiao studio start`"
    )


def test_cli_with_an_unreachable_server_exits_2_without_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    monkeypatch.setenv("LABEL_STUDIO_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", SECRET)
    assert main(["pull", "--project", "seeds", "-o", str(tmp_path / "out")]) == 2
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.count("\n") == 1 and printed.err.startswith("jinbiao pull: error: cannot reach Label Studio")
    assert SECRET not in printed.err
    assert not (tmp_path / "out").exists()


def _connection(url: str = "https://ls.example.org") -> Connection:
    return Connection(url, None, "test", 60.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (
            401,
            {"detail": "Invalid token."},
            "Label Studio at https://ls.example.org refused the API key (401 Unauthorized: Invalid token.) while "
            "listing tasks: set LABEL_STUDIO_API_KEY to a legacy token or a personal access token "
            "(Label Studio: Account & Settings), or `jinbiao studio start` for the local studio",
        ),
        (
            403,
            {"detail": "no"},
            "Label Studio at https://ls.example.org does not allow this user to do that (403 Forbidden) while "
            "listing tasks: use an admin's key",
        ),
        (
            400,
            {
                "detail": "Validation error",
                "validation_errors": {"title": ["Ensure this field has at least 3 characters."]},
            },
            "Label Studio at https://ls.example.org refused the request (HTTP 400) while listing tasks: "
            "title: Ensure this field has at least 3 characters.",
        ),
        (
            500,
            "<html>Server Error</html>",
            "Label Studio at https://ls.example.org failed (HTTP 500) while listing tasks: <html>Server Error</html>; "
            "try again",
        ),
    ],
)
def test_api_errors_become_one_line(status: int, body: object, message: str) -> None:
    error = ApiError(status_code=status, headers={"set-cookie": "sessionid=abc"}, body=body)
    assert str(api_error(error, "listing tasks", _connection())) == message


def test_endpoint_repr_hides_the_key() -> None:
    assert SECRET not in repr(Endpoint("http://x", SECRET, "prompt"))


def test_a_timeout_says_what_fixes_it_and_the_command_line_words_it_as_its_flag() -> None:
    import httpx

    from jinbiao.cli.errors import describe
    from jinbiao.gold.errors import Remedy

    error = api_error(httpx.ReadTimeout("slow"), "listing tasks", _connection())
    assert (error.problem, error.remedy) == (
        "Label Studio at https://ls.example.org did not answer within 60 s while listing tasks",
        Remedy.LONGER_TIMEOUT,
    )
    assert str(error) == f"{error.problem}; try again, or give it longer (timeout=SECONDS)"
    assert describe(error) == f"{error.problem}; try again, or give it longer with --timeout SECONDS"
