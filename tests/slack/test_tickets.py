"""Bug intake in a thread, the engineers' side (new-ticket posts, buttons), the bug form."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from bot.context import AppContext
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    message,
    post_event,
    post_interaction,
    wait_until,
)
from tests.slack.stub import SlackStub

THREAD = "1763431000.000100"
CRASH = "Our Android app crashes when joining a room since we upgraded the SDK."
DETAILS = (
    "SDK version 4.2.1, Android 14 on a Pixel 8. Steps: create room, join, crash. "
    "Expected: joins. Actual: crash. About 30% of users affected."
)
LOG = b"11-18 10:00:01.123 E/NimbusRTC: NR-1203 join failed: transport closed\n" * 50


def _open_ticket_by_intake(client: TestClient, stub: SlackStub, ctx: AppContext) -> str:
    post_event(client, message(CRASH, ts=THREAD))
    stub.wait_for("chat.update", count=1)
    post_event(client, message(DETAILS, ts="1763431000.000101", thread_ts=THREAD))
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    return ticket.key


def test_intake_over_three_messages_opens_one_ticket_with_fields_and_logs(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open_ticket_by_intake(slack_client, slack_stub, ctx)
    slack_stub.add_file("F0LOG", "nimbus.log", LOG)
    logs = message("here are the logs", ts="1763431000.000102", thread_ts=THREAD,
                   subtype="file_share", files=[{"id": "F0LOG"}])  # fmt: skip
    post_event(slack_client, logs)
    looking = lambda a: "Looking" in a["text"]  # noqa: E731
    notes = [
        n["posted_ts"] for n in slack_stub.wait_for("chat.postMessage", count=3, where=looking)
    ]
    slack_stub.wait_for("chat.update", where=lambda a: a["ts"] == notes[2])
    updates = [u for u in slack_stub.calls_to("chat.update") if u["ts"] in notes]

    (ticket,) = ctx.tickets.query()
    assert ticket.key == key and ticket.kind == "bug" and ticket.account_id == "streamly"
    assert ticket.channel_ref == SUPPORT_CHANNEL and ticket.thread_ref == THREAD
    assert ticket.fields["sdk_version"] == "4.2.1"
    assert ticket.fields["platform"] == "Android"
    assert slack_stub.downloads == ["F0LOG"]
    wait_until(lambda: ctx.attachments.for_ticket(ticket.id))
    opened = updates[1]
    assert key in opened["text"] and ticket.priority in opened["text"]
    assert "will reply by" in opened["text"]
    assert all(u["channel"] == SUPPORT_CHANNEL for u in updates)
    # Every bot post went into the customer's thread.
    posts = [p for p in slack_stub.calls_to("chat.postMessage") if p["channel"] == SUPPORT_CHANNEL]
    assert posts and all(p["thread_ts"] == THREAD for p in posts)


def test_new_ticket_is_posted_to_oncall_dm_and_internal_channel(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open_ticket_by_intake(slack_client, slack_stub, ctx)
    # eng-chen is on call in the week of 2026-11-16 (rotation anchored 2026-01-05).
    dm = slack_stub.wait_for("chat.postMessage", where=lambda a: a["channel"] == "D0ENGCHEN")[0]
    internal = slack_stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == "C0STREAMLY-INT"
    )[0]
    assert slack_stub.calls_to("conversations.open")[0]["users"] == "U0ENGCHEN"
    for post in (dm, internal):
        assert key in post["text"]
        rendered = json.dumps(post["blocks"])
        assert "Streamly Inc." in rendered and "4.2.1" in rendered
        assert "deskbot_ack" in rendered and "deskbot_take" in rendered
        assert "https://nimbus.slack.com/archives/C0STREAMLY/p1763431000000100" in rendered
        # The reporter as a mention: Slack shows their name.
        assert "Reported by <@U0DEV1>" in post["blocks"][0]["text"]["text"]
    wait_until(lambda: ctx.notifications.counts().get("sent") == 2)


def _click(action_id: str, value: str, *, user: str, channel: str, ts: str) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": "T0TEAM"},
        "user": {"id": user},
        "api_app_id": "A0DESKBOT",
        "trigger_id": "trig-1",
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "message": {"ts": ts, "text": "card", "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "card"}},
            {"type": "actions", "block_id": "deskbot_staff", "elements": []},
        ]},
        "actions": [{"action_id": action_id, "value": value, "type": "button"}],
    }  # fmt: skip


def test_acknowledge_button_stops_the_first_response_clock(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open_ticket_by_intake(slack_client, slack_stub, ctx)
    before = ctx.tickets.get(key).clock("first_response")
    assert before is not None and before.stopped_at is None
    click = _click("deskbot_ack", key, user="U0ENGLINA", channel="C0STREAMLY-INT", ts="9.1")
    response = post_interaction(slack_client, click)
    assert response.status_code == 200

    ticket = wait_until(lambda: (t := ctx.tickets.get(key)).first_response_at and t)
    assert ticket.assignee_id == "eng-li"
    clock = ticket.clock("first_response")
    assert clock is not None and clock.stopped_at is not None
    card = slack_stub.wait_for("chat.update", where=lambda a: a["ts"] == "9.1")[0]
    assert "Acknowledged by Li Na" in json.dumps(card["blocks"])
    assert "deskbot_ack" not in json.dumps(card["blocks"])  # no second acknowledge
    told = slack_stub.wait_for("chat.postMessage", where=lambda a: "Li Na" in a["text"])[0]
    assert told["channel"] == SUPPORT_CHANNEL and told["thread_ts"] == THREAD


def test_engineer_buttons_drive_the_lifecycle_and_refuse_non_staff(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open_ticket_by_intake(slack_client, slack_stub, ctx)
    staff_click = lambda action, user: post_interaction(  # noqa: E731
        slack_client, _click(action, key, user=user, channel="C1", ts="9.3")
    )
    staff_click("deskbot_take", "U0RANDOM")
    note = slack_stub.wait_for("chat.postEphemeral")[0]
    assert note["user"] == "U0RANDOM" and "staff" in note["text"]
    assert ctx.tickets.get(key).assignee_id is None

    staff_click("deskbot_take", "U0ENGPARK")
    wait_until(lambda: ctx.tickets.get(key).assignee_id == "eng-park")
    staff_click("deskbot_wait", "U0ENGPARK")
    wait_until(lambda: ctx.tickets.get(key).status == "waiting_on_customer")
    staff_click("deskbot_resolve", "U0ENGPARK")
    ticket = wait_until(lambda: (t := ctx.tickets.get(key)).status == "resolved" and t)
    assert ticket.first_response_at is not None  # taking it started the work
    resolution = ticket.clock("resolution")
    assert resolution is not None and resolution.stopped_at is not None


def test_customer_solved_button_goes_to_the_conversation(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    post_event(slack_client, message("How do I join a room?"))
    slack_stub.wait_for("chat.update")
    ref = f"{SUPPORT_CHANNEL}:{THREAD}"
    answer_ts = "1763431200.000001"
    click = _click("deskbot_solved", ref, user="U0DEV1", channel=SUPPORT_CHANNEL, ts=answer_ts)
    post_interaction(slack_client, click)
    retired = slack_stub.wait_for("chat.update", count=2)[1]
    assert "chose *✅ Solved*" in json.dumps(retired["blocks"], ensure_ascii=False)
    reply = slack_stub.wait_for("chat.postMessage", count=2)[1]
    assert reply["thread_ts"] == THREAD
    conversation = ctx.conversations.find("slack", ref)
    assert conversation is not None and ctx.tickets.query() == []


def test_open_a_ticket_button_opens_one_and_engineers_hear_once(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    post_event(slack_client, message("How do I enable simulcast on web?"))
    slack_stub.wait_for("chat.update")
    ref = f"{SUPPORT_CHANNEL}:{THREAD}"
    # "Talk to a human" right after it: still one ticket, and engineers hear of it once.
    for n, action in enumerate(["deskbot_open_ticket", "deskbot_human"]):
        click = _click(action, ref, user="U0DEV1", channel=SUPPORT_CHANNEL, ts="1763431200.000001")
        post_interaction(slack_client, click)
        slack_stub.wait_for(  # the "looking…" note, then one reply per click
            "chat.postMessage", count=n + 2, where=lambda a: a["channel"] == SUPPORT_CHANNEL
        )
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    assert ticket.channel_ref == SUPPORT_CHANNEL and ticket.thread_ref == THREAD
    to_engineers = lambda: [  # noqa: E731
        p for p in slack_stub.calls_to("chat.postMessage") if p["channel"] != SUPPORT_CHANNEL
    ]
    wait_until(lambda: len(to_engineers()) >= 2)
    assert sorted(p["channel"] for p in to_engineers()) == ["C0STREAMLY-INT", "D0ENGCHEN"]
