"""Tickets from conversations: bug intake, requests for a person, feature and upgrade
requests, messages added to an open ticket, and status answers for the asker's own account."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from bot.config import Account, OrgConfig
from bot.conversation.texts import say, ticket_lines
from bot.conversation.types import Inbound, Reply, TicketSummary, Turn, Upload
from bot.desk import TicketDesk
from bot.errors import NotFound
from bot.store.attachments import AttachmentStore
from bot.store.conversations import ConversationStore
from bot.store.records import Conversation, NewTicket, Ticket
from bot.store.tickets import TicketFilter, TicketStore

log = logging.getLogger("deskbot.conversation")


class Intake(Protocol):
    """Bug intake and triage (``bot.conversation.intake.TriageIntake`` satisfies it)."""

    def classify(self, text: str, *, tier: str, context: Sequence[str]) -> Any: ...

    def step(
        self,
        state: dict[str, Any] | None,
        text: str,
        *,
        tier: str,
        attachments: Sequence[Any],
        go_ahead: bool = False,
    ) -> Any: ...

    def read_upload(self, upload: Upload) -> Any: ...

    def redact(self, text: str) -> str: ...


class TicketRequests:
    def __init__(
        self,
        *,
        config: OrgConfig,
        conversations: ConversationStore,
        tickets: TicketStore,
        desk: TicketDesk,
        attachments: AttachmentStore,
        intake: Intake,
        on_ticket_opened: Callable[[Ticket], None] | None = None,
    ) -> None:
        self.config = config
        self.conversations = conversations
        self.tickets = tickets
        self.desk = desk
        self.attachments = attachments
        self.intake = intake
        self.on_ticket_opened = on_ticket_opened

    def continue_intake(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        turn: Turn,
        *,
        now: dt.datetime,
        go_ahead: bool,
    ) -> Reply | None:
        """The next intake step, or None when intake finds nothing to ask (the turn is a
        question or a status check, not part of a report): the router answers it instead."""
        text = turn.report  # with the earlier thread messages, so intake does not ask again
        state = conv.state.get("intake")
        if state is None and inbound.action == "open_ticket" and not text:
            # "Open a ticket" under an answer: the question asked is the report.
            text = next(
                (m.text for m in reversed(conv.messages) if m.role == "user" and m.text), ""
            )
        step = self.intake.step(
            state, text, tier=account.tier, attachments=turn.attachments, go_ahead=go_ahead
        )
        if not step.open_ticket:
            if not step.message:
                return None
            self.conversations.update(conv.id, now=now, state={**conv.state, "intake": step.state})
            return Reply(
                kind="follow_up",
                text=step.message,
                conversation_id=conv.id,
                missing=list(step.missing),
                actions=["go_ahead"],
            )
        result = step.result
        fields = {k: v for k, v in result.fields.model_dump().items() if v}
        new = NewTicket(
            account_id=account.id,
            kind=result.kind,
            priority=result.priority,
            priority_reason=result.reason,
            subject=(fields.get("summary") or text or "Bug report")[:300],
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            fields=fields,
            missing=list(step.missing),
            **_refs(inbound),
            conversation_id=conv.id,
            stage="new",
            body=self._transcript(conv, turn.text or text),
        )
        ticket = self._open(conv, new, turn, now=now)
        state = {k: v for k, v in conv.state.items() if k != "intake"}
        self.conversations.update(conv.id, now=now, state=state, ticket_id=ticket.id)
        summary = self.summary(ticket)
        text = f"I've opened a ticket for you.\n\n{ticket_lines(summary)}"
        if step.message:  # e.g. an outage: opened at once, and we still ask for the rest
            text = f"{text}\n\n{step.message}"
        return Reply(
            kind="ticket_opened",
            text=text,
            conversation_id=conv.id,
            ticket=summary,
            missing=list(step.missing),
        )

    def open_for_human(
        self, conv: Conversation, account: Account, inbound: Inbound, *, now: dt.datetime
    ) -> Reply:
        ticket = self.open_ticket_of(conv)
        if ticket is None:
            question = next(
                (m.text for m in reversed(conv.messages) if m.role == "user" and m.text), ""
            )
            new = NewTicket(
                account_id=account.id,
                kind="question",
                priority="P3",
                priority_reason="the customer asked for a person; the docs did not settle it",
                subject=(question or "Customer asked for a human")[:300],
                requester=inbound.user_ref or "anonymous",
                requester_name=inbound.user_name,
                conversation_id=conv.id,
                stage="new",
                **_refs(inbound),
                body=self._transcript(conv, question),
            )
            ticket = self._open(conv, new, Turn(question, [], [], []), now=now)
            self.conversations.update(conv.id, now=now, ticket_id=ticket.id)
        summary = self.summary(ticket)
        return Reply(
            kind="ticket_opened",
            conversation_id=conv.id,
            ticket=summary,
            handoff=True,
            text=f"A person from our support team will pick this up.\n\n{ticket_lines(summary)}",
        )

    def open_request(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        turn: Turn,
        *,
        kind: str,
        result: Any,
        now: dt.datetime,
        lang: str,
    ) -> Reply:
        upgrade = kind == "upgrade"
        new = NewTicket(
            account_id=account.id,
            kind=kind,
            priority=result.priority if not upgrade else "P3",
            priority_reason="plan upgrade request" if upgrade else getattr(result, "reason", ""),
            subject=turn.question[:300],
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            conversation_id=conv.id,
            **_refs(inbound),
            stage="submitted" if upgrade else "new",
            assignee_id=account.csm if upgrade else None,
            body=turn.report,
        )
        ticket = self._open(conv, new, turn, now=now)
        self.conversations.update(conv.id, now=now, ticket_id=ticket.id)
        summary = self.summary(ticket)
        if upgrade:
            text = (
                "I've passed your upgrade request to your account team"
                f"{' (' + account.csm + ')' if account.csm else ''}.\n\n{ticket_lines(summary)}"
            )
        else:
            text = say("feature", lang, key=ticket.key)
        return Reply(kind="ticket_opened", text=text, conversation_id=conv.id, ticket=summary)

    def add_to_ticket(
        self,
        conv: Conversation,
        ticket: Ticket,
        inbound: Inbound,
        turn: Turn,
        *,
        now: dt.datetime,
        lang: str,
    ) -> Reply:
        ticket = self.desk.customer_reply(
            ticket, author=inbound.user_ref or "anonymous", body=turn.text, now=now
        )
        if turn.attachment_ids:
            self.attachments.link(turn.attachment_ids, ticket.id)
        summary = self.summary(ticket)
        nxt = ticket_lines(summary)
        return Reply(
            kind="ticket_updated",
            text=say("ticket_added", lang, key=ticket.key, next=nxt),
            conversation_id=conv.id,
            ticket=summary,
        )

    def status(
        self, conv: Conversation, account: Account | None, ref: str | None, *, lang: str
    ) -> Reply:
        if account is None:
            return Reply(
                kind="handoff",
                text=say("need_account", lang),
                conversation_id=conv.id,
                handoff=True,
            )
        if ref:
            try:
                ticket = self.tickets.get(ref, account_id=account.id)
            except NotFound:
                return Reply(
                    kind="status",
                    text=say("status_unknown", lang, ref=ref),
                    conversation_id=conv.id,
                )
            summary = self.summary(ticket)
            return Reply(
                kind="status", text=ticket_lines(summary), conversation_id=conv.id, ticket=summary
            )
        tickets = self.tickets.query(TicketFilter(account_id=account.id, open_only=True, limit=10))
        if not tickets:
            return Reply(kind="status", text=say("status_none", lang), conversation_id=conv.id)
        text = "\n\n".join(ticket_lines(self.summary(t)) for t in tickets)
        return Reply(kind="status", text=text, conversation_id=conv.id)

    # -- helpers ---------------------------------------------------------------------------
    def summary(self, ticket: Ticket) -> TicketSummary:
        account = self.config.account(ticket.account_id)
        return TicketSummary.of(ticket, timezone=account.timezone if account else "UTC")

    def _open(self, conv: Conversation, new: NewTicket, turn: Turn, *, now: dt.datetime) -> Ticket:
        ticket = self.desk.open(new, now=now)
        ids = turn.attachment_ids + [
            a.id for a in self.attachments.for_conversation(conv.id) if a.ticket_id is None
        ]
        if ids:
            self.attachments.link(sorted(set(ids)), ticket.id)
        if self.on_ticket_opened is not None:
            try:
                self.on_ticket_opened(ticket)
            except Exception:  # a failed notification must not lose the ticket
                log.exception("on_ticket_opened failed", extra={"ticket": ticket.key})
        return ticket

    def open_ticket_of(self, conv: Conversation) -> Ticket | None:
        if conv.ticket_id is None:
            return None
        ticket = self.tickets.find(conv.ticket_id)
        return ticket if ticket is not None and ticket.is_open else None

    def _transcript(self, conv: Conversation, latest: str) -> str:
        lines = [f"{m.role}: {m.text}" for m in conv.messages if m.text]
        if latest and (not lines or not lines[-1].endswith(latest)):
            lines.append(f"user: {latest}")
        return "\n".join(lines)[-20_000:]


def _refs(inbound: Inbound) -> dict[str, Any]:
    """Where the ticket lives: the channel, and for Slack the channel id and thread ts."""
    if inbound.channel != "slack":
        return {"channel": inbound.channel}
    channel_ref, _, thread_ref = inbound.conversation_ref.partition(":")
    return {"channel": "slack", "channel_ref": channel_ref, "thread_ref": thread_ref or None}
