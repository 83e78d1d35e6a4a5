"""Firing the due escalation steps of many tickets in one transaction.

The SLA scan hands over a chunk of ticket ids and two functions: ``plan`` decides which steps
of one loaded ticket to fire, ``derive`` turns a ticket's history and fired steps into its
stored clocks. In one transaction this module

1. locks the tickets (PostgreSQL: ``FOR NO KEY UPDATE`` in id order, so two scanners cannot
   deadlock; SQLite: ``BEGIN IMMEDIATE``) — a rival scanner waits, then sees what this one fired;
2. loads them, their clocks, their histories and their fired steps with one ``IN`` query each;
3. records every planned step with ``ON CONFLICT DO NOTHING`` and queues the outbox items of the
   new ones (:func:`bot.store.notifications.record_steps`);
4. appends one ``escalated`` event per new step and moves the tickets' ``updated_at``;
5. re-derives every ticket's clocks — next unfired step, breach — and writes those that changed.

A ticket whose ``plan`` raises is left untouched and reported in :attr:`BatchResult.failed`;
the others go on. Anything else that fails rolls the whole chunk back and raises: the caller
splits the chunk and retries (see :mod:`bot.scheduler.scanner`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass, field, replace
from typing import Any, cast

from sqlalchemy import Table, delete, select, tuple_, update
from sqlalchemy.orm import Session

from bot.store.bulk import insert_rows, update_rows
from bot.store.db import Database
from bot.store.models import SlaClockRow, TicketEventRow, TicketRow
from bot.store.notifications import (
    Delivery,
    EscalationStep,
    StepRecord,
    fired_keys_of,
    record_steps,
)
from bot.store.records import ClockRecord, Escalation, Ticket, TicketEvent
from bot.store.tickets import EventSpec, clock_record, event_record, ticket_record

FiredKey = tuple[str, int]  # (escalation clock, level)

_CLOCK_FIELDS = (
    "target_seconds", "calendar", "started_at", "due_at", "stopped_at", "paused", "breached",
    "cycle", "next_escalation_at", "state",
)  # fmt: skip


@dataclass(frozen=True)
class DueTicket:
    """One ticket of the chunk as loaded inside the transaction."""

    ticket: Ticket
    events: tuple[TicketEvent, ...]
    fired: frozenset[FiredKey]


@dataclass(frozen=True)
class Firing:
    """A step to fire: its record, the outbox items and the audit event to add if it is new."""

    step: EscalationStep
    deliveries: tuple[Delivery, ...]
    late: bool
    audit: EventSpec

    @property
    def key(self) -> FiredKey:
        return (self.step.clock, self.step.level)


@dataclass(frozen=True)
class TicketOutcome:
    """What the chunk did to one ticket: the steps it fired, those a rival fired first."""

    ticket: Ticket  # as stored after the transaction (clocks re-derived)
    fired: tuple[tuple[Firing, Escalation], ...]
    already_fired: tuple[Firing, ...]


@dataclass
class BatchResult:
    outcomes: list[TicketOutcome] = field(default_factory=list)
    failed: dict[int, Exception] = field(default_factory=dict)  # ticket id -> what ``plan`` raised


Plan = Callable[[DueTicket], Sequence[Firing]]
# (ticket, history, fired steps, the instant of its latest event) -> its stored clocks
Derive = Callable[
    [Ticket, Sequence[TicketEvent], Set[FiredKey], dt.datetime], Sequence[ClockRecord]
]


class SlaBatchStore:
    """Fires the planned steps of a chunk of tickets atomically (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def fire(
        self, ticket_ids: Sequence[int], *, now: dt.datetime, plan: Plan, derive: Derive
    ) -> BatchResult:
        """One transaction for ``ticket_ids``; keep the chunk bounded (a few hundred)."""
        result = BatchResult()
        if not ticket_ids:
            return result
        with self.db.session() as session:
            if self.db.dialect == "sqlite":
                # pysqlite opens a transaction only before a write, so reads would run
                # unlocked; an explicit BEGIN IMMEDIATE takes the write lock first (waiting for
                # another writer up to busy_timeout) and is kept until the commit.
                session.connection().exec_driver_sql("BEGIN IMMEDIATE")
            tickets = _lock_tickets(session, ticket_ids)
            histories = _events(session, list(tickets))
            fired = fired_keys_of(session, list(tickets))
            planned: dict[int, list[Firing]] = {}
            for ticket_id, ticket in tickets.items():
                due = DueTicket(ticket, tuple(histories[ticket_id]), frozenset(fired[ticket_id]))
                try:
                    planned[ticket_id] = list(plan(due))
                except Exception as exc:  # this ticket's data: the others go on
                    result.failed[ticket_id] = exc
            firings = [f for plans in planned.values() for f in plans]
            records = record_steps(
                session, [StepRecord(f.step, f.deliveries, f.late) for f in firings], now=now
            )
            new: dict[int, list[tuple[Firing, Escalation]]] = defaultdict(list)
            for firing, record in zip(firings, records, strict=True):
                if record is not None:
                    new[firing.step.ticket_id].append((firing, record))
            audits = [(t, f.audit) for t, pairs in new.items() for f, _ in pairs]
            updated_at = _append_events(session, tickets, audits)
            derived: dict[int, tuple[Ticket, Sequence[ClockRecord]]] = {}
            for ticket_id, plans in planned.items():
                ticket, history = tickets[ticket_id], histories[ticket_id]
                # Evaluated at the latest event — an appended ``escalated`` one, if any, which
                # moves no clock itself but is the history's new "now".
                latest = [e.at for e in history] + [f.audit.at for f, _ in new[ticket_id]]
                keys = fired[ticket_id] | {f.key for f in plans}  # new, or a rival's: fired
                clocks = derive(ticket, history, keys, max(latest)) if latest else ()
                derived[ticket_id] = (ticket, clocks)
            _store_clocks(session, derived)
            for ticket_id, plans in planned.items():
                ticket, clocks = derived[ticket_id]
                mine = tuple(new[ticket_id])
                recorded = {id(f) for f, _ in mine}
                stored = replace(
                    ticket,
                    updated_at=updated_at[ticket_id],
                    clocks=tuple(sorted(clocks, key=lambda c: c.name)),
                )
                rivals = tuple(f for f in plans if id(f) not in recorded)
                result.outcomes.append(TicketOutcome(stored, mine, rivals))
        return result


def _lock_tickets(session: Session, ticket_ids: Sequence[int]) -> dict[int, Ticket]:
    """The tickets with their clocks, locked against other writers until the end of the
    transaction; in id order."""
    tickets = cast(Table, TicketRow.__table__)
    clocks = cast(Table, SlaClockRow.__table__)
    ids = sorted(set(ticket_ids))
    rows = session.execute(
        select(tickets)
        .where(tickets.c.id.in_(ids))
        .order_by(tickets.c.id)
        .with_for_update(key_share=True)  # NO KEY UPDATE: rows referencing a ticket may be added
    ).all()
    per_ticket: dict[int, list[ClockRecord]] = defaultdict(list)
    for row in session.execute(select(clocks).where(clocks.c.ticket_id.in_(ids))):
        per_ticket[int(row.ticket_id)].append(clock_record(row))
    return {
        int(row.id): ticket_record(row, sorted(per_ticket[int(row.id)], key=lambda c: c.name))
        for row in rows
    }


def _events(session: Session, ticket_ids: Sequence[int]) -> dict[int, list[TicketEvent]]:
    """Each ticket's history, oldest first."""
    table = cast(Table, TicketEventRow.__table__)
    out: dict[int, list[TicketEvent]] = {t: [] for t in ticket_ids}
    if not out:
        return out
    rows = session.execute(
        select(table).where(table.c.ticket_id.in_(list(out))).order_by(table.c.id)
    )
    for row in rows:
        out[int(row.ticket_id)].append(event_record(row))
    return out


def _append_events(
    session: Session, tickets: Mapping[int, Ticket], items: Sequence[tuple[int, EventSpec]]
) -> dict[int, dt.datetime]:
    """Append events to the histories (in the given order); each ticket's ``updated_at``
    after it, moved to its latest new event."""
    updated_at = {t: ticket.updated_at for t, ticket in tickets.items()}
    if not items:
        return updated_at
    values = [
        {"ticket_id": t, "kind": e.kind, "at": e.at, "actor_kind": e.actor_kind,
         "actor": e.actor, "body": e.body, "data": dict(e.data)}
        for t, e in items
    ]  # fmt: skip
    insert_rows(session, cast(Table, TicketEventRow.__table__), values)
    moved: dict[dt.datetime, list[int]] = defaultdict(list)  # new updated_at -> tickets
    latest: dict[int, dt.datetime] = {}
    for ticket_id, event in items:
        latest[ticket_id] = max(event.at, latest.get(ticket_id, event.at))
    for ticket_id, at in latest.items():
        if at > updated_at[ticket_id]:
            updated_at[ticket_id] = at
            moved[at].append(ticket_id)
    table = cast(Table, TicketRow.__table__)
    for at, ids in moved.items():  # one statement per instant: the scan's ``now``, usually
        session.execute(update(table).where(table.c.id.in_(ids)).values(updated_at=at))
    return updated_at


def _store_clocks(
    session: Session, clocks: Mapping[int, tuple[Ticket, Sequence[ClockRecord]]]
) -> None:
    """Write the re-derived clocks that differ from the stored ones (add new, drop stale)."""
    table = cast(Table, SlaClockRow.__table__)
    changed: list[dict[str, Any]] = []
    added: list[dict[str, Any]] = []
    dropped: list[tuple[int, str]] = []
    for ticket_id, (ticket, derived) in clocks.items():
        stored = {c.name: c for c in ticket.clocks}
        for clock in derived:
            before = stored.pop(clock.name, None)
            if before == clock:
                continue
            values = {"ticket_id": ticket_id, "name": clock.name}
            values.update((name, getattr(clock, name)) for name in _CLOCK_FIELDS)
            (added if before is None else changed).append(values)
        dropped.extend((ticket_id, name) for name in stored)
    update_rows(session, table, changed, key=("ticket_id", "name"))
    insert_rows(session, table, added)
    if dropped:  # a clock the keeper no longer derives (none does today)
        session.execute(delete(table).where(tuple_(table.c.ticket_id, table.c.name).in_(dropped)))
