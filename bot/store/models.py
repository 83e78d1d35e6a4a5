"""Tables. Times are aware UTC; ids of config objects (accounts, people) are their config ids."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.store.db import Base, UTCDateTime


def _uuid() -> str:
    return uuid.uuid4().hex


class AccountRow(Base):
    """Mirror of the config's accounts, so tickets keep a valid reference and history."""

    __tablename__ = "accounts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    tier: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    csm_id: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    synced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class TicketRow(Base):
    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    priority: Mapped[str] = mapped_column(String(2))
    priority_reason: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(24), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(300))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    requester: Mapped[str] = mapped_column(String(200))
    requester_name: Mapped[str | None] = mapped_column(String(200))
    assignee_id: Mapped[str | None] = mapped_column(String(64), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    channel_ref: Mapped[str | None] = mapped_column(String(200))
    thread_ref: Mapped[str | None] = mapped_column(String(200))
    # No foreign key: conversations point at tickets, and a cycle would break table ordering.
    conversation_id: Mapped[str | None] = mapped_column(String(32))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    first_response_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    events: Mapped[list[TicketEventRow]] = relationship(
        back_populates="ticket", order_by="TicketEventRow.id", cascade="all, delete-orphan"
    )
    clocks: Mapped[list[SlaClockRow]] = relationship(
        back_populates="ticket", cascade="all, delete-orphan"
    )


class TicketEventRow(Base):
    """Append-only history; SLA clocks are derived from it."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_kind: Mapped[str] = mapped_column(String(16))  # customer | agent | bot | system
    actor: Mapped[str | None] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket: Mapped[TicketRow] = relationship(back_populates="events")


class SlaClockRow(Base):
    """Derived state of one clock, stored so the scheduler can query due work by index."""

    __tablename__ = "sla_clocks"
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    target_seconds: Mapped[int | None] = mapped_column(Integer)
    calendar: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    stopped_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    breached: Mapped[bool] = mapped_column(Boolean, default=False)
    cycle: Mapped[int] = mapped_column(Integer, default=0)
    next_escalation_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    ticket: Mapped[TicketRow] = relationship(back_populates="clocks")


class EscalationRow(Base):
    """One ladder step fired. The unique key makes firing idempotent across restarts/workers."""

    __tablename__ = "escalations"
    __table_args__ = (UniqueConstraint("ticket_id", "clock", "level", name="uq_escalation_step"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    clock: Mapped[str] = mapped_column(String(40))  # "resolution", or "resolution#2" after reopen
    level: Mapped[int] = mapped_column(Integer)
    fraction: Mapped[float] = mapped_column(Float)
    due_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    recipients: Mapped[list[str]] = mapped_column(JSON, default=list)


class OutboxRow(Base):
    """A notification to deliver; retried until sent, visible while it is not."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    transport: Mapped[str] = mapped_column(String(20))  # log | slack | webhook | pagerduty
    target: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ConversationRow(Base):
    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "external_ref", name="uq_conversation_ref"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_uuid)
    channel: Mapped[str] = mapped_column(String(20))  # web | slack | cli
    external_ref: Mapped[str] = mapped_column(String(200))  # web session id, "C123:1700.1"
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    user_ref: Mapped[str | None] = mapped_column(String(200))
    user_name: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    messages: Mapped[list[MessageRow]] = relationship(
        back_populates="conversation", order_by="MessageRow.id", cascade="all, delete-orphan"
    )


class MessageRow(Base):
    __tablename__ = "messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    role: Mapped[str] = mapped_column(String(12))  # user | bot | agent
    author: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    conversation: Mapped[ConversationRow] = relationship(back_populates="messages")


class KnowledgeGapRow(Base):
    """A question the bot could not answer from the docs."""

    __tablename__ = "knowledge_gaps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    account_id: Mapped[str | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"))
    channel: Mapped[str] = mapped_column(String(20))
    top_score: Mapped[float | None] = mapped_column(Float)
    top_source: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    # None while open; "dismissed" (not a gap) or "drafted" (an FAQ entry is being written).
    status: Mapped[str | None] = mapped_column(String(20))
    status_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AttachmentRow(Base):
    """Metadata of an uploaded file; the bytes live under ``$DESKBOT_HOME/files``."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(ForeignKey("conversations.id"))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LeaseRow(Base):
    """A named lock with an expiry: only the holder runs the scheduler."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class InboundEventRow(Base):
    """Ids of deliveries already processed (Slack retries), so each is handled once."""

    __tablename__ = "inbound_events"
    source: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class DigestRunRow(Base):
    """One digest per CSM per local day, even across restarts and workers."""

    __tablename__ = "digest_runs"
    csm_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[dt.date] = mapped_column(primary_key=True)
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


Index("ix_tickets_account_status", TicketRow.account_id, TicketRow.status)


class WebSessionRow(Base):
    """A web sign-in: the token names it, so signing out (or a new password) ends it."""

    __tablename__ = "web_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))  # visitor | customer | staff
    user: Mapped[str] = mapped_column(String(200), index=True)
    account_id: Mapped[str | None] = mapped_column(String(64))
    # A digest of the staff password hash the session was opened with: a new password ends it.
    credential: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class SlackPostRow(Base):
    """A Slack message deskbot may have to change later: a ticket's card or ping (re-rendered
    from the ticket whenever it changes), the customer's ticket message, a reply with buttons
    (retired when a newer one comes). ``payload`` keeps what re-rendering needs."""

    __tablename__ = "slack_posts"
    __table_args__ = (UniqueConstraint("channel", "ts", name="uq_slack_post"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(32))
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    conversation_ref: Mapped[str | None] = mapped_column(String(200), index=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # card | ping | customer | reply | csat
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    buttons: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CsatRow(Base):
    """A customer's satisfaction rating of a resolved ticket: one per resolution (a second
    click changes it)."""

    __tablename__ = "csat_ratings"
    __table_args__ = (UniqueConstraint("ticket_id", "resolved_at", name="uq_csat_resolution"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    account_id: Mapped[str] = mapped_column(String(64))
    resolved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    score: Mapped[int] = mapped_column(Integer)  # 1 (bad) .. 5 (great)
    rater: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    rated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class MailMessageRow(Base):
    """Every e-mail of a support thread, ours and the customer's, by Message-ID: how a reply
    finds its conversation (In-Reply-To / References) and how ours are threaded."""

    __tablename__ = "mail_messages"
    message_id: Mapped[str] = mapped_column(String(250), primary_key=True)
    thread: Mapped[str] = mapped_column(String(250), index=True)  # the conversation ref
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    address: Mapped[str] = mapped_column(String(320))  # the customer's address
    subject: Mapped[str] = mapped_column(String(500))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
