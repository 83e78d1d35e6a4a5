"""Web sessions kept server-side: a signed token only names its record, so a session can end
before its token expires (sign-out, a new staff password, "sign out everywhere")."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, update

from bot.store.db import Database
from bot.store.models import WebSessionRow


@dataclass(frozen=True)
class WebSession:
    id: str
    kind: str
    user: str
    account_id: str | None
    credential: str | None
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None

    def live(self, now: dt.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now


class SessionStore:
    """Create, look up and end web sessions. Expired records are dropped now and then."""

    def __init__(self, db: Database, *, prune_every: int = 200) -> None:
        self.db = db
        self.prune_every = prune_every
        self._created = 0

    def create(
        self,
        *,
        kind: str,
        user: str,
        account_id: str | None,
        now: dt.datetime,
        ttl: dt.timedelta,
        credential: str | None = None,
    ) -> WebSession:
        row = WebSessionRow(
            id=secrets.token_urlsafe(24), kind=kind, user=user[:200], account_id=account_id,
            credential=credential, created_at=now, expires_at=now + ttl, revoked_at=None,
        )  # fmt: skip
        with self.db.session() as session:
            session.add(row)
            session.flush()
            made = _session(row)
        self._created += 1
        if self._created % self.prune_every == 0:
            self.forget_before(now - dt.timedelta(days=1))
        return made

    def get(self, session_id: str) -> WebSession | None:
        if not session_id or len(session_id) > 64:
            return None
        with self.db.session() as session:
            row = session.get(WebSessionRow, session_id)
            return None if row is None else _session(row)

    def revoke(self, session_id: str, *, now: dt.datetime) -> bool:
        """End one session; False when there was no live one by that id."""
        with self.db.session() as session:
            result = session.execute(
                update(WebSessionRow)
                .where(WebSessionRow.id == session_id, WebSessionRow.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            return bool(getattr(result, "rowcount", 0))

    def revoke_user(self, kind: str, user: str, *, now: dt.datetime) -> int:
        """End every session of one user (sign out everywhere); returns how many."""
        with self.db.session() as session:
            result = session.execute(
                update(WebSessionRow)
                .where(
                    WebSessionRow.kind == kind,
                    WebSessionRow.user == user,
                    WebSessionRow.revoked_at.is_(None),
                )
                .values(revoked_at=now)
            )
            return int(getattr(result, "rowcount", 0) or 0)

    def forget_before(self, cutoff: dt.datetime) -> int:
        """Drop sessions that expired before ``cutoff``; returns how many."""
        with self.db.session() as session:
            result = session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at < cutoff))
            return int(getattr(result, "rowcount", 0) or 0)


def _session(row: WebSessionRow) -> WebSession:
    return WebSession(
        id=row.id, kind=row.kind, user=row.user, account_id=row.account_id,
        credential=row.credential, created_at=row.created_at, expires_at=row.expires_at,
        revoked_at=row.revoked_at,
    )  # fmt: skip
