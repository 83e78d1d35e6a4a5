"""What the web API accepts and returns (documented in OpenAPI)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.conversation.texts import stage_words
from bot.conversation.types import Reply, TicketSummary
from bot.dates import due_text

SESSION_ID = r"^[A-Za-z0-9_-]{8,64}$"
MAX_MESSAGE = 8000
# The buttons the server acts on ("sign_in" and "contact" are handled by the page itself).
ActionName = Literal["solved", "open_ticket", "human", "go_ahead", "new_topic", "not_it", "status"]


class ErrorOut(BaseModel):
    error: str = Field(description="One sentence saying what is wrong and what to do.")


class RateLimitedOut(ErrorOut):
    retry_after: int = Field(description="Seconds to wait; the Retry-After header says the same.")


class ChatRequest(BaseModel):
    """One turn of a web chat. Send files as multipart/form-data with the same fields."""

    model_config = ConfigDict(extra="forbid")

    session_id: str = Field(pattern=SESSION_ID, description="Chosen by the client per chat.")
    message: str = Field(default="", max_length=MAX_MESSAGE)
    action: ActionName | None = Field(default=None, description="A button click.")
    message_id: str | None = Field(default=None, max_length=100, description="For de-duplication.")


class CitationOut(BaseModel):
    source: str
    heading: str
    url: str | None = None


class TicketOut(BaseModel):
    key: str
    kind: str
    priority: str
    priority_reason: str
    status: str
    stage: str
    stage_label: str = Field(default="", description="The stage in the conversation's language.")
    subject: str
    missing: list[str] = []
    first_response_due: dt.datetime | None = None
    resolution_due: dt.datetime | None = None
    timezone: str = "UTC"
    first_response_due_local: str | None = Field(
        default=None, description="The due time as the pages show it, in the account's zone."
    )
    resolution_due_local: str | None = None
    assignee: str | None = Field(default=None, description="Who has the ticket, by name.")
    url: str = Field(description="The customer's ticket page.")


class ChatResponse(BaseModel):
    conversation_id: str
    kind: str
    text: str = Field(description="Markdown. Render it escaped (no raw HTML).")
    citations: list[CitationOut] = []
    confidence: float | None = None
    handoff: bool = False
    actions: list[str] = []
    ticket: TicketOut | None = None
    missing: list[str] = []
    lang: str = Field(default="en", description="The conversation's language: en or zh.")


class ContactRequest(BaseModel):
    """A visitor without an account leaves their details; a ticket opens on the
    organisation's default account, with the chat's bug report when there is one."""

    model_config = ConfigDict(extra="forbid")

    session_id: str | None = Field(default=None, pattern=SESSION_ID)
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$", max_length=254)
    company: str = Field(default="", max_length=200)
    message: str = Field(default="", max_length=MAX_MESSAGE)


class ContactOut(BaseModel):
    key: str = Field(description="The ticket opened for the request.")
    text: str = Field(description="What to tell the visitor (Markdown).")


class SessionRequest(BaseModel):
    """Start a web session: with an account key, a vendor token, or neither (anonymous)."""

    model_config = ConfigDict(extra="forbid")

    account_key: str | None = Field(default=None, max_length=200)
    token: str | None = Field(default=None, max_length=4096, description="Minted by your site.")
    user: str | None = Field(default=None, max_length=120, description="Your user id.")
    name: str | None = Field(default=None, max_length=80)


class SessionOut(BaseModel):
    kind: Literal["visitor", "customer", "staff"]
    user: str
    name: str | None = None
    account: str | None = None
    account_name: str | None = None
    token: str = Field(description="Send as 'Authorization: Bearer <token>'; also set as cookie.")
    expires_in: int


def ticket_out(summary: TicketSummary, lang: str = "en") -> TicketOut:
    def local(when: dt.datetime | None) -> str | None:
        return due_text(when, summary.timezone, lang) if when is not None else None

    return TicketOut(
        first_response_due_local=local(summary.first_response_due),
        resolution_due_local=local(summary.resolution_due),
        key=summary.key,
        kind=summary.kind,
        priority=summary.priority,
        priority_reason=summary.priority_reason,
        status=summary.status,
        stage=summary.stage,
        stage_label=stage_words(summary.stage, lang),
        subject=summary.subject,
        missing=list(summary.missing),
        first_response_due=summary.first_response_due,
        resolution_due=summary.resolution_due,
        timezone=summary.timezone,
        assignee=summary.assignee_name,
        url=f"/tickets/{summary.key}",
    )


def chat_response(reply: Reply) -> ChatResponse:
    return ChatResponse(
        conversation_id=reply.conversation_id,
        kind=reply.kind,
        text=reply.text,
        citations=[
            CitationOut(source=c.source, heading=c.heading, url=c.url) for c in reply.citations
        ],
        confidence=reply.confidence,
        handoff=reply.handoff,
        actions=list(reply.actions),
        ticket=ticket_out(reply.ticket, reply.lang) if reply.ticket else None,
        missing=list(reply.missing),
        lang=reply.lang,
    )


class HistoryMessage(BaseModel):
    role: str = Field(description="user | bot")
    text: str
    at: dt.datetime
    kind: str | None = None
    citations: list[CitationOut] = []
    ticket: str | None = Field(default=None, description="Key of a ticket this reply opened.")


class ChatHistory(BaseModel):
    conversation_id: str | None = None
    messages: list[HistoryMessage] = []
