"""The conversation service: one user turn in, one reply out, whatever the channel.

A turn goes: store the (redacted) message → follow a button click, or add to the open ticket
of this conversation, or continue a bug intake in progress, or triage the message and then
answer from the docs / start an intake / open a feature or upgrade ticket / report a status.
Whatever fails on the way, the user gets a reply that says so and offers a human: the bot is
never silent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import Any, Protocol

from bot.config import Account, OrgConfig
from bot.conversation.texts import language, say, ticket_lines
from bot.conversation.types import Action, CitationRef, Inbound, Reply, TicketSummary, Upload
from bot.desk import TicketDesk
from bot.errors import DeskbotError, InvalidInput, NotFound
from bot.store.attachments import AttachmentStore
from bot.store.conversations import ConversationStore
from bot.store.gaps import GapStore
from bot.store.records import Conversation, NewTicket, Ticket
from bot.store.tickets import TicketFilter, TicketStore
from retrieval.types import Answer

log = logging.getLogger("deskbot.conversation")

MAX_TEXT = 20_000  # characters read from one message; the whole text is kept as a file
ANSWER_ACTIONS: list[Action] = ["solved", "open_ticket", "human"]
HANDOFF_ACTIONS: list[Action] = ["open_ticket", "human"]


class Answerer(Protocol):
    """The docs bot (``retrieval.KnowledgeBase`` satisfies it)."""

    def ask(self, question: str) -> Answer: ...


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


class ConversationService:
    def __init__(
        self,
        *,
        config: OrgConfig,
        conversations: ConversationStore,
        tickets: TicketStore,
        desk: TicketDesk,
        gaps: GapStore,
        attachments: AttachmentStore,
        knowledge: Callable[[], Answerer],
        intake: Intake,
        on_ticket_opened: Callable[[Ticket], None] | None = None,
    ) -> None:
        self.config = config
        self.conversations = conversations
        self.tickets = tickets
        self.desk = desk
        self.gaps = gaps
        self.attachments = attachments
        self.knowledge = knowledge
        self.intake = intake
        self.on_ticket_opened = on_ticket_opened

    # -- the entry point -------------------------------------------------------------------
    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        """Answer one turn. Never raises for content or for a failing dependency."""
        lang = language(inbound.text)
        conv = self.conversations.open(
            inbound.channel,
            inbound.conversation_ref,
            now=now,
            account_id=inbound.account_id,
            user_ref=inbound.user_ref,
            user_name=inbound.user_name,
        )
        if inbound.account_id and conv.account_id != inbound.account_id:
            conv = self.conversations.update(conv.id, now=now, account_id=inbound.account_id)
        text = inbound.text.strip()
        if not text and not inbound.uploads and inbound.action is None:
            return Reply(kind="follow_up", text=say("empty", lang), conversation_id=conv.id)
        try:
            turn = self._receive(conv, inbound, text, now=now)
            reply = self._route(conv, inbound, turn, lang=lang, now=now)
        except DeskbotError as exc:
            log.warning("turn failed", extra={"conversation": conv.id, "error": str(exc)})
            reply = self._error(conv, str(exc), lang)
        except Exception as exc:  # the user must hear back whatever broke
            log.exception("turn crashed", extra={"conversation": conv.id})
            reply = self._error(conv, type(exc).__name__, lang)
        self._remember(conv, reply, now=now)
        return reply

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        """Text pieces as they come (LLM answers), then the final :class:`Reply`."""
        reply = self.handle(inbound, now=now)
        yield reply.text
        yield reply

    # -- steps -----------------------------------------------------------------------------
    def _receive(
        self, conv: Conversation, inbound: Inbound, text: str, *, now: dt.datetime
    ) -> _Turn:
        """Store the redacted message and the uploaded files; read logs for triage."""
        safe = self.intake.redact(text)
        notes: list[str] = []
        read: list[Any] = []
        saved: list[int] = []
        if len(safe) > MAX_TEXT:
            # Kept whole (redacted) as a file; only the beginning is read.
            stored = self.attachments.save(
                safe.encode("utf-8"),
                filename="message.txt",
                content_type="text/plain",
                now=now,
                conversation_id=conv.id,
                ticket_id=conv.ticket_id,
            )
            saved.append(stored.id)
            safe = safe[:MAX_TEXT]
            notes.append(say("too_long", language(text)))
        uploads = list(inbound.uploads)
        for upload in uploads:
            try:
                read.append(self.intake.read_upload(upload))
            except InvalidInput as exc:
                notes.append(str(exc))
                continue
            stored = self.attachments.save(
                upload.data,
                filename=upload.filename,
                content_type=upload.content_type,
                now=now,
                conversation_id=conv.id,
                ticket_id=conv.ticket_id,
            )
            saved.append(stored.id)
        data = {"action": inbound.action, "external_id": inbound.external_id, "attachments": saved}
        self.conversations.add_message(
            conv.id, "user", safe, now=now, author=inbound.user_ref, data=data
        )
        return _Turn(text=safe, attachments=read, attachment_ids=saved, notes=notes)

    def _route(
        self, conv: Conversation, inbound: Inbound, turn: _Turn, *, lang: str, now: dt.datetime
    ) -> Reply:
        account = self._account(conv)
        if inbound.action == "solved":
            self.conversations.update(conv.id, now=now, state={**conv.state, "solved": True})
            return Reply(kind="acknowledged", text=say("solved", lang), conversation_id=conv.id)
        ticket = self._open_ticket_of(conv)
        if ticket is not None and inbound.action is None:
            return self._add_to_ticket(conv, ticket, inbound, turn, now=now, lang=lang)
        if ticket is not None and inbound.action in ("open_ticket", "go_ahead"):
            # A second click (or a retried one): the conversation already has its ticket.
            summary = self.summary(ticket)
            return Reply(
                kind="status",
                text=f"Your ticket is already open.\n\n{ticket_lines(summary)}",
                conversation_id=conv.id,
                ticket=summary,
            )
        if inbound.action in ("human", "open_ticket", "go_ahead") or conv.state.get("intake"):
            if account is None:
                return Reply(
                    kind="handoff",
                    text=say("need_account", lang),
                    conversation_id=conv.id,
                    handoff=True,
                )
            if inbound.action == "human":
                return self._open_for_human(conv, account, inbound, now=now)
            return self._continue_intake(
                conv, account, inbound, turn, now=now, go_ahead=inbound.action is not None
            )
        tier = account.tier if account else "free"
        history = [m.text for m in conv.messages if m.role == "user"][-6:]
        result = self.intake.classify(turn.text, tier=tier, context=history)
        kind = result.kind
        if kind in ("bug", "outage"):
            known = self._known_issue(turn.text)
            if known is not None:
                return known(conv)
            if account is None:
                return self._answer(conv, turn, lang=lang, now=now)
            return self._continue_intake(conv, account, inbound, turn, now=now, go_ahead=False)
        if kind in ("feature", "upgrade") and account is not None:
            return self._open_request(
                conv, account, inbound, turn, kind=kind, result=result, now=now, lang=lang
            )
        if kind == "status":
            return self._status(conv, account, getattr(result, "ticket_ref", None), lang=lang)
        return self._answer(conv, turn, lang=lang, now=now)

    def _answer(self, conv: Conversation, turn: _Turn, *, lang: str, now: dt.datetime) -> Reply:
        try:
            answer = self.knowledge().ask(turn.text)
        except DeskbotError as exc:
            return self._error(conv, str(exc), lang)
        except Exception as exc:  # index or model failure
            log.exception("answer failed")
            return self._error(conv, type(exc).__name__, lang)
        citations = [CitationRef(c.source, c.heading, c.url) for c in answer.citations]
        if answer.handoff:
            top = answer.passages[0] if answer.passages else None
            self.gaps.record(
                turn.text,
                now=now,
                channel=conv.channel,
                account_id=conv.account_id,
                conversation_id=conv.id,
                top_score=top.score if top else None,
                top_source=top.source if top else None,
            )
            return Reply(
                kind="handoff",
                text=say("handoff", lang),
                conversation_id=conv.id,
                confidence=answer.confidence,
                handoff=True,
                actions=HANDOFF_ACTIONS,
            )
        text = "\n\n".join([answer.answer, *turn.notes])
        return Reply(
            kind="answer",
            text=text,
            conversation_id=conv.id,
            citations=citations,
            confidence=answer.confidence,
            actions=ANSWER_ACTIONS,
        )

    def _known_issue(self, text: str) -> Callable[[Conversation], Reply] | None:
        """A bug the docs already describe (release notes, known issues) gets the answer."""
        try:
            answer = self.knowledge().ask(text)
        except Exception:
            return None
        if answer.handoff or answer.confidence < 0.6:
            return None
        known = [
            c
            for c in answer.citations
            if "known issue" in c.heading.lower() or "release-notes" in c.source.lower()
        ]
        if not known:
            return None
        citations = [CitationRef(c.source, c.heading, c.url) for c in answer.citations]
        body = (
            f"This looks like a known issue:\n\n{answer.answer}\n\n"
            "If this doesn't match what you see, I can open a ticket."
        )
        return lambda conv: Reply(
            kind="answer",
            text=body,
            conversation_id=conv.id,
            citations=citations,
            confidence=answer.confidence,
            actions=["solved", "open_ticket", "human"],
        )

    def _continue_intake(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        turn: _Turn,
        *,
        now: dt.datetime,
        go_ahead: bool,
    ) -> Reply:
        text = turn.text
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
            body=self._transcript(conv, text),
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

    def _open_for_human(
        self, conv: Conversation, account: Account, inbound: Inbound, *, now: dt.datetime
    ) -> Reply:
        ticket = self._open_ticket_of(conv)
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
            ticket = self._open(conv, new, _Turn(question, [], [], []), now=now)
            self.conversations.update(conv.id, now=now, ticket_id=ticket.id)
        summary = self.summary(ticket)
        return Reply(
            kind="ticket_opened",
            conversation_id=conv.id,
            ticket=summary,
            handoff=True,
            text=f"A person from our support team will pick this up.\n\n{ticket_lines(summary)}",
        )

    def _open_request(
        self,
        conv: Conversation,
        account: Account,
        inbound: Inbound,
        turn: _Turn,
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
            subject=turn.text[:300],
            requester=inbound.user_ref or "anonymous",
            requester_name=inbound.user_name,
            conversation_id=conv.id,
            **_refs(inbound),
            stage="submitted" if upgrade else "new",
            assignee_id=account.csm if upgrade else None,
            body=turn.text,
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

    def _add_to_ticket(
        self,
        conv: Conversation,
        ticket: Ticket,
        inbound: Inbound,
        turn: _Turn,
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

    def _status(
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

    def _open(self, conv: Conversation, new: NewTicket, turn: _Turn, *, now: dt.datetime) -> Ticket:
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

    def _open_ticket_of(self, conv: Conversation) -> Ticket | None:
        if conv.ticket_id is None:
            return None
        ticket = self.tickets.find(conv.ticket_id)
        return ticket if ticket is not None and ticket.is_open else None

    def _account(self, conv: Conversation) -> Account | None:
        return self.config.account(conv.account_id) if conv.account_id else None

    def _transcript(self, conv: Conversation, latest: str) -> str:
        lines = [f"{m.role}: {m.text}" for m in conv.messages if m.text]
        if latest and (not lines or not lines[-1].endswith(latest)):
            lines.append(f"user: {latest}")
        return "\n".join(lines)[-20_000:]

    def _error(self, conv: Conversation, what: str, lang: str) -> Reply:
        return Reply(
            kind="error",
            text=say("error", lang, what=what[:200]),
            conversation_id=conv.id,
            handoff=True,
            actions=["human"],
        )

    def _remember(self, conv: Conversation, reply: Reply, *, now: dt.datetime) -> None:
        data = {
            "kind": reply.kind,
            "handoff": reply.handoff,
            "confidence": reply.confidence,
            "citations": [c.__dict__ for c in reply.citations],
            "ticket": reply.ticket.key if reply.ticket else None,
        }
        try:
            self.conversations.add_message(conv.id, "bot", reply.text, now=now, data=data)
        except DeskbotError:
            log.warning("could not store the bot reply", extra={"conversation": conv.id})


def _refs(inbound: Inbound) -> dict[str, Any]:
    """Where the ticket lives: the channel, and for Slack the channel id and thread ts."""
    if inbound.channel != "slack":
        return {"channel": inbound.channel}
    channel_ref, _, thread_ref = inbound.conversation_ref.partition(":")
    return {"channel": "slack", "channel_ref": channel_ref, "thread_ref": thread_ref or None}


class _Turn:
    """One user turn after storage: redacted text, logs read, attachment ids, notes."""

    def __init__(
        self, text: str, attachments: list[Any], attachment_ids: list[int], notes: list[str]
    ) -> None:
        self.text = text
        self.attachments = attachments
        self.attachment_ids = attachment_ids
        self.notes = notes


__all__ = ["Answerer", "ConversationService", "Intake", "replace"]
