"""Slack fixtures: the Web API stub, settings pointing at it, the service with Slack started
and the real conversation service over a fake docs bot, and signed requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from slack_sdk.signature import SignatureVerifier

from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.conversation.factory import build_conversation
from bot.conversation.types import Inbound, Reply
from bot.service.app import create_app
from bot.settings import EXAMPLE_CONFIG, Settings
from bot.slack.client import web_client
from bot.slack.runtime import ConversationHandler, SlackRuntime
from bot.store.db import Database
from retrieval.types import Answer, Citation
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


@pytest.fixture
def ctx(settings: Settings, database: Database, example_config: OrgConfig) -> AppContext:
    """The application with Slack configured, its clock fixed at NOW like the runtime's (what
    the audience, the notifier and the live cards see)."""
    return build_context(
        settings, config=example_config, db=database, migrate=False, now=NOW, clock=lambda: NOW
    )


class FakeKnowledge:
    """The docs bot: one cited answer; ``fail`` makes it raise (an LLM or Chroma outage)."""

    def __init__(self) -> None:
        self.fail: Exception | None = None
        self.questions: list[str] = []

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer:
        self.questions.append(question)
        if self.fail is not None:
            raise self.fail
        return Answer(
            answer="Call **join()** after `connect()`; see [the guide](https://docs.example/rtc).",
            citations=[Citation("rtc/rooms.md", "Joining a room", "https://docs.example/rtc")],
            confidence=0.9,
            handoff=False,
        )


@dataclass
class Recorder:
    """The real conversation service, recording each turn; ``fail`` makes it crash."""

    inner: ConversationHandler
    fail: Exception | None = None
    calls: list[Inbound] = field(default_factory=list)

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        self.calls.append(inbound)
        if self.fail is not None:
            raise self.fail
        return self.inner.handle(inbound, now=now)

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        yield self.handle(inbound, now=now)


@pytest.fixture
def knowledge() -> FakeKnowledge:
    return FakeKnowledge()


@pytest.fixture
def conversation(ctx: AppContext, knowledge: FakeKnowledge) -> Recorder:
    return Recorder(build_conversation(ctx, knowledge=lambda: knowledge))


@pytest.fixture
def slack_client(ctx: AppContext, conversation: Recorder) -> Iterator[TestClient]:
    """The service with only Slack started, on the ``ctx`` database, clock fixed at NOW."""
    runtime = SlackRuntime(
        ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW,
        conversation=conversation,
    )  # fmt: skip
    # The web side of the same app talks to the same (recorded) conversation service.
    app = create_app(
        ctx.settings, context=ctx.replace(conversation=conversation), start=("slack",),
        slack=runtime,
    )  # fmt: skip
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


def wait_until(predicate: Callable[[], Any], *, timeout: float = 30.0) -> Any:
    """Poll (bounded) for an outcome of work done after the ack."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            assert value, "condition not reached in time"
            return value
        time.sleep(0.01)
