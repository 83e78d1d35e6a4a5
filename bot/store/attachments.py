"""Uploaded files: bytes under the home, metadata in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from sqlalchemy import select

from bot.errors import NotFound
from bot.store.db import Database
from bot.store.models import AttachmentRow
from bot.store.records import Attachment

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class AttachmentStore:
    def __init__(self, db: Database, files_dir: Path) -> None:
        self.db = db
        self.files_dir = files_dir

    def save(
        self,
        data: bytes,
        *,
        filename: str,
        content_type: str,
        now: dt.datetime,
        ticket_id: int | None = None,
        conversation_id: str | None = None,
    ) -> Attachment:
        """Store the original bytes (content-addressed) and record the metadata."""
        digest = hashlib.sha256(data).hexdigest()
        safe = _UNSAFE.sub("_", Path(filename).name)[-120:] or "file"
        relative = Path(digest[:2]) / f"{digest}-{safe}"
        target = self.files_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = target.with_suffix(target.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(target)
        with self.db.session() as session:
            row = AttachmentRow(
                ticket_id=ticket_id, conversation_id=conversation_id, filename=filename[:300],
                content_type=content_type[:100], size=len(data), sha256=digest,
                path=str(relative), created_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _attachment(row)

    def get(self, attachment_id: int) -> Attachment:
        with self.db.session() as session:
            row = session.get(AttachmentRow, attachment_id)
            if row is None:
                raise NotFound(f"no attachment {attachment_id}")
            return _attachment(row)

    def read(self, attachment: Attachment) -> bytes:
        return (self.files_dir / attachment.path).read_bytes()

    def for_ticket(self, ticket_id: int) -> list[Attachment]:
        with self.db.session() as session:
            rows = session.scalars(
                select(AttachmentRow).where(AttachmentRow.ticket_id == ticket_id)
            )
            return [_attachment(r) for r in rows]

    def for_conversation(self, conversation_id: str) -> list[Attachment]:
        with self.db.session() as session:
            rows = session.scalars(
                select(AttachmentRow).where(AttachmentRow.conversation_id == conversation_id)
            )
            return [_attachment(r) for r in rows]

    def link(self, attachment_ids: list[int], ticket_id: int) -> None:
        with self.db.session() as session:
            for row in session.scalars(
                select(AttachmentRow).where(AttachmentRow.id.in_(attachment_ids))
            ):
                row.ticket_id = ticket_id


def _attachment(row: AttachmentRow) -> Attachment:
    return Attachment(
        id=row.id, filename=row.filename, content_type=row.content_type, size=row.size,
        sha256=row.sha256, path=row.path, created_at=row.created_at, ticket_id=row.ticket_id,
        conversation_id=row.conversation_id,
    )  # fmt: skip
