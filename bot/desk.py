"""Ticket lifecycle: every change is an event; clocks are re-derived from the history.

The operations (open, agent reply, acknowledge, wait on customer, customer reply, resolve,
reopen, change priority, assign, stage) are the only way tickets change, so the SLA clocks,
the audit trail and the scheduler always agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from bot.errors import InvalidInput
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


Listener = Callable[[Ticket], None]


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
        return self._changed(self.store.create(new, now=now, recompute=self.keeper.clocks))

    # -- conversation ----------------------------------------------------------------------
    def agent_reply(self, ticket: Ticket, *, agent: str, body: str, now: dt.datetime) -> Ticket:
        """A human agent answers the customer: this is the first response if none came yet."""
        changes = {} if ticket.first_response_at else {"first_response_at": now}
        return self._record(ticket, EventSpec("message", now, "agent", agent, body), changes)

    def bot_reply(self, ticket: Ticket, *, body: str, now: dt.datetime) -> Ticket:
        """The bot said something on the ticket; it never counts as a response."""
        return self._record(ticket, EventSpec("message", now, "bot", "deskbot", body), {})

    def customer_reply(self, ticket: Ticket, *, author: str, body: str, now: dt.datetime) -> Ticket:
        """The customer writes; a ticket waiting on them resumes its resolution clock."""
        ticket = self._record(ticket, EventSpec("message", now, "customer", author, body), {})
        if ticket.status == "waiting_on_customer":
            ticket = self._record(
                ticket,
                EventSpec("resumed", now, "customer", author, data={"reason": "customer replied"}),
                {"status": "open"},
            )
        return ticket

    def note(self, ticket: Ticket, *, agent: str, body: str, now: dt.datetime) -> Ticket:
        """An internal note: visible to staff, not a response to the customer."""
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
        event = EventSpec("assigned", now, "agent", by, data={"assignee": assignee})
        return self._record(ticket, event, {"assignee_id": assignee})

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
        return self._changed(self.store.recompute(ticket.id, self.keeper.clocks))

    # -- internals -------------------------------------------------------------------------
    def _record(self, ticket: Ticket, event: EventSpec, changes: Mapping[str, object]) -> Ticket:
        updated = self.store.record(ticket.id, event, changes=changes, recompute=self.keeper.clocks)
        return self._changed(updated)

    def _changed(self, ticket: Ticket) -> Ticket:
        for listener in self.listeners:
            listener(ticket)
        return ticket

    @staticmethod
    def _require_open(ticket: Ticket) -> None:
        if not ticket.is_open:
            raise InvalidInput(f"{ticket.key} is {ticket.status}; reopen it first")
