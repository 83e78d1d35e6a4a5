"""Questions in a support channel, signatures, retries, loops, failures — end to end through
signed requests to the service and the Web API stub."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.conversation.types import Inbound, Reply
from bot.errors import IndexUnavailable, LLMUnavailable
from bot.service.app import create_app
from bot.settings import EXAMPLE_CONFIG, Settings
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    FakeKnowledge,
    Recorder,
    event_body,
    message,
    post_event,
    sign,
    wait_until,
)
from tests.slack.stub import BOT_USER, SlackStub

CRASH = "Our Android app crashes when joining a room since we upgraded the SDK."
DETAILS = (
    "SDK version 4.2.1, Android 14 on a Pixel 8. Steps: create room, join, crash. "
    "Expected: joins. Actual: crash. About 30% of users affected."
)


def _answer_update(stub: SlackStub) -> dict:
    return stub.wait_for("chat.update", where=lambda a: "blocks" in a)[0]


def test_question_gets_a_threaded_answer_with_sources_and_buttons(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    response = post_event(slack_client, message("How do I join a room on Android?"))
    assert response.status_code == 200

    update = _answer_update(slack_stub)
    looking = slack_stub.calls_to("chat.postMessage")[0]
    assert looking["thread_ts"] == "1763431000.000100"
    assert looking["channel"] == SUPPORT_CHANNEL
    assert update["ts"] == "1763431200.000001"  # the "looking…" note is replaced
    rendered = str(update["blocks"])
    assert "*join()*" in rendered
    assert "<https://docs.example/rtc|the guide>" in rendered
    assert "Sources:* <https://docs.example/rtc|Joining a room>" in rendered
    actions = [b for b in update["blocks"] if b["type"] == "actions"]
    buttons = [e["action_id"] for b in actions for e in b["elements"]]
    assert buttons == ["deskbot_solved", "deskbot_open_ticket", "deskbot_human"]
    (inbound,) = conversation.calls
    assert inbound.conversation_ref == f"{SUPPORT_CHANNEL}:1763431000.000100"
    assert inbound.account_id == "streamly"
    assert inbound.channel == "slack" and inbound.user_ref == "U0DEV1"


def test_follow_up_in_the_thread_continues_the_same_conversation(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    post_event(slack_client, message("How do I join a room?"))
    _answer_update(slack_stub)
    reply = message("And on iOS?", ts="1763431100.000200", thread_ts="1763431000.000100")
    post_event(slack_client, reply)
    slack_stub.wait_for("chat.update", count=2, where=lambda a: "blocks" in a)
    refs = {c.conversation_ref for c in conversation.calls}
    assert refs == {f"{SUPPORT_CHANNEL}:1763431000.000100"}


def test_forged_or_stale_signatures_are_refused_and_nothing_runs(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    body = event_body(message("hello?"))
    forged = sign(body, secret="not-the-secret")
    stale = sign(body, timestamp=int(time.time()) - 6 * 60)
    # A request "valid" far into the future (signed ahead of time, to replay later) is no
    # better than a stale one: only five minutes either side of now are accepted.
    ahead = sign(body, timestamp=int(time.time()) + 365 * 86400)
    for headers in (forged, stale, ahead, {}):
        response = slack_client.post(
            "/slack/events", content=body, headers={"Content-Type": "application/json", **headers}
        )
        assert response.status_code == 401
    # A valid request afterwards is processed, so the silence above is not an accident.
    post_event(slack_client, message("now signed"))
    slack_stub.wait_for("chat.update")
    assert [c.text for c in conversation.calls] == ["now signed"]


def test_a_retried_delivery_is_answered_once(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    event = message("Is screen sharing supported on web?")
    post_event(slack_client, event, event_id="Ev0RETRY")
    retry = post_event(
        slack_client, event, event_id="Ev0RETRY",
        **{"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )  # fmt: skip
    assert retry.status_code == 200
    _answer_update(slack_stub)
    post_event(slack_client, message("second question", ts="1763431300.000300"))
    slack_stub.wait_for("chat.update", count=2)
    assert [c.text for c in conversation.calls].count(event["text"]) == 1
    assert len(slack_stub.calls_to("chat.postMessage")) == 2


def test_bots_edits_and_own_posts_do_not_trigger(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    post_event(slack_client, message("I am a bot", bot_id="B0OTHER"))
    post_event(slack_client, message("mine", user=BOT_USER, ts="1763431000.000900"))
    post_event(slack_client, {**message("edited"), "subtype": "message_changed"})
    post_event(slack_client, message("real question", ts="1763431400.000400"))
    slack_stub.wait_for("chat.update")
    assert [c.text for c in conversation.calls] == ["real question"]


def test_mention_in_an_unmapped_channel_is_answered_once(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    text = f"<@{BOT_USER}> does the SDK support Flutter?"
    event = message(text, channel="C0RANDOM", ts="1763431500.000500")
    post_event(slack_client, event)  # the plain message twin: ignored
    post_event(slack_client, {**event, "type": "app_mention"})
    slack_stub.wait_for("chat.update")
    (inbound,) = conversation.calls
    assert inbound.text == "does the SDK support Flutter?"
    assert inbound.account_id == "community"  # the organisation's default account


def test_llm_or_index_failure_ends_in_a_reply_offering_a_human(
    slack_client: TestClient, slack_stub: SlackStub, knowledge: FakeKnowledge
) -> None:
    for n, error in enumerate([LLMUnavailable("llm down"), IndexUnavailable("chroma down")]):
        knowledge.fail = error
        post_event(slack_client, message(f"How do I mute audio {n}?", ts=f"1763431600.00060{n}"))
        update = slack_stub.wait_for("chat.update", count=n + 1)[n]
        actions = [b for b in update["blocks"] if b["type"] == "actions"]
        assert "deskbot_human" in [e["action_id"] for e in actions[0]["elements"]]
        assert update["text"].strip()
    assert len(knowledge.questions) == 2


def test_a_crash_in_the_conversation_ends_in_an_apology_not_silence(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    conversation.fail = RuntimeError("database went away")
    post_event(slack_client, message("hello?"))
    update = slack_stub.wait_for("chat.update")[0]
    assert "Sorry" in update["text"]
    actions = [b for b in update["blocks"] if b["type"] == "actions"]
    assert actions[0]["elements"][0]["action_id"] == "deskbot_human"


def test_failure_before_the_progress_note_still_apologises(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    conversation.fail = RuntimeError("boom")
    slack_stub.fail("chat.postMessage", status=500, times=4)  # no progress note at all
    post_event(slack_client, message("hello"))
    posts = slack_stub.wait_for("chat.postMessage", count=5)
    assert "Sorry" in posts[4]["text"] and posts[4]["thread_ts"] == "1763431000.000100"
    assert slack_stub.calls_to("chat.update") == []


def test_staff_reply_in_a_ticket_thread_is_the_first_response(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    thread = "1763431000.000100"
    post_event(slack_client, message(CRASH, ts=thread))
    slack_stub.wait_for("chat.update", count=1)
    post_event(slack_client, message(DETAILS, ts="1763431000.000101", thread_ts=thread))
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    # The turn that opened it has ended (the thread shows the ticket).
    slack_stub.wait_for("chat.update", where=lambda a: ticket.key in a["text"])
    assert ticket.first_response_at is None
    staff = message("Looking now", user="U0ENGCHEN", ts="1763431000.000104", thread_ts=thread)
    post_event(slack_client, staff)
    wait_until(lambda: ctx.tickets.get(ticket.key).first_response_at)
    events = ctx.tickets.events(ticket.id)
    assert any(e.kind == "message" and e.actor_kind == "agent" for e in events)
    first = ctx.tickets.get(ticket.key).clock("first_response")
    assert first is not None and first.stopped_at is not None


def test_slack_route_says_clearly_when_slack_is_off_or_not_running(ctx: AppContext) -> None:
    bare = Settings(home=ctx.settings.home, config=EXAMPLE_CONFIG, embedder="hash")
    app = create_app(bare, context=ctx, start=())
    with TestClient(app) as client:
        response = client.post("/slack/events", content="{}")
    assert response.status_code == 404
    assert "SLACK_BOT_TOKEN" in response.json()["error"]

    not_started = create_app(ctx.settings, context=ctx, start=())
    with TestClient(not_started) as client:
        response = client.post("/slack/events", content="{}")
    assert response.status_code == 503
    assert "not running" in response.json()["error"]


class Streaming:
    """A conversation service whose answer arrives in pieces, as with an LLM."""

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        raise AssertionError("Slack should use stream() when the service has it")

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        yield "Call join() "
        yield "after connect()."
        yield Reply(kind="answer", text="Call join() after connect().", conversation_id="c1")


def test_a_streamed_answer_grows_in_the_progress_note(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    runtime = slack_client.app.state.slack.runtime  # type: ignore[attr-defined]
    runtime.conversation, runtime.stream_interval = Streaming(), 0.0
    post_event(slack_client, message("How do I join?"))
    updates = slack_stub.wait_for("chat.update", count=2)
    assert [u["text"] for u in updates] == [
        "Call join() after connect(). …",
        "Call join() after connect().",
    ]
    assert {u["ts"] for u in updates} == {"1763431200.000001"}
