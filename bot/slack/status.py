"""Where tickets stand: ``/support status [SUP-1042]`` and the App Home tab.

A customer sees only their own account's tickets: another account's key looks exactly like a
missing one. Staff see any ticket; CSMs get their accounts' at-risk tickets on Home.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config import Person
from bot.errors import NotFound
from bot.slack.blocks import Block, due_phrase
from bot.slack.cards import CLOCK_NAMES
from bot.slack.runtime import SlackRuntime
from bot.store.records import ClockRecord, Ticket
from bot.store.tickets import TicketFilter

AT_RISK_WINDOW = dt.timedelta(hours=1)
AT_RISK_SHARE = 0.25  # less than a quarter of the target left
HOME_LIMIT = 20


def next_due(ticket: Ticket) -> ClockRecord | None:
    """The running clock that falls due first."""
    running = [
        c for c in ticket.clocks if c.due_at is not None and c.stopped_at is None and not c.paused
    ]
    return min(running, key=lambda c: c.due_at) if running else None  # type: ignore[arg-type, return-value]


def at_risk(ticket: Ticket, *, now: dt.datetime) -> bool:
    clock = next_due(ticket)
    if clock is None or clock.due_at is None:
        return False
    left = clock.due_at - now
    if clock.breached or left <= AT_RISK_WINDOW:
        return True
    return bool(clock.target_seconds) and left.total_seconds() < AT_RISK_SHARE * float(
        clock.target_seconds or 0
    )


def ticket_line(ticket: Ticket, *, timezone: str, now: dt.datetime) -> str:
    line = f"*{ticket.key}* {ticket.priority} · {ticket.stage} · {_esc(ticket.subject)[:120]}"
    clock = next_due(ticket)
    if ticket.status == "waiting_on_customer":
        line += "\n    waiting on you: reply in the ticket's thread"
    elif clock is not None and clock.due_at is not None:
        verb = "overdue since" if clock.due_at <= now else "next:"
        label = CLOCK_NAMES.get(clock.name, clock.name)
        line += f"\n    {verb} {label} by {due_phrase(clock.due_at, timezone, now=now)}"
    return line


def status_text(rt: SlackRuntime, *, user: str, channel: str | None, key: str | None) -> str:
    """The ephemeral answer to ``/support status``."""
    now = rt.now()
    person = rt.ctx.config.person_for_slack_user(user)
    account = rt.account_for(channel)
    tz = person.timezone if person else (account.timezone if account else "UTC")
    if key:
        try:
            scope = None if person is not None else (account.id if account else "-")
            ticket = rt.ctx.tickets.get(key.upper(), account_id=scope)
        except NotFound:
            return f"I can't find a ticket {key.upper()} for this channel's account."
        return ticket_line(ticket, timezone=tz, now=now)
    if person is not None:
        tickets = rt.ctx.tickets.query(TicketFilter(open_only=True, assignee_id=person.id))
        empty = "Nothing is assigned to you right now."
    else:
        account_id = account.id if account else "-"
        tickets = [
            t
            for t in rt.ctx.tickets.query(TicketFilter(open_only=True, account_id=account_id))
            if t.requester == user
        ]
        empty = "You have no open tickets with us here. `/support bug` reports one."
    if not tickets:
        return empty
    return "\n".join(ticket_line(t, timezone=tz, now=now) for t in tickets[:HOME_LIMIT])


def home_view(rt: SlackRuntime, *, user: str) -> dict[str, Any]:
    """The App Home tab for ``user``."""
    now = rt.now()
    person = rt.ctx.config.person_for_slack_user(user)
    open_tickets = rt.ctx.tickets.query(TicketFilter(open_only=True, limit=500))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "deskbot"}},
    ]
    if person is None:
        mine = [t for t in open_tickets if t.requester == user]
        tz = _customer_timezone(rt, mine)
        _section(
            blocks,
            "Your open tickets",
            mine,
            timezone=tz,
            now=now,
            empty="No open tickets. Ask in your support channel or use `/support bug`.",
        )
    else:
        mine = [t for t in open_tickets if t.assignee_id == person.id]
        _section(
            blocks,
            "Assigned to you",
            mine,
            timezone=person.timezone,
            now=now,
            empty="Nothing assigned to you.",
        )
        watched = _watched_accounts(rt, person)
        if watched is not None:
            risky = [t for t in open_tickets if t.account_id in watched and at_risk(t, now=now)]
            _section(
                blocks,
                "At risk on your accounts",
                risky,
                timezone=person.timezone,
                now=now,
                empty="No ticket on your accounts is at risk.",
            )
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": f"Updated {now.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"}
            ],
        }
    )
    return {"type": "home", "blocks": blocks[:100]}


def _watched_accounts(rt: SlackRuntime, person: Person) -> set[str] | None:
    if "manager" in person.roles or "admin" in person.roles:
        return {a.id for a in rt.ctx.config.accounts}
    if "csm" in person.roles:
        return {a.id for a in rt.ctx.config.accounts if a.csm == person.id}
    return None


def _customer_timezone(rt: SlackRuntime, tickets: list[Ticket]) -> str:
    for ticket in tickets:
        account = rt.ctx.config.account(ticket.account_id)
        if account is not None:
            return account.timezone
    return "UTC"


def _section(
    blocks: list[Block],
    title: str,
    tickets: list[Ticket],
    *,
    timezone: str,
    now: dt.datetime,
    empty: str,
) -> None:
    blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}})
    if not tickets:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": empty}]})
    for ticket in tickets[:HOME_LIMIT]:
        text = ticket_line(ticket, timezone=timezone, now=now)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    blocks.append({"type": "divider"})


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
