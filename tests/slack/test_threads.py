"""An @mention in a thread the bot did not start: the thread's earlier messages reach the docs
question and the bug intake; when Slack will not give them, the mention is still answered."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.slack import thread
from bot.slack.client import web_client
from bot.slack.runtime import SlackRuntime
from tests.conftest import NOW
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    FakeKnowledge,
    Recorder,
    message,
    post_event,
    wait_until,
)
from tests.slack.stub import BOT_USER, SlackStub

PARENT = "1763430000.000100"
MENTION = "1763430900.000900"
QUESTION = "How do I turn on noise suppression for the iOS SDK? The docs page shows no switch."
CRASH = "Our Android app crashes when joining a room since we upgraded the SDK."
DETAILS = (
    "SDK version 4.2.1, Android 14 on a Pixel 8. Steps: create room, join, crash. "
    "Expected: joins. Actual: crash. About 30% of users affected."
)
ESCAPED = "It is &lt;AudioSession&gt; related"
LOG = b"11-18 10:00:01.123 E/NimbusRTC: NR-1203 join failed: transport closed\n" * 50


def _say(text: str, ts: str, user: str = "U0DEV1", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, **extra}


def _mention(channel: str, text: str = f"<@{BOT_USER}> can you help?", **extra: Any) -> dict:
    return message(text, channel=channel, ts=MENTION, thread_ts=PARENT, **extra)


def _answered(stub: SlackStub) -> dict[str, Any]:
    return stub.wait_for("chat.update", where=lambda a: "blocks" in a)[0]


def test_a_mention_mid_thread_asks_the_docs_with_the_thread(
    slack_client: TestClient,
    slack_stub: SlackStub,
    conversation: Recorder,
    knowledge: FakeKnowledge,
    ctx: AppContext,
) -> None:
    slack_stub.add_user("U0DEV1", display_name="Dana", real_name="Dana Smith")
    slack_stub.add_user("U0DEV2", real_name="Lee Wong")
    slack_stub.add_thread(
        "C0RANDOM",
        [
            _say(QUESTION, PARENT),
            _say("I answer everything", "1763430100.000100", user="U0OTHERBOT", bot_id="B0X"),
            _say("an old answer of ours", "1763430200.000100", user=BOT_USER),
            _say(f"<@U0DEV2> did you find it? {ESCAPED}", "1763430300.100000", user="U0DEV3"),
            _say("joined the channel", "1763430400.000100", subtype="channel_join"),
            _say("<@UBOT> can you help?", MENTION),  # the mention itself is not context
            _say("a later reply", "1763431900.000100"),
        ],
    )
    post_event(slack_client, {**_mention("C0RANDOM"), "type": "app_mention"})
    _answered(slack_stub)

    (inbound,) = conversation.calls
    assert inbound.text == "can you help?"
    assert inbound.context == (QUESTION, "@Lee Wong did you find it? It is <AudioSession> related")
    assert inbound.user_name == "Dana"
    # The docs are searched for the thread's question, not for "can you help?".
    (asked,) = knowledge.questions
    assert QUESTION in asked and "can you help?" in asked
    (replies,) = slack_stub.calls_to("conversations.replies")
    assert replies["channel"] == "C0RANDOM" and replies["ts"] == PARENT
    conv = ctx.conversations.find("slack", f"C0RANDOM:{PARENT}")
    assert conv is not None and conv.user_name == "Dana"
    assert [m.text for m in conv.messages if m.role == "user"] == [
        *inbound.context,
        "can you help?",
    ]


def test_a_mention_mid_thread_takes_the_bug_report_from_the_thread(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    """A customer describes a crash over two messages the bot never saw, then asks for help:
    intake asks only for what is still missing, and the ticket holds the thread's facts."""
    slack_stub.add_user("U0DEV1", real_name="Dana Smith")
    slack_stub.add_thread(SUPPORT_CHANNEL, [_say(CRASH, PARENT), _say(DETAILS, "1763430500.5")])
    post_event(slack_client, _mention(SUPPORT_CHANNEL))
    asked = _answered(slack_stub)["text"]

    assert "Logs" in asked
    assert "version" not in asked.lower() and "platform" not in asked.lower()
    ref = f"{SUPPORT_CHANNEL}:{PARENT}"
    conv = ctx.conversations.find("slack", ref)
    assert conv is not None and conv.state["report"]["fields"]["sdk_version"] == "4.2.1"

    slack_stub.add_file("F0LOG", "nimbus.log", LOG)
    logs = message("here are the logs", ts="1763431000.000300", thread_ts=PARENT,
                   subtype="file_share", files=[{"id": "F0LOG"}])  # fmt: skip
    post_event(slack_client, logs)
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    assert ticket.kind == "bug" and ticket.thread_ref == PARENT
    assert ticket.fields["sdk_version"] == "4.2.1" and ticket.fields["platform"] == "Android"
    assert ticket.subject.startswith("Our Android app crashes")
    assert ticket.requester == "U0DEV1" and ticket.requester_name == "Dana Smith"
    opened = ctx.tickets.events(ticket.id)[0]
    assert CRASH in (opened.body or "") and DETAILS in (opened.body or "")
    # The thread is read once: later turns continue the conversation we now hold.
    assert len(slack_stub.calls_to("conversations.replies")) == 1


def test_a_log_shared_earlier_in_the_thread_is_read_with_it(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    slack_stub.add_file("F0OLD", "earlier.log", LOG)
    slack_stub.add_thread(
        SUPPORT_CHANNEL,
        [_say(CRASH, PARENT), _say("log:", "1763430500.5", subtype="file_share",
                                   files=[{"id": "F0OLD"}])],
    )  # fmt: skip
    post_event(slack_client, _mention(SUPPORT_CHANNEL))
    _answered(slack_stub)
    (inbound,) = conversation.calls
    assert [u.filename for u in inbound.uploads] == ["earlier.log"]
    assert slack_stub.downloads == ["F0OLD"]


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 200, "error": "missing_scope"},  # channels:history / groups:history not granted
        {"status": 429, "retry_after": 30},
        {"status": 0, "times": 2},  # the connection drops (slack_sdk retries once)
    ],
    ids=["missing-scope", "rate-limited", "network"],
)
def test_when_the_thread_cannot_be_read_the_mention_is_answered_alone(
    slack_client: TestClient,
    slack_stub: SlackStub,
    conversation: Recorder,
    knowledge: FakeKnowledge,
    caplog: pytest.LogCaptureFixture,
    failure: dict[str, Any],
) -> None:
    caplog.set_level(logging.WARNING, logger="deskbot.slack.thread")
    slack_stub.add_thread("C0RANDOM", [_say(QUESTION, PARENT)])
    slack_stub.fail("conversations.replies", **failure)
    text = f"<@{BOT_USER}> how do I turn on noise suppression?"
    post_event(slack_client, {**_mention("C0RANDOM", text), "type": "app_mention"})

    update = _answered(slack_stub)
    assert "*join()*" in str(update["blocks"])  # the (fake) docs answer, not an apology
    (inbound,) = conversation.calls
    assert inbound.context == ()
    assert knowledge.questions == ["how do I turn on noise suppression?"]
    assert "could not read thread" in caplog.text
    if failure["status"] == 429:
        assert "wait 30 s" in caplog.text


def _runtime(ctx: AppContext) -> SlackRuntime:
    return SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW)


def test_a_long_thread_is_read_page_by_page_and_bounded(
    ctx: AppContext, slack_stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thread, "PAGE_SIZE", 25)
    said = [_say(f"message {n:03d} " + "x" * 80, f"1763430000.{n:06d}") for n in range(1, 121)]
    bots = [_say("bot", f"1763430000.{n:06d}", bot_id="B0X") for n in range(200, 210)]
    slack_stub.add_thread("C0RANDOM", [said[0], *bots, *said[1:]])

    earlier = thread.earlier_messages(
        _runtime(ctx), channel="C0RANDOM", thread_ts=said[0]["ts"], before=MENTION
    )

    cursors = [c.get("cursor") for c in slack_stub.calls_to("conversations.replies")]
    assert cursors == [None, "25", "50", "75", "100"]  # five pages at most
    assert earlier.texts[0].startswith("message 001")  # the question that opened it
    assert earlier.texts[-1].startswith("message 115")  # the latest of the pages read
    assert len(earlier.texts) <= thread.MAX_MESSAGES
    assert sum(len(t) for t in earlier.texts) <= thread.MAX_CHARS
    assert not any(t == "bot" for t in earlier.texts)


def test_a_failure_on_a_later_page_keeps_the_pages_read(
    ctx: AppContext, slack_stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(thread, "PAGE_SIZE", 2)
    slack_stub.add_thread(
        "C0RANDOM", [_say(f"message {n}", f"1763430000.{n:06d}") for n in range(1, 6)]
    )
    rt = _runtime(ctx)
    rt.bot_user_id = BOT_USER
    slack_stub.fail("conversations.replies", status=200, error="ratelimited")  # first page fails
    assert (
        thread.earlier_messages(
            rt, channel="C0RANDOM", thread_ts="1763430000.000001", before=MENTION
        ).texts
        == ()
    )
    # Now the first page comes, the second fails: the thread's start is still worth having.
    slack_stub.calls.clear()
    original = slack_stub._answer

    def second_page_fails(method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "conversations.replies" and args.get("cursor"):
            return {"ok": False, "error": "ratelimited"}
        return original(method, args)

    monkeypatch.setattr(slack_stub, "_answer", second_page_fails)
    earlier = thread.earlier_messages(
        rt, channel="C0RANDOM", thread_ts="1763430000.000001", before=MENTION
    )
    assert earlier.texts == ("message 1", "message 2")
