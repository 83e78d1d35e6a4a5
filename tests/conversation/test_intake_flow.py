"""The conversation service with the real triage engine and intake (docs bot faked)."""

from __future__ import annotations

import datetime as dt

from bot.context import AppContext
from bot.conversation.factory import build_conversation
from bot.conversation.types import Inbound, Upload
from tests.conftest import NOW
from tests.conversation.fakes import FakeAnswerer

M = dt.timedelta(minutes=1)


def _slack(text: str, **kw: object) -> Inbound:
    return Inbound(
        channel="slack", conversation_ref="C0ACMEGAMES:1763430000.000100", text=text,
        user_ref="U0DEV", user_name="dev", account_id="acme-games", **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_vague_report_becomes_a_complete_ticket(ctx: AppContext) -> None:
    service = build_conversation(ctx, knowledge=lambda: FakeAnswerer({}))
    first = service.handle(_slack("our app keeps crashing when users join a video call"), now=NOW)
    assert first.kind == "follow_up", first.text
    assert "sdk_version" in first.missing
    log = (
        b"2026-11-18 10:01:02 E/NimbusRTC: join failed code=NR-5003 sdk=2.14.2\n"
        b"FATAL EXCEPTION: main\n"
    )
    second = service.handle(
        _slack(
            "Android 14, Pixel 7, Nimbus RTC SDK 2.14.2. Steps: 1. open app 2. join room 3. crash. "
            "Expected to join, actually it crashes. About 30% of our users in production.",
            uploads=(Upload("nimbus.log", "text/plain", log),),
        ),
        now=NOW + M,
    )
    assert second.kind == "ticket_opened", second.text
    (ticket,) = ctx.tickets.query()
    assert ticket.fields["sdk_version"] == "2.14.2"
    assert ticket.fields["platform"]
    assert ticket.channel == "slack" and ticket.thread_ref == "1763430000.000100"
    assert ticket.priority in ("P1", "P2") and ticket.priority_reason
    assert [a.filename for a in ctx.attachments.for_ticket(ticket.id)] == ["nimbus.log"]
    first_response = ticket.clock("first_response")
    assert first_response is not None and first_response.due_at is not None


def test_user_who_refuses_logs_still_gets_a_ticket(ctx: AppContext) -> None:
    service = build_conversation(ctx, knowledge=lambda: FakeAnswerer({}))
    service.handle(_slack("messages are not delivered on iOS after the app resumes"), now=NOW)
    asked = service.handle(_slack("it's on iOS"), now=NOW + M)
    assert asked.kind == "follow_up", asked.text
    reply = service.handle(
        _slack("I can't share logs, sorry. please just open it"), now=NOW + 2 * M
    )
    assert reply.kind == "ticket_opened", reply.text
    (ticket,) = ctx.tickets.query()
    assert "logs" in ticket.missing


def test_chinese_outage_opens_at_once(ctx: AppContext) -> None:
    service = build_conversation(ctx, knowledge=lambda: FakeAnswerer({}))
    reply = service.handle(
        _slack("线上所有用户都无法登录，App 启动就崩溃，已经持续 20 分钟了"), now=NOW
    )
    assert reply.kind in ("ticket_opened", "follow_up"), reply.text
    if reply.kind == "follow_up":
        reply = service.handle(_slack("Android, SDK 4.2.1，没有日志，直接提交"), now=NOW + M)
    assert reply.kind == "ticket_opened"
    (ticket,) = ctx.tickets.query()
    assert ticket.priority == "P1"
