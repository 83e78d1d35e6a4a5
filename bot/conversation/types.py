"""What crosses the boundary between channels and the conversation service."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from bot.store.records import Ticket

Channel = Literal["web", "slack", "email", "cli"]
# Buttons a channel shows under a reply, and the clicks it sends back. "sign_in" and "contact"
# are handled by the channel itself (the web page's sign-in dialog and contact form).
Action = Literal[
    "solved",
    "open_ticket",
    "human",
    "go_ahead",
    "new_topic",
    "not_it",
    "status",
    "sign_in",
    "contact",
]
ACTIONS: tuple[str, ...] = (
    "solved",
    "open_ticket",
    "human",
    "go_ahead",
    "new_topic",
    "not_it",
    "status",
    "sign_in",
    "contact",
)
ReplyKind = Literal[
    "answer",  # a cited answer from the docs
    "handoff",  # the docs do not cover it; a human is offered / on the way
    "follow_up",  # intake asks for what is missing
    "ticket_opened",
    "ticket_updated",  # a message added to an existing ticket
    "status",  # where a ticket stands
    "acknowledged",  # e.g. "glad it helped" after Solved
    "error",  # something failed; says so and offers a human
]


@dataclass(frozen=True)
class Upload:
    """A file the user attached (a log, usually). Bytes are size-checked before this."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Inbound:
    """One user turn from any channel."""

    channel: Channel
    conversation_ref: str  # web session id; Slack "<channel>:<thread_ts>"; CLI "cli:<id>"
    text: str
    user_ref: str | None = None  # Slack user id, web user id
    user_name: str | None = None
    account_id: str | None = None  # known from the channel mapping or web authentication
    uploads: tuple[Upload, ...] = ()
    action: Action | None = None  # a button click instead of (or with) text
    external_id: str | None = None  # Slack ts / web message id, for de-duplication
    # Earlier messages the bot did not see, oldest first: e.g. the Slack thread it was
    # @mentioned in mid-way. Taken into the conversation only when it starts with this turn.
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketSummary:
    key: str
    kind: str
    priority: str
    priority_reason: str
    status: str
    stage: str
    subject: str
    account_id: str
    missing: list[str] = field(default_factory=list)
    first_response_due: dt.datetime | None = None
    resolution_due: dt.datetime | None = None
    timezone: str = "UTC"  # the account's, to show due times in the customer's own time
    assignee_name: str | None = None
    responded_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status not in ("resolved", "closed")

    @classmethod
    def of(
        cls, ticket: Ticket, *, timezone: str, assignee_name: str | None = None
    ) -> TicketSummary:
        """A ticket as the customer sees it; a stopped clock has no due time to show."""
        first, resolution = ticket.clock("first_response"), ticket.clock("resolution")
        return cls(
            key=ticket.key,
            kind=ticket.kind,
            priority=ticket.priority,
            priority_reason=ticket.priority_reason,
            status=ticket.status,
            stage=ticket.stage,
            subject=ticket.subject,
            account_id=ticket.account_id,
            missing=list(ticket.missing),
            first_response_due=first.due_at if first and not first.stopped_at else None,
            resolution_due=resolution.due_at if resolution and not resolution.stopped_at else None,
            timezone=timezone,
            assignee_name=assignee_name,
            responded_at=ticket.first_response_at,
        )


@dataclass(frozen=True)
class CitationRef:
    source: str
    heading: str
    url: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says back. ``text`` is Markdown; channels render it."""

    kind: ReplyKind
    text: str
    conversation_id: str
    citations: list[CitationRef] = field(default_factory=list)
    confidence: float | None = None
    handoff: bool = False
    actions: list[Action] = field(default_factory=list)
    ticket: TicketSummary | None = None
    missing: list[str] = field(default_factory=list)
    lang: str = "en"  # the conversation's language: channels render buttons in it


@dataclass
class Turn:
    """One user turn after storage: redacted text, logs read, attachment ids, notes, and the
    earlier messages it came with (redacted, oldest first; see ``Inbound.context``)."""

    text: str
    attachments: list[Any]
    attachment_ids: list[int]
    notes: list[str]
    context: list[str] = field(default_factory=list)

    @property
    def question(self) -> str:
        """What to search the docs for: the thread's opening message, then this one."""
        return "\n\n".join(p for p in [*self.context[:1], self.text] if p)

    @property
    def report(self) -> str:
        """What intake reads: everything said so far, so it does not ask for it again."""
        return "\n\n".join(p for p in [*self.context, self.text] if p)


@dataclass(frozen=True)
class ContactForm:
    """A visitor's details from the web page's contact form."""

    name: str
    email: str
    company: str = ""
    message: str = ""
    conversation_ref: str | None = None  # the web chat it came from, if any


@dataclass(frozen=True)
class ContactResult:
    key: str
    text: str
