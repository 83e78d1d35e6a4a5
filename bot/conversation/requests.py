"""Tickets from conversations: bug reports, questions for a person, commercial and feature
requests, detail added to an open ticket, and where the asker's tickets stand."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any, Protocol

from bot.config import Account, OrgConfig
from bot.conversation.summary import question_body, report_body
from bot.conversation.types import Inbound, TicketSummary, Upload
from bot.desk import TicketDesk
from bot.errors import NotFound
from bot.store.attachments import AttachmentStore
from bot.store.records import Conversation, Message, NewTicket, Ticket
from bot.store.tickets import TicketFilter, TicketStore
from bot.triage.followup import language
from bot.triage.intake import IntakeDecision, IntakeSession
from bot.triage.models import Attachment, TriageResult
from bot.triage.subject import subject_line

log = logging.getLogger("deskbot.conversation")
COMMERCIAL_STAGE = "submitted"


class Intake(Protocol):
    """Triage and bug intake (``bot.conversation.intake.TriageIntake`` satisfies it)."""

    def classify(self, text: str, *, tier: str, context: Sequence[str]) -> TriageResult: ...

    def step(
        self,
        session: IntakeSession,
        text: str,
        *,
        attachments: Sequence[Attachment] = (),
        go_ahead: bool = False,
    ) -> IntakeDecision: ...

    def read_upload(self, upload: Upload) -> Attachment: ...

    def redact(self, text: str) -> str: ...


class TicketRequests:
    """Opens and updates the tickets a conversation leads to, through the ticket desk."""

    def __init__(
        self,
        *,
        config: OrgConfig,
        tickets: TicketStore,
        desk: TicketDesk,
        attachments: AttachmentStore,
    ) -> None:
        self.config = config
        self.tickets = tickets
        self.desk = desk
        self.attachments = attachments

    # -- opening -----------------------------------------------------------------------------
    def open_report(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        session: IntakeSession,
        decision: IntakeDecision,
        *,
        now: dt.datetime,
        attachment_ids: Sequence[int] = (),
    ) -> Ticket:
        """A bug or outage ticket built from the report: subject, fields, priority, body."""
        fields = {k: v for k, v in decision.fields.model_dump().items() if v}
        # what the reporter said they cannot send yet ("日志暂时拿不到"): the pages say so
        if declined := [m for m in session.declined if m in decision.missing]:
            fields["declined"] = declined
        new = NewTicket(
            account_id=account.id,
            kind=decision.kind,
            priority=decision.priority,
            priority_reason=decision.reason,
            subject=session.subject or "Bug report",
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            fields=fields,
            missing=list(decision.missing),
            conversation_id=conv.id,
            stage="new",
            body=report_body(
                decision.fields,
                subject=session.subject,
                attachments=session.attachment_names,
                messages=conv.messages,
                lang=session.lang,
            ),
            **_refs(inbound),
        )
        return self._open(conv, new, attachment_ids, now=now)

    def open_question(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        question: str,
        *,
        result: TriageResult | None,
        now: dt.datetime,
        attachment_ids: Sequence[int] = (),
        lang: str = "en",
    ) -> Ticket:
        """A question the docs did not settle, for a person."""
        priority = "P3" if result is not None and result.priority in ("P1", "P2", "P3") else "P4"
        new = NewTicket(
            account_id=account.id,
            kind="question",
            priority=priority,
            priority_reason="the customer asked for a person; the docs did not settle it",
            subject=_first_line(question) or _NO_SUBJECT.get(lang, _NO_SUBJECT["en"]),
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            conversation_id=conv.id,
            stage="new",
            body=question_body(question, conv.messages, language(question)),
            **_refs(inbound),
        )
        return self._open(conv, new, attachment_ids, now=now)

    def open_request(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        text: str,
        *,
        kind: str,
        result: TriageResult | None,
        now: dt.datetime,
    ) -> Ticket:
        """A commercial request (kind ``upgrade`` or ``commercial``: to the CSM, on the
        commercial clock) or a feature request (to the product team's queue)."""
        commercial = kind in ("upgrade", "commercial")
        new = NewTicket(
            account_id=account.id,
            kind=kind,
            priority="P3" if commercial else "P4",
            priority_reason=(
                "commercial request for the account team" if commercial else "feature request"
            ),
            subject=_first_line(text) or kind,
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            conversation_id=conv.id,
            stage=COMMERCIAL_STAGE if commercial else "new",
            assignee_id=account.csm if commercial else None,
            body=question_body(text, conv.messages, language(text)),
            **_refs(inbound),
        )
        return self._open(conv, new, (), now=now)

    def open_contact(
        self,
        account: Account,
        *,
        name: str,
        email: str,
        company: str,
        text: str,
        session: IntakeSession | None,
        decision: IntakeDecision | None,
        conv: Conversation | None,
        now: dt.datetime,
    ) -> Ticket:
        """A visitor's contact form: a ticket on the community account, with their report
        when the chat already took one."""
        # The address goes in ``requester`` (where replies go); text fields are redacted,
        # addresses included.
        contact = {"contact_name": name, "contact_company": company}
        messages: Sequence[Message] = conv.messages if conv is not None else ()
        if session is not None and decision is not None:
            fields = {k: v for k, v in decision.fields.model_dump().items() if v}
            kind, priority, reason = decision.kind, decision.priority, decision.reason
            subject = session.subject
            body = report_body(
                decision.fields, subject=subject, attachments=session.attachment_names,
                messages=messages, lang=session.lang,
            )  # fmt: skip
            missing = list(decision.missing)
        else:
            fields, kind, priority, missing = {}, "question", "P4", []
            reason = "contact form from a visitor without an account"
            subject = _first_line(text) or "Contact request"
            body = question_body(text, messages, language(text))
        body = f"**From:** {name}, {company}\n\n{body}"
        new = NewTicket(
            account_id=account.id, kind=kind, priority=priority, priority_reason=reason,
            subject=subject, requester=email, requester_name=name, fields={**fields, **contact},
            missing=missing, conversation_id=conv.id if conv else None, stage="new", body=body,
            channel="web",
        )  # fmt: skip
        return self._open(conv, new, (), now=now)

    # -- after opening -----------------------------------------------------------------------
    def add_detail(
        self,
        ticket: Ticket,
        inbound: Inbound,
        text: str,
        *,
        decision: IntakeDecision | None,
        attachment_ids: Sequence[int],
        now: dt.datetime,
    ) -> tuple[Ticket, list[str]]:
        """The customer's message on the ticket, its attachments linked, and the fields the
        message added merged into the ticket. Returns the ticket and the fields added."""
        body = text or ("(attachment)" if attachment_ids else "")
        ticket = self.desk.customer_reply(
            ticket, author=inbound.user_ref or "anonymous", body=body, now=now
        )
        if attachment_ids:
            self.attachments.link(list(attachment_ids), ticket.id)
        added: list[str] = []
        if decision is not None:
            fields = {k: v for k, v in decision.fields.model_dump().items() if v}
            added = [k for k, v in fields.items() if k != "summary" and not ticket.fields.get(k)]
            changed = added or set(ticket.missing) != set(decision.missing)
            if changed and ticket.is_open:
                ticket = self.desk.update_fields(
                    ticket, fields=fields, missing=list(decision.missing),
                    by=inbound.user_ref or "customer", now=now,
                )  # fmt: skip
        return ticket, added

    def note_wants_person(self, ticket: Ticket, inbound: Inbound, *, now: dt.datetime) -> Ticket:
        return self.desk.customer_reply(
            ticket,
            author=inbound.user_ref or "anonymous",
            body=inbound.text or "The customer asked for a person to reply.",
            now=now,
        )

    # -- looking up --------------------------------------------------------------------------
    def summary(self, ticket: Ticket) -> TicketSummary:
        account = self.config.account(ticket.account_id)
        person = self.config.person(ticket.assignee_id) if ticket.assignee_id else None
        return TicketSummary.of(
            ticket,
            timezone=account.timezone if account else "UTC",
            assignee_name=person.name if person else None,
        )

    def find_for(self, ref: str, account: Account) -> Ticket | None:
        try:
            return self.tickets.get(ref, account_id=account.id)
        except NotFound:
            return None

    def open_tickets(self, account: Account, *, limit: int = 10) -> list[Ticket]:
        return self.tickets.query(TicketFilter(account_id=account.id, open_only=True, limit=limit))

    def ticket_of(self, conv: Conversation) -> Ticket | None:
        """The conversation's latest ticket, open or not."""
        return self.tickets.find(conv.ticket_id) if conv.ticket_id is not None else None

    # -- internals ---------------------------------------------------------------------------
    def _open(
        self,
        conv: Conversation | None,
        new: NewTicket,
        attachment_ids: Sequence[int],
        *,
        now: dt.datetime,
    ) -> Ticket:
        ticket = self.desk.open(new, now=now)
        ids = list(attachment_ids)
        if conv is not None:
            ids += [a.id for a in self.attachments.for_conversation(conv.id) if a.ticket_id is None]
        if ids:
            self.attachments.link(sorted(set(ids)), ticket.id)
        return ticket  # the desk's listeners tell the engineers


# a question ticket opened before anything was said (in the customer's language)
_NO_SUBJECT = {"en": "Question for the support team", "zh": "咨询技术支持"}


def _first_line(text: str) -> str:
    return subject_line(text) or ""


def _refs(inbound: Inbound) -> dict[str, Any]:
    """Where the ticket lives: the channel, and for Slack the channel id and thread ts."""
    if inbound.channel != "slack":
        return {"channel": inbound.channel}
    channel_ref, _, thread_ref = inbound.conversation_ref.partition(":")
    return {"channel": "slack", "channel_ref": channel_ref, "thread_ref": thread_ref or None}
