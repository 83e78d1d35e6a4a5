"""A local Slack Web API: real HTTP on 127.0.0.1 that answers the methods deskbot calls with
canned JSON, records every call, serves private file downloads, threads
(``conversations.replies``, paginated) and people (``users.info``), and can be told to fail
(HTTP 429 with ``Retry-After``, 5xx, or an ``ok: false`` error) — after bolt-python's
``tests/mock_web_api_server``."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BOT_USER = "UBOT"
TEAM = "T0TEAM"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float
    failed: bool = False  # answered with an injected failure


@dataclass
class Failure:
    status: int = 429
    retry_after: float | None = None
    error: str | None = None
    times: int = 1


@dataclass
class StoredFile:
    id: str
    name: str
    data: bytes
    mimetype: str = "text/plain"
    size: int | None = None  # what files.info claims (defaults to len(data))


@dataclass
class SlackStub:
    token: str = "xoxb-test-token"
    calls: list[Call] = field(default_factory=list)
    files: dict[str, StoredFile] = field(default_factory=dict)
    downloads: list[str] = field(default_factory=list)
    threads: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, list[Failure]] = {}
        self._ts = itertools.count(1)
        self._server: ThreadingHTTPServer | None = None

    # -- control ---------------------------------------------------------------------------
    def start(self) -> SlackStub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                stub._serve(self)

            def do_POST(self) -> None:
                stub._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.url + "/api/"

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: float | None = None,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` calls of ``method`` fail this way (``status=0``: the connection
        is closed without an answer, a network error for the client)."""
        with self._lock:
            self._failures.setdefault(method, []).append(Failure(status, retry_after, error, times))

    def add_file(self, file_id: str, name: str, data: bytes, *, size: int | None = None) -> None:
        self.files[file_id] = StoredFile(file_id, name, data, size=size)

    def add_thread(self, channel: str, messages: list[dict[str, Any]]) -> None:
        """A thread as ``conversations.replies`` returns it; the first message starts it."""
        parent = str(messages[0]["ts"])
        self.threads[(channel, parent)] = [{"thread_ts": parent, **m} for m in messages]

    def add_user(self, user_id: str, *, display_name: str = "", real_name: str = "") -> None:
        profile = {"display_name": display_name, "real_name": real_name}
        self.users[user_id] = {"id": user_id, "name": user_id.lower(), "profile": profile}

    # -- inspection ------------------------------------------------------------------------
    def calls_to(self, method: str, *, ok: bool = False) -> list[dict[str, Any]]:
        """The arguments of each call of ``method`` (``ok``: only those that succeeded)."""
        with self._lock:
            return [c.args for c in self.calls if c.method == method and not (ok and c.failed)]

    def wait_for(
        self,
        method: str,
        *,
        count: int = 1,
        where: Callable[[dict[str, Any]], bool] | None = None,
        timeout: float = 30.0,
    ) -> list[dict[str, Any]]:
        """Poll (bounded) until ``count`` matching calls arrived; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            found = [a for a in self.calls_to(method) if where is None or where(a)]
            if len(found) >= count or time.monotonic() > deadline:
                if len(found) < count:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} x {method} expected; calls so far: {seen}")
                return found
            time.sleep(0.01)

    # -- serving ---------------------------------------------------------------------------
    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        if parts.path.startswith("/files/"):
            self._download(handler, parts.path.split("/")[2])
            return
        method = parts.path.removeprefix("/api/")
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        args: dict[str, Any] = {k: v[0] for k, v in parse_qs(parts.query).items()}
        ctype = handler.headers.get("Content-Type") or ""
        if raw and "json" in ctype:
            args.update(json.loads(raw))
        elif raw:
            args.update({k: v[0] for k, v in parse_qs(raw.decode()).items()})
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            call = Call(method, args, headers, time.monotonic())
            self.calls.append(call)
            failure = self._take_failure(method)
            call.failed = failure is not None
        if failure is not None:
            if failure.status == 0:  # the connection drops without an answer
                handler.close_connection = True
                return
            if failure.status != 200:
                extra = {}
                if failure.retry_after is not None:
                    extra["Retry-After"] = str(int(failure.retry_after))
                body = {"ok": False, "error": failure.error or "ratelimited"}
                if failure.status >= 500:
                    self._reply(handler, failure.status, b"<html>Internal error</html>", extra)
                else:
                    self._reply(handler, failure.status, json.dumps(body).encode(), extra)
                return
            self._json(handler, {"ok": False, "error": failure.error or "unknown_error"})
            return
        if headers.get("authorization") != f"Bearer {self.token}" and method != "auth.test":
            self._json(handler, {"ok": False, "error": "invalid_auth"})
            return
        self._json(handler, self._answer(method, args))

    def _take_failure(self, method: str) -> Failure | None:
        queue = self._failures.get(method) or []
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.pop(0)
        return failure

    def _answer(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": TEAM}
        if method in ("chat.postMessage", "chat.postEphemeral"):
            ts = f"1763431200.{next(self._ts):06d}"
            args["posted_ts"] = ts  # recorded with the call, so tests can follow the message
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message_ts": ts}
        if method == "chat.update":
            return {"ok": True, "channel": args.get("channel"), "ts": args.get("ts")}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(args.get("users", "X"))[1:]}}
        if method == "chat.getPermalink":
            ts = str(args.get("message_ts", "")).replace(".", "")
            link = f"https://nimbus.slack.com/archives/{args.get('channel')}/p{ts}"
            return {"ok": True, "permalink": link}
        if method == "files.info":
            stored = self.files.get(str(args.get("file")))
            if stored is None:
                return {"ok": False, "error": "file_not_found"}
            size = stored.size if stored.size is not None else len(stored.data)
            url = f"{self.url}/files/{stored.id}/{stored.name}"
            info = {"id": stored.id, "name": stored.name, "mimetype": stored.mimetype,
                    "size": size, "url_private_download": url}  # fmt: skip
            return {"ok": True, "file": info}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": {"id": "V0VIEW"}}
        if method == "conversations.replies":
            return self._replies(args)
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}
        return {"ok": True}

    def _replies(self, args: dict[str, Any]) -> dict[str, Any]:
        """Oldest first, ``limit`` a page, the cursor is the next index; ``latest`` (with
        ``inclusive``) leaves out later messages, as Slack does."""
        thread = self.threads.get((str(args.get("channel")), str(args.get("ts"))))
        if thread is None:
            return {"ok": False, "error": "thread_not_found"}
        latest = args.get("latest")
        if latest is not None:
            inclusive = str(args.get("inclusive")).lower() in ("1", "true")
            thread = [
                m for m in thread
                if float(m["ts"]) < float(latest) or (inclusive and m["ts"] == latest)
            ]  # fmt: skip
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 1000)
        page = thread[start : start + limit]
        more = start + limit < len(thread)
        meta = {"next_cursor": str(start + limit) if more else ""}
        return {"ok": True, "messages": page, "has_more": more, "response_metadata": meta}

    def _download(self, handler: BaseHTTPRequestHandler, file_id: str) -> None:
        stored = self.files.get(file_id)
        if handler.headers.get("Authorization") != f"Bearer {self.token}" or stored is None:
            self._reply(handler, 404, b"not found", {})
            return
        self.downloads.append(file_id)
        self._reply(handler, 200, stored.data, {"Content-Type": stored.mimetype})

    def _json(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self._reply(handler, 200, data, {"Content-Type": "application/json"})

    @staticmethod
    def _reply(
        handler: BaseHTTPRequestHandler, status: int, data: bytes, headers: dict[str, str]
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
