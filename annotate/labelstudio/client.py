"""The connection to a Label Studio server, and errors a person can act on.

Where the server and its key come from, first found wins:

1. the `url` / `api_key` arguments (the command line takes a URL, never a key);
2. `LABEL_STUDIO_URL` and `LABEL_STUDIO_API_KEY` (a legacy token or a personal access token);
3. the local studio (`jinbiao studio start`), whose admin token sits in its 0600 credentials file;
4. a prompt (getpass, nothing echoed) when a URL is known, the key is not, and stdin is a terminal.

The key is never printed, logged, put in an exception message or written anywhere by jinbiao.
"""

from __future__ import annotations

import contextlib
import getpass
import ipaddress
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from jinbiao.gold import JinbiaoError
from jinbiao.gold.errors import Remedy

from . import server

if TYPE_CHECKING:
    import httpx
    from label_studio_sdk import LabelStudio

ENV_URL = "LABEL_STUDIO_URL"
ENV_KEY = "LABEL_STUDIO_API_KEY"
DEFAULT_TIMEOUT = 120.0

KEY_HELP = (
    f"set {ENV_KEY} to a legacy token or a personal access token "
    "(Label Studio: Account & Settings), or `jinbiao studio start` for the local studio"
)


TITLE_LENGTH = (3, 50)  # Label Studio 1.23's rule for project titles (PROJECT_TITLE_MIN_LEN / MAX_LEN)


class LabelStudioError(JinbiaoError):
    """Talking to Label Studio failed; the one-line message says what happened and what to do."""


def check_title(title: str) -> None:
    """Refuse, before any work, a project title Label Studio would refuse."""
    shortest, longest = TITLE_LENGTH
    if not shortest <= len(title) <= longest:
        raise LabelStudioError(
            f"project title {title!r} has {len(title)} characters; Label Studio wants {shortest} to {longest}: "
            "choose another title"
        )


def safe_url(url: str) -> str:
    """`url` without a trailing slash, and without any user:password@ it carried."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        raise LabelStudioError(f"{ENV_URL} must be a URL such as http://localhost:8080, got {url.strip()!r}")
    host = parts.hostname or ""
    netloc = f"[{host}]" if ":" in host else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Connection:
    """A checked connection: the SDK client, the server's URL, and where the key came from."""

    url: str
    client: LabelStudio = field(repr=False, compare=False)
    source: str
    timeout: float = DEFAULT_TIMEOUT
    user: str | None = None
    local_studio: Path | None = None
    http: httpx.Client | None = field(default=None, repr=False, compare=False)

    def call(self, what: str) -> contextlib.AbstractContextManager[None]:
        """`with connection.call("listing tasks"):` turns any failure into a `LabelStudioError`."""
        return api_errors(what, self)

    @property
    def can_post_json(self) -> bool:
        return self.http is not None and hasattr(self.client, "_client_wrapper")

    def post_json(self, path: str, body: bytes, *, timeout: float | None = None) -> Any:
        """POST a body already encoded as JSON, authenticated exactly as the SDK's calls are.

        For large payloads (task imports): the SDK encodes a request by walking every value in
        Python, six times slower than the standard library's encoder. Fails like an SDK call
        (`ApiError`, httpx errors), so `call()` words its failures the same way.
        """
        from label_studio_sdk.core.api_error import ApiError

        assert self.http is not None
        headers = {**self.client._client_wrapper.get_headers(), "Content-Type": "application/json"}
        response = self.http.post(
            f"{self.url}/{path.lstrip('/')}", content=body, headers=headers, timeout=timeout or self.timeout
        )
        if response.status_code >= 400:
            try:
                payload: Any = response.json()
            except ValueError:
                payload = response.text
            raise ApiError(status_code=response.status_code, headers=dict(response.headers), body=payload)
        return response.json() if response.content else None


@dataclass(frozen=True)
class Endpoint:
    url: str
    api_key: str = field(repr=False)
    source: str
    local_studio: Path | None = None

    def __post_init__(self) -> None:
        check_key(self.api_key, self.source)


def check_key(api_key: str, source: str) -> None:
    """Refuse, before any request, a key that cannot be one: Label Studio's tokens are printable
    ASCII, and an HTTP header cannot carry anything else. The key itself is never shown."""
    if not all(" " <= character <= "~" for character in api_key):
        where = "the API key given" if source == "argument" else f"the API key from {source}"
        if source == ENV_KEY:
            where = ENV_KEY
        raise LabelStudioError(f"{where} holds characters an API key cannot have (it is printable ASCII); {KEY_HELP}")


def resolve(
    url: str | None = None,
    api_key: str | None = None,
    *,
    studio_path: str | os.PathLike[str] | None = None,
    interactive: bool | None = None,
) -> Endpoint:
    """Which server to talk to, with which key (see the module's docstring for the order)."""
    url = url or os.environ.get(ENV_URL) or None
    api_key = api_key or os.environ.get(ENV_KEY) or None
    if api_key:
        check_key(api_key, ENV_KEY if os.environ.get(ENV_KEY) == api_key else "argument")
    if url and api_key:
        source = ENV_KEY if os.environ.get(ENV_KEY) == api_key else "argument"
        return Endpoint(safe_url(url), api_key, source)
    local = server.status(studio_path)
    local_url = local.url if local.running else None
    if url is None:
        if local_url is None:
            raise LabelStudioError(
                f"no Label Studio to talk to: run `jinbiao studio start` for the local one, "
                f"or set {ENV_URL} and {ENV_KEY} for a remote one"
            )
        url = local_url
    url = safe_url(url)
    if api_key:
        return Endpoint(url, api_key, ENV_KEY if os.environ.get(ENV_KEY) == api_key else "argument")
    if local_url is not None and safe_url(local_url) == url:
        token = server.credentials(studio_path).token
        return Endpoint(url, token, f"local studio ({local.root})", local.root)
    if interactive is None:
        interactive = sys.stdin is not None and sys.stdin.isatty()
    if interactive:
        api_key = getpass.getpass(f"API key for {url} (not echoed): ").strip()
        if api_key:
            return Endpoint(url, api_key, "prompt")
    raise LabelStudioError(f"no API key for {url}: {KEY_HELP}")


def connect(
    url: str | None = None,
    api_key: str | None = None,
    *,
    studio_path: str | os.PathLike[str] | None = None,
    interactive: bool | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    check: bool = True,
) -> Connection:
    """A `Connection`, checked (unless `check=False`) by asking the server who the key belongs to."""
    endpoint = resolve(url, api_key, studio_path=studio_path, interactive=interactive)
    return open_connection(endpoint, timeout=timeout, check=check)


def open_connection(endpoint: Endpoint, *, timeout: float = DEFAULT_TIMEOUT, check: bool = True) -> Connection:
    import httpx
    from label_studio_sdk import LabelStudio

    http = httpx.Client(timeout=timeout, trust_env=not is_loopback(endpoint.url), follow_redirects=True)
    partial = Connection(endpoint.url, None, endpoint.source, timeout, None, endpoint.local_studio)  # type: ignore[arg-type]
    with api_errors("reading the API key", partial):
        client = LabelStudio(base_url=endpoint.url, api_key=endpoint.api_key, timeout=timeout, httpx_client=http)
    connection = Connection(endpoint.url, client, endpoint.source, timeout, None, endpoint.local_studio, http)
    if not check:
        return connection
    with api_errors("checking the API key", connection):
        who = client.users.whoami(request_options={"max_retries": 0})  # a server that is down: say so at once
    return replace(connection, user=who.email or who.username)


# ------------------------------------------------------------------------------------ errors


def _detail(body: Any) -> str:
    """The server's own explanation from an error body, without echoing request data."""
    if isinstance(body, dict):
        parts = []
        detail = body.get("detail")
        if detail:
            parts.append(str(detail))
        errors = body.get("validation_errors")
        if isinstance(errors, dict):
            for name, problems in errors.items():
                text = "; ".join(str(p) for p in problems) if isinstance(problems, list) else str(problems)
                parts.append(f"{name}: {text}")
        elif errors:
            parts.append(str(errors))
        return " — ".join(p for p in parts if p and p != "Validation error") or (detail or "")
    if isinstance(body, str):
        return body.strip().splitlines()[0][:200] if body.strip() else ""
    return ""


def api_error(error: BaseException, what: str, connection: Connection) -> LabelStudioError:
    """A transport or API failure while doing `what`, as one line: what happened and what to do."""
    import httpx

    if isinstance(error, httpx.TimeoutException):
        problem = f"Label Studio at {connection.url} did not answer within {connection.timeout:g} s while {what}"
        return LabelStudioError(problem, remedy=Remedy.LONGER_TIMEOUT)
    return LabelStudioError(_failure(error, what, connection))


def _failure(error: BaseException, what: str, connection: Connection) -> str:
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    url = connection.url
    where = f"Label Studio at {url}"
    log_hint = f"; see {server.StudioPaths(connection.local_studio).log}" if connection.local_studio else ""
    if isinstance(error, httpx.ConnectError):
        hint = "start it with `jinbiao studio start`" if is_loopback(url) else f"check {ENV_URL} and your network"
        return f"cannot reach {where} while {what} (connection refused or host unknown); is it running? {hint}"
    if isinstance(error, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return f"{where} dropped the connection while {what}; check that it is running{log_hint}"
    if isinstance(error, httpx.HTTPError):
        return f"talking to {where} failed while {what} ({type(error).__name__}); try again"
    if isinstance(error, ApiError):
        code = error.status_code
        detail = _detail(error.body)
        if code == 401:
            reason = f"401 Unauthorized: {detail}" if detail else "401 Unauthorized"
            return f"{where} refused the API key ({reason}) while {what}: {KEY_HELP}"
        if code == 403:
            return f"{where} does not allow this user to do that (403 Forbidden) while {what}: use an admin's key"
        if code == 404:
            return f"{where} has no such thing (404 Not Found) while {what}: {detail or 'check the project'}"
        if code is not None and code >= 500:
            return f"{where} failed (HTTP {code}) while {what}: {detail or 'server error'}{log_hint}; try again"
        return f"{where} refused the request (HTTP {code}) while {what}: {detail or 'no reason given'}"
    return f"talking to {where} failed while {what}: {type(error).__name__}"


@contextlib.contextmanager
def api_errors(what: str, connection: Connection) -> Iterator[None]:
    """Turn transport and API failures into one-line `LabelStudioError`s (the key never in them)."""
    import httpx
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except (httpx.HTTPError, ApiError) as error:
        raise api_error(error, what, connection) from None


# ---------------------------------------------------------------------------------- projects


def find_project(connection: Connection, title: str) -> Any | None:
    """The project titled exactly `title`, or None; an error when several share the title."""
    with connection.call(f"looking for project {title!r}"):
        found = [p for p in connection.client.projects.list(title=title, page_size=100) if p.title == title]
    if len(found) > 1:
        ids = ", ".join(str(p.id) for p in found)
        raise LabelStudioError(
            f"{len(found)} projects on {connection.url} are titled {title!r} (ids {ids}); rename all but one"
        )
    return found[0] if found else None


def require_project(connection: Connection, title: str) -> Any:
    """The project titled `title`, or an error naming the projects that do exist."""
    project = find_project(connection, title)
    if project is None:
        with connection.call("listing projects"):
            titles = [p.title for p in connection.client.projects.list(page_size=100)]
        known = ", ".join(repr(t) for t in titles[:10]) or "none"
        raise LabelStudioError(
            f"no project titled {title!r} on {connection.url} (projects: {known})",
            remedy=Remedy.PUSH_FIRST,
            title=title,
        )
    return project
