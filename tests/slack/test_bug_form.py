"""The bug form's severity, production and file fields, and its language, through signed
requests against the Slack stub: the priority comes from what the reporter chose through the
chat's priority rules (a "~3% of sessions" impact is not "most users"), files are fetched with
the bot token, redacted and attached, and a file that cannot be fetched is noted, never
costing the report."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.store.records import Ticket
from tests.slack.conftest import SUPPORT_CHANNEL, post_form, post_interaction, wait_until
from tests.slack.stub import TEAM, SlackStub

THREAD = "1763431000.000300"
META = {"channel": SUPPORT_CHANNEL, "thread_ts": THREAD, "user": "U0DEV1"}
FREEZE = {
    "summary": "Video freezes after 10 minutes on Android 14",
    "sdk": "RTC SDK", "sdk_version": "4.2.1", "platform": "Android", "os_version": "Android 14",
    "repro_steps": "Join a call, wait ten minutes", "impact": "~3% of sessions since Monday",
}  # fmt: skip
TOKEN = "xoxb-1234567890-abcdefghijkl"


def submission(
    values: dict[str, str],
    *,
    severity: str | None = None,
    production: str | None = None,
    files: list[dict[str, Any]] | None = None,
    meta: dict[str, Any] | None = None,
    view_id: str = "V0FORM",
) -> dict[str, Any]:
    """A view_submission as Slack sends it: text inputs, the select, the radio buttons and
    the file input's file objects."""
    state: dict[str, Any] = {
        k: {"value": {"type": "plain_text_input", "value": v}} for k, v in values.items()
    }
    if severity is not None:
        option = {"text": {"type": "plain_text", "text": severity}, "value": severity}
        state["severity"] = {"value": {"type": "static_select", "selected_option": option}}
    if production is not None:
        option = {"text": {"type": "plain_text", "text": production}, "value": production}
        state["production"] = {"value": {"type": "radio_buttons", "selected_option": option}}
    if files is not None:
        state["files"] = {"value": {"type": "file_input", "files": files}}
    return {
        "type": "view_submission", "team": {"id": TEAM}, "user": {"id": "U0DEV1"},
        "api_app_id": "A0DESKBOT",
        "view": {"id": view_id, "type": "modal", "callback_id": "deskbot_bug_report",
                 "private_metadata": json.dumps(meta or META), "state": {"values": state}},
    }  # fmt: skip


def _ticket(ctx: AppContext) -> Ticket:
    (ticket,) = wait_until(lambda: ctx.tickets.query())
    return ticket


def _confirmation(slack_stub: SlackStub, ticket: Ticket) -> str:
    posted = slack_stub.wait_for(
        "chat.postMessage", where=lambda a: ticket.key in a["text"] and a.get("thread_ts")
    )
    return str(posted[0]["text"])


# -- the modal ---------------------------------------------------------------------------------
def _inputs(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def test_the_modal_asks_how_bad_whether_production_and_takes_files(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    command = {
        "command": "/support", "text": "bug Android video freezes", "user_id": "U0DEV1",
        "channel_id": SUPPORT_CHANNEL, "team_id": TEAM, "trigger_id": "trig-en",
        "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip
    post_form(slack_client, command)
    (opened,) = slack_stub.wait_for("views.open")
    inputs = _inputs(opened["view"])
    severity = inputs["severity"]
    assert severity["optional"] is False and severity["element"]["type"] == "static_select"
    assert [o["value"] for o in severity["element"]["options"]] == [
        "down", "some", "workaround", "minor",
    ]  # fmt: skip
    assert "Production down for all users" in json.dumps(severity)
    production = inputs["production"]
    assert production["element"]["type"] == "radio_buttons"
    assert [o["value"] for o in production["element"]["options"]] == ["yes", "no"]
    assert production["label"]["text"] == "Is production affected?"
    files = inputs["files"]
    assert files["element"]["type"] == "file_input" and files["optional"] is True
    assert 1 <= files["element"]["max_files"] <= 10  # Slack's bounds
    assert opened["view"]["title"]["text"] == "Report a bug"


def test_the_modal_is_in_chinese_for_a_chinese_reporter(
    slack_client: TestClient, slack_stub: SlackStub
) -> None:
    command = {
        "command": "/support", "text": "bug 安卓端视频十分钟后卡住", "user_id": "U0DEV1",
        "channel_id": SUPPORT_CHANNEL, "team_id": TEAM, "trigger_id": "trig-zh",
        "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip
    post_form(slack_client, command)
    (opened,) = slack_stub.wait_for("views.open")
    view = opened["view"]
    inputs = _inputs(view)
    assert view["title"]["text"] == "提交问题" and view["submit"]["text"] == "创建工单"
    assert inputs["summary"]["label"]["text"] == "问题概述"
    assert inputs["severity"]["label"]["text"] == "严重程度"
    assert "生产环境不可用" in json.dumps(inputs["severity"], ensure_ascii=False)
    assert inputs["production"]["label"]["text"] == "是否影响生产环境？"
    assert json.loads(view["private_metadata"])["lang"] == "zh"
    # A summary left out is refused in Chinese too.
    meta = json.loads(view["private_metadata"])
    refused = post_interaction(slack_client, submission({"sdk": "Android"}, meta=meta)).json()
    assert refused["errors"]["summary"] == "请用一句话概述问题。"


def test_a_chinese_form_is_confirmed_in_chinese(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    meta = {**META, "lang": "zh"}
    values = {"summary": "安卓端视频十分钟后卡住", "sdk_version": "4.2.1"}
    post_interaction(slack_client, submission(values, severity="some", meta=meta))
    ticket = _ticket(ctx)
    text = _confirmation(slack_stub, ticket)
    assert "已为您创建工单" in text and "优先级 P2" in text


# -- priority from what the reporter said ------------------------------------------------------
def test_three_percent_of_sessions_is_not_p1_most_users(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    """The old form read its own label "Impact (how many users, since when)" as the report
    saying "many users" and opened a P1 "most users" for ~3% of sessions."""
    post_interaction(slack_client, submission(FREEZE, severity="some", production="yes"))
    ticket = _ticket(ctx)
    assert ticket.priority == "P2", ticket.priority_reason
    assert "most users" not in ticket.priority_reason
    assert ticket.fields["severity"] == "Production, some users affected"
    assert ticket.fields["production"] == "Yes"
    (opened,) = [e for e in ctx.tickets.events(ticket.id) if e.kind == "opened"]
    assert "Severity (as reported): Production, some users affected" in (opened.body or "")
    assert "Impact (how many users, since when): ~3% of sessions" in (opened.body or "")
    assert "Priority P2" in _confirmation(slack_stub, ticket)


def test_three_percent_without_a_severity_chosen_is_not_p1_either(
    slack_client: TestClient, ctx: AppContext
) -> None:
    post_interaction(slack_client, submission(FREEZE))  # an older client, or a replayed form
    ticket = _ticket(ctx)
    assert ticket.priority == "P2" and "most users" not in ticket.priority_reason


@pytest.mark.parametrize(
    ("severity", "production", "kind", "priority"),
    [
        ("down", "yes", "outage", "P1"),
        ("some", "no", "bug", "P2"),
        ("workaround", "yes", "bug", "P3"),
        ("minor", None, "bug", "P4"),
    ],
)
def test_the_severity_chosen_sets_kind_and_priority(
    slack_client: TestClient,
    ctx: AppContext,
    severity: str,
    production: str | None,
    kind: str,
    priority: str,
) -> None:
    form = submission(FREEZE, severity=severity, production=production)
    post_interaction(slack_client, form)
    ticket = _ticket(ctx)
    assert (ticket.kind, ticket.priority) == (kind, priority), ticket.priority_reason


# -- files -------------------------------------------------------------------------------------
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def test_files_are_fetched_with_the_bot_token_redacted_and_attached(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    log = f"10:00:01 E rtc: join failed code=1102\n10:00:02 I auth token={TOKEN}\n".encode()
    slack_stub.add_file("F0LOG", "rtc.log", log)
    slack_stub.add_file("F0PNG", "frozen.png", PNG)
    slack_stub.add_file("F0BIG", "huge.log", b"x", size=500 * 1024 * 1024)  # over the limit
    files = [
        {"id": "F0LOG", "name": "rtc.log"},
        {"id": "F0PNG", "name": "frozen.png"},
        {"id": "F0BIG", "name": "huge.log"},
        {"id": "F0GONE", "name": "deleted.log"},  # files.info: file_not_found
    ]
    post_interaction(slack_client, submission(FREEZE, severity="some", files=files))
    ticket = _ticket(ctx)  # opened before any file is fetched
    text = _confirmation(slack_stub, ticket)  # posted once the files are dealt with
    ticket = ctx.tickets.get(ticket.id)

    assert sorted(slack_stub.downloads) == ["F0LOG", "F0PNG"]  # never the one over the limit
    kept = {a.filename: ctx.attachments.read(a) for a in ctx.attachments.for_ticket(ticket.id)}
    assert set(kept) == {"rtc.log", "frozen.png"}
    assert TOKEN.encode() not in kept["rtc.log"] and b"code=1102" in kept["rtc.log"]
    assert kept["frozen.png"] == PNG
    assert "rtc.log" in ticket.fields["logs"] and "logs" not in ticket.missing
    assert TOKEN not in json.dumps([ticket.fields, ticket.subject])
    notes = [e.body for e in ctx.tickets.events(ticket.id) if e.kind == "note"]
    assert len(notes) == 1 and "rtc.log" in notes[0]
    assert "huge.log (over" in notes[0] and "deleted.log (could not download)" in notes[0]
    assert "Attached to the ticket: rtc.log, frozen.png" in text
    assert "huge.log" in text and "deleted.log" in text and "post them in this thread" in text


def test_a_slack_failure_on_the_files_never_costs_the_report(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    slack_stub.add_file("F0LOG", "rtc.log", b"E join failed")
    slack_stub.fail("files.info", status=0, times=5)  # the connection drops, every time
    files = [{"id": "F0LOG", "name": "rtc.log"}]
    post_interaction(slack_client, submission(FREEZE, severity="some", files=files))
    ticket = _ticket(ctx)
    assert "rtc.log" in _confirmation(slack_stub, ticket)  # the last step of the submission
    assert ticket.subject == FREEZE["summary"] and ticket.priority == "P2"
    assert ctx.attachments.for_ticket(ticket.id) == []
    (note,) = [e.body for e in ctx.tickets.events(ticket.id) if e.kind == "note"]
    assert "rtc.log (could not download)" in note


def test_without_words_the_form_speaks_the_language_of_the_reporters_tickets(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    from bot.store.records import NewTicket
    from tests.conftest import NOW

    earlier = NewTicket(account_id="streamly", kind="bug", priority="P3", requester="U0DEV1",
                        subject="iOS 端屏幕共享时应用卡死", channel="slack")  # fmt: skip
    ctx.desk.open(earlier, now=NOW)
    command = {
        "command": "/support", "text": "bug", "user_id": "U0DEV1", "channel_id": SUPPORT_CHANNEL,
        "team_id": TEAM, "trigger_id": "trig-none", "response_url": "http://127.0.0.1:9/none",
    }  # fmt: skip
    post_form(slack_client, command)
    (opened,) = slack_stub.wait_for("views.open")
    assert opened["view"]["title"]["text"] == "提交问题"
