"""Tickets and their append-only history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.errors import AccessDenied, Conflict, InvalidInput, NotFound
from bot.store.db import Database
from bot.store.models import SlaClockRow, TicketEventRow, TicketRow
from bot.store.records import (
    OPEN_STATUSES,
    ActorKind,
    ClockRecord,
    NewTicket,
    Ticket,
    TicketEvent,
)
from bot.store.redaction import KeepText, TextRedactor, redact_fields

Recompute = Callable[[Ticket, Sequence[TicketEvent]], Sequence[ClockRecord]]

_UPDATABLE = {
    "status", "stage", "priority", "priority_reason", "assignee_id", "fields", "missing",
    "subject", "first_response_at", "resolved_at", "thread_ref", "channel_ref", "kind",
}  # fmt: skip


@dataclass(frozen=True)
class EventSpec:
    """An event to append: what happened, when, and who did it."""

    kind: str
    at: dt.datetime
    actor_kind: ActorKind
    actor: str | None = None
    body: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TicketFilter:
    account_id: str | None = None
    account_ids: Sequence[str] | None = None
    open_only: bool = False
    status: str | None = None
    priority: str | None = None
    kind: str | None = None
    assignee_id: str | None = None
    opened_since: dt.datetime | None = None
    updated_since: dt.datetime | None = None
    limit: int = 200
    offset: int = 0


class TicketStore:
    """Tickets: create, find, list, and apply events atomically with their derived clocks.
    Free text (subject, reason, fields, event bodies) goes through the redactor on the way in,
    whoever writes it: a customer's comment, a Slack form, an agent's reply."""

    def __init__(
        self,
        db: Database,
        *,
        prefix: str = "SUP",
        first_number: int = 1001,
        redactor: TextRedactor | None = None,
    ) -> None:
        self.db = db
        self.prefix = prefix
        self.first_number = first_number
        self.redactor: TextRedactor = redactor if redactor is not None else KeepText()

    def create(
        self, new: NewTicket, *, now: dt.datetime, recompute: Recompute | None = None
    ) -> Ticket:
        """Open a ticket with the next number and its ``opened`` event."""
        clean = self.redactor.redact
        new = replace(
            new,
            subject=clean(new.subject),
            priority_reason=clean(new.priority_reason),
            fields=redact_fields(self.redactor, new.fields),
            body=clean(new.body),
        )
        for _attempt in range(8):
            try:
                with self.db.session() as session:
                    number = (session.scalar(select(func.max(TicketRow.number))) or 0) + 1
                    number = max(number, self.first_number)
                    row = TicketRow(
                        number=number,
                        key=f"{self.prefix}-{number}",
                        account_id=new.account_id,
                        kind=new.kind,
                        priority=new.priority,
                        priority_reason=new.priority_reason,
                        status="open",
                        stage=new.stage,
                        subject=new.subject[:300] or "(no subject)",
                        fields=dict(new.fields),
                        missing=list(new.missing),
                        requester=new.requester,
                        requester_name=new.requester_name,
                        assignee_id=new.assignee_id,
                        channel=new.channel,
                        channel_ref=new.channel_ref,
                        thread_ref=new.thread_ref,
                        conversation_id=new.conversation_id,
                        opened_at=now,
                        updated_at=now,
                    )
                    session.add(row)
                    session.flush()
                    session.add(
                        TicketEventRow(
                            ticket_id=row.id, kind="opened", at=now, actor_kind="customer",
                            actor=new.requester, body=new.body,
                            data={"priority": new.priority, "kind": new.kind},
                        )
                    )  # fmt: skip
                    session.flush()
                    self._recompute(session, row, recompute)
                    return _ticket(row)
            except IntegrityError as exc:
                # Another worker took the number; try the next one.
                if "number" not in str(exc.orig) and "key" not in str(exc.orig):
                    raise
        raise InvalidInput("could not allocate a ticket number; try again")

    def record(
        self,
        ticket_id: int,
        event: EventSpec,
        *,
        changes: Mapping[str, Any] | None = None,
        recompute: Recompute | None = None,
        only_if: Mapping[str, Any] | None = None,
    ) -> Ticket:
        """Append ``event``, apply ``changes`` and recompute clocks, in one transaction.
        ``only_if``: the stored values this depends on (e.g. ``{"status": ...}``); when
        another action changed them first, nothing is recorded and :class:`Conflict` says so."""
        unknown = set(changes or {}) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot change {sorted(unknown)}")
        event = replace(event, body=self.redactor.redact(event.body))
        changes = {name: self._clean(name, value) for name, value in (changes or {}).items()}
        with self.db.session() as session:
            if only_if:
                self._claim(session, ticket_id, only_if)
            row = session.get(TicketRow, ticket_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no ticket with id {ticket_id}")
            for name, value in (changes or {}).items():
                setattr(row, name, value)
            row.updated_at = max(row.updated_at, event.at)
            session.add(
                TicketEventRow(
                    ticket_id=row.id, kind=event.kind, at=event.at, actor_kind=event.actor_kind,
                    actor=event.actor, body=event.body, data=dict(event.data),
                )
            )  # fmt: skip
            session.flush()
            session.refresh(row, ["events"])
            self._recompute(session, row, recompute)
            return _ticket(row)

    @staticmethod
    def _claim(session: Session, ticket_id: int, only_if: Mapping[str, Any]) -> None:
        """Lock the ticket only while it still has the ``only_if`` values, in one statement
        (SQLite has no ``SELECT … FOR UPDATE``: a read, then a write, would let another
        writer in between)."""
        conditions = [getattr(TicketRow, name) == value for name, value in only_if.items()]
        claimed = session.execute(
            update(TicketRow)
            .where(TicketRow.id == ticket_id, *conditions)
            .values(updated_at=TicketRow.updated_at)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return
        row = session.get(TicketRow, ticket_id)
        if row is None:
            raise NotFound(f"no ticket with id {ticket_id}")
        name = next(n for n, v in only_if.items() if getattr(row, n) != v)
        raise Conflict(f"{row.key} changed meanwhile: its {name} is {getattr(row, name)}")

    def _clean(self, name: str, value: Any) -> Any:
        if name in ("subject", "priority_reason") and isinstance(value, str):
            return self.redactor.redact(value)
        if name == "fields" and isinstance(value, Mapping):
            return redact_fields(self.redactor, value)
        return value

    def recompute(self, ticket_id: int, recompute: Recompute) -> Ticket:
        """Re-derive and store the clocks of a ticket (after a policy change, say)."""
        with self.db.session() as session:
            row = session.get(TicketRow, ticket_id, with_for_update=True)
            if row is None:
                raise NotFound(f"no ticket with id {ticket_id}")
            self._recompute(session, row, recompute)
            return _ticket(row)

    def get(self, ref: str | int, *, account_id: str | None = None) -> Ticket:
        """A ticket by key (``SUP-1042``, case-insensitive) or id.

        With ``account_id``, a ticket of another account is reported exactly like a missing
        one, so a customer cannot learn that it exists.
        """
        with self.db.session() as session:
            row = self._find(session, ref)
            if row is None or (account_id is not None and row.account_id != account_id):
                error = NotFound if row is None else AccessDenied
                raise error(f"no ticket {ref}")
            return _ticket(row)

    def find(self, ref: str | int) -> Ticket | None:
        with self.db.session() as session:
            row = self._find(session, ref)
            return None if row is None else _ticket(row)

    def query(self, filters: TicketFilter | None = None) -> list[Ticket]:
        f = filters or TicketFilter()
        query = select(TicketRow).options(selectinload(TicketRow.clocks))
        if f.account_id is not None:
            query = query.where(TicketRow.account_id == f.account_id)
        if f.account_ids is not None:
            query = query.where(TicketRow.account_id.in_(list(f.account_ids)))
        if f.open_only:
            query = query.where(TicketRow.status.in_(OPEN_STATUSES))
        if f.status is not None:
            query = query.where(TicketRow.status == f.status)
        if f.priority is not None:
            query = query.where(TicketRow.priority == f.priority)
        if f.kind is not None:
            query = query.where(TicketRow.kind == f.kind)
        if f.assignee_id is not None:
            query = query.where(TicketRow.assignee_id == f.assignee_id)
        if f.opened_since is not None:
            query = query.where(TicketRow.opened_at >= f.opened_since)
        if f.updated_since is not None:
            query = query.where(TicketRow.updated_at >= f.updated_since)
        query = query.order_by(TicketRow.number.desc()).limit(f.limit).offset(f.offset)
        with self.db.session() as session:
            return [_ticket(row) for row in session.scalars(query)]

    def with_text(self, text: str, ticket_ids: Sequence[int]) -> set[int]:
        """The tickets among ``ticket_ids`` with an event whose text contains ``text``
        (case-insensitive): the staff queue's search over conversations."""
        if not text or not ticket_ids:
            return set()
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = select(TicketEventRow.ticket_id).where(
            TicketEventRow.ticket_id.in_(list(ticket_ids)),
            TicketEventRow.body.ilike(pattern, escape="\\"),
        )
        with self.db.session() as session:
            return set(session.scalars(query.distinct()))

    def events(self, ticket_id: int) -> list[TicketEvent]:
        with self.db.session() as session:
            rows = session.scalars(
                select(TicketEventRow)
                .where(TicketEventRow.ticket_id == ticket_id)
                .order_by(TicketEventRow.id)
            )
            return [event_record(r) for r in rows]

    def due_clocks(self, now: dt.datetime, *, limit: int = 500) -> list[tuple[int, str]]:
        """(ticket id, clock name) whose next escalation time has come, oldest first."""
        with self.db.session() as session:
            rows = session.execute(
                select(SlaClockRow.ticket_id, SlaClockRow.name)
                .where(SlaClockRow.next_escalation_at <= now)
                .order_by(SlaClockRow.next_escalation_at)
                .limit(limit)
            )
            return [(int(t), str(n)) for t, n in rows]

    def next_wakeup(self) -> dt.datetime | None:
        """The earliest pending escalation time over all tickets."""
        with self.db.session() as session:
            return session.scalar(select(func.min(SlaClockRow.next_escalation_at)))

    def _find(self, session: Session, ref: str | int) -> TicketRow | None:
        query = select(TicketRow).options(selectinload(TicketRow.clocks))
        if isinstance(ref, int):
            return session.scalar(query.where(TicketRow.id == ref))
        text = ref.strip().upper()
        if text.isdigit():
            return session.scalar(query.where(TicketRow.number == int(text)))
        return session.scalar(query.where(TicketRow.key == text))

    def _recompute(self, session: Session, row: TicketRow, recompute: Recompute | None) -> None:
        if recompute is None:
            return
        events = [event_record(e) for e in row.events]
        clocks = recompute(_ticket(row), events)
        existing = {c.name: c for c in row.clocks}
        for clock in clocks:
            target = existing.pop(clock.name, None) or SlaClockRow(
                ticket_id=row.id, name=clock.name
            )
            for name in (
                "target_seconds", "calendar", "started_at", "due_at", "stopped_at", "paused",
                "breached", "cycle", "next_escalation_at", "state",
            ):  # fmt: skip
                setattr(target, name, getattr(clock, name))
            if target not in row.clocks:
                row.clocks.append(target)
        for stale in existing.values():
            row.clocks.remove(stale)
        session.flush()


def event_record(row: Any) -> TicketEvent:
    """An event from an ORM row or a Core row of ``ticket_events``."""
    return TicketEvent(
        id=row.id, kind=row.kind, at=row.at, actor_kind=row.actor_kind,
        actor=row.actor, body=row.body, data=dict(row.data or {}),
    )  # fmt: skip


def clock_record(row: Any) -> ClockRecord:
    """A clock from an ORM row or a Core row of ``sla_clocks``."""
    return ClockRecord(
        name=row.name, calendar=row.calendar, started_at=row.started_at,
        target_seconds=row.target_seconds, due_at=row.due_at, stopped_at=row.stopped_at,
        paused=row.paused, breached=row.breached, cycle=row.cycle,
        next_escalation_at=row.next_escalation_at, state=dict(row.state or {}),
    )  # fmt: skip


def _ticket(row: TicketRow) -> Ticket:
    return ticket_record(row, sorted((clock_record(c) for c in row.clocks), key=lambda c: c.name))


def ticket_record(row: Any, clocks: Iterable[ClockRecord] = ()) -> Ticket:
    """A ticket from an ORM row or a Core row of ``tickets``, with its clocks."""
    return Ticket(
        id=row.id, key=row.key, account_id=row.account_id, kind=row.kind,
        priority=row.priority, priority_reason=row.priority_reason, status=row.status,
        stage=row.stage, subject=row.subject, fields=dict(row.fields or {}),
        missing=list(row.missing or []), requester=row.requester,
        requester_name=row.requester_name, assignee_id=row.assignee_id, channel=row.channel,
        channel_ref=row.channel_ref, thread_ref=row.thread_ref,
        conversation_id=row.conversation_id, opened_at=row.opened_at,
        updated_at=row.updated_at, first_response_at=row.first_response_at,
        resolved_at=row.resolved_at, clocks=tuple(clocks),
    )  # fmt: skip
