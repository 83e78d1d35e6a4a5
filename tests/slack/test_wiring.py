"""The Slack app on the application's own wiring: ``ctx.conversation`` with the docs bot over
the sample knowledge base (hash embedder, extractive answers, no LLM)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.service.app import create_app
from bot.slack.client import web_client
from bot.slack.runtime import SlackRuntime
from tests.conftest import NOW
from tests.slack.conftest import message, post_event
from tests.slack.stub import SlackStub


@pytest.fixture
def wired_client(ctx: AppContext) -> Iterator[TestClient]:
    runtime = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW)
    app = create_app(ctx.settings, context=ctx, start=("slack",), slack=runtime)
    with TestClient(app) as client:
        yield client


@pytest.mark.slow
def test_question_is_answered_from_the_sample_knowledge_base(
    wired_client: TestClient, slack_stub: SlackStub
) -> None:
    post_event(wired_client, message("How many participants can join one RTC room?"))
    final = lambda a: any(b["type"] == "actions" for b in a["blocks"])  # noqa: E731
    update = slack_stub.wait_for("chat.update", where=final, timeout=60)[0]
    rendered = json.dumps(update["blocks"])
    assert "Sources:" in rendered
    assert "deskbot_solved" in rendered
