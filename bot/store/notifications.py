"""Escalations fired and the outbox of notifications to deliver."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

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
        try:
            with self.db.session() as session:
                row = EscalationRow(
                    ticket_id=step.ticket_id, clock=step.clock, level=step.level,
                    fraction=step.fraction, due_at=step.due_at, fired_at=now, late=late,
                    recipients=list(step.recipients),
                )  # fmt: skip
                session.add(row)
                session.flush()
                for delivery in deliveries:
                    session.add(self._outbox_row(delivery, now, step.ticket_id, row.id))
                session.flush()
                return _escalation(row)
        except IntegrityError:
            return None

    def enqueue(
        self, delivery: Delivery, *, now: dt.datetime, ticket_id: int | None = None
    ) -> OutboxItem:
        with self.db.session() as session:
            row = self._outbox_row(delivery, now, ticket_id, None)
            session.add(row)
            session.flush()
            return _item(row)

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
            rows = session.execute(
                select(EscalationRow.clock, EscalationRow.level).where(
                    EscalationRow.ticket_id == ticket_id
                )
            )
            return {(str(c), int(lv)) for c, lv in rows}

    def due(self, now: dt.datetime, *, limit: int = 100) -> list[OutboxItem]:
        """Pending deliveries whose next attempt time has come."""
        with self.db.session() as session:
            rows = session.scalars(
                select(OutboxRow)
                .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
                .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                .limit(limit)
            )
            return [_item(r) for r in rows]

    def items(self, *, status: str | None = None, limit: int = 200) -> list[OutboxItem]:
        query = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
        if status is not None:
            query = query.where(OutboxRow.status == status)
        with self.db.session() as session:
            return [_item(r) for r in session.scalars(query)]

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
        return OutboxRow(
            escalation_id=escalation_id, ticket_id=ticket_id, transport=delivery.transport,
            target=delivery.target, payload=dict(delivery.payload), status="pending",
            attempts=0, next_attempt_at=now, created_at=now,
        )  # fmt: skip


def _escalation(row: EscalationRow) -> Escalation:
    return Escalation(
        id=row.id, ticket_id=row.ticket_id, clock=row.clock, level=row.level,
        fraction=row.fraction, due_at=row.due_at, fired_at=row.fired_at, late=row.late,
        recipients=list(row.recipients or []),
    )  # fmt: skip


def _item(row: OutboxRow) -> OutboxItem:
    return OutboxItem(
        id=row.id, transport=row.transport, target=row.target, payload=dict(row.payload or {}),
        status=row.status, attempts=row.attempts, next_attempt_at=row.next_attempt_at,
        created_at=row.created_at, ticket_id=row.ticket_id, escalation_id=row.escalation_id,
        last_error=row.last_error, sent_at=row.sent_at,
    )  # fmt: skip
