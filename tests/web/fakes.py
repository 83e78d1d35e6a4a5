"""In-process fakes for the web tests: a conversation service and an SLA clock keeper.

The fake conversation keeps the real seam (``handle``/``stream`` on :class:`Inbound`) and uses
the real stores and desk, so tickets it opens are real rows the pages and tenancy checks read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from bot.context import AppContext
from bot.conversation.types import CitationRef, Inbound, Reply, TicketSummary
from bot.store.records import ClockRecord, NewTicket, Ticket, TicketEvent

ANSWER = (
    "Generate the token on **your server** with the app secret [1]:\n\n"
    "```python\ntoken = nimbus.token(user_id, ttl=3600)\n```\n\n"
    "Never ship the secret in the app <script>alert(1)</script>."
)


class FakeKeeper:
    """First response 4 h after opening, resolution 24 h; pauses while waiting on the customer."""

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        opened = ticket.opened_at
        first = ClockRecord(
            name="first_response",
            calendar="24x7",
            started_at=opened,
            target_seconds=4 * 3600,
            due_at=opened + dt.timedelta(hours=4),
            stopped_at=ticket.first_response_at,
            state={
                "target": "4h 24x7",
                "steps": [
                    {
                        "level": 1,
                        "fraction": 0.5,
                        "fire_at": (opened + dt.timedelta(hours=2)).isoformat(),
                        "recipients": ["assignee"],
                        "fired": True,
                    }
                ],
            },
        )
        waiting = ticket.status == "waiting_on_customer"
        resolution = ClockRecord(
            name="resolution",
            calendar="24x7",
            started_at=opened,
            target_seconds=24 * 3600,
            due_at=None if waiting else opened + dt.timedelta(hours=24),
            stopped_at=ticket.resolved_at,
            paused=waiting,
            state={
                "pauses": [
                    [e.at.isoformat(), None] for e in events if e.kind == "waiting_on_customer"
                ]
            },
        )
        return (first, resolution)


class FakeConversation:
    """Answers questions with a cited reply; opens a bug ticket on request, uploads or 'crash'."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.inbounds: list[Inbound] = []

    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        self.inbounds.append(inbound)
        conv = self.ctx.conversations.open(
            "web", inbound.conversation_ref, now=now, account_id=inbound.account_id,
            user_ref=inbound.user_ref, user_name=inbound.user_name,
        )  # fmt: skip
        if inbound.text:
            self.ctx.conversations.add_message(conv.id, "user", inbound.text, now=now)
        wants_ticket = (
            inbound.action == "open_ticket" or inbound.uploads or "crash" in inbound.text.lower()
        )
        if wants_ticket and inbound.account_id:
            ticket = self.ctx.desk.open(
                NewTicket(
                    account_id=inbound.account_id, kind="bug", priority="P2",
                    subject=inbound.text[:80] or "Bug report", requester=inbound.user_ref or "?",
                    requester_name=inbound.user_name, priority_reason="a core feature is broken",
                    missing=["sdk_version", "repro_steps"], conversation_id=conv.id,
                    body=inbound.text,
                ),
                now=now,
            )  # fmt: skip
            for upload in inbound.uploads:
                self.ctx.attachments.save(
                    upload.data, filename=upload.filename, content_type=upload.content_type,
                    now=now, ticket_id=ticket.id, conversation_id=conv.id,
                )  # fmt: skip
            self.ctx.conversations.update(conv.id, now=now, ticket_id=ticket.id)
            return Reply(
                kind="ticket_opened",
                text=f"I opened **{ticket.key}** for you. Which SDK version are you on?",
                conversation_id=conv.id,
                ticket=summary(self.ctx, ticket),
                missing=list(ticket.missing),
                actions=["human"],
            )
        if inbound.action == "solved":
            return Reply(kind="acknowledged", text="Glad it helped!", conversation_id=conv.id)
        return Reply(
            kind="answer",
            text=ANSWER,
            conversation_id=conv.id,
            citations=[
                CitationRef("chat/tokens.md", "Generating tokens", "https://docs.example/tokens"),
                CitationRef("security.md", "Keep secrets on the server", "javascript:alert(1)"),
            ],
            confidence=0.82,
            actions=["solved", "open_ticket", "human"],
        )

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        reply = self.handle(inbound, now=now)
        if reply.kind == "answer":
            yield "Generate the token "
            yield "on **your server**"
        yield reply


def summary(ctx: AppContext, ticket: Ticket) -> TicketSummary:
    account = ctx.config.account(ticket.account_id)
    first, resolution = ticket.clock("first_response"), ticket.clock("resolution")
    return TicketSummary(
        key=ticket.key, kind=ticket.kind, priority=ticket.priority,
        priority_reason=ticket.priority_reason, status=ticket.status, stage=ticket.stage,
        subject=ticket.subject, account_id=ticket.account_id, missing=list(ticket.missing),
        first_response_due=first.due_at if first else None,
        resolution_due=resolution.due_at if resolution else None,
        timezone=account.timezone if account else "UTC",
    )  # fmt: skip
