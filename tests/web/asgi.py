"""Driving the ASGI app by hand, for what ``TestClient`` cannot show: it reads a request body
whole before the app sees any of it, so a body cap is tested here with a receive that hands
out chunks on demand and counts how many the app pulled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio

CHUNK = 64 * 1024


@dataclass
class Exchange:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    pulled: int = 0  # request body bytes the app asked for

    def json(self) -> Any:
        return json.loads(self.body)


def endless(total: int, *, chunk: int = CHUNK, fill: bytes = b"x") -> Iterator[bytes]:
    """``total`` bytes in chunks, produced only as they are asked for."""
    sent = 0
    while sent < total:
        size = min(chunk, total - sent)
        sent += size
        yield fill * size


def drive(
    app: Any,
    path: str,
    chunks: Iterator[bytes],
    *,
    method: str = "POST",
    headers: dict[str, str] | None = None,
) -> Exchange:
    """One request with a chunked body (no Content-Length unless given in ``headers``)."""
    out = Exchange()
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": raw, "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80), "state": {},
    }  # fmt: skip
    pending = iter(chunks)
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if done:
            await anyio.sleep(3600)  # a client that keeps the connection open
        piece = next(pending, None)
        if piece is None:
            done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        out.pulled += len(piece)
        return {"type": "http.request", "body": piece, "more_body": True}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            out.status = message["status"]
            out.headers = {k.decode(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            out.body += message.get("body", b"")

    async def run() -> None:
        with anyio.fail_after(30):
            await app(scope, receive, send)

    anyio.run(run)
    return out
