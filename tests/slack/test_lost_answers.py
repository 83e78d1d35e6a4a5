"""Never lose an answer: 429 and 500 on each Slack call of a turn (the progress note, its
update, the new message) still end with the answer in the thread, and the "looking…" note is
never left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.notify.outbox import OutboxWorker
from tests.conftest import NOW
from tests.slack.conftest import SUPPORT_CHANNEL, message, post_event, wait_until
from tests.slack.stub import SlackStub

THREAD = "1763431000.000100"
ANSWER = "join()"
HOUR = dt.timedelta(hours=1)


def answers(stub: SlackStub) -> list[dict]:
    """Every call that put the answer in the thread (an update or a new message)."""
    out = []
    for method in ("chat.update", "chat.postMessage"):
        out += [c for c in stub.calls_to(method, ok=True) if ANSWER in str(c.get("blocks") or "")]
    return out


@pytest.mark.parametrize(
    ("method", "failure"),
    [
        ("chat.postMessage", {"status": 500}),
        ("chat.postMessage", {"status": 429, "retry_after": 1}),
        ("chat.update", {"status": 500}),
        ("chat.update", {"status": 500, "times": 2}),
        ("chat.update", {"status": 429, "retry_after": 1}),
    ],
)
def test_a_failure_on_one_call_is_retried_and_the_answer_arrives(
    slack_client: TestClient, slack_stub: SlackStub, method: str, failure: dict
) -> None:
    slack_stub.fail(method, **failure)
    post_event(slack_client, message("How do I join a room?", ts=THREAD))
    (shown,) = wait_until(lambda: answers(slack_stub))
    assert shown["channel"] == SUPPORT_CHANNEL
    # The note it replaced is the note that was posted: nothing says "looking…" for ever.
    notes = [p for p in slack_stub.calls_to("chat.postMessage") if "Looking" in p["text"]]
    assert shown["ts"] == notes[-1]["posted_ts"]
    assert not [c for c in slack_stub.calls_to("chat.update") if "Sorry" in c["text"]]


def test_when_the_update_keeps_failing_the_answer_is_a_new_message_and_the_note_goes(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    slack_stub.fail("chat.update", status=500, times=4)
    post_event(slack_client, message("How do I join a room?", ts=THREAD))
    (shown,) = wait_until(lambda: answers(slack_stub))
    assert "ts" not in shown and shown["thread_ts"] == THREAD  # a new message in the thread
    note = next(p for p in slack_stub.calls_to("chat.postMessage") if "Looking" in p["text"])
    deleted = slack_stub.wait_for("chat.delete")[0]
    assert deleted["ts"] == note["posted_ts"]


def test_when_slack_takes_nothing_the_answer_waits_in_the_outbox(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    # The note and the reply are each tried four times, then the outbox tries once more.
    slack_stub.fail("chat.postMessage", status=500, times=9)
    post_event(slack_client, message("How do I join a room?", ts=THREAD))
    (item,) = wait_until(
        lambda: [i for i in ctx.notifications.items(status="pending") if i.attempts == 1]
    )
    assert item.transport == "slack" and item.target == SUPPORT_CHANNEL
    assert item.payload["thread_ts"] == THREAD and ANSWER in str(item.payload["blocks"])
    assert not slack_stub.calls_to("chat.update")
    # The outbox worker delivers it once Slack is back.
    assert OutboxWorker(ctx.notifications, ctx.transports).deliver_due(NOW + HOUR) == 1
    assert answers(slack_stub)[-1]["thread_ts"] == THREAD
