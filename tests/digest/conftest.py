"""Fixtures for the digest and analytics tests: a keeper whose due times the test chooses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from bot.context import AppContext
from bot.store.records import ClockRecord, NewTicket, Ticket, TicketEvent

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


class FieldKeeper:
    """Derives clocks from targets the test writes into the ticket's fields.

    ``fr_hours`` and ``res_hours`` set the first-response and resolution targets from opening
    (wall-clock); a missing one means no such clock. Waiting on the customer pauses resolution.
    """

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        out = []
        if (hours := ticket.fields.get("fr_hours")) is not None:
            due = ticket.opened_at + hours * H
            stopped = ticket.first_response_at
            out.append(
                ClockRecord(
                    name="first_response", calendar="24x7", started_at=ticket.opened_at,
                    target_seconds=int(hours * 3600), due_at=due, stopped_at=stopped,
                    breached=stopped is not None and stopped > due,
                )
            )  # fmt: skip
        if (hours := ticket.fields.get("res_hours")) is not None:
            paused = ticket.status == "waiting_on_customer"
            due = ticket.opened_at + hours * H
            stopped = ticket.resolved_at
            out.append(
                ClockRecord(
                    name="resolution", calendar="24x7", started_at=ticket.opened_at,
                    target_seconds=int(hours * 3600), due_at=None if paused else due,
                    stopped_at=stopped, paused=paused,
                    breached=stopped is not None and stopped > due,
                )
            )  # fmt: skip
        return out


@pytest.fixture
def desk_ctx(ctx: AppContext) -> AppContext:
    """``ctx`` with the field-driven keeper, so tests choose every due time, and Slack on (a
    recording transport), so digests go by Slack DM."""
    from tests.scheduler.test_outbox import ScriptedNotifier

    ctx.transports["slack"] = ScriptedNotifier("slack")  # type: ignore[index]
    ctx.desk.keeper = FieldKeeper()
    return ctx


def open_ticket(
    ctx: AppContext,
    account: str,
    *,
    at: dt.datetime,
    priority: str = "P3",
    kind: str = "bug",
    subject: str = "Something broke",
    fr_hours: float | None = None,
    res_hours: float | None = None,
    channel: str = "web",
    channel_ref: str | None = None,
) -> Ticket:
    fields: dict[str, object] = {}
    if fr_hours is not None:
        fields["fr_hours"] = fr_hours
    if res_hours is not None:
        fields["res_hours"] = res_hours
    return ctx.desk.open(
        NewTicket(
            account_id=account, kind=kind, priority=priority, subject=subject,
            requester="U-customer", fields=fields, channel=channel, channel_ref=channel_ref,
            thread_ref="1700000000.000100" if channel == "slack" else None, body=subject,
        ),
        now=at,
    )  # fmt: skip
