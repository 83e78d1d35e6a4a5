"""What the store hands out: plain frozen dataclasses, never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

TicketKind = Literal["question", "bug", "outage", "feature", "upgrade", "status", "other"]
TicketStatus = Literal["open", "waiting_on_customer", "resolved", "closed"]
ActorKind = Literal["customer", "agent", "bot", "system"]

BUG_FIELDS = (
    "summary", "sdk", "sdk_version", "platform", "os_version", "device",
    "repro_steps", "expected", "actual", "logs", "impact",
)  # fmt: skip
OPEN_STATUSES: tuple[TicketStatus, ...] = ("open", "waiting_on_customer")


@dataclass(frozen=True)
class TicketEvent:
    id: int
    kind: str
    at: dt.datetime
    actor_kind: ActorKind
    actor: str | None = None
    body: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ClockRecord:
    """Stored state of one SLA clock (derived from events; see ``bot.desk``)."""

    name: str
    calendar: str
    started_at: dt.datetime
    target_seconds: int | None = None
    due_at: dt.datetime | None = None
    stopped_at: dt.datetime | None = None
    paused: bool = False
    breached: bool = False
    cycle: int = 0
    next_escalation_at: dt.datetime | None = None
    state: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Ticket:
    id: int
    key: str
    account_id: str
    kind: str
    priority: str
    priority_reason: str
    status: str
    stage: str
    subject: str
    fields: dict[str, Any]
    missing: list[str]
    requester: str
    requester_name: str | None
    assignee_id: str | None
    channel: str
    channel_ref: str | None
    thread_ref: str | None
    conversation_id: str | None
    opened_at: dt.datetime
    updated_at: dt.datetime
    first_response_at: dt.datetime | None
    resolved_at: dt.datetime | None
    clocks: tuple[ClockRecord, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clock(self, name: str) -> ClockRecord | None:
        return next((c for c in self.clocks if c.name == name), None)


@dataclass(frozen=True)
class NewTicket:
    """What it takes to open a ticket."""

    account_id: str
    kind: str
    priority: str
    subject: str
    requester: str
    requester_name: str | None = None
    priority_reason: str = ""
    stage: str = "new"
    fields: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    assignee_id: str | None = None
    channel: str = "web"
    channel_ref: str | None = None
    thread_ref: str | None = None
    conversation_id: str | None = None
    body: str = ""


@dataclass(frozen=True)
class Message:
    id: int
    role: str
    author: str | None
    text: str
    at: dt.datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    id: str
    channel: str
    external_ref: str
    account_id: str | None
    user_ref: str | None
    user_name: str | None
    state: dict[str, Any]
    ticket_id: int | None
    created_at: dt.datetime
    updated_at: dt.datetime
    messages: tuple[Message, ...] = ()


@dataclass(frozen=True)
class KnowledgeGap:
    id: int
    question: str
    account_id: str | None
    channel: str
    at: dt.datetime
    top_score: float | None = None
    top_source: str | None = None
    status: str | None = None  # None (open), "dismissed" or "drafted"


@dataclass(frozen=True)
class Attachment:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    path: str
    created_at: dt.datetime
    ticket_id: int | None = None
    conversation_id: str | None = None


@dataclass(frozen=True)
class OutboxItem:
    id: int
    transport: str
    target: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    created_at: dt.datetime
    ticket_id: int | None = None
    escalation_id: int | None = None
    last_error: str | None = None
    sent_at: dt.datetime | None = None


@dataclass(frozen=True)
class Escalation:
    id: int
    ticket_id: int
    clock: str
    level: int
    fraction: float
    due_at: dt.datetime
    fired_at: dt.datetime
    late: bool
    recipients: list[str]
