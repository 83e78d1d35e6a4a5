"""Escalations fired and the outbox of notifications to deliver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from bot.store.bulk import insert_rows
from bot.store.db import Database
from bot.store.models import EscalationRow, OutboxRow
from bot.store.records import Escalation, OutboxItem


@dataclass(frozen=True)
class Delivery:
    """A notification to queue: which transport, to whom, what."""

    transport: str
    target: str
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class EscalationStep:
    ticket_id: int
    clock: str
    level: int
    fraction: float
    due_at: dt.datetime
    recipients: list[str]


class NotificationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def fire(
        self,
        step: EscalationStep,
        deliveries: Sequence[Delivery],
        *,
        now: dt.datetime,
        late: bool,
    ) -> Escalation | None:
        """Record the step and queue its deliveries in one transaction.

        Returns None when the step was already fired (by an earlier run or another worker):
        the unique key on (ticket, clock, level) makes firing idempotent.
        """
        with self.db.session() as session:
            return record_steps(session, [StepRecord(step, tuple(deliveries), late)], now=now)[0]

    def enqueue(
        self,
        delivery: Delivery,
        *,
        now: dt.datetime,
        ticket_id: int | None = None,
        not_before: dt.datetime | None = None,
    ) -> OutboxItem:
        """Queue one delivery; ``not_before`` keeps the outbox worker off it until then (the
        caller is delivering it at once and records the outcome)."""
        with self.db.session() as session:
            row = self._outbox_row(delivery, now, ticket_id, None)
            if not_before is not None:
                row.next_attempt_at = not_before
            session.add(row)
            session.flush()
            return outbox_item(row)

    def escalations(
        self, ticket_id: int | None = None, *, since: dt.datetime | None = None
    ) -> list[Escalation]:
        query = select(EscalationRow).order_by(EscalationRow.id)
        if ticket_id is not None:
            query = query.where(EscalationRow.ticket_id == ticket_id)
        if since is not None:
            query = query.where(EscalationRow.fired_at >= since)
        with self.db.session() as session:
            return [_escalation(r) for r in session.scalars(query)]

    def fired_keys(self, ticket_id: int) -> set[tuple[str, int]]:
        with self.db.session() as session:
            return fired_keys_of(session, [ticket_id])[ticket_id]

    def due(self, now: dt.datetime, *, limit: int = 100) -> list[OutboxItem]:
        """Pending deliveries whose next attempt time has come."""
        with self.db.session() as session:
            rows = session.scalars(
                select(OutboxRow)
                .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
            )
            return [outbox_item(r) for r in rows]

    def items(self, *, status: str | None = None, limit: int = 200) -> list[OutboxItem]:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        with self.db.session() as session:
            return [outbox_item(r) for r in session.scalars(query)]

    def mark_sent(self, item_id: int, *, now: dt.datetime) -> None:
        with self.db.session() as session:
            row = session.get(OutboxRow, item_id)
            if row is not None:
                row.status, row.sent_at, row.attempts = "sent", now, row.attempts + 1

    def mark_retry(self, item_id: int, *, error: str, retry_at: dt.datetime, give_up: bool) -> None:
        """Record a failed attempt; it stays visible as ``failed`` once we give up."""
        with self.db.session() as session:
            row = session.get(OutboxRow, item_id)
            if row is not None:
                row.attempts += 1
                row.last_error = error[:2000]
                row.next_attempt_at = retry_at
                row.status = "failed" if give_up else "pending"

    def postpone(self, item_id: int, *, until: dt.datetime) -> None:
        """Move a pending item's next attempt to ``until`` without counting an attempt."""
        with self.db.session() as session:
            row = session.get(OutboxRow, item_id)
            if row is not None and row.status == "pending":
                row.next_attempt_at = max(row.next_attempt_at, until)

    def get(self, item_id: int) -> OutboxItem | None:
        with self.db.session() as session:
            row = session.get(OutboxRow, item_id)
            return outbox_item(row) if row is not None else None

    def counts(self) -> dict[str, int]:
        with self.db.session() as session:
            rows = session.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            return {str(s): int(n) for s, n in rows}

    @staticmethod
    def _outbox_row(
        delivery: Delivery, now: dt.datetime, ticket_id: int | None, escalation_id: int | None
    ) -> OutboxRow:
        return outbox_row(delivery, now, ticket_id=ticket_id, escalation_id=escalation_id)


@dataclass(frozen=True)
class StepRecord:
    """A step to record with the deliveries to queue if it is new."""

    step: EscalationStep
    deliveries: tuple[Delivery, ...]
    late: bool


def fired_keys_of(session: Session, ticket_ids: Sequence[int]) -> dict[int, set[tuple[str, int]]]:
    """(clock, level) of every step already fired, per ticket (every id is a key)."""
    out: dict[int, set[tuple[str, int]]] = {int(t): set() for t in ticket_ids}
    if not out:
        return out
    rows = session.execute(
        select(EscalationRow.ticket_id, EscalationRow.clock, EscalationRow.level).where(
            EscalationRow.ticket_id.in_(list(out))
        )
    )
    for ticket_id, clock, level in rows:
        out[int(ticket_id)].add((str(clock), int(level)))
    return out


def record_steps(
    session: Session, steps: Sequence[StepRecord], *, now: dt.datetime
) -> list[Escalation | None]:
    """Record many steps and queue the deliveries of the new ones, in ``session``'s
    transaction; for each step its record, or None when it had been fired already.

    One ``INSERT ... ON CONFLICT DO NOTHING`` on the unique (ticket, clock, level) key: a step
    another worker fired first — even one committed while this transaction ran — is skipped
    without aborting the others (PostgreSQL waits for an uncommitted rival, then skips).
    """
    if not steps:
        return []
    values = [
        {
            "ticket_id": s.step.ticket_id, "clock": s.step.clock, "level": s.step.level,
            "fraction": s.step.fraction, "due_at": s.step.due_at, "fired_at": now,
            "late": s.late, "recipients": list(s.step.recipients),
        }
        for s in steps
    ]  # fmt: skip
    rows = insert_rows(
        session,
        cast(Table, EscalationRow.__table__),
        values,
        skip_conflicts_on=("ticket_id", "clock", "level"),
        returning=("id", "ticket_id", "clock", "level"),
    )
    created = {(int(r.ticket_id), str(r.clock), int(r.level)): int(r.id) for r in rows}
    out: list[Escalation | None] = []
    outbox: list[dict[str, Any]] = []
    for item in steps:
        step = item.step
        # pop: the same step twice in one call is recorded once
        row_id = created.pop((step.ticket_id, step.clock, step.level), None)
        if row_id is None:
            out.append(None)
            continue
        out.append(
            Escalation(
                id=row_id, ticket_id=step.ticket_id, clock=step.clock, level=step.level,
                fraction=step.fraction, due_at=step.due_at, fired_at=now, late=item.late,
                recipients=list(step.recipients),
            )
        )  # fmt: skip
        outbox.extend(_outbox_values(d, now, step.ticket_id, row_id) for d in item.deliveries)
    insert_rows(session, cast(Table, OutboxRow.__table__), outbox)
    return out


def outbox_row(
    delivery: Delivery,
    now: dt.datetime,
    *,
    ticket_id: int | None = None,
    escalation_id: int | None = None,
) -> OutboxRow:
    """A pending outbox row, for a caller queueing inside its own transaction."""
    return OutboxRow(**_outbox_values(delivery, now, ticket_id, escalation_id))


def _outbox_values(
    delivery: Delivery, now: dt.datetime, ticket_id: int | None, escalation_id: int | None
) -> dict[str, Any]:
    return {
        "escalation_id": escalation_id, "ticket_id": ticket_id, "transport": delivery.transport,
        "target": delivery.target, "payload": dict(delivery.payload), "status": "pending",
        "attempts": 0, "next_attempt_at": now, "created_at": now, "last_error": None,
        "sent_at": None,
    }  # fmt: skip


def _escalation(row: EscalationRow) -> Escalation:
    return Escalation(
        id=row.id, ticket_id=row.ticket_id, clock=row.clock, level=row.level,
        fraction=row.fraction, due_at=row.due_at, fired_at=row.fired_at, late=row.late,
        recipients=list(row.recipients or []),
    )  # fmt: skip


def outbox_item(row: OutboxRow) -> OutboxItem:
    """The record of an outbox row (also read by :mod:`bot.store.slack_posts`)."""
    return OutboxItem(
        id=row.id, transport=row.transport, target=row.target, payload=dict(row.payload or {}),
        status=row.status, attempts=row.attempts, next_attempt_at=row.next_attempt_at,
        created_at=row.created_at, ticket_id=row.ticket_id, escalation_id=row.escalation_id,
        last_error=row.last_error, sent_at=row.sent_at,
    )  # fmt: skip
