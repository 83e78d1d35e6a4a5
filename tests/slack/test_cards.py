"""One live card per ticket: every copy follows the ticket, a second acknowledge is refused
with who did it, roles are checked per action — through signed clicks and the Web API stub."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.store.records import NewTicket
from bot.store.slack_posts import SlackPostStore
from tests.conftest import NOW
from tests.slack.conftest import SUPPORT_CHANNEL, message, post_event, post_interaction, wait_until
from tests.slack.stub import SlackStub

THREAD = "1763431000.000100"
CRASH = "Our Android app crashes when joining a room since we upgraded the SDK."
DETAILS = (
    "SDK version 4.2.1, Android 14 on a Pixel 8. Steps: create room, join, crash. "
    "Expected: joins. Actual: crash. About 30% of users affected."
)
DM = "D0ENGCHEN"
INTERNAL = "C0STREAMLY-INT"


def open_ticket(client: TestClient, stub: SlackStub, ctx: AppContext) -> str:
    """A bug reported in the thread; its cards posted to the on-call DM and the internal
    channel. Returns the key."""
    post_event(client, message(CRASH, ts=THREAD))
    stub.wait_for("chat.update", count=1)
    post_event(client, message(DETAILS, ts="1763431000.000101", thread_ts=THREAD))
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    wait_until(lambda: len(SlackPostStore(ctx.db).for_ticket(ticket.id)) >= 3)
    return ticket.key


def card_ts(stub: SlackStub, channel: str) -> str:
    """The ticket's card in ``channel`` (its first post there; later ones thread under it)."""
    (post,) = stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == channel and not a.get("thread_ts")
    )
    return str(post["posted_ts"])


def click(action_id: str, key: str, *, user: str, channel: str, ts: str, n: int = 1) -> dict:
    return {
        "type": "block_actions", "team": {"id": "T0TEAM"}, "user": {"id": user},
        "api_app_id": "A0DESKBOT", "trigger_id": f"trig-{action_id}-{user}-{n}",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "message": {"ts": ts, "text": "card", "blocks": []},
        "actions": [{"action_id": action_id, "value": key, "type": "button",
                     "action_ts": f"{n}.0"}],
    }  # fmt: skip


def updates_of(stub: SlackStub, channel: str, ts: str) -> list[dict[str, Any]]:
    return [u for u in stub.calls_to("chat.update") if u["channel"] == channel and u["ts"] == ts]


def buttons(update: dict[str, Any]) -> list[str]:
    return [
        e["action_id"] for b in update["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]


def test_every_copy_shows_who_has_it_and_keeps_only_the_buttons_that_still_work(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    dm, internal = card_ts(slack_stub, DM), card_ts(slack_stub, INTERNAL)
    post_interaction(slack_client, click("deskbot_ack", key, user="U0ENGCHEN", channel=DM, ts=dm))
    wait_until(lambda: ctx.tickets.get(key).first_response_at)

    for channel, ts in ((DM, dm), (INTERNAL, internal)):
        update = wait_until(lambda c=channel, t=ts: updates_of(slack_stub, c, t))[-1]
        rendered = json.dumps(update["blocks"])
        assert "*Assignee*\\nChen Hao" in rendered, channel
        assert "open \\u00b7 investigating" in rendered
        assert "Acknowledged by Chen Hao" in rendered  # the last action
        assert buttons(update) == ["deskbot_wait", "deskbot_resolve"]
    # The ticket's message in the customer's thread says who is on it.
    # (waited for: the customer's copy is refreshed through the outbox, after the staff ones)
    wait_until(
        lambda: [
            u for u in slack_stub.calls_to("chat.update")
            if u["channel"] == SUPPORT_CHANNEL and "Chen Hao is on it" in json.dumps(u["blocks"])
        ]
    )  # fmt: skip


def test_a_second_acknowledge_is_refused_with_who_did_it_and_recorded_once(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    dm, internal = card_ts(slack_stub, DM), card_ts(slack_stub, INTERNAL)
    post_interaction(slack_client, click("deskbot_ack", key, user="U0ENGCHEN", channel=DM, ts=dm))
    wait_until(lambda: ctx.tickets.get(key).first_response_at)
    # Li Na, on the internal channel's copy, a moment later.
    late = click("deskbot_ack", key, user="U0ENGLINA", channel=INTERNAL, ts=internal, n=2)
    post_interaction(slack_client, late)
    note = slack_stub.wait_for("chat.postEphemeral", where=lambda a: a["user"] == "U0ENGLINA")[0]
    assert "already acknowledged by Chen Hao at <!date^" in note["text"]
    take = click("deskbot_take", key, user="U0ENGLINA", channel=INTERNAL, ts=internal, n=3)
    post_interaction(slack_client, take)
    slack_stub.wait_for("chat.postEphemeral", count=2, where=lambda a: a["user"] == "U0ENGLINA")
    assert "already taken by Chen Hao" in slack_stub.calls_to("chat.postEphemeral")[-1]["text"]

    ticket = ctx.tickets.get(key)
    assert ticket.assignee_id == "eng-chen"
    kinds = [e.kind for e in ctx.tickets.events(ticket.id)]
    assert kinds.count("acknowledged") == 1 and "assigned" not in kinds
    told = [p for p in slack_stub.calls_to("chat.postMessage") if "picked up" in p["text"]]
    assert len(told) == 1 and "Chen Hao" in told[0]["text"]


def test_a_csm_may_not_acknowledge_an_engineering_clock(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    internal = card_ts(slack_stub, INTERNAL)
    csm = click("deskbot_ack", key, user="U0CSMMILL", channel=INTERNAL, ts=internal)
    post_interaction(slack_client, csm)
    note = slack_stub.wait_for("chat.postEphemeral", where=lambda a: a["user"] == "U0CSMMILL")[0]
    assert "only an engineer may acknowledge it" in note["text"]
    assert "Chen Hao" in note["text"]  # who to ask: the on-call engineer
    ticket = ctx.tickets.get(key)
    assert ticket.first_response_at is None and ticket.assignee_id is None
    assert not [p for p in slack_stub.calls_to("chat.postMessage") if "picked up" in p["text"]]


def test_a_csm_takes_a_commercial_request(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    ticket = ctx.desk.open(
        NewTicket(account_id="streamly", kind="upgrade", priority="P3", subject="Enterprise plan",
                  requester="U0DEV1", channel="slack", channel_ref=SUPPORT_CHANNEL,
                  thread_ref=THREAD),
        now=NOW,
    )  # fmt: skip
    take = click("deskbot_take", ticket.key, user="U0CSMMILL", channel=INTERNAL, ts="5.1")
    post_interaction(slack_client, take)
    after = wait_until(lambda: (t := ctx.tickets.get(ticket.key)).first_response_at and t)
    assert after.assignee_id == "csm-miller" and after.first_response_at is not None


def test_the_organisation_may_let_csms_acknowledge(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    org = ctx.config.organisation.model_copy(update={"csm_acknowledges_engineering": True})
    ctx.config = ctx.config.model_copy(update={"organisation": org})
    key = open_ticket(slack_client, slack_stub, ctx)
    internal = card_ts(slack_stub, INTERNAL)
    post_interaction(
        slack_client, click("deskbot_ack", key, user="U0CSMMILL", channel=INTERNAL, ts=internal)
    )
    assert wait_until(lambda: ctx.tickets.get(key).assignee_id) == "csm-miller"


def test_a_card_update_that_fails_is_retried_through_the_outbox(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    dm = card_ts(slack_stub, DM)
    slack_stub.fail("chat.update", status=500, times=20)
    post_interaction(slack_client, click("deskbot_ack", key, user="U0ENGCHEN", channel=DM, ts=dm))
    wait_until(lambda: ctx.tickets.get(key).first_response_at)
    pending = wait_until(
        lambda: [
            i
            for i in ctx.notifications.items(status="pending")
            if i.payload.get("kind") == "refresh" and i.attempts >= 1
        ]
    )
    assert pending[0].target == f"refresh:{key}"
