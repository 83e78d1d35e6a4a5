"""The Slack walk-through of issue 20 as a script: a question, a bug report, the engineers'
cards, acknowledge (and a second one refused), waiting on the customer both ways, resolve,
a rating, a reply that reopens — with a 429 or a 500 injected into the Slack calls on the way,
and the outbox worker delivering what Slack refused the first time."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.notify.outbox import OutboxWorker
from tests.conftest import NOW
from tests.slack.conftest import SUPPORT_CHANNEL, message, post_event, post_interaction, wait_until
from tests.slack.stub import SlackStub
from tests.slack.test_cards import CRASH, DETAILS, DM, INTERNAL, THREAD, click

QUESTION_THREAD = "1763430000.000100"


def thread_posts(stub: SlackStub, thread: str) -> list[str]:
    return [
        p["text"]
        for p in stub.calls_to("chat.postMessage", ok=True)
        if p["channel"] == SUPPORT_CHANNEL and p.get("thread_ts") == thread
    ]


def test_the_walk_through_survives_slack_errors(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    worker = OutboxWorker(ctx.notifications, ctx.transports)

    # A question: the progress note gets a 500, its update a 429; the answer still arrives.
    slack_stub.fail("chat.postMessage", status=500)
    slack_stub.fail("chat.update", status=429, retry_after=1)
    post_event(slack_client, message("How do I join a room?", ts=QUESTION_THREAD))
    wait_until(
        lambda: [u for u in slack_stub.calls_to("chat.update", ok=True) if "join()" in u["text"]]
    )

    # A bug report in its own thread; the on-call DM fails once and is retried by the outbox.
    post_event(slack_client, message(CRASH, ts=THREAD))
    wait_until(lambda: ctx.conversations.find("slack", f"{SUPPORT_CHANNEL}:{THREAD}"))
    slack_stub.fail("conversations.open", status=500)
    post_event(slack_client, message(DETAILS, ts="1763431000.000101", thread_ts=THREAD))
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    key = ticket.key
    internal = slack_stub.wait_for("chat.postMessage", where=lambda a: a["channel"] == INTERNAL)
    wait_until(lambda: [i for i in ctx.notifications.items() if i.attempts == 1])
    assert worker.deliver_due(NOW + 120 * SECOND) >= 1
    dm = slack_stub.wait_for("chat.postMessage", where=lambda a: a["channel"] == DM)
    dm_ts, internal_ts = dm[0]["posted_ts"], internal[0]["posted_ts"]

    # Chen acknowledges from his DM; Li Na's late click on the internal copy is refused.
    post_interaction(slack_client, click("deskbot_ack", key, user="U0ENGCHEN", channel=DM,
                                         ts=dm_ts))  # fmt: skip
    wait_until(lambda: ctx.tickets.get(key).first_response_at)
    post_interaction(slack_client, click("deskbot_ack", key, user="U0ENGLINA", channel=INTERNAL,
                                         ts=internal_ts, n=2))  # fmt: skip
    refused = slack_stub.wait_for("chat.postEphemeral", where=lambda a: a["user"] == "U0ENGLINA")
    assert "already acknowledged by Chen Hao" in refused[0]["text"]
    for ts in (dm_ts, internal_ts):
        card = wait_until(
            lambda t=ts: [u for u in slack_stub.calls_to("chat.update", ok=True)
                          if u["ts"] == t and "Chen Hao" in json.dumps(u["blocks"])]
        )[-1]  # fmt: skip
        assert "deskbot_ack" not in json.dumps(card)

    # Waiting on the customer: the thread is told (the 500 retried by the outbox), the answer
    # reaches Chen.
    slack_stub.fail("chat.postMessage", status=500)
    post_interaction(slack_client, click("deskbot_wait", key, user="U0ENGCHEN", channel=DM,
                                         ts=dm_ts, n=3))  # fmt: skip
    wait_until(lambda: [i for i in ctx.notifications.items(status="pending")
                        if i.transport == "customer" and i.attempts == 1])  # fmt: skip
    assert worker.deliver_due(NOW + 240 * SECOND) >= 1
    wait_until(lambda: [t for t in thread_posts(slack_stub, THREAD) if "needs more" in t])
    post_event(slack_client, message("adb log: NR-1203 at join", ts="1763431000.000300",
                                     thread_ts=THREAD))  # fmt: skip
    slack_stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == DM and "answered" in a["text"]
    )

    # Resolved: the thread is told and asked for a rating; a reply reopens it.
    post_interaction(slack_client, click("deskbot_resolve", key, user="U0ENGCHEN", channel=DM,
                                         ts=dm_ts, n=4))  # fmt: skip
    wait_until(lambda: [t for t in thread_posts(slack_stub, THREAD) if "How did we do" in t])
    post_event(slack_client, message("still crashing on 4.2.2", ts="1763431000.000400",
                                     thread_ts=THREAD))  # fmt: skip
    reopened = wait_until(lambda: (t := ctx.tickets.get(key)).is_open and t)
    assert reopened.stage == "reopened"
    slack_stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == DM and "reopened" in a["text"]
    )
    # Nothing was left undelivered.
    worker.deliver_due(NOW + 3600 * SECOND)
    assert ctx.notifications.items(status="failed") == []


SECOND = dt.timedelta(seconds=1)
