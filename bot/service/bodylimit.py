"""A cap on every request body, enforced while it is read (a pure ASGI middleware).

``Content-Length`` is not trusted to be there: chunked bodies are counted as they arrive, and
the request is answered 413 with the JSON error as soon as the count passes the route's limit,
whatever the route does with the body (or with the exception it gets while reading it).

    route                                      limit
    POST /slack/events                         max_slack_body_kb
    multipart to an upload route, signed in    MAX_FILES x max_upload_mb + 1 MB
    everything else (JSON, forms, anonymous)   max_body_kb

An anonymous upload therefore gets the small limit before any file is read: whether the request
may upload is decided from its credentials alone, before the route (and the body) is reached.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.settings import Settings
from bot.web.uploads import MAX_FILES, TooLarge

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UPLOAD_PATHS = re.compile(r"^/(?:api/chat|api/tickets/[^/]+/comments|tickets/[^/]+/comment)$")
MAIL_PATH = "/email/inbound"
SLACK_PATH = "/slack/events"
MB = 1024 * 1024


class BodyTooLarge(TooLarge):
    """Raised from ``receive`` once a body passes its limit (HTTP 413)."""


class RouteLimits:
    """The byte limit for one request, from the settings and the request's head alone."""

    def __init__(self, settings: Settings, *, may_upload: Callable[[Scope], bool]) -> None:
        self.body = settings.max_body_kb * 1024
        self.slack = settings.max_slack_body_kb * 1024
        self.upload = MAX_FILES * settings.max_upload_mb * MB + MB
        self.max_upload_mb = settings.max_upload_mb
        self.may_upload = may_upload

    def limit(self, scope: Scope) -> tuple[int, str]:
        """(bytes, what to tell the client) for this request."""
        path = str(scope.get("path", ""))
        if path == SLACK_PATH:
            return self.slack, f"a Slack request may be at most {_size(self.slack)}"
        if path == MAIL_PATH:
            # A whole e-mail with its attachments; the route checks its token first.
            return self.upload, f"an e-mail may be at most {_size(self.upload)}"
        content_type = _header(scope, b"content-type").lower()
        if content_type.startswith("multipart/form-data") and UPLOAD_PATHS.match(path):
            if self._may_upload(scope):
                return self.upload, (
                    f"the upload is too large; files may be at most {self.max_upload_mb} MB each"
                )
            return self.body, "sign in with your account key to attach files"
        return self.body, f"the request body may be at most {_size(self.body)}"

    def _may_upload(self, scope: Scope) -> bool:
        try:
            return self.may_upload(scope)
        except Exception:  # no identity can be established (e.g. the store is down)
            return False


class BodyLimit:
    """Counts each request's body as the app reads it; past the limit, answers 413."""

    def __init__(self, app: ASGIApp, *, limits: RouteLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.limits.limit(scope)
        declared = _header(scope, b"content-length")
        if declared.isdigit() and int(declared) > limit:
            await _refuse(send, message)
            return
        received = 0
        exceeded = False
        started = False

        async def counted() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge(message)
            item = await receive()
            if item["type"] == "http.request":
                received += len(item.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge(message)
            return item

        async def guarded(item: Message) -> None:
            nonlocal started
            if exceeded:
                # However the app handled the exception (a 422, its own 413), the client is
                # told the one true reason once.
                if item["type"] == "http.response.start" and not started:
                    started = True
                    await _refuse(send, message)
                return
            if item["type"] == "http.response.start":
                started = True
            await send(item)

        try:
            await self.app(scope, counted, guarded)
        except* BodyTooLarge:  # bare, or in the group of a task group on the way
            if not started:
                await _refuse(send, message)


async def _refuse(send: Send, message: str) -> None:
    body = json.dumps({"error": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body is not read: the connection cannot be reused.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip()
    return ""


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit % MB == 0 else f"{limit // 1024} KB"
