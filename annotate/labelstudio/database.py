"""The local studio's database: SQLite in its data dir (Label Studio's default), a PostgreSQL
cluster jinbiao runs in the studio dir, or a PostgreSQL server given by URL.

Label Studio's own documentation recommends PostgreSQL for a team. `studio start --database
postgresql` makes (once) and starts a cluster of Debian's `postgresql` package in `postgres/` of
the studio dir: `initdb` and `pg_ctl` from ``/usr/lib/postgresql/<version>/bin``, no TCP port at
all (`listen_addresses` empty), its unix socket in that directory, which only its owner can open,
so no password is needed; then Label Studio runs on it (`DJANGO_DB=default` with the
`POSTGRE_NAME/USER/PASSWORD/HOST/PORT` settings of `label_studio.core.settings.base`). `studio stop`
stops both. PostgreSQL refuses to run as root: run as root, jinbiao runs the cluster as the
`postgres` user the package creates, which must be able to reach the studio dir (a path under
/root is not: put the studio elsewhere). A URL, ``postgresql://USER:PASSWORD@HOST:PORT/NAME``,
names a server you run instead.

The choice is recorded in the studio dir (`database.json`, 0600: a URL may carry a password) on the
first start; a studio keeps its database (its projects live there).
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shlex
import shutil
import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from jinbiao.gold import JinbiaoError
from jinbiao.gold.atomic import atomic_write_text
from jinbiao.gold.errors import Remedy

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
DATABASES: tuple[str, ...] = (SQLITE, POSTGRESQL)
DEFAULT_DATABASE = SQLITE
NAME = "labelstudio"  # the local cluster's database and superuser
SOCKET_PORT = 5432  # only names the socket file: the local cluster opens no TCP port
SOCKET_PATH_LIMIT = 107  # bytes in a unix socket's path (sun_path)
CLUSTER_START_TIMEOUT = 60.0
# what the server's environment must not inherit: it would silently point Label Studio elsewhere
_DATABASE_SETTINGS = ("DJANGO_DB", "DATABASE_NAME", "POSTGRE_", "MYSQL_", "HEARTEX_")


class DatabaseError(JinbiaoError):
    """The studio's database cannot be set up or reached as asked; the message says what to do."""


@dataclass(frozen=True)
class Database:
    """Which database a studio keeps its projects in."""

    engine: str = SQLITE  # sqlite | postgresql
    url: str | None = None  # a PostgreSQL server of the user's; None: the studio's own cluster

    @property
    def local_cluster(self) -> bool:
        return self.engine == POSTGRESQL and self.url is None

    def describe(self) -> str:
        """For people: never the password."""
        if self.engine == SQLITE:
            return "SQLite"
        if self.url is None:
            return "PostgreSQL (the studio's own cluster)"
        settings = url_settings(self.url)
        return f"PostgreSQL at {settings['POSTGRE_HOST']}:{settings['POSTGRE_PORT']}/{settings['POSTGRE_NAME']}"

    def to_json(self) -> str:
        return json.dumps({"engine": self.engine, "url": self.url}, indent=2) + "\n"


def url_settings(url: str) -> dict[str, str]:
    """Label Studio's PostgreSQL settings from ``postgresql://USER:PASSWORD@HOST:PORT/NAME`` (a
    ``?host=/socket/dir`` query names a unix socket's directory)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgresql", "postgres") or not parts.path.strip("/"):
        raise DatabaseError(
            "the database URL must look like postgresql://USER:PASSWORD@HOST:5432/NAME (a PostgreSQL server and "
            "the name of its database)"
        )
    query = parse_qs(parts.query)
    try:
        port = parts.port
    except ValueError:
        raise DatabaseError("the database URL's port is not a number") from None
    host = query.get("host", [parts.hostname or "localhost"])[0]
    return {
        "POSTGRE_NAME": unquote(parts.path.strip("/")),
        "POSTGRE_USER": unquote(parts.username or "postgres"),
        "POSTGRE_PASSWORD": unquote(parts.password or ""),
        "POSTGRE_HOST": host,
        "POSTGRE_PORT": str(port or SOCKET_PORT),
    }


def record_path(root: Path) -> Path:
    return root / "database.json"


def read_database(root: Path) -> Database | None:
    """The database recorded in the studio dir `root` (None before its first start)."""
    try:
        record = json.loads(record_path(root).read_text(encoding="utf-8"))
        return Database(str(record["engine"]), record.get("url"))
    except FileNotFoundError:
        if (root / "data" / "label_studio.sqlite3").exists():
            return Database(SQLITE)  # a studio from before the choice was recorded
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise DatabaseError(f"{record_path(root)}: unreadable; restore it, or remove {root} to start afresh") from None


def choose(root: Path, engine: str | None = None, url: str | None = None) -> Database:
    """The database of the studio in `root`: the recorded one, or the one asked for on its first
    start (default SQLite), recorded then. Asking another of an existing studio is an error."""
    if engine is not None and engine not in DATABASES:
        raise DatabaseError(f"unknown database {engine!r}; choose one of: {', '.join(DATABASES)}")
    if url is not None:
        if engine == SQLITE:
            raise DatabaseError("a database URL is a PostgreSQL server's: leave out the SQLite choice")
        url_settings(url)  # a malformed URL fails now
    wanted = None if engine is None and url is None else Database(POSTGRESQL if url else str(engine), url)
    recorded = read_database(root)
    if recorded is None:
        chosen = wanted or Database(DEFAULT_DATABASE)
        atomic_write_text(record_path(root), chosen.to_json(), mode=0o600)
        return chosen
    if wanted is not None and wanted != recorded:
        raise DatabaseError(
            f"the studio in {root} keeps its projects in {recorded.describe()}; it cannot move to "
            f"{wanted.describe()}: start it without choosing a database, or start another studio in another directory"
        )
    return recorded


def server_settings(database: Database, cluster: LocalCluster | None) -> dict[str, str]:
    """The Label Studio settings (environment variables) for `database`."""
    if database.engine == SQLITE:
        return {"DJANGO_DB": "sqlite"}
    if database.url is not None:
        return {"DJANGO_DB": "default", **url_settings(database.url)}
    assert cluster is not None
    return {
        "DJANGO_DB": "default",
        "POSTGRE_NAME": NAME,
        "POSTGRE_USER": NAME,
        "POSTGRE_PASSWORD": "",
        "POSTGRE_HOST": str(cluster.root),
        "POSTGRE_PORT": str(SOCKET_PORT),
    }


def without_database_settings(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if not k.startswith(_DATABASE_SETTINGS)}


def check_driver(python_is_ours: bool) -> None:
    """Label Studio reaches PostgreSQL through psycopg (`pip install label-studio` brings it)."""
    if not python_is_ours:
        return
    import importlib.util

    if importlib.util.find_spec("psycopg") is None and importlib.util.find_spec("psycopg2") is None:
        raise DatabaseError("PostgreSQL needs its Python driver, which is not installed: pip install 'psycopg[binary]'")


# ---------------------------------------------------------------------------- local cluster


def postgres_bin() -> Path:
    """The directory of Debian's PostgreSQL programs (the newest version installed)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
        key=lambda path: [int(part) if part.isdigit() else 0 for part in Path(path).parts[4].split(".")],
    )
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).resolve().parent
    raise DatabaseError(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl)", remedy=Remedy.INSTALL_POSTGRESQL
    )


@dataclass(frozen=True)
class LocalCluster:
    """The studio's own PostgreSQL cluster in `root` (``<studio>/postgres``): data in ``data/``,
    its log in ``server.log``, its socket beside them."""

    root: Path

    @classmethod
    def of(cls, studio: Path) -> LocalCluster:
        return cls(studio / "postgres")

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def socket(self) -> Path:
        return self.root / f".s.PGSQL.{SOCKET_PORT}"

    # --------------------------------------------------------------------------- commands

    def _owner(self) -> tuple[int, int] | None:
        """(uid, gid) the cluster runs as: None for this user; the `postgres` user when we are root."""
        if os.geteuid() != 0:
            return None
        import pwd

        try:
            found = pwd.getpwnam("postgres")
        except KeyError:
            raise DatabaseError(
                "PostgreSQL refuses to run as root and there is no `postgres` user to run it as",
                remedy=Remedy.INSTALL_POSTGRESQL,
            ) from None
        return found.pw_uid, found.pw_gid

    def _run(
        self, *argv: str, check: bool = True, timeout: float = CLUSTER_START_TIMEOUT
    ) -> subprocess.CompletedProcess[str]:
        program = postgres_bin() / argv[0]
        owner = self._owner()
        options: dict[str, Any] = {}
        if owner is not None:
            options = {"user": owner[0], "group": owner[1], "extra_groups": []}
        env = {**without_database_settings(dict(os.environ)), "LC_ALL": "C", "PGTZ": "UTC"}
        env.pop("PGDATA", None)
        try:
            done = subprocess.run(
                [str(program), *argv[1:]],
                capture_output=True,
                text=True,
                cwd=self.root,
                env=env,
                timeout=timeout,
                check=False,
                **options,
            )
        except subprocess.TimeoutExpired:
            raise DatabaseError(f"PostgreSQL's {argv[0]} did not finish within {timeout:g} s; see {self.log}") from None
        if check and done.returncode != 0:
            output = " | ".join(line.strip() for line in (done.stderr or done.stdout).splitlines() if line.strip())
            raise DatabaseError(f"PostgreSQL's {argv[0]} failed ({output[-400:] or 'no output'}); see {self.log}")
        return done

    # ------------------------------------------------------------------------------ setup

    def prepare(self) -> None:
        """The cluster's directory, owned by whoever runs it, and the cluster in it (made once)."""
        if len(str(self.socket).encode()) > SOCKET_PATH_LIMIT:
            raise DatabaseError(
                f"{self.root}: too long a path for PostgreSQL's socket (at most {SOCKET_PATH_LIMIT} bytes with "
                f"{self.socket.name}): choose a studio directory with a shorter path"
            )
        owner = self._owner()
        self.root.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.root, 0o700)
        if owner is not None:
            self._check_reachable(owner)
            for path in [self.root, *self.root.rglob("*")]:
                with contextlib.suppress(FileNotFoundError):
                    os.lchown(path, *owner)
        if not (self.data / "PG_VERSION").exists():
            if self.data.exists():
                shutil.rmtree(self.data)  # a cluster whose initdb did not finish
            self._run("initdb", "-D", str(self.data), "-U", NAME, "--auth=trust", "--encoding=UTF8", "--no-locale")

    def _check_reachable(self, owner: tuple[int, int]) -> None:
        """Every directory above the cluster must let the `postgres` user through."""
        uid, gid = owner
        for directory in reversed(self.root.parents):
            mode = directory.stat()
            if mode.st_uid == uid:
                allowed = mode.st_mode & stat.S_IXUSR
            elif mode.st_gid == gid:
                allowed = mode.st_mode & stat.S_IXGRP
            else:
                allowed = mode.st_mode & stat.S_IXOTH
            if not allowed:
                raise DatabaseError(
                    f"PostgreSQL refuses to run as root, so jinbiao runs it as the user postgres, who cannot reach "
                    f"{directory} (mode {stat.filemode(mode.st_mode)})",
                    remedy=Remedy.STUDIO_ELSEWHERE,
                )

    # ------------------------------------------------------------------------- start / stop

    def running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def start(self, timeout: float = CLUSTER_START_TIMEOUT) -> bool:
        """Start the cluster (made first, if need be) and make the database; True if it was not
        running before."""
        self.prepare()
        started = False
        if not self.running():
            options = f"-k {shlex.quote(str(self.root))} -c listen_addresses='' -p {SOCKET_PORT}"
            self._run(
                "pg_ctl",
                "start",
                "-D",
                str(self.data),
                "-l",
                str(self.log),
                "-w",
                "-t",
                f"{timeout:.0f}",
                "-o",
                options,
            )
            started = True
        present = self._run(
            "psql", "-h", str(self.root), "-p", str(SOCKET_PORT), "-U", NAME, "-d", "postgres", "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'",
        )  # fmt: skip
        if present.stdout.strip() != "1":
            self._run("createdb", "-h", str(self.root), "-p", str(SOCKET_PORT), "-U", NAME, NAME)
        return started

    def stop(self, timeout: float = CLUSTER_START_TIMEOUT) -> bool:
        """Stop the cluster (fast shutdown: sessions end, nothing is lost); True if it was running."""
        if not self.running():
            return False
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", f"{timeout:.0f}")
        return True


__all__ = [
    "DATABASES",
    "DEFAULT_DATABASE",
    "POSTGRESQL",
    "SQLITE",
    "Database",
    "DatabaseError",
    "LocalCluster",
    "choose",
    "read_database",
    "server_settings",
    "url_settings",
]
