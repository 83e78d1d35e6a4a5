"""Shared by the store tests that fire escalation steps: a ticket and its ladder steps."""

from __future__ import annotations

import datetime as dt

from bot.context import AppContext
from bot.store.notifications import EscalationStep
from bot.store.records import NewTicket, Ticket
from tests.conftest import NOW

M = dt.timedelta(minutes=1)


def open_ticket(ctx: AppContext) -> Ticket:
    new = NewTicket(account_id="acme-games", kind="bug", priority="P2", subject="s", requester="u")
    return ctx.desk.open(new, now=NOW)


def step(ticket: Ticket, level: int) -> EscalationStep:
    """The first-response step at ``level`` of a one-hour target (50%, 75%, 100%)."""
    fraction = (0.5, 0.75, 1.0)[level]
    return EscalationStep(ticket.id, "first_response", level, fraction, NOW + 60 * fraction * M, [])
