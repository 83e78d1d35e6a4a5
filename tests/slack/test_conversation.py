"""A whole support conversation in a Slack thread, as on the web: a report in three messages,
the ticket, then a status request and a docs question — through signed events and the local
Slack Web API stub. Chinese threads get Chinese replies and buttons; answers stream."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.conversation.factory import build_conversation
from bot.service.app import create_app
from bot.slack.client import web_client
from bot.slack.runtime import SlackRuntime
from retrieval.answer import AnswerStream
from retrieval.types import Answer, Citation, SearchHit
from tests.conftest import NOW
from tests.slack.conftest import SUPPORT_CHANNEL, message, post_event, wait_until
from tests.slack.stub import SlackStub

THREAD = "1763432000.000100"
REPORT = [
    "After upgrading the Android SDK to 4.2.1 remote video goes black when the app returns "
    "from background",
    "Steps: 1. two users join a room 2. press home 3. reopen the app. Expected: the remote "
    "video plays again. Every time, about 10% of our users in production.",
    "Device: Pixel 7, OS: Android 14, SDK version 4.2.1",
]


def _replies(stub: SlackStub, count: int) -> list[dict[str, Any]]:
    """The final form of the first ``count`` replies (each placeholder's last update)."""
    stub.wait_for("chat.update", count=count, where=lambda a: "blocks" in a)
    finals: dict[str, dict[str, Any]] = {}
    for update in stub.calls_to("chat.update"):
        finals[update["ts"]] = update
    return list(finals.values())


def _say(client: TestClient, text: str, n: int) -> None:
    ts = f"1763432{n:03d}.000100"
    event = message(text, ts=ts, thread_ts=THREAD) if n else message(text, ts=THREAD)
    post_event(client, event)


def test_a_report_in_a_thread_then_status_and_a_docs_question(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    turns = [*REPORT, "what's the status of my ticket?", "How do I join a room?"]
    for n, text in enumerate(turns):
        _say(slack_client, text, n)
        wait_until(lambda n=n: len(_replies(slack_stub, n + 1)) > n)
    replies = _replies(slack_stub, len(turns))
    (ticket,) = ctx.tickets.query()
    assert ticket.channel == "slack" and ticket.thread_ref == THREAD and ticket.kind == "bug"
    assert ticket.subject.startswith("After upgrading the Android SDK to 4.2.1")
    assert ticket.fields["os_version"] == "Android 14"
    assert ticket.key in replies[3]["text"], "the status names the ticket"
    assert "join()" in replies[4]["text"], "the docs question is answered, not filed"
    assert all(p["thread_ts"] == THREAD for p in slack_stub.calls_to("chat.postMessage")
               if p["channel"] == SUPPORT_CHANNEL)  # fmt: skip


def test_a_chinese_thread_gets_chinese_replies_and_buttons(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    post_event(slack_client, message("怎么加入房间？", ts=THREAD))
    (reply,) = _replies(slack_stub, 1)
    placeholder = slack_stub.calls_to("chat.postMessage")[0]
    assert "正在查阅文档" in placeholder["text"]
    labels = [e["text"]["text"] for b in reply["blocks"] if b["type"] == "actions"
              for e in b["elements"]]  # fmt: skip
    assert labels == ["✅ 已解决", "创建工单", "联系人工"]
    context = [b for b in reply["blocks"] if b["type"] == "context"]
    assert "参考来源" in context[0]["elements"][0]["text"]


class SlowDocs:
    """A docs bot whose answer arrives in pieces (as a streaming model writes it)."""

    def __init__(self) -> None:
        self.sent = 0

    def ask(self, question: str, *, context: Sequence[str] = ()) -> Answer:
        return self.ask_stream(question, context=context).result()

    def ask_stream(self, question: str, *, context: Sequence[str] = ()) -> AnswerStream:
        import time

        stream = AnswerStream(iter(()))
        pieces = ["Call join() ", "after connect() ", "and wait for ", "roomJoined [1]."]

        def run() -> Iterator[str]:
            for piece in pieces:
                time.sleep(0.05)
                self.sent += 1
                yield piece
            stream.answer = Answer(
                "".join(pieces), [Citation("rtc/rooms.md", "Joining", "https://docs.example/rtc")],
                0.9, False, [SearchHit("rtc/rooms.md", "Joining", "...", 0.9)], mode="llm",
            )  # fmt: skip

        stream._pieces = run()
        return stream


@pytest.fixture
def streaming_client(ctx: AppContext) -> Iterator[TestClient]:
    docs = SlowDocs()
    runtime = SlackRuntime(
        ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW, stream_interval=0.0,
        conversation=build_conversation(ctx, knowledge=lambda: docs),  # type: ignore[arg-type]
    )  # fmt: skip
    app = create_app(ctx.settings, context=ctx, start=("slack",), slack=runtime)
    with TestClient(app) as client:
        yield client


def test_an_answer_grows_in_the_thread_as_it_is_written(
    streaming_client: TestClient, slack_stub: SlackStub
) -> None:
    post_event(streaming_client, message("How do I join a room?", ts=THREAD))

    def done(update: dict[str, Any]) -> bool:
        buttons = any(b["type"] == "actions" for b in update.get("blocks", []))
        return "roomJoined" in update["text"] and buttons

    final = slack_stub.wait_for("chat.update", where=done)
    updates = [u["text"] for u in slack_stub.calls_to("chat.update")]
    partial = [t for t in updates if t.endswith(" …")]
    assert partial and "roomJoined" not in partial[0], "pieces were shown before the end"
    assert final
