"""Knowledge gaps: questions the bot could not answer from the docs."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select, update

from bot.store.db import Database
from bot.store.models import KnowledgeGapRow
from bot.store.records import KnowledgeGap


class GapStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(
        self,
        question: str,
        *,
        now: dt.datetime,
        channel: str,
        account_id: str | None = None,
        conversation_id: str | None = None,
        top_score: float | None = None,
        top_source: str | None = None,
    ) -> KnowledgeGap:
        with self.db.session() as session:
            row = KnowledgeGapRow(
                question=question[:4000], account_id=account_id, conversation_id=conversation_id,
                channel=channel, top_score=top_score, top_source=top_source, at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _gap(row)

    def recent(
        self,
        *,
        since: dt.datetime | None = None,
        account_ids: list[str] | None = None,
        handled: bool = False,
    ) -> list[KnowledgeGap]:
        """The latest gaps (at most 1,000); dismissed or drafted ones only with ``handled``."""
        query = select(KnowledgeGapRow).order_by(KnowledgeGapRow.at.desc())
        if not handled:
            query = query.where(KnowledgeGapRow.status.is_(None))
        if since is not None:
            query = query.where(KnowledgeGapRow.at >= since)
        if account_ids is not None:
            query = query.where(KnowledgeGapRow.account_id.in_(account_ids))
        with self.db.session() as session:
            return [_gap(r) for r in session.scalars(query.limit(1000))]

    def set_status(self, ids: list[int], status: str | None, *, now: dt.datetime) -> int:
        """Mark gaps dismissed or drafted (``None`` reopens them); how many changed."""
        if not ids:
            return 0
        with self.db.session() as session:
            result = session.execute(
                update(KnowledgeGapRow)
                .where(KnowledgeGapRow.id.in_(ids))
                .values(status=status, status_at=now if status else None)
            )
            return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def top(self, *, since: dt.datetime | None = None, limit: int = 10) -> list[tuple[str, int]]:
        """Most frequent unanswered questions (normalised), with counts."""
        counts = Counter(" ".join(g.question.lower().split()) for g in self.recent(since=since))
        return counts.most_common(limit)


def _gap(row: KnowledgeGapRow) -> KnowledgeGap:
    return KnowledgeGap(
        id=row.id, question=row.question, account_id=row.account_id, channel=row.channel,
        at=row.at, top_score=row.top_score, top_source=row.top_source, status=row.status,
    )  # fmt: skip
