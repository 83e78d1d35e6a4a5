"""Slack fixtures: the Web API stub, settings pointing at it, the service with Slack started,
signed requests, and a small conversation service fake (until the real one is wired)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot.context import AppContext
from bot.conversation.types import CitationRef, Inbound, Reply, TicketSummary
from bot.service.app import create_app
from bot.settings import EXAMPLE_CONFIG, Settings
from bot.slack.client import web_client
from bot.slack.runtime import SlackRuntime
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.slack.stub import BOT_USER, TEAM, SlackStub

SECRET = "test-signing-secret-0123456789"
SUPPORT_CHANNEL = "C0STREAMLY"  # streamly (pro, America/New_York, internal C0STREAMLY-INT)


@pytest.fixture
def slack_stub() -> Iterator[SlackStub]:
    stub = SlackStub().start()
    yield stub
    stub.stop()


@pytest.fixture
def settings(tmp_path: Path, slack_stub: SlackStub) -> Settings:
    """The shared ``settings`` with Slack configured against the stub."""
    return Settings(
        home=tmp_path / "home",
        config=EXAMPLE_CONFIG,
        embedder="hash",
        slack_api_url=slack_stub.api_url,
        SLACK_BOT_TOKEN=slack_stub.token,
        SLACK_SIGNING_SECRET=SECRET,
    )


@dataclass
class FakeConversation:
    """Answers with a citation; runs a three-turn bug intake; can be told to fail."""

    ctx: AppContext
    fail: Exception | None = None
    calls: list[Inbound] = field(default_factory=list)

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        self.calls.append(inbound)
        if self.fail is not None:
            raise self.fail
        conv = self.ctx.conversations.open(
            "slack", inbound.conversation_ref, now=now, account_id=inbound.account_id,
            user_ref=inbound.user_ref,
        )  # fmt: skip
        if inbound.action is not None:
            return Reply(kind="acknowledged", text="Glad it helped!", conversation_id=conv.id)
        self.ctx.conversations.add_message(conv.id, "user", inbound.text, now=now)
        turns = [m for m in conv.messages if m.role == "user"] + [None]
        if "crash" in inbound.text.lower() or conv.state.get("intake"):
            return self._intake(inbound, conv.id, len(turns), now=now)
        return Reply(
            kind="answer",
            text="Call **join()** after `connect()`; see [the guide](https://docs.example/rtc).",
            conversation_id=conv.id,
            citations=[CitationRef("rtc/rooms.md", "Joining a room", "https://docs.example/rtc")],
            confidence=0.9,
        )

    def _intake(self, inbound: Inbound, conv_id: str, turn: int, *, now: dt.datetime) -> Reply:
        fields = dict(self.ctx.conversations.get(conv_id).state.get("fields", {}))
        text = inbound.text
        if turn == 1:
            fields["summary"] = text
        elif turn == 2:
            fields["sdk_version"] = text.split()[-1]
        else:
            fields["logs"] = ", ".join(u.filename for u in inbound.uploads)
            fields["log_bytes"] = sum(len(u.data) for u in inbound.uploads)
        state = {"intake": True, "fields": fields}
        self.ctx.conversations.update(conv_id, now=now, state=state)
        if turn < 3:
            ask = "Which SDK version?" if turn == 1 else "Could you attach the logs?"
            return Reply(kind="follow_up", text=ask, conversation_id=conv_id, missing=["logs"])
        channel, _, thread = inbound.conversation_ref.partition(":")
        ticket = self.ctx.desk.open(
            NewTicket(
                account_id=inbound.account_id or "community", kind="bug", priority="P2",
                priority_reason="core feature broken for some users", subject=fields["summary"],
                requester=inbound.user_ref or "?", fields=fields, channel="slack",
                channel_ref=channel, thread_ref=thread, conversation_id=conv_id,
            ),
            now=now,
        )  # fmt: skip
        self.ctx.conversations.update(conv_id, now=now, ticket_id=ticket.id)
        summary = TicketSummary(
            key=ticket.key, kind="bug", priority="P2",
            priority_reason="core feature broken for some users", status="open", stage="new",
            subject=ticket.subject, account_id=ticket.account_id,
            first_response_due=dt.datetime(2026, 11, 23, 20, 30, tzinfo=dt.UTC),
            timezone="America/New_York",
        )  # fmt: skip
        return Reply(kind="ticket_opened", text="Thanks, I opened a ticket.",
                     conversation_id=conv_id, ticket=summary)  # fmt: skip


@pytest.fixture
def fake_conversation(ctx: AppContext) -> FakeConversation:
    return FakeConversation(ctx)


@pytest.fixture
def slack_client(ctx: AppContext, fake_conversation: FakeConversation) -> Iterator[TestClient]:
    """The service with only Slack started, on the ``ctx`` database, clock fixed at NOW."""
    ctx.extras["slack_runtime"] = SlackRuntime(
        ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW,
        conversation=fake_conversation,
    )  # fmt: skip
    app = create_app(ctx.settings, context=ctx, lifespan_modules=("bot.slack.lifespan",))
    with TestClient(app) as client:
        yield client


def sign(body: str, *, timestamp: int | None = None, secret: str = SECRET) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def event_body(event: dict[str, Any], *, event_id: str | None = None) -> str:
    digest = hashlib.sha1(json.dumps(event, sort_keys=True).encode()).hexdigest()[:10]
    return json.dumps(
        {
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0DESKBOT",
            "type": "event_callback", "event_id": event_id or f"Ev{digest}",
            "event_time": int(time.time()), "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
        }
    )  # fmt: skip


def post_event(
    client: TestClient, event: dict[str, Any], *, event_id: str | None = None, **headers: str
) -> Any:
    body = event_body(event, event_id=event_id)
    all_headers = {"Content-Type": "application/json", **sign(body), **headers}
    return client.post("/slack/events", content=body, headers=all_headers)


def post_form(client: TestClient, fields: dict[str, str]) -> Any:
    body = urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    return client.post("/slack/events", content=body, headers=headers)


def post_interaction(client: TestClient, payload: dict[str, Any]) -> Any:
    return post_form(client, {"payload": json.dumps(payload)})


def message(text: str, *, user: str = "U0DEV1", ts: str = "1763431000.000100",
            channel: str = SUPPORT_CHANNEL, **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {"type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
            "channel_type": "channel", **extra}  # fmt: skip


def wait_until(predicate: Callable[[], Any], *, timeout: float = 10.0) -> Any:
    """Poll (bounded) for an outcome of work done after the ack."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            assert value, "condition not reached in time"
            return value
        time.sleep(0.01)
