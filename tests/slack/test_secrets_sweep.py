"""The secrets sweep: plant a different secret on every inbound route — web chat (JSON, files,
.gz, .zip, streaming), ticket comments (API and form), staff replies, Slack messages, shared
files and the bug form — then look everywhere it could have been kept: every table of the
database, every file under the home (archives unpacked), the logs, the outbox, what was sent
to Slack, and the pages and API answers that show it. None may be found.

Lives with the Slack tests for their fixtures: the service with Slack on, the real
conversation service, and the Slack Web API stub.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import itertools
import json
import logging
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select

from bot.context import AppContext
from bot.notify.outbox import OutboxWorker
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    Recorder,
    message,
    post_event,
    post_interaction,
    wait_until,
)
from tests.slack.stub import TEAM, SlackStub

_serial = itertools.count(1)


def _secrets(route: str) -> tuple[str, ...]:
    """Secrets of several shapes, unique to one route (so a finding names its route)."""
    n = next(_serial)
    tag = f"{n:04d}"
    return (
        f"AKIAQ{tag}ABCDEFGHIJK",  # AWS access key id (4 + 16 characters)
        f"xoxb-{tag}-1234567890-{route[:6]}",  # Slack bot token
        f"Zz{route[:5]}{tag}pw",  # a password, as password=...
        f"sk-live-{tag}abcdefghijklmnopqrstuv",  # an API key
    )


def _leaky(secrets: tuple[str, ...]) -> str:
    aws, slack, password, api = secrets
    return f"It fails. AKID {aws} token {slack} password={password} and api_key: {api}"


@pytest.fixture
def planted() -> dict[str, tuple[str, ...]]:
    return {}


def _plant(planted: dict[str, tuple[str, ...]], route: str) -> str:
    planted[route] = _secrets(route)
    return _leaky(planted[route])


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode())


def _zip(text: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("logs/app.log", text)
    return out.getvalue()


def _dump_database(ctx: AppContext) -> str:
    meta = MetaData()
    meta.reflect(ctx.db.engine)
    rows = []
    with ctx.db.engine.connect() as conn:
        for table in meta.sorted_tables:
            rows.extend(str(tuple(r)) for r in conn.execute(select(table)))
    return "\n".join(rows)


def _unpacked(data: bytes) -> Iterator[bytes]:
    yield data
    if data.startswith(b"\x1f\x8b"):
        yield from _unpacked(gzip.decompress(data))
    elif data.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                yield name.encode()
                yield from _unpacked(archive.read(name))


def _dump_files(home: Path) -> str:
    texts = []
    for path in home.rglob("*"):
        if path.is_file() and path.suffix != ".db" and "index" not in path.parts:
            for data in _unpacked(path.read_bytes()):
                texts.append(data.decode("latin-1"))
    return "\n".join(texts)


def test_no_planted_secret_is_kept_anywhere(
    slack_client: TestClient,
    slack_stub: SlackStub,
    ctx: AppContext,
    conversation: Recorder,
    planted: dict[str, tuple[str, ...]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    app = slack_client.app
    web = TestClient(app)
    customer = TestClient(app)
    assert (
        customer.post("/api/session", json={"account_key": "demo-key-streamly"}).status_code == 200
    )

    # -- web chat: a message, a streamed one, files of every kind -------------------------------
    sid = "sweep-0001-chat"
    r = customer.post("/api/chat", json={"session_id": sid, "message": _plant(planted, "chat")})
    assert r.status_code == 200, r.text
    r = web.post(
        "/api/chat",
        json={"session_id": "sweep-0002-anon", "message": _plant(planted, "anon")},
        headers={"Accept": "text/event-stream"},
    )
    assert r.status_code == 200
    files = [
        ("files", ("app.log", _plant(planted, "log").encode(), "text/plain")),
        ("files", ("app.log.gz", _gz(_plant(planted, "gz")), "application/gzip")),
        ("files", ("logs.zip", _zip(_plant(planted, "zip")), "application/zip")),
    ]
    r = customer.post(
        "/api/chat",
        data={"session_id": sid, "message": "crash, logs attached " + _plant(planted, "form")},
        files=files,
    )
    assert r.status_code == 200, r.text

    # -- ticket comments: API (JSON and files) and the page's form; staff replies ---------------
    ticket = ctx.desk.open(
        NewTicket(
            account_id="streamly",
            kind="bug",
            priority="P2",
            subject="join fails",
            requester="dev@streamly",
        ),
        now=NOW,
    )
    r = customer.post(
        f"/api/tickets/{ticket.key}/comments", json={"body": _plant(planted, "comment")}
    )
    assert r.status_code == 200, r.text
    r = customer.post(
        f"/api/tickets/{ticket.key}/comments",
        data={"body": _plant(planted, "comment-form")},
        files=[("files", ("crash.txt", _plant(planted, "comment-file").encode(), "text/plain"))],
    )
    assert r.status_code == 200, r.text
    page = customer.get(f"/tickets/{ticket.key}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    r = customer.post(
        f"/tickets/{ticket.key}/comment",
        data={"body": _plant(planted, "page-form"), "csrf": csrf.group(1)},
        files=[("files", ("more.log", _gz(_plant(planted, "page-file")), "application/gzip"))],
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    staff = TestClient(app, follow_redirects=False)
    staff.post("/staff/login", data={"login": "mgr-lin", "password": "deskbot-demo"})
    staff_csrf = re.search(
        r'name="csrf" value="([0-9a-f]+)"', staff.get(f"/staff/tickets/{ticket.key}").text
    )
    assert staff_csrf
    r = staff.post(
        f"/staff/tickets/{ticket.key}/reply",
        data={"csrf": staff_csrf.group(1), "body": _plant(planted, "staff-reply")},
    )
    assert r.status_code == 303, r.text

    # -- Slack: a question, a shared log, the bug form ------------------------------------------
    post_event(slack_client, message(_plant(planted, "slack"), ts="1763431000.000100"))
    wait_until(lambda: len(conversation.calls) >= 4)  # the thread is ours before its reply
    slack_stub.add_file("F0SWEEP", "slack.log", _plant(planted, "slack-file").encode())
    post_event(
        slack_client,
        message(
            "and the log",
            ts="1763431100.000200",
            thread_ts="1763431000.000100",
            subtype="file_share",
            files=[{"id": "F0SWEEP"}],
        ),
    )
    state = {
        "summary": {"value": {"type": "plain_text_input", "value": _plant(planted, "bug-form")}}
    }
    meta = {"channel": SUPPORT_CHANNEL, "thread_ts": None, "user": "U0DEV1"}
    post_interaction(
        slack_client,
        {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0DEV1"},
         "view": {"id": "V0SWEEP", "type": "modal", "callback_id": "deskbot_bug_report",
                  "private_metadata": json.dumps(meta), "state": {"values": state}}},
    )  # fmt: skip
    wait_until(lambda: len(ctx.tickets.query()) >= 2)  # the commented one, the form
    wait_until(lambda: len(conversation.calls) >= 5)
    # The cards' refreshes wait for the outbox worker (every 10 s in the service). The form's
    # handler may still be queueing its messages after the ticket exists: deliver until none
    # is left, as the worker's next passes would.
    worker = OutboxWorker(ctx.notifications, ctx.transports)

    def delivered() -> bool:
        worker.deliver_due(NOW + dt.timedelta(hours=1))
        return ctx.notifications.counts().get("pending", 0) == 0

    wait_until(delivered)

    # -- where could they be? -------------------------------------------------------------------
    shown: list[str] = []
    for t in ctx.tickets.query():
        shown.append(staff.get(f"/staff/tickets/{t.key}").text)
        if t.account_id == "streamly":
            shown.append(customer.get(f"/tickets/{t.key}").text)
            shown.append(customer.get(f"/api/tickets/{t.key}").text)
    shown.append(customer.get("/api/chat/history", params={"session_id": sid}).text)
    places = {
        "database": _dump_database(ctx),
        "files": _dump_files(ctx.settings.home),
        "logs": caplog.text,
        "slack": json.dumps([c.args for c in slack_stub.calls]),
        "pages": "\n".join(shown),
    }
    found = [
        f"{route} secret in {place}"
        for route, secrets in planted.items()
        for secret in secrets
        for place, text in places.items()
        if secret in text
    ]
    assert found == []
    # The sweep looked at real content: the redaction markers are there instead.
    assert "[REDACTED:aws_access_key]" in places["database"]
    assert "[REDACTED:aws_access_key]" in places["files"]
    assert len(planted) >= 14
