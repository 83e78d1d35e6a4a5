"""Ticket lifecycle: every change is an event; clocks are re-derived from the history.

The operations are the only way tickets change, so the SLA clocks, the audit trail, the
scheduler and who hears about it always agree. Staff actions — take, assign, acknowledge,
reply (public), note (internal), wait on the customer, resolve, reopen, change priority (with a
reason), merge — are the same here for the web staff page, Slack buttons and the CLI.

Listeners get each :class:`Change` after it is stored: the scheduler re-arms its wake-up, and
:class:`bot.notify.audience.Audience` decides who hears what (the customer, engineers...).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.errors import Conflict, InvalidInput
from bot.store.records import ClockRecord, NewTicket, Ticket, TicketEvent
from bot.store.tickets import EventSpec, TicketStore

PRIORITIES = ("P1", "P2", "P3", "P4")


class ClockKeeper(Protocol):
    """Derives a ticket's SLA clocks from its history (see ``bot.sla_clocks``)."""

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]: ...


class NoClocks:
    """A keeper for set-ups without SLA policies (and for tests of other things)."""

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        return ()


@dataclass(frozen=True)
class Change:
    """What just happened to a ticket: the event recorded (``kind`` is its kind, e.g.
    ``opened``, ``message``, ``acknowledged``), or ``changed`` when only the clocks moved."""

    ticket: Ticket
    kind: str = "changed"
    actor_kind: str = "system"
    actor: str = ""
    body: str = ""
    data: Mapping[str, Any] = field(default_factory=dict)
    at: dt.datetime | None = None
    first_response: bool = False  # this change was the ticket's first human response

    @property
    def public_reply(self) -> bool:
        """A staff message meant for the customer."""
        return self.kind == "message" and self.actor_kind == "agent"


Listener = Callable[[Change], None]


class TicketDesk:
    def __init__(
        self,
        *,
        store: TicketStore,
        keeper: ClockKeeper | None = None,
        listeners: Sequence[Listener] = (),
    ) -> None:
        self.store = store
        self.keeper: ClockKeeper = keeper or NoClocks()
        self.listeners = list(listeners)

    # -- opening ---------------------------------------------------------------------------
    def open(self, new: NewTicket, *, now: dt.datetime) -> Ticket:
        if new.priority not in PRIORITIES:
            raise InvalidInput(f"priority must be one of {', '.join(PRIORITIES)}")
        ticket = self.store.create(new, now=now, recompute=self.keeper.clocks)
        return self.changed(ticket, Change(ticket, "opened", "customer", new.requester, at=now))

    # -- conversation ----------------------------------------------------------------------
    def agent_reply(
        self,
        ticket: Ticket,
        *,
        agent: str,
        body: str,
        now: dt.datetime,
        in_thread: bool = False,
    ) -> Ticket:
        """A human agent answers the customer (public): the first response if none came yet.
        ``in_thread``: written where the customer reads it already (a staff member in the
        customer's Slack thread), so nobody needs to pass it on."""
        changes = {} if ticket.first_response_at else {"first_response_at": now}
        data = {"in_thread": True} if in_thread else {}
        return self._record(ticket, EventSpec("message", now, "agent", agent, body, data), changes)

    def bot_reply(self, ticket: Ticket, *, body: str, now: dt.datetime) -> Ticket:
        """The bot said something on the ticket; it never counts as a response."""
        return self._record(ticket, EventSpec("message", now, "bot", "deskbot", body), {})

    def customer_reply(self, ticket: Ticket, *, author: str, body: str, now: dt.datetime) -> Ticket:
        """The customer writes; a ticket waiting on them resumes its resolution clock."""
        ticket = self._record(ticket, EventSpec("message", now, "customer", author, body), {})
        if ticket.status == "waiting_on_customer":
            try:
                ticket = self._record(
                    ticket,
                    EventSpec(
                        "resumed", now, "customer", author, data={"reason": "customer replied"}
                    ),
                    {"status": "open"},
                    only_if={"status": "waiting_on_customer"},
                )
            except Conflict:  # resolved (or resumed) meanwhile: that stands
                ticket = self.store.get(ticket.id)
        return ticket

    def note(self, ticket: Ticket, *, agent: str, body: str, now: dt.datetime) -> Ticket:
        """An internal note: visible to staff, never shown to the customer, not a response."""
        return self._record(ticket, EventSpec("note", now, "agent", agent, body), {})

    # -- work ------------------------------------------------------------------------------
    def acknowledge(self, ticket: Ticket, *, agent: str, now: dt.datetime) -> Ticket:
        changes: dict[str, object] = {} if ticket.first_response_at else {"first_response_at": now}
        if ticket.assignee_id is None:
            changes["assignee_id"] = agent
        if ticket.stage == "new":
            changes["stage"] = "investigating" if ticket.kind != "upgrade" else ticket.stage
        return self._record(ticket, EventSpec("acknowledged", now, "agent", agent), changes)

    def assign(self, ticket: Ticket, *, assignee: str, by: str, now: dt.datetime) -> Ticket:
        """Give the ticket to ``assignee`` (not a response: they have not started yet)."""
        if ticket.assignee_id == assignee:
            return ticket
        event = EventSpec("assigned", now, "agent", by, data={"assignee": assignee})
        return self._record(ticket, event, {"assignee_id": assignee})

    def take(self, ticket: Ticket, *, agent: str, now: dt.datetime) -> Ticket:
        """``agent`` takes the ticket: assigned to them and, if nobody had responded yet,
        acknowledged — taking a ticket is starting work on it."""
        self._require_open(ticket)
        taken = self.assign(ticket, assignee=agent, by=agent, now=now)
        if taken.first_response_at is None:
            taken = self.acknowledge(taken, agent=agent, now=now)
        return taken

    def wait_on_customer(
        self, ticket: Ticket, *, agent: str, now: dt.datetime, body: str = ""
    ) -> Ticket:
        self._require_open(ticket)
        if ticket.status == "waiting_on_customer":
            return ticket
        event = EventSpec("waiting_on_customer", now, "agent", agent, body)
        return self._record(ticket, event, {"status": "waiting_on_customer"})

    def resolve(self, ticket: Ticket, *, by: str, now: dt.datetime, body: str = "") -> Ticket:
        self._require_open(ticket)
        event = EventSpec("resolved", now, "agent", by, body)
        return self._record(
            ticket, event, {"status": "resolved", "resolved_at": now, "stage": "resolved"}
        )

    def reopen(
        self,
        ticket: Ticket,
        *,
        by: str,
        now: dt.datetime,
        body: str = "",
        actor_kind: str = "customer",
    ) -> Ticket:
        if ticket.is_open:
            raise InvalidInput(f"{ticket.key} is already open")
        event = EventSpec("reopened", now, actor_kind, by, body)  # type: ignore[arg-type]
        return self._record(
            ticket, event, {"status": "open", "resolved_at": None, "stage": "reopened"}
        )

    def change_priority(
        self, ticket: Ticket, *, priority: str, reason: str, by: str, now: dt.datetime
    ) -> Ticket:
        if priority not in PRIORITIES:
            raise InvalidInput(f"priority must be one of {', '.join(PRIORITIES)}")
        if priority == ticket.priority:
            return ticket
        data = {"from": ticket.priority, "to": priority, "reason": reason}
        event = EventSpec("priority_changed", now, "agent", by, reason, data)
        return self._record(ticket, event, {"priority": priority, "priority_reason": reason})

    def merge(
        self, duplicate: Ticket, *, into: Ticket, by: str, now: dt.datetime
    ) -> tuple[Ticket, Ticket]:
        """Close ``duplicate`` in favour of ``into``: each history says so, the customer is told
        where to follow it, and the duplicate's stage becomes ``merged``."""
        if duplicate.id == into.id:
            raise InvalidInput("a ticket cannot be merged into itself")
        if not duplicate.is_open:
            raise InvalidInput(f"{duplicate.key} is {duplicate.status} already")
        kept = self.note(
            into, agent=by, body=f"{duplicate.key} merged into this ticket: {duplicate.subject}",
            now=now,
        )  # fmt: skip
        closed = self.resolve(
            duplicate, by=by, now=now,
            body=f"Merged into {into.key} ({into.subject}); updates continue there.",
        )  # fmt: skip
        return self.set_stage(closed, stage="merged", by=by, now=now), kept

    def set_stage(self, ticket: Ticket, *, stage: str, by: str, now: dt.datetime) -> Ticket:
        data = {"from": ticket.stage, "to": stage}
        return self._record(
            ticket, EventSpec("stage_changed", now, "agent", by, data=data), {"stage": stage}
        )

    def update_fields(
        self,
        ticket: Ticket,
        *,
        fields: dict[str, object],
        missing: list[str],
        by: str,
        now: dt.datetime,
    ) -> Ticket:
        merged = {**ticket.fields, **{k: v for k, v in fields.items() if v}}
        event = EventSpec("fields_updated", now, "customer", by, data={"fields": sorted(fields)})
        return self._record(ticket, event, {"fields": merged, "missing": missing})

    def recompute(self, ticket: Ticket) -> Ticket:
        return self.changed(self.store.recompute(ticket.id, self.keeper.clocks))

    def changed(self, ticket: Ticket, change: Change | None = None) -> Ticket:
        """Tell the listeners (the scanner calls it for tickets whose clocks it moved)."""
        change = change if change is not None else Change(ticket)
        for listener in self.listeners:
            listener(change)
        return ticket

    # -- internals -------------------------------------------------------------------------
    def _record(
        self,
        ticket: Ticket,
        event: EventSpec,
        changes: Mapping[str, object],
        *,
        only_if: Mapping[str, object] | None = None,
    ) -> Ticket:
        updated = self.store.record(
            ticket.id, event, changes=changes, recompute=self.keeper.clocks, only_if=only_if
        )
        body = self.store.redactor.redact(event.body)  # as stored: what anyone may be told
        change = Change(
            updated, event.kind, event.actor_kind, event.actor or "", body, dict(event.data),
            at=event.at, first_response="first_response_at" in changes,
        )  # fmt: skip
        return self.changed(updated, change)

    @staticmethod
    def _require_open(ticket: Ticket) -> None:
        if not ticket.is_open:
            raise InvalidInput(f"{ticket.key} is {ticket.status}; reopen it first")
