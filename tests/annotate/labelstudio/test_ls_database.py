"""The local studio's database: the choice recorded once, the settings Label Studio gets, and the
studio's own PostgreSQL cluster made, started and stopped (Debian's postgresql; no Label Studio)."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from jinbiao.annotate.labelstudio import server
from jinbiao.annotate.labelstudio.database import (
    NAME,
    POSTGRESQL,
    SQLITE,
    Database,
    DatabaseError,
    LocalCluster,
    choose,
    postgres_bin,
    read_database,
    server_settings,
    url_settings,
)
from jinbiao.cli.errors import describe

URL = "postgresql://ls:s%40cret@db.example.org:6543/label_studio"


def test_a_url_gives_label_studios_settings_and_its_description_never_the_password() -> None:
    assert url_settings(URL) == {
        "POSTGRE_NAME": "label_studio",
        "POSTGRE_USER": "ls",
        "POSTGRE_PASSWORD": "s@cret",
        "POSTGRE_HOST": "db.example.org",
        "POSTGRE_PORT": "6543",
    }
    assert url_settings("postgresql:///ls?host=/var/run/postgresql")["POSTGRE_HOST"] == "/var/run/postgresql"
    assert Database(POSTGRESQL, URL).describe() == "PostgreSQL at db.example.org:6543/label_studio"
    with pytest.raises(DatabaseError, match=r"^the database URL must look like postgresql://USER:PASSWORD@HOST"):
        url_settings("mysql://x@y/z")


def test_the_first_start_records_the_choice_and_a_studio_keeps_it(tmp_path: Path) -> None:
    assert read_database(tmp_path) is None
    assert choose(tmp_path) == Database(SQLITE)
    assert stat.S_IMODE((tmp_path / "database.json").stat().st_mode) == 0o600
    assert choose(tmp_path, SQLITE) == Database(SQLITE)
    with pytest.raises(DatabaseError) as refused:
        choose(tmp_path, POSTGRESQL)
    assert str(refused.value) == (
        f"the studio in {tmp_path} keeps its projects in SQLite; it cannot move to PostgreSQL (the studio's own "
        "cluster): start it without choosing a database, or start another studio in another directory"
    )
    other = tmp_path / "other"
    other.mkdir()
    assert choose(other, url=URL) == Database(POSTGRESQL, URL)
    assert json.loads((other / "database.json").read_text()) == {"engine": POSTGRESQL, "url": URL}
    assert choose(other) == Database(POSTGRESQL, URL)
    with pytest.raises(DatabaseError, match="a database URL is a PostgreSQL server's"):
        choose(tmp_path / "third", SQLITE, URL)


def test_a_studio_from_before_the_choice_is_on_sqlite(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "label_studio.sqlite3").write_bytes(b"")
    assert read_database(tmp_path) == Database(SQLITE)
    with pytest.raises(DatabaseError, match="keeps its projects in SQLite"):
        choose(tmp_path, POSTGRESQL)


def test_the_server_gets_only_the_studios_database_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DJANGO_DB", "mysql")  # the user's own settings never leak into the studio
    monkeypatch.setenv("POSTGRE_HOST", "elsewhere")
    paths = server.StudioPaths(tmp_path)
    credentials = server.StudioCredentials("admin@jinbiao.local", "pw", "token")
    env = server.server_environment(paths, credentials)
    assert env["DJANGO_DB"] == "sqlite" and "POSTGRE_HOST" not in env
    cluster = LocalCluster.of(tmp_path)
    env = server.server_environment(paths, credentials, Database(POSTGRESQL), cluster)
    assert {k: v for k, v in env.items() if k.startswith(("DJANGO_DB", "POSTGRE_"))} == {
        "DJANGO_DB": "default",
        "POSTGRE_NAME": NAME,
        "POSTGRE_USER": NAME,
        "POSTGRE_PASSWORD": "",
        "POSTGRE_HOST": str(tmp_path / "postgres"),
        "POSTGRE_PORT": "5432",
    }
    assert server_settings(Database(POSTGRESQL, URL), None)["POSTGRE_HOST"] == "db.example.org"


@pytest.fixture
def reachable_dir() -> Iterator[Path]:
    """A directory the `postgres` user can pass through (pytest's temporary directories are 0700)."""
    try:
        postgres_bin()
    except DatabaseError as missing:
        pytest.skip(str(missing))
    root = Path(tempfile.mkdtemp(prefix="jinbiao-cluster-"))
    os.chmod(root, 0o711)
    try:
        yield root
    finally:
        cluster = LocalCluster.of(root)
        if cluster.running():
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_the_studios_own_cluster_is_made_started_and_stopped(reachable_dir: Path) -> None:
    cluster = LocalCluster.of(reachable_dir)
    assert not cluster.running()
    assert cluster.start() is True  # made (initdb), started, the database created
    assert cluster.running() and cluster.socket.is_socket()
    assert stat.S_IMODE(cluster.root.stat().st_mode) == 0o700
    query = [str(postgres_bin() / "psql"), "-h", str(cluster.root), "-U", NAME, "-d", NAME, "-tAc", "SELECT 1"]
    if os.geteuid() == 0:
        query = ["runuser", "-u", "postgres", "--", *query]
    assert subprocess.run(query, capture_output=True, text=True, check=True).stdout.strip() == "1"
    assert cluster.start() is False  # already running: nothing to do
    assert cluster.stop() is True and not cluster.running()
    assert cluster.stop() is False
    assert cluster.start() is True  # a restart keeps the cluster
    cluster.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="as root only: PostgreSQL then runs as the postgres user")
def test_as_root_a_directory_the_postgres_user_cannot_reach_is_refused_before_anything() -> None:
    try:
        postgres_bin()
    except DatabaseError as missing:
        pytest.skip(str(missing))
    # A short directory of its own: under pytest-xdist, tmp_path is too long a path for PostgreSQL's
    # socket, and that refusal would come first.
    root = Path(tempfile.mkdtemp(prefix="jinbiao-"))
    try:
        studio = root / "private" / "studio"
        studio.mkdir(parents=True)
        os.chmod(root / "private", 0o700)
        with pytest.raises(DatabaseError) as refused:
            LocalCluster.of(studio).prepare()
        assert "runs it as the user postgres, who cannot reach" in str(refused.value)
        assert describe(refused.value).endswith("or give a PostgreSQL server of yours with --database-url URL")
        assert not (studio / "postgres" / "data").exists()
    finally:
        shutil.rmtree(root, ignore_errors=True)
