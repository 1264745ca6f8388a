"""One real Label Studio server per test session: fresh data dir, free port, stopped at the end.

The tests here skip, saying why, when label-studio (or, for the browser test, Chromium and
Playwright) is missing, unless JINBIAO_REQUIRE_INTEGRATION is set: then they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHROMIUM, Annotator, Server, free_port, sign_up

from jinbiao.annotate.labelstudio import server as local_studio

REQUIRED = bool(os.environ.get("JINBIAO_REQUIRE_INTEGRATION"))


def need(condition: bool, reason: str) -> None:
    """Skip with `reason` when `condition` fails, or fail when integration tests are required."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"{reason} (and JINBIAO_REQUIRE_INTEGRATION is set)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    need(
        importlib.util.find_spec("label_studio") is not None,
        "label-studio is not installed: pip install 'jinbiao[studio]'",
    )
    root = tmp_path_factory.mktemp("studio")
    started = local_studio.start(root, port=free_port(), timeout=400)
    assert started.url is not None and started.pid is not None
    try:
        yield Server(root, started.url, started.pid, local_studio.credentials(root))
    finally:
        local_studio.stop(root)


@pytest.fixture(scope="session")
def annotators(server: Server) -> dict[str, Annotator]:
    """Three annotators who signed up through the invite link, each with their own API token."""
    found = {}
    for name in ("accepter", "editor", "adder"):
        email = f"{name}@example.com"
        token = sign_up(server.url, server.credentials.token, email, f"pw-{name}-0123456789")
        found[name] = Annotator(email, token, server.client(token))
    return found


@pytest.fixture
def browser_ready() -> None:
    need(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run scripts/ci_system_deps.sh (Debian's chromium)")
    need(importlib.util.find_spec("playwright") is not None, "playwright is not installed: pip install playwright")
