"""Customer satisfaction (CSAT): one rating per resolution of a ticket."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from bot.errors import InvalidInput
from bot.store.db import Database
from bot.store.models import CsatRow
from bot.store.records import Ticket

SCORES = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Rating:
    ticket_id: int
    account_id: str
    resolved_at: dt.datetime
    score: int
    rater: str
    channel: str
    rated_at: dt.datetime


class CsatStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def rate(
        self, ticket: Ticket, *, score: int, rater: str, channel: str, now: dt.datetime
    ) -> Rating:
        """Record the rating of the ticket's latest resolution; rating it again changes it."""
        if score not in SCORES:
            raise InvalidInput("a rating is 1 to 5")
        if ticket.resolved_at is None:
            raise InvalidInput(f"{ticket.key} is not resolved")
        with self.db.session() as session:
            row = session.scalars(
                select(CsatRow).where(
                    CsatRow.ticket_id == ticket.id, CsatRow.resolved_at == ticket.resolved_at
                )
            ).first()
            if row is None:
                row = CsatRow(ticket_id=ticket.id, resolved_at=ticket.resolved_at)
                session.add(row)
            row.account_id, row.score, row.rater = ticket.account_id, score, rater[:200]
            row.channel, row.rated_at = channel, now
            session.flush()
            return _rating(row)

    def between(
        self,
        since: dt.datetime,
        until: dt.datetime,
        *,
        account_ids: Sequence[str] | None = None,
    ) -> list[Rating]:
        """Ratings given in ``[since, until)``."""
        query = select(CsatRow).where(CsatRow.rated_at >= since, CsatRow.rated_at < until)
        if account_ids is not None:
            query = query.where(CsatRow.account_id.in_(list(account_ids)))
        with self.db.session() as session:
            return [_rating(r) for r in session.scalars(query.order_by(CsatRow.id))]


def _rating(row: CsatRow) -> Rating:
    return Rating(
        ticket_id=row.ticket_id, account_id=row.account_id, resolved_at=row.resolved_at,
        score=row.score, rater=row.rater, channel=row.channel, rated_at=row.rated_at,
    )  # fmt: skip
