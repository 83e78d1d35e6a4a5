"""The bug form (message shortcut and ``/support bug``), ``/support status`` and App Home."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.slack.conftest import (
    SUPPORT_CHANNEL,
    post_event,
    post_form,
    post_interaction,
    wait_until,
)
from tests.slack.stub import TEAM, SlackStub

REPORT = (
    "Our Android app crashes when joining a room. SDK version 4.2.1 on Android 14, Pixel 8. "
    "About 30% of users affected since Monday."
)


def _submission(metadata: dict[str, Any], values: dict[str, str]) -> dict[str, Any]:
    state = {k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()}
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": metadata.get("user", "U0DEV1")},
        "api_app_id": "A0DESKBOT",
        "view": {
            "id": "V0VIEW",
            "type": "modal",
            "callback_id": "deskbot_bug_report",
            "private_metadata": json.dumps(metadata),
            "state": {"values": state},
        },
    }


def _command(text: str, *, user: str = "U0DEV1", channel: str = SUPPORT_CHANNEL) -> dict[str, str]:
    return {
        "command": "/support", "text": text, "user_id": user, "channel_id": channel,
        "team_id": TEAM, "trigger_id": "trig-cmd", "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip


def test_shortcut_opens_the_form_prefilled_from_the_message(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    shortcut = {
        "type": "message_action", "callback_id": "deskbot_report_bug", "trigger_id": "trig-1",
        "team": {"id": TEAM}, "user": {"id": "U0DEV1"}, "channel": {"id": SUPPORT_CHANNEL},
        "message": {"ts": "1763431000.000100", "text": REPORT, "user": "U0DEV1"},
        "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip
    assert post_interaction(slack_client, shortcut).status_code == 200
    (opened,) = slack_stub.wait_for("views.open")
    view = opened["view"]
    assert opened["trigger_id"] == "trig-1" and view["callback_id"] == "deskbot_bug_report"
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    initial = {b["block_id"]: b["element"].get("initial_value") for b in inputs}
    assert initial["sdk_version"] == "4.2.1"
    assert initial["summary"]
    assert json.loads(view["private_metadata"])["thread_ts"] == "1763431000.000100"


def test_form_submission_opens_a_ticket_in_the_thread(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    slack_stub.add_user("U0DEV1", display_name="Dana")
    meta = {"channel": SUPPORT_CHANNEL, "thread_ts": "1763431000.000100", "user": "U0DEV1"}
    values = {"summary": "Crash when joining a room", "sdk": "Android SDK", "sdk_version": "4.2.1",
              "platform": "Android", "impact": "30% of users, production"}  # fmt: skip
    response = post_interaction(slack_client, _submission(meta, values))
    assert response.status_code == 200 and response.content in (b"", b"null")

    (ticket,) = wait_until(lambda: ctx.tickets.query())
    assert ticket.kind == "bug" and ticket.account_id == "streamly"
    assert ticket.fields["sdk_version"] == "4.2.1" and ticket.thread_ref == "1763431000.000100"
    assert ticket.priority_reason
    assert ticket.requester == "U0DEV1" and ticket.requester_name == "Dana"
    in_thread = slack_stub.wait_for(
        "chat.postMessage",
        where=lambda a: ticket.key in a["text"] and a["channel"] == SUPPORT_CHANNEL,
    )
    assert in_thread[0]["thread_ts"] == "1763431000.000100"
    # the chat's own words for an opened ticket, times in the account's zone
    assert "I've opened a ticket for you." in in_thread[0]["text"]
    assert "will reply by" in in_thread[0]["text"] and "EST" in in_thread[0]["text"]
    conversation = ctx.conversations.find("slack", f"{SUPPORT_CHANNEL}:1763431000.000100")
    assert conversation is not None and conversation.ticket_id == ticket.id


def test_form_without_summary_is_refused_in_the_modal(
    slack_client: TestClient, ctx: AppContext
) -> None:
    meta = {"channel": SUPPORT_CHANNEL, "thread_ts": None, "user": "U0DEV1"}
    response = post_interaction(slack_client, _submission(meta, {"sdk": "iOS"}))
    assert response.json()["response_action"] == "errors"
    assert "summary" in response.json()["errors"]
    assert ctx.tickets.query() == []


def test_support_bug_command_opens_the_form_and_starts_a_thread(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    assert (
        post_form(slack_client, _command("bug iOS app freezes on screen share")).status_code == 200
    )
    (opened,) = slack_stub.wait_for("views.open")
    meta = json.loads(opened["view"]["private_metadata"])
    assert meta["thread_ts"] is None
    post_interaction(slack_client, _submission(meta, {"summary": "iOS freezes on screen share"}))
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    top = slack_stub.calls_to("chat.postMessage")[0]
    assert top["channel"] == SUPPORT_CHANNEL and "thread_ts" not in top
    assert ticket.thread_ref is not None


def _open(ctx: AppContext, account: str, requester: str, subject: str) -> str:
    new = NewTicket(account_id=account, kind="bug", priority="P1", subject=subject,
                    requester=requester, channel="slack")  # fmt: skip
    return ctx.desk.open(new, now=NOW).key


def test_support_status_shows_own_account_only(slack_client: TestClient, ctx: AppContext) -> None:
    mine = _open(ctx, "streamly", "U0DEV1", "Echo on Android")
    theirs = _open(ctx, "acme-games", "U0OTHER", "Secret project crash")

    listing = post_form(slack_client, _command("status")).json()
    assert mine in listing["text"] and theirs not in listing["text"]
    one = post_form(slack_client, _command(f"status {mine.lower()}")).json()
    assert mine in one["text"] and "Echo on Android" in one["text"]
    hidden = post_form(slack_client, _command(f"status {theirs}")).json()
    missing = post_form(slack_client, _command("status SUP-9999")).json()
    assert "can't find" in hidden["text"] and "Secret" not in hidden["text"]
    assert hidden["text"].replace(theirs, "X") == missing["text"].replace("SUP-9999", "X")
    assert "/support status" in post_form(slack_client, _command("")).json()["text"]


def test_app_home_lists_tickets_per_viewer(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    mine = _open(ctx, "streamly", "U0DEV1", "Echo on Android")
    risky = _open(ctx, "acme-games", "U0OTHER", "Calls drop")  # P1 enterprise: 15 min target
    home = {"type": "app_home_opened", "user": "U0DEV1", "tab": "home", "channel": "D0DEV1"}
    post_event(slack_client, home)
    view = slack_stub.wait_for("views.publish")[0]
    assert view["user_id"] == "U0DEV1"
    text = json.dumps(view["view"])
    assert mine in text and risky not in text

    post_event(slack_client, {**home, "user": "U0CSMWANG"})  # CSM of acme-games
    view = slack_stub.wait_for("views.publish", count=2)[1]
    text = json.dumps(view["view"])
    assert "At risk on your accounts" in text and risky in text and mine not in text


def test_the_form_does_not_repeat_the_summary_in_steps_or_actual(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    one_line = "Video freezes after 10 minutes on Android 14, ~3% of sessions, since 4.2.1"
    shortcut = {
        "type": "message_action", "callback_id": "deskbot_report_bug", "trigger_id": "trig-2",
        "team": {"id": TEAM}, "user": {"id": "U0DEV1"}, "channel": {"id": SUPPORT_CHANNEL},
        "message": {"ts": "1763431000.000200", "text": one_line, "user": "U0DEV1"},
        "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip
    post_interaction(slack_client, shortcut)
    (opened,) = slack_stub.wait_for("views.open")
    initial = {
        b["block_id"]: b["element"].get("initial_value")
        for b in opened["view"]["blocks"]
        if b["type"] == "input"
    }
    assert initial["summary"] == one_line and initial["os_version"] == "Android 14"
    assert initial["actual"] is None and initial["repro_steps"] is None


def test_the_ticket_confirmation_says_the_priority_once() -> None:
    from bot.conversation.types import TicketSummary
    from bot.slack.blocks import ticket_lines

    summary = TicketSummary(key="SUP-1", kind="bug", priority="P2", status="open", stage="new",
                            priority_reason="P2: core feature broken", subject="Freeze",
                            account_id="streamly")  # fmt: skip
    assert "*Priority:* P2 — core feature broken" in ticket_lines(summary)
