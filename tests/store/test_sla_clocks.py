"""Ticket lifecycle drives the SLA clocks stored with the ticket (real keeper, both databases)."""

from __future__ import annotations

import datetime as dt

from bot.context import AppContext
from bot.store.notifications import EscalationStep
from bot.store.records import NewTicket
from tests.conftest import NOW

M = dt.timedelta(minutes=1)


def _open(ctx: AppContext, account: str, priority: str) -> object:
    new = NewTicket(account_id=account, kind="bug", priority=priority, subject="s", requester="u")
    return ctx.desk.open(new, now=NOW)


def test_enterprise_p1_uses_the_account_override_and_the_ladder(ctx: AppContext) -> None:
    ticket = _open(ctx, "acme-games", "P1")  # contract: 15-minute P1 first response, 24x7
    first = ticket.clock("first_response")  # type: ignore[attr-defined]
    assert first.due_at == NOW + 15 * M and first.calendar == "24x7"
    # enterprise ladder: 0.5, 0.75, 1.0 of 15 minutes
    assert first.state["steps"][1]["fire_at"] == (NOW + dt.timedelta(minutes=11.25)).isoformat()
    resolution = ticket.clock("resolution")  # type: ignore[attr-defined]
    assert resolution.due_at == NOW + dt.timedelta(hours=8)
    assert ctx.tickets.next_wakeup() == NOW + 7.5 * M


def test_business_hours_target_for_a_basic_account(ctx: AppContext) -> None:
    ticket = _open(ctx, "pixelpals", "P3")  # basic: 8 business hours; Wed 10:00 Shanghai
    first = ticket.clock("first_response")  # type: ignore[attr-defined]
    # 7.5 h left on Wednesday (10:00-17:30), then 0.5 h on Thursday: Thu 09:30 Shanghai
    assert first.due_at == dt.datetime(2026, 11, 19, 1, 30, tzinfo=dt.UTC)


def test_acknowledge_stops_first_response_and_pause_moves_resolution(ctx: AppContext) -> None:
    ticket = _open(ctx, "acme-games", "P2")  # enterprise P2: 1 h / 8 h, 24x7
    ticket = ctx.desk.bot_reply(ticket, body="auto", now=NOW + M)  # type: ignore[arg-type]
    assert ticket.clock("first_response").stopped_at is None  # type: ignore[union-attr]
    ticket = ctx.desk.acknowledge(ticket, agent="eng-chen", now=NOW + 10 * M)
    assert ticket.clock("first_response").stopped_at == NOW + 10 * M  # type: ignore[union-attr]
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-chen", now=NOW + 60 * M)
    resolution = ticket.clock("resolution")
    assert resolution is not None and resolution.paused and resolution.due_at is None
    assert resolution.next_escalation_at is None, "nothing fires while paused"
    ticket = ctx.desk.customer_reply(ticket, author="u", body="here", now=NOW + 180 * M)
    resolution = ticket.clock("resolution")
    assert resolution is not None and not resolution.paused
    assert resolution.due_at == NOW + dt.timedelta(hours=8) + 120 * M
    assert resolution.state["pauses"] == [[(NOW + 60 * M).isoformat(), (NOW + 180 * M).isoformat()]]


def test_fired_steps_are_skipped_when_clocks_are_rederived(ctx: AppContext) -> None:
    ticket = _open(ctx, "acme-games", "P2")
    first = ticket.clock("first_response")  # type: ignore[attr-defined]
    assert first.next_escalation_at == NOW + 30 * M
    step = EscalationStep(ticket.id, "first_response", 0, 0.5, NOW + 30 * M, ["assignee"])  # type: ignore[attr-defined]
    ctx.notifications.fire(step, [], now=NOW + 30 * M, late=False)
    ticket = ctx.desk.recompute(ticket)  # type: ignore[arg-type]
    assert ticket.clock("first_response").next_escalation_at == NOW + 45 * M  # type: ignore[union-attr]


def test_reopen_starts_a_new_escalation_cycle(ctx: AppContext) -> None:
    ticket = _open(ctx, "acme-games", "P2")
    ticket = ctx.desk.resolve(ticket, by="eng-li", now=NOW + 30 * M)  # type: ignore[arg-type]
    assert ticket.clock("resolution").next_escalation_at is None  # type: ignore[union-attr]
    ticket = ctx.desk.reopen(ticket, by="u", now=NOW + 60 * M)
    resolution = ticket.clock("resolution")
    assert resolution is not None and resolution.cycle == 1
    assert resolution.state["escalation_clock"] == "resolution#1"
    assert resolution.due_at == NOW + 60 * M + dt.timedelta(hours=8)


def test_a_fired_breach_step_marks_the_clock_breached_at_the_due_instant(ctx: AppContext) -> None:
    ticket = _open(ctx, "acme-games", "P2")  # first response due in 1 h
    due = NOW + 60 * M
    step = EscalationStep(ticket.id, "first_response", 2, 1.0, due, ["csm"])  # type: ignore[attr-defined]
    ctx.notifications.fire(step, [], now=due, late=False)
    ticket = ctx.desk.recompute(ticket)  # type: ignore[arg-type]
    assert ticket.clock("first_response").breached  # type: ignore[union-attr]
    assert not ticket.clock("resolution").breached  # type: ignore[union-attr]
