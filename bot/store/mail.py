"""The Message-IDs of support e-mail threads (table ``mail_messages``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.models import MailMessageRow


@dataclass(frozen=True)
class MailRecord:
    message_id: str
    thread: str
    direction: str
    address: str
    subject: str
    at: dt.datetime


class MailThreads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        message_id: str,
        *,
        thread: str,
        direction: str,
        address: str,
        subject: str,
        now: dt.datetime,
    ) -> bool:
        """Remember one message of ``thread``; False when it was known already."""
        try:
            with self.db.session() as session:
                session.add(
                    MailMessageRow(
                        message_id=message_id[:250], thread=thread[:250], direction=direction,
                        address=address[:320], subject=subject[:500], at=now,
                    )
                )  # fmt: skip
        except IntegrityError:
            return False
        return True

    def thread_of(self, message_ids: Sequence[str]) -> str | None:
        """The thread of the first of ``message_ids`` we know (In-Reply-To, then References
        newest first)."""
        ids = [m[:250] for m in message_ids if m]
        if not ids:
            return None
        with self.db.session() as session:
            rows = {
                r.message_id: r.thread
                for r in session.scalars(
                    select(MailMessageRow).where(MailMessageRow.message_id.in_(ids))
                )
            }
        return next((rows[m] for m in ids if m in rows), None)

    def messages(self, thread: str, *, limit: int = 20) -> list[MailRecord]:
        """The thread's latest messages, oldest first."""
        with self.db.session() as session:
            rows = session.scalars(
                select(MailMessageRow)
                .where(MailMessageRow.thread == thread[:250])
                .order_by(MailMessageRow.at.desc(), MailMessageRow.message_id.desc())
                .limit(limit)
            )
            return [
                MailRecord(r.message_id, r.thread, r.direction, r.address, r.subject, r.at)
                for r in reversed(list(rows))
            ]
