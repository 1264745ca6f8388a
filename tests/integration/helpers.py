"""What an annotator does, done through Label Studio's own endpoints (shared by the tests and
the script that records the exports under tests/data/labelstudio/)."""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
from label_studio_sdk import LabelStudio

from jinbiao.annotate.labelstudio import server as local_studio
from jinbiao.annotate.labelstudio import tasks
from jinbiao.annotate.labelstudio.client import Connection, connect
from jinbiao.gold import Span

CHROMIUM = "/usr/bin/chromium"


@dataclass(frozen=True)
class Server:
    """The session's Label Studio: where it runs and its admin's credentials."""

    root: Path
    url: str
    pid: int
    credentials: local_studio.StudioCredentials
    database: str = "sqlite"  # or "postgresql"

    def connection(self, api_key: str | None = None) -> Connection:
        return connect(self.url, api_key or self.credentials.token, timeout=120, interactive=False)

    def client(self, api_key: str | None = None) -> LabelStudio:
        return LabelStudio(base_url=self.url, api_key=api_key or self.credentials.token, timeout=120)


@dataclass(frozen=True)
class Annotator:
    email: str
    token: str
    client: LabelStudio


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sign_up(url: str, admin_token: str, email: str, password: str) -> str:
    """An annotator joins the way a person does: the organisation's invite link, the sign-up form,
    then their own API token from Account & Settings. Returns that token."""
    invite = httpx.get(f"{url}/api/invite", headers={"Authorization": f"Token {admin_token}"}, trust_env=False)
    invite.raise_for_status()
    with httpx.Client(base_url=url, follow_redirects=True, trust_env=False) as session:
        session.get("/user/signup/").raise_for_status()
        csrf = session.cookies.get("csrftoken")
        signup = session.post(
            invite.json()["invite_url"],
            data={"email": email, "password": password, "csrfmiddlewaretoken": csrf, "how_find_us": "Other"},
            headers={"Referer": f"{url}/user/signup/"},
        )
        signup.raise_for_status()
        token = session.get("/api/current-user/token")
        token.raise_for_status()
        return str(token.json()["token"])


def region(span: Span, region_id: str, *, label: str | None = None, **value: Any) -> dict[str, Any]:
    """A Labels region as the labeling UI saves it (`tasks.region` with origin "manual"); value
    fields can be overridden to corrupt it."""
    made = tasks.region(replace(span, label=label or span.label), region_id, origin="manual")
    made["value"].update(value)
    return made


def regions(spans: Iterable[Span], prefix: str) -> list[dict[str, Any]]:
    return [region(span, f"{prefix}{n}") for n, span in enumerate(spans)]


def draft(url: str, token: str, task_id: int, result: list[dict[str, Any]]) -> dict[str, Any]:
    """A draft, as the labeling UI autosaves one (the SDK has no call for it)."""
    response = httpx.post(
        f"{url}/api/tasks/{task_id}/drafts",
        headers={"Authorization": f"Token {token}"},
        json={"result": result, "lead_time": 1.5},
        trust_env=False,
    )
    response.raise_for_status()
    return dict(response.json())
