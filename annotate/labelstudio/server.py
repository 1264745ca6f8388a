"""The local Label Studio server of a project: start, stop, status, credentials.

Everything lives in one directory, `studio/` in jinbiao's workspace (`jinbiao.gold.paths`:
`$JINBIAO_HOME/studio`, else `.jinbiao/studio` in the project), or the directory given::

    credentials.json   the admin login and API token (mode 0600; the only place they are written)
    server.json        pid, port and URL of the running server
    server.log         what the server printed (the previous run's in server.log.1)
    database.json      which database it keeps its projects in (`database`: SQLite by default)
    data/              Label Studio's own data dir (SQLite database, media, exports)
    postgres/          the studio's own PostgreSQL cluster, when it runs on one

The server listens on the loopback interface only, with telemetry and version checks off.
The admin user and its legacy API token are created on the first start. A busy port makes
Label Studio silently take the next free one: `start` reads the port it really took from
its log and reports it. `stop` sends SIGTERM to exactly the process `start` launched,
identified by pid and by its command line naming this data dir.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from jinbiao.gold import JinbiaoError
from jinbiao.gold import paths as workspace
from jinbiao.gold.atomic import atomic_write_text, file_lock, pid_alive
from jinbiao.gold.errors import Remedy

from . import database as databases
from .database import POSTGRESQL, SQLITE, Database, LocalCluster

DEFAULT_PORT = 8080
HOST = "127.0.0.1"
ADMIN_USERNAME = "admin@jinbiao.local"
START_TIMEOUT = 180.0  # a fresh data dir migrates for ~30 s on a fast machine, longer on a slow one
STOP_TIMEOUT = 30.0

_SERVER_STARTED = re.compile(r"Starting development server at https?://[^\s/]+?:(\d+)/")
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}  # servers this process launched, so they can be reaped


class StudioError(JinbiaoError):
    """The local studio cannot do what was asked; the message says why and what to do."""


# ------------------------------------------------------------------------------------- paths


def studio_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """`path`, else the workspace's `studio/` (`jinbiao.gold.paths.studio_dir`)."""
    if path:
        return Path(path).expanduser().resolve()
    return workspace.studio_dir()


@dataclass(frozen=True)
class StudioPaths:
    root: Path

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def credentials(self) -> Path:
        return self.root / "credentials.json"

    @property
    def state(self) -> Path:
        return self.root / "server.json"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    @classmethod
    def of(cls, path: str | os.PathLike[str] | None = None) -> StudioPaths:
        return cls(studio_dir(path))


# ------------------------------------------------------------------------------- credentials


@dataclass(frozen=True)
class StudioCredentials:
    username: str
    password: str
    token: str

    def __repr__(self) -> str:  # never show the secrets by accident
        return f"StudioCredentials(username={self.username!r}, password=***, token=***)"


def _make_dirs(paths: StudioPaths, *, reachable: bool = False) -> None:
    """The studio's directories, private to their owner; `reachable` lets other users pass through
    the studio's own (0711: they cannot list it, and open only what they are given), for the
    `postgres` user that runs the cluster when jinbiao runs as root."""
    paths.root.mkdir(parents=True, exist_ok=True)
    os.chmod(paths.root, 0o711 if reachable else 0o700)
    paths.data_dir.mkdir(exist_ok=True)
    os.chmod(paths.data_dir, 0o700)


def ensure_credentials(paths: StudioPaths) -> StudioCredentials:
    """The studio's admin credentials, generated (and written 0600) the first time."""
    if paths.credentials.exists():
        return read_credentials(paths)
    _make_dirs(paths)
    credentials = StudioCredentials(ADMIN_USERNAME, secrets.token_urlsafe(18), secrets.token_hex(20))
    content = json.dumps(
        {"username": credentials.username, "password": credentials.password, "token": credentials.token}, indent=2
    )
    atomic_write_text(paths.credentials, content + "\n", mode=0o600)
    return credentials


def read_credentials(paths: StudioPaths) -> StudioCredentials:
    """The credentials written by the first start; their file is kept at mode 0600."""
    try:
        if paths.credentials.stat().st_mode & 0o077:
            os.chmod(paths.credentials, 0o600)
        record = json.loads(paths.credentials.read_text(encoding="utf-8"))
        return StudioCredentials(str(record["username"]), str(record["password"]), str(record["token"]))
    except FileNotFoundError:
        raise StudioError(
            f"no local studio in {paths.root} (no credentials.json); start one with `jinbiao studio start`"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not the JSON jinbiao wrote"
        raise StudioError(
            f"{paths.credentials}: unreadable ({reason}); restore it, or remove {paths.root} to start afresh"
        ) from None


# ------------------------------------------------------------------------------------ status


@dataclass(frozen=True)
class StudioStatus:
    root: Path
    running: bool
    healthy: bool = False
    pid: int | None = None
    port: int | None = None
    requested_port: int | None = None
    url: str | None = None
    already_running: bool = False
    stale: bool = False  # a pid file was left by a server that is gone
    database: str | None = None  # where its projects are (`Database.describe`), once recorded

    @property
    def moved_port(self) -> bool:
        return bool(self.port and self.requested_port and self.port != self.requested_port)

    @property
    def log(self) -> Path:
        return StudioPaths(self.root).log

    def to_dict(self) -> dict[str, Any]:
        return {
            "dir": str(self.root),
            "running": self.running,
            "healthy": self.healthy,
            "pid": self.pid,
            "port": self.port,
            "url": self.url,
            "log": str(self.log),
            "database": self.database,
        }


def _read_state(paths: StudioPaths) -> dict[str, Any] | None:
    try:
        state = json.loads(paths.state.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def _write_state(paths: StudioPaths, state: dict[str, Any]) -> None:
    atomic_write_text(paths.state, json.dumps(state, indent=2) + "\n", mode=0o600)


def _alive(pid: int) -> bool:
    """Whether `pid` still runs. A server this process launched is asked through its `Popen`
    (which also collects it once it has exited); any other through signal 0 and /proc."""
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is None:
            return True
        _CHILDREN.pop(pid, None)
        return False
    if not pid_alive(pid):
        return False
    stat = Path(f"/proc/{pid}/stat")
    with contextlib.suppress(OSError, IndexError):
        if stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":  # exited, not yet collected by its parent
            return False
    return True


def _is_our_server(pid: int, paths: StudioPaths) -> bool:
    """Whether `pid` is alive and is the Label Studio serving this studio's data dir."""
    if not _alive(pid):
        return False
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.parent.exists():  # no /proc (macOS): trust the pid file
        return True
    try:
        argv = cmdline.read_bytes().split(b"\0")
    except OSError:
        return False
    words = [arg.decode("utf-8", "replace") for arg in argv]
    return any("label_studio" in word or "label-studio" in word for word in words) and str(paths.data_dir) in words


def _loopback_opener():
    """A URL opener that never goes through a proxy (the studio is on this machine). urllib is
    imported here: it costs every start of the CLI otherwise."""
    import urllib.request

    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _health(url: str, timeout: float = 2.0) -> bool:
    try:
        with _loopback_opener().open(f"{url}/health", timeout=timeout) as response:
            return response.status == 200 and json.loads(response.read() or b"{}").get("status") == "UP"
    except (OSError, ValueError):  # urllib's URLError is an OSError
        return False


def _token_accepted(url: str, token: str, timeout: float = 10.0) -> bool:
    import urllib.request

    request = urllib.request.Request(f"{url}/api/current-user/whoami", headers={"Authorization": f"Token {token}"})
    try:
        with _loopback_opener().open(request, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def _database_of(paths: StudioPaths) -> str | None:
    with contextlib.suppress(JinbiaoError, OSError):
        recorded = databases.read_database(paths.root)
        return recorded.describe() if recorded is not None else None
    return None


def status(path: str | os.PathLike[str] | None = None) -> StudioStatus:
    """Whether this project's studio runs, on which port, and whether it answers `/health`."""
    paths = StudioPaths.of(path)
    state = _read_state(paths)
    if state is None:
        return StudioStatus(paths.root, running=False, database=_database_of(paths))
    pid = state.get("pid")
    if not isinstance(pid, int) or not _is_our_server(pid, paths):
        return StudioStatus(paths.root, running=False, stale=True, database=_database_of(paths))
    url = state.get("url")
    return StudioStatus(
        paths.root,
        running=True,
        healthy=bool(url) and _health(url),
        pid=pid,
        port=state.get("port"),
        requested_port=state.get("requested_port"),
        url=url,
        database=_database_of(paths),
    )


def local_url(path: str | os.PathLike[str] | None = None) -> str | None:
    """The URL of the running local studio, or None."""
    current = status(path)
    return current.url if current.running and current.healthy else None


# ------------------------------------------------------------------------------ start / stop


def _locked(paths: StudioPaths) -> contextlib.AbstractContextManager[None]:
    """One `start` or `stop` at a time per studio dir."""
    return file_lock(paths.lock)


def label_studio_installed(python: str = sys.executable) -> bool:
    if python == sys.executable:
        return importlib.util.find_spec("label_studio") is not None
    probe = subprocess.run([python, "-c", "import label_studio"], capture_output=True, check=False)
    return probe.returncode == 0


def server_environment(
    paths: StudioPaths,
    credentials: StudioCredentials,
    database: Database | None = None,
    cluster: LocalCluster | None = None,
) -> dict[str, str]:
    """The server's environment: ours without any LABEL_STUDIO_* or database settings (a remote
    server's URL and key stay with us), plus loopback-only, no telemetry, no version check, the
    admin, and the studio's database (`database.server_settings`)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABEL_STUDIO_")}
    env = databases.without_database_settings(env)
    env.update(databases.server_settings(database or Database(SQLITE), cluster))
    env.update(
        {
            "LABEL_STUDIO_BASE_DATA_DIR": str(paths.data_dir),
            "SENTRY_DSN": "",
            "FRONTEND_SENTRY_DSN": "",
            "LATEST_VERSION_CHECK": "false",
            "COLLECT_ANALYTICS": "false",
            "LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN": "true",
            "LABEL_STUDIO_USERNAME": credentials.username,
            "LABEL_STUDIO_PASSWORD": credentials.password,
            "LABEL_STUDIO_USER_TOKEN": credentials.token,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def server_command(paths: StudioPaths, port: int, python: str = sys.executable) -> list[str]:
    return [
        python,
        "-m",
        "label_studio.server",
        "start",
        "--no-browser",
        "--data-dir",
        str(paths.data_dir),
        "--internal-host",
        HOST,
        "--port",
        str(port),
    ]


def port_from_log(text: str) -> int | None:
    """The port Label Studio's development server announced it listens on."""
    found = _SERVER_STARTED.findall(text)
    return int(found[-1]) if found else None


def _log_tail(paths: StudioPaths, lines: int = 3) -> str:
    try:
        text = paths.log.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    useful = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith(" ")]
    return " | ".join(useful[-lines:])


def _rotate_log(paths: StudioPaths) -> None:
    if paths.log.exists():
        os.replace(paths.log, paths.log.with_name(paths.log.name + ".1"))


def start(
    path: str | os.PathLike[str] | None = None,
    *,
    port: int = DEFAULT_PORT,
    timeout: float = START_TIMEOUT,
    python: str = sys.executable,
    database: str | None = None,
    database_url: str | None = None,
) -> StudioStatus:
    """Start the studio, or find it running (idempotent); wait until `/health` answers.

    `database` ("sqlite", or "postgresql": a cluster of the studio's own) or `database_url` (a
    PostgreSQL server) choose where a new studio keeps its projects (`.database`); a studio keeps
    the database it started with. Returns the status with the port the server really took
    (`requested_port` is the one asked for).
    """
    paths = StudioPaths.of(path)
    with _locked(paths):
        current = status(paths.root)
        if current.running and current.pid is not None:
            if database is not None or database_url is not None:
                databases.choose(paths.root, database, database_url)  # asking another database is an error
            if current.healthy:
                return replace(current, already_running=True)
            # launched by another `start` that is still waiting for it, or busy: wait for it too
            return _wait_until_up(paths, current.pid, current.requested_port or port, timeout, already=True)
        if not label_studio_installed(python):
            raise StudioError(
                f"Label Studio is not installed in this environment ({python}); "
                "install it with `pip install 'jinbiao[studio]'` (or run `make run`, which does)"
            )
        credentials = ensure_credentials(paths)
        chosen = databases.choose(paths.root, database, database_url)
        cluster = LocalCluster.of(paths.root) if chosen.local_cluster else None
        _make_dirs(paths, reachable=cluster is not None and os.geteuid() == 0)
        if chosen.engine == POSTGRESQL:
            databases.check_driver(python == sys.executable)
        cluster_started = cluster.start() if cluster is not None else False
        try:
            up = _launch(paths, credentials, port, timeout, python, chosen, cluster)
        except BaseException:
            if cluster is not None and cluster_started:
                cluster.stop()
            raise
        return replace(up, database=chosen.describe())


def _launch(
    paths: StudioPaths,
    credentials: StudioCredentials,
    port: int,
    timeout: float,
    python: str,
    chosen: Database,
    cluster: LocalCluster | None,
) -> StudioStatus:
    """Start Label Studio itself on `chosen` and wait until it answers (see `start`)."""
    _rotate_log(paths)
    paths.state.unlink(missing_ok=True)
    log = open(paths.log, "wb")  # noqa: SIM115 - handed to the child, closed below
    try:
        os.chmod(paths.log, 0o600)
        child = subprocess.Popen(
            server_command(paths, port, python),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=server_environment(paths, credentials, chosen, cluster),
            cwd=paths.root,
            start_new_session=True,  # outlives the command that started it, deaf to its Ctrl-C
        )
    finally:
        log.close()
    _CHILDREN[child.pid] = child
    _write_state(paths, {"pid": child.pid, "requested_port": port, "port": None, "url": None})
    try:
        up = _wait_until_up(paths, child.pid, port, timeout)
    except BaseException:
        _terminate(child.pid, paths)
        raise
    if not _token_accepted(up.url or "", credentials.token):
        _terminate(child.pid, paths)
        raise StudioError(
            f"the studio started but refused its own admin token: {paths.credentials} does not belong to "
            f"the data in {paths.data_dir}; restore the old credentials.json or remove {paths.root} to start afresh"
        )
    return up


def _wait_until_up(paths: StudioPaths, pid: int, port: int, timeout: float, *, already: bool = False) -> StudioStatus:
    deadline = time.monotonic() + timeout
    url: str | None = None
    while time.monotonic() < deadline:
        child = _CHILDREN.get(pid)
        code = child.poll() if child is not None else (None if _alive(pid) else -1)
        if code is not None:
            _CHILDREN.pop(pid, None)
            paths.state.unlink(missing_ok=True)
            tail = _log_tail(paths)
            if "That port is already in use" in tail or "Could not find an available port" in tail:
                raise StudioError(
                    f"port {port} is taken and Label Studio could not use another", remedy=Remedy.CHOOSE_PORT
                )
            raise StudioError(
                f"Label Studio exited while starting (exit code {code}): {tail or 'no output'}; see {paths.log}"
            )
        if url is None:
            try:
                found = port_from_log(paths.log.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                found = None
            if found is not None:
                url = f"http://{HOST}:{found}"
                _write_state(paths, {"pid": pid, "requested_port": port, "port": found, "url": url})
        if url is not None and _health(url):
            actual = int(url.rsplit(":", 1)[1])
            return StudioStatus(paths.root, True, True, pid, actual, port, url, already_running=already)
        time.sleep(0.25)
    raise StudioError(
        f"Label Studio did not answer /health within {timeout:g} s (pid {pid}); see {paths.log}",
        remedy=Remedy.LONGER_TIMEOUT,
    )


def _terminate(pid: int, paths: StudioPaths, timeout: float = STOP_TIMEOUT) -> bool:
    """SIGTERM to `pid`; SIGKILL if it is still there after `timeout`. True if it had to be killed."""
    killed = False
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        killed = True
        while _alive(pid):
            time.sleep(0.1)
    _CHILDREN.pop(pid, None)
    paths.state.unlink(missing_ok=True)
    return killed


@dataclass(frozen=True)
class StopResult:
    was_running: bool
    pid: int | None = None
    killed: bool = False  # it ignored SIGTERM for STOP_TIMEOUT seconds and was killed
    stale: bool = False
    database_stopped: bool = False  # the studio's own PostgreSQL cluster ran and is stopped


def stop(path: str | os.PathLike[str] | None = None, *, timeout: float = STOP_TIMEOUT) -> StopResult:
    """SIGTERM to the server `start` launched (by pid, checked to be ours), then the studio's own
    PostgreSQL cluster, if it has one; idempotent."""
    paths = StudioPaths.of(path)
    with _locked(paths):
        result = _stop_server(paths, timeout)
        recorded = databases.read_database(paths.root)
        if recorded is not None and recorded.local_cluster:
            result = replace(result, database_stopped=LocalCluster.of(paths.root).stop(timeout))
        return result


def _stop_server(paths: StudioPaths, timeout: float) -> StopResult:
    state = _read_state(paths)
    if state is None:
        return StopResult(was_running=False)
    pid = state.get("pid")
    if not isinstance(pid, int) or not _is_our_server(pid, paths):
        paths.state.unlink(missing_ok=True)
        return StopResult(was_running=False, stale=True)
    killed = _terminate(pid, paths, timeout)
    return StopResult(was_running=True, pid=pid, killed=killed)


def credentials(path: str | os.PathLike[str] | None = None) -> StudioCredentials:
    """The admin login and API token of this project's studio (shown only when asked for)."""
    return read_credentials(StudioPaths.of(path))
