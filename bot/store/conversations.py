"""Conversations (a web session, a Slack thread) and their messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from bot.errors import NotFound
from bot.store.db import Database
from bot.store.models import ConversationRow, MessageRow
from bot.store.records import Conversation, Message
from bot.store.redaction import KeepText, TextRedactor


class ConversationStore:
    """Conversations and their messages; message text goes through the redactor on the way in."""

    def __init__(self, db: Database, *, redactor: TextRedactor | None = None) -> None:
        self.db = db
        self.redactor: TextRedactor = redactor if redactor is not None else KeepText()

    def open(
        self,
        channel: str,
        external_ref: str,
        *,
        now: dt.datetime,
        account_id: str | None = None,
        user_ref: str | None = None,
        user_name: str | None = None,
    ) -> Conversation:
        """The conversation for (channel, external_ref), created on first use."""
        existing = self.find(channel, external_ref)
        if existing is not None:
            return existing
        try:
            with self.db.session() as session:
                row = ConversationRow(
                    channel=channel, external_ref=external_ref, account_id=account_id,
                    user_ref=user_ref, user_name=user_name, state={}, created_at=now,
                    updated_at=now,
                )  # fmt: skip
                session.add(row)
                session.flush()
                return _conversation(row, messages=False)
        except IntegrityError:
            # Created concurrently by another worker: use theirs.
            found = self.find(channel, external_ref)
            if found is None:
                raise
            return found

    def find(self, channel: str, external_ref: str) -> Conversation | None:
        with self.db.session() as session:
            row = session.scalar(
                select(ConversationRow)
                .options(selectinload(ConversationRow.messages))
                .where(ConversationRow.channel == channel)
                .where(ConversationRow.external_ref == external_ref)
            )
            return None if row is None else _conversation(row)

    def get(self, conversation_id: str, *, account_id: str | None = None) -> Conversation:
        with self.db.session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None or (account_id is not None and row.account_id != account_id):
                raise NotFound(f"no conversation {conversation_id}")
            return _conversation(row)

    def active_since(self, since: dt.datetime, *, limit: int = 5000) -> list[Conversation]:
        """Conversations with activity at or after ``since``, with their messages."""
        with self.db.session() as session:
            rows = session.scalars(
                select(ConversationRow)
                .options(selectinload(ConversationRow.messages))
                .where(ConversationRow.updated_at >= since)
                .order_by(ConversationRow.created_at)
                .limit(limit)
            )
            return [_conversation(r) for r in rows]

    def for_ticket(self, ticket_id: int) -> Conversation | None:
        with self.db.session() as session:
            row = session.scalar(
                select(ConversationRow).where(ConversationRow.ticket_id == ticket_id).limit(1)
            )
            return None if row is None else _conversation(row)

    def add_message(
        self,
        conversation_id: str,
        role: str,
        text: str,
        *,
        now: dt.datetime,
        author: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Message:
        with self.db.session() as session:
            conv = session.get(ConversationRow, conversation_id)
            if conv is None:
                raise NotFound(f"no conversation {conversation_id}")
            row = MessageRow(
                conversation_id=conversation_id, role=role, author=author,
                text=self.redactor.redact(text), at=now,
                data=dict(data or {}),
            )  # fmt: skip
            session.add(row)
            conv.updated_at = now
            session.flush()
            return _message(row)

    def update(
        self,
        conversation_id: str,
        *,
        now: dt.datetime,
        state: dict[str, Any] | None = None,
        ticket_id: int | None = None,
        account_id: str | None = None,
    ) -> Conversation:
        with self.db.session() as session:
            row = session.get(ConversationRow, conversation_id)
            if row is None:
                raise NotFound(f"no conversation {conversation_id}")
            if state is not None:
                row.state = dict(state)
            if ticket_id is not None:
                row.ticket_id = ticket_id
            if account_id is not None:
                row.account_id = account_id
            row.updated_at = now
            session.flush()
            return _conversation(row)


def _message(row: MessageRow) -> Message:
    return Message(
        id=row.id, role=row.role, author=row.author, text=row.text, at=row.at,
        data=dict(row.data or {}),
    )  # fmt: skip


def _conversation(row: ConversationRow, *, messages: bool = True) -> Conversation:
    return Conversation(
        id=row.id, channel=row.channel, external_ref=row.external_ref,
        account_id=row.account_id, user_ref=row.user_ref, user_name=row.user_name,
        state=dict(row.state or {}), ticket_id=row.ticket_id, created_at=row.created_at,
        updated_at=row.updated_at,
        messages=tuple(_message(m) for m in row.messages) if messages else (),
    )  # fmt: skip
