"""The analytics CSV: one row per ticket opened in a period, for a spreadsheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.analytics.collect import clock_outcome
from bot.store.tickets import TicketFilter

if TYPE_CHECKING:
    from bot.context import AppContext

HEADER = (
    "key", "account", "account_name", "tier", "kind", "priority", "status", "stage", "subject",
    "opened_at", "first_response_minutes", "resolved_at", "resolution_hours",
    "first_response_sla", "resolution_sla", "assignee",
)  # fmt: skip


def ticket_rows(ctx: AppContext, *, since: dt.datetime, until: dt.datetime) -> Iterator[list[str]]:
    """The header, then each ticket opened in ``[since, until)``, oldest first."""
    yield list(HEADER)
    accounts = {a.id: a for a in ctx.config.accounts}
    tickets = ctx.tickets.query(TicketFilter(opened_since=since, limit=1_000_000))
    for t in sorted((t for t in tickets if t.opened_at < until), key=lambda t: t.id):
        account = accounts.get(t.account_id)
        first = t.first_response_at
        outcome = {c.name: clock_outcome(c, until) or "none" for c in t.clocks}
        person = ctx.config.person(t.assignee_id) if t.assignee_id else None
        yield [
            t.key, t.account_id, account.name if account else "", account.tier if account else "",
            t.kind, t.priority, t.status, t.stage, _cell(t.subject), t.opened_at.isoformat(),
            f"{(first - t.opened_at).total_seconds() / 60:.0f}" if first else "",
            t.resolved_at.isoformat() if t.resolved_at else "",
            f"{(t.resolved_at - t.opened_at).total_seconds() / 3600:.1f}" if t.resolved_at else "",
            outcome.get("first_response", "none"), outcome.get("resolution", "none"),
            person.name if person else (t.assignee_id or ""),
        ]  # fmt: skip


def _cell(text: str) -> str:
    # A cell starting with = + - @ is a formula to spreadsheets: customer text must not run.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
