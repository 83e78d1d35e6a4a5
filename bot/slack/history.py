"""What a ticket's history says for its cards: who acknowledged it and when, who took it, and
the last thing that happened, in a line.

Times for staff are written with Slack's date token (``<!date^…>``), so every reader sees them
in their own time zone; the fallback is UTC.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from bot.config import OrgConfig
from bot.names import TicketNames
from bot.store.records import Ticket, TicketEvent

_STAFF_KINDS = {
    "acknowledged": "Acknowledged",
    "assigned": "Assigned",
    "waiting_on_customer": "Waiting on the customer",
    "resolved": "Resolved",
    "reopened": "Reopened",
    "priority_changed": "Priority changed",
    "stage_changed": "Stage changed",
    "escalated": "Escalated",
}


@dataclass(frozen=True)
class Done:
    """An action and who did it when."""

    who: str
    at: dt.datetime


@dataclass(frozen=True)
class CardFacts:
    acknowledged: Done | None = None  # the first response (an acknowledgement or a reply)
    taken: Done | None = None  # the latest assignment
    last: str | None = None  # the latest action, as a line for the card


def slack_time(at: dt.datetime) -> str:
    """A time every Slack reader sees in their own zone (UTC where Slack cannot)."""
    fallback = at.astimezone(dt.UTC).strftime("%a %d %b %H:%M UTC")
    return f"<!date^{int(at.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def card_facts(ticket: Ticket, events: Sequence[TicketEvent], config: OrgConfig) -> CardFacts:
    names = TicketNames(config, ticket)
    acknowledged: Done | None = None
    taken: Done | None = None
    last: str | None = None
    for event in events:
        who = names.name(event.actor, event.actor_kind)
        first = acknowledged is None and event.actor_kind == "agent"
        if first and event.kind in ("acknowledged", "message"):
            acknowledged = Done(who, event.at)
        if event.kind == "assigned":
            assignee = str(event.data.get("assignee") or "")
            person = config.person(assignee)
            taken = Done(person.name if person else assignee or who, event.at)
        elif event.kind == "acknowledged" and ticket.assignee_id == event.actor and taken is None:
            taken = Done(who, event.at)
        line = _line(event, who)
        if line is not None:
            last = line
    return CardFacts(acknowledged, taken, last)


def _line(event: TicketEvent, who: str) -> str | None:
    when = slack_time(event.at)
    if event.kind in _STAFF_KINDS and event.actor_kind in ("agent", "customer"):
        by = "the customer" if event.actor_kind == "customer" else who
        return f"{_STAFF_KINDS[event.kind]} by {by} · {when}"
    if event.kind == "message" and event.actor_kind == "customer":
        return f"Customer wrote · {when}"
    if event.kind == "message" and event.actor_kind == "agent":
        return f"{who} replied to the customer · {when}"
    if event.kind == "note" and event.actor_kind == "agent":
        return f"Internal note by {who} · {when}"
    return None
