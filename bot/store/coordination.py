"""Doing things once across processes: leases, processed deliveries, daily runs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.models import DigestRunRow, InboundEventRow, LeaseRow
from bot.store.notifications import Delivery, outbox_row


class Leases:
    """A named lease in the database; the scheduler runs only in the process holding it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def acquire(self, name: str, holder: str, *, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Take or renew the lease; False when someone else holds an unexpired one."""
        try:
            with self.db.session() as session:
                row = session.get(LeaseRow, name, with_for_update=True)
                if row is None:
                    session.add(LeaseRow(name=name, holder=holder, expires_at=now + ttl))
                    return True
                if row.holder != holder and row.expires_at > now:
                    return False
                row.holder, row.expires_at = holder, now + ttl
                return True
        except IntegrityError:
            return False  # another process created it at the same moment

    def release(self, name: str, holder: str) -> None:
        with self.db.session() as session:
            session.execute(
                delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder)
            )

    def holder(self, name: str, *, now: dt.datetime) -> str | None:
        with self.db.session() as session:
            row = session.get(LeaseRow, name)
            return row.holder if row is not None and row.expires_at > now else None


class InboundEvents:
    """Remembers delivery ids so a retried delivery is processed once."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def first_time(self, source: str, event_id: str, *, now: dt.datetime) -> bool:
        try:
            with self.db.session() as session:
                session.add(InboundEventRow(source=source, event_id=event_id, received_at=now))
            return True
        except IntegrityError:
            return False

    def forget(self, source: str, event_id: str) -> None:
        """Drop one id: what it claimed did not happen after all and may be tried again."""
        with self.db.session() as session:
            session.execute(
                delete(InboundEventRow).where(
                    InboundEventRow.source == source, InboundEventRow.event_id == event_id
                )
            )

    def seen(self, source: str, event_id: str) -> bool:
        """Whether ``event_id`` was recorded already (without recording it)."""
        with self.db.session() as session:
            return session.get(InboundEventRow, (source, event_id)) is not None

    def forget_before(self, cutoff: dt.datetime, *, source: str | None = None) -> int:
        """Drop the ids received before ``cutoff`` (of one ``source``, or all); returns how
        many. A retry older than the cutoff would be processed again, so keep well past the
        sender's retry window."""
        query = delete(InboundEventRow).where(InboundEventRow.received_at < cutoff)
        if source is not None:
            query = query.where(InboundEventRow.source == source)
        with self.db.session() as session:
            result = session.execute(query)
            return int(getattr(result, "rowcount", 0) or 0)


class DailyRuns:
    """Claims a (CSM, local day) digest so it is sent once even across workers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def claim(
        self, csm_id: str, day: dt.date, *, now: dt.datetime, data: dict[str, Any] | None = None
    ) -> bool:
        return self.claim_and_queue(csm_id, day, (), now=now, data=data) is not None

    def claim_and_queue(
        self,
        csm_id: str,
        day: dt.date,
        deliveries: Sequence[Delivery],
        *,
        now: dt.datetime,
        data: dict[str, Any] | None = None,
        force: bool = False,
    ) -> tuple[int, ...] | None:
        """Claim (CSM, day) and queue its deliveries in one transaction — both or neither, so a
        crash in between can neither lose the day's digest nor send it twice. Returns the
        outbox ids, or None when the day was claimed already (``force``: claim it again)."""
        try:
            with self.db.session() as session:
                row = session.get(DigestRunRow, (csm_id, day)) if force else None
                if row is not None:
                    row.sent_at, row.data = now, data or {}
                else:
                    session.add(DigestRunRow(csm_id=csm_id, day=day, sent_at=now, data=data or {}))
                session.flush()  # the unique (CSM, day) key decides before anything is queued
                rows = [outbox_row(delivery, now) for delivery in deliveries]
                session.add_all(rows)
                session.flush()
                return tuple(row.id for row in rows)
        except IntegrityError:
            return None

    def claimed(self, csm_id: str, day: dt.date) -> bool:
        """Whether (CSM, day) was claimed already: a cheap check before building a digest."""
        with self.db.session() as session:
            return session.get(DigestRunRow, (csm_id, day)) is not None

    def last(self, csm_id: str, *, before: dt.date) -> dt.datetime | None:
        with self.db.session() as session:
            return session.scalar(
                select(DigestRunRow.sent_at)
                .where(DigestRunRow.csm_id == csm_id, DigestRunRow.day < before)
                .order_by(DigestRunRow.day.desc())
                .limit(1)
            )
