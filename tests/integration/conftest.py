"""One real Label Studio server per test session: fresh data dir, free port, stopped at the end.

`JINBIAO_STUDIO_DATABASE=postgresql` runs it on PostgreSQL (a cluster of the studio's own, started
and stopped with it: `jinbiao studio start --database postgresql`), the default on SQLite.

The tests here skip, saying why, when label-studio (or, for the browser test, Chromium and
Playwright) is missing, unless JINBIAO_REQUIRE_INTEGRATION is set: then they fail instead.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import CHROMIUM, Annotator, Server, free_port, sign_up

from jinbiao.annotate.labelstudio import server as local_studio
from jinbiao.annotate.labelstudio.database import (
    DATABASES,
    POSTGRESQL,
    SQLITE,
    DatabaseError,
    LocalCluster,
    postgres_bin,
)

REQUIRED = bool(os.environ.get("JINBIAO_REQUIRE_INTEGRATION"))
DATABASE = os.environ.get("JINBIAO_STUDIO_DATABASE") or SQLITE


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
    assert DATABASE in DATABASES, f"JINBIAO_STUDIO_DATABASE={DATABASE!r}: one of {', '.join(DATABASES)}"
    own_directory = None
    if DATABASE == POSTGRESQL:
        try:
            postgres_bin()
        except DatabaseError as missing:
            need(False, f"{missing}")
        if os.geteuid() == 0:  # the cluster runs as `postgres`, which cannot reach pytest's 0700 temp dirs
            own_directory = Path(tempfile.mkdtemp(prefix="jinbiao-studio-"))
    root = own_directory or tmp_path_factory.mktemp("studio")
    started = local_studio.start(root, port=free_port(), timeout=600, database=DATABASE)
    assert started.url is not None and started.pid is not None
    assert started.database is not None and started.database.lower().startswith(DATABASE)
    try:
        yield Server(root, started.url, started.pid, local_studio.credentials(root), DATABASE)
    finally:
        stopped = local_studio.stop(root)
        if DATABASE == POSTGRESQL:
            assert stopped.database_stopped and not LocalCluster.of(root).running()
        if own_directory is not None:
            shutil.rmtree(own_directory, ignore_errors=True)


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
