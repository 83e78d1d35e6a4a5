"""Slack under attack and under faults: malformed signatures, huge bodies, replayed and
misdirected clicks, secrets in the bug form, and the database refusing writes (the message is
kept, the thread is told, and it is answered once the database is back)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.slack.messages import KEPT, replay_kept
from tests.conftest import NOW
from tests.faults import Outage
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    Recorder,
    message,
    post_event,
    post_interaction,
    wait_until,
)
from tests.slack.stub import TEAM, SlackStub
from tests.web.asgi import drive, endless

THREAD = "1763431000.000100"
SECRETS = ("AKIAIOSFODNN7EXAMPLE", "xoxb-1234567890-abcdefghijkl", "hunter2-Very-Secret")
LEAKY = f"Crash on join. key {SECRETS[0]}, bot token {SECRETS[1]}, password={SECRETS[2]}"


def _runtime(client: TestClient) -> Any:
    return client.app.state.slack.runtime  # type: ignore[attr-defined]


def test_a_timestamp_that_is_not_a_number_is_a_401_not_a_crash(slack_client: TestClient) -> None:
    r = slack_client.post(
        "/slack/events",
        content="{}",
        headers={"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
    )
    assert r.status_code == 401 and set(r.json()) == {"error"}


def test_a_huge_body_is_refused_while_it_is_read(slack_client: TestClient) -> None:
    signed_looking = {"x-slack-request-timestamp": "1763431000", "x-slack-signature": "v0=00"}
    sent = drive(
        slack_client.app,
        "/slack/events",
        endless(512 * 1024 * 1024),
        headers={"content-type": "application/json", **signed_looking},
    )
    assert sent.status == 413 and sent.pulled <= 1024 * 1024 + 64 * 1024
    # Without even a timestamp, nothing of it is read.
    unsigned = drive(slack_client.app, "/slack/events", endless(512 * 1024 * 1024))
    assert (unsigned.status, unsigned.pulled) == (401, 0)


# -- clicks ---------------------------------------------------------------------------------
def _click(action_id: str, value: str, *, user: str, channel: str, ts: str, **extra: Any) -> dict:
    return {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": user},
        "api_app_id": "A0DESKBOT", "trigger_id": extra.pop("trigger_id", "trig-1"),
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "message": {"ts": ts, "text": "card", "thread_ts": extra.pop("thread_ts", None),
                    "blocks": []},
        "actions": [{"action_id": action_id, "value": value, "type": "button",
                     "action_ts": extra.pop("action_ts", "1763431300.1")}],
    }  # fmt: skip


def _answered(slack_client: TestClient, slack_stub: SlackStub) -> str:
    post_event(slack_client, message("How do I join a room?", ts=THREAD))
    slack_stub.wait_for("chat.update")
    return f"{SUPPORT_CHANNEL}:{THREAD}"


def test_a_replayed_customer_click_is_applied_once(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder
) -> None:
    ref = _answered(slack_client, slack_stub)
    click = _click("deskbot_human", ref, user="U0DEV1", channel=SUPPORT_CHANNEL, ts="9.9",
                   thread_ts=THREAD)  # fmt: skip
    for _ in range(3):  # the same signed payload, within the five minutes
        assert post_interaction(slack_client, click).status_code == 200
    wait_until(lambda: len(conversation.calls) >= 2)
    in_thread = lambda a: a["channel"] == SUPPORT_CHANNEL  # noqa: E731
    slack_stub.wait_for("chat.postMessage", count=2, where=in_thread)
    actions = [c.action for c in conversation.calls if c.action]
    assert actions == ["human"]


def test_a_customer_button_naming_another_thread_does_nothing(
    slack_client: TestClient, slack_stub: SlackStub, conversation: Recorder, ctx: AppContext
) -> None:
    ref = _answered(slack_client, slack_stub)
    # Clicked in another channel (another account's), with a value naming this thread.
    click = _click("deskbot_open_ticket", ref, user="U0EVIL", channel="C0PIXELPALS", ts="5.5")
    post_interaction(slack_client, click)
    note = slack_stub.wait_for("chat.postEphemeral")[0]
    assert note["user"] == "U0EVIL" and "does not belong" in note["text"]
    assert [c for c in conversation.calls if c.action] == []
    assert ctx.tickets.query() == []


def _ticket_key(ctx: AppContext) -> str:
    from bot.store.records import NewTicket

    new = NewTicket(
        account_id="streamly", kind="bug", priority="P2", subject="crash", requester="U0DEV1",
        channel="slack", channel_ref=SUPPORT_CHANNEL, thread_ref=THREAD,
    )  # fmt: skip
    ticket = ctx.desk.open(new, now=NOW)
    return ticket.key


@pytest.mark.parametrize("channel", [SUPPORT_CHANNEL, "C0ACME-INT"])
def test_engineer_buttons_are_refused_outside_staff_channels(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext, channel: str
) -> None:
    key = _ticket_key(ctx)
    click = _click("deskbot_ack", key, user="U0ENGLINA", channel=channel, ts="7.7")
    post_interaction(slack_client, click)
    note = slack_stub.wait_for("chat.postEphemeral")[0]
    assert "does not belong" in note["text"]
    assert ctx.tickets.get(key).first_response_at is None


def test_a_replayed_engineer_click_is_applied_once(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _ticket_key(ctx)
    click = _click("deskbot_resolve", key, user="U0ENGLINA", channel="C0STREAMLY-INT", ts="7.8")
    for _ in range(2):
        post_interaction(slack_client, click)
    wait_until(lambda: ctx.tickets.get(key).status == "resolved")
    # A second, real click (new trigger) on reopen would act; the replay must not have.
    slack_stub.wait_for("chat.update", where=lambda a: a["ts"] == "7.8")
    resolved = [e for e in ctx.tickets.events(ctx.tickets.get(key).id) if e.kind == "resolved"]
    assert len(resolved) == 1


# -- the bug form ---------------------------------------------------------------------------
def _submission(values: dict[str, str]) -> dict[str, Any]:
    meta = {"channel": SUPPORT_CHANNEL, "thread_ts": None, "user": "U0DEV1"}
    state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    return {
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0DEV1"},
        "api_app_id": "A0DESKBOT",
        "view": {"id": "V0VIEW1", "hash": "h1", "type": "modal",
                 "callback_id": "deskbot_bug_report", "private_metadata": json.dumps(meta),
                 "state": {"values": state}},
    }  # fmt: skip


def test_the_bug_form_never_stores_or_posts_a_secret(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    form = _submission({"summary": LEAKY, "repro_steps": f"export TOKEN={SECRETS[1]}"})
    for _ in range(2):  # the second is a replay of the same submission
        post_interaction(slack_client, form)
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    slack_stub.wait_for("chat.postMessage", count=3)  # thread start, ticket lines, engineers
    posted = json.dumps([c.args for c in slack_stub.calls])
    stored = json.dumps(
        [ticket.subject, ticket.fields, [e.body for e in ctx.tickets.events(ticket.id)]]
    )
    for secret in SECRETS:
        assert secret not in posted and secret not in stored
    assert "[REDACTED:aws_access_key]" in ticket.subject
    assert len(ctx.tickets.query()) == 1


# -- the database refusing writes -----------------------------------------------------------
@pytest.mark.parametrize("mode", ["down", "read_only"])
def test_a_message_during_a_database_outage_is_kept_told_and_answered_later(
    slack_client: TestClient,
    slack_stub: SlackStub,
    ctx: AppContext,
    conversation: Recorder,
    mode: str,
) -> None:
    outage = getattr(Outage(ctx.db), mode)()
    post_event(slack_client, message(f"How do I join a room? {LEAKY}", ts=THREAD))
    told = slack_stub.wait_for("chat.postMessage", where=lambda a: a["text"] == KEPT)[0]
    assert told["thread_ts"] == THREAD
    rt = _runtime(slack_client)
    assert rt.spool is not None
    (kept,) = rt.spool.pending()
    assert not any(secret in kept.read_text() for secret in SECRETS)  # kept redacted
    assert replay_kept(rt) == 0  # still down: nothing is lost, nothing tried
    assert len(rt.spool.pending()) == 1

    outage.heal()
    assert replay_kept(rt) == 1
    answer = slack_stub.wait_for("chat.update", where=lambda a: "join()" in a.get("text", ""))
    assert answer
    stored = ctx.conversations.find("slack", f"{SUPPORT_CHANNEL}:{THREAD}")
    assert stored is not None and "How do I join a room?" in stored.messages[0].text
    assert rt.spool.pending() == [] and replay_kept(rt) == 0
    # Slack retrying the same delivery now is not answered a second time.
    post_event(slack_client, message(f"How do I join a room? {LEAKY}", ts=THREAD))
    assert len([c for c in conversation.calls if c.text.startswith("How do I join")]) == 1


def test_a_message_that_may_not_be_for_us_is_kept_without_a_word(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    outage = Outage(ctx.db).down()
    # A reply in a thread of a channel no account owns: ours only if we hold the thread.
    chatter = message("lunch?", channel="C0RANDOM", ts="1763431500.1", thread_ts="1763431400.1")
    post_event(slack_client, chatter)
    rt = _runtime(slack_client)
    wait_until(lambda: rt.spool.pending())
    assert slack_stub.calls_to("chat.postMessage") == []
    outage.heal()
    assert replay_kept(rt) == 1
    assert slack_stub.calls_to("chat.postMessage") == []


def test_after_a_429_the_outbox_stops_calling_slack_for_the_retry_after_window(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    """Slack says 429 (Retry-After 30) to the first of several items: the rest of the pass
    sends nothing more to Slack — pings or customer lines in Slack threads — without counting
    an attempt, while a web chat's line goes out; after the window everything is delivered."""
    from bot.notify.channel import CustomerMessage
    from bot.notify.outbox import OutboxWorker
    from bot.store.notifications import Delivery
    from bot.store.records import NewTicket

    second = dt.timedelta(seconds=1)
    for n in range(3):
        ctx.notifications.enqueue(
            Delivery("slack", "C0ESCALATE", {"kind": "message", "text": f"ping {n}"}), now=NOW
        )
    tickets = {
        where: ctx.tickets.create(
            NewTicket(
                account_id="streamly",
                kind="bug",
                priority="P3",
                subject=where,
                requester="U0DEV1",
                channel=where,
                channel_ref=SUPPORT_CHANNEL,
                thread_ref=THREAD if where == "slack" else None,
            ),
            now=NOW,
        )
        for where in ("slack", "web")
    }
    for ticket in tickets.values():
        line = CustomerMessage(ticket.key, "We are on it.", ref=f"{ticket.key}#t")
        ctx.notifications.enqueue(Delivery("customer", ticket.key, line.payload()), now=NOW)
    before = {i.id for i in ctx.notifications.due(NOW)}
    slack_stub.fail("chat.postMessage", status=429, retry_after=30)

    worker = OutboxWorker(ctx.notifications, ctx.transports)
    assert worker.deliver_due(NOW) == 1  # the web chat's line
    assert len(slack_stub.calls_to("chat.postMessage")) == 1
    waiting = [i for i in ctx.notifications.items() if i.id in before and i.status == "pending"]
    assert len(waiting) == 4
    assert {i.next_attempt_at for i in waiting} == {NOW + 30 * second}
    assert sorted(i.attempts for i in waiting) == [0, 0, 0, 1]  # only the one tried counts
    assert worker.deliver_due(NOW + 29 * second) == 0
    assert len(slack_stub.calls_to("chat.postMessage")) == 1
    assert worker.deliver_due(NOW + 30 * second) == 4
    assert len(slack_stub.calls_to("chat.postMessage", ok=True)) == 4
