"""Uploaded files: bytes under the home, metadata in the database.

What is kept is the redacted file (:func:`bot.store.redaction.redact_file`): a token pasted
into a log never reaches the disk. An organisation that needs the originals (for a vendor's
own log tools) opts in with ``DESKBOT_KEEP_ORIGINAL_FILES`` and a ``DESKBOT_FILES_KEY``: the
original is then also kept, encrypted (Fernet: AES-128-CBC with an HMAC-SHA256), under
``files/originals/<attachment id>.enc``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from sqlalchemy import select

from bot.errors import ConfigError, NotFound
from bot.store.db import Database
from bot.store.models import AttachmentRow
from bot.store.records import Attachment
from bot.store.redaction import KeepText, TextRedactor, redact_file

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
ORIGINALS = "originals"


class OriginalsVault:
    """Encrypts originals at rest with a Fernet key (from ``DESKBOT_FILES_KEY``)."""

    def __init__(self, key: str) -> None:
        from cryptography.fernet import Fernet

        try:
            self._fernet = Fernet(key.encode())
        except ValueError:
            raise ConfigError(
                "DESKBOT_FILES_KEY is not a Fernet key (32 url-safe base64-encoded bytes)"
            ) from None

    def seal(self, data: bytes) -> bytes:
        return self._fernet.encrypt(data)

    def open(self, sealed: bytes) -> bytes:
        return self._fernet.decrypt(sealed)


class AttachmentStore:
    def __init__(
        self,
        db: Database,
        files_dir: Path,
        *,
        redactor: TextRedactor | None = None,
        originals: OriginalsVault | None = None,
        max_bytes: int = 20 * 1024 * 1024,
    ) -> None:
        self.db = db
        self.files_dir = files_dir
        self.redactor: TextRedactor = redactor if redactor is not None else KeepText()
        self.originals = originals
        # How far an archive may unpack while it is redacted.
        self.max_bytes = max_bytes

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
        """Store the redacted bytes (content-addressed) and record the metadata; the original
        too, encrypted, when the organisation keeps originals. ``InvalidInput`` when the file
        cannot be read to be redacted (a broken archive, or one that unpacks too far)."""
        original = data
        data = redact_file(data, self.redactor, name=Path(filename).name, max_bytes=self.max_bytes)
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
            if self.originals is not None:
                # Written inside the transaction: no row without its original, and the other
                # way round only a stray file when the commit fails.
                sealed = self.files_dir / ORIGINALS / f"{row.id}.enc"
                sealed.parent.mkdir(parents=True, exist_ok=True)
                sealed.write_bytes(self.originals.seal(original))
            return _attachment(row)

    def get(self, attachment_id: int) -> Attachment:
        with self.db.session() as session:
            row = session.get(AttachmentRow, attachment_id)
            if row is None:
                raise NotFound(f"no attachment {attachment_id}")
            return _attachment(row)

    def read(self, attachment: Attachment) -> bytes:
        """The kept (redacted) bytes."""
        return (self.files_dir / attachment.path).read_bytes()

    def read_original(self, attachment: Attachment) -> bytes:
        """The original bytes, when originals are kept (``NotFound`` otherwise)."""
        sealed = self.files_dir / ORIGINALS / f"{attachment.id}.enc"
        if self.originals is None or not sealed.is_file():
            raise NotFound(f"no original kept for attachment {attachment.id}")
        return self.originals.open(sealed.read_bytes())

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
