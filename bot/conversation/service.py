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
from collections.abc import Callable, Iterator
from typing import Any

from bot.config import Account, OrgConfig
from bot.conversation.answers import Answerer, DocsAnswers, error_reply
from bot.conversation.requests import Intake, TicketRequests
from bot.conversation.texts import language, say, ticket_lines
from bot.conversation.types import Inbound, Reply, TicketSummary, Turn
from bot.desk import TicketDesk
from bot.errors import DeskbotError, InvalidInput
from bot.store.attachments import AttachmentStore
from bot.store.conversations import ConversationStore
from bot.store.gaps import GapStore
from bot.store.records import Conversation, Ticket
from bot.store.tickets import TicketStore

log = logging.getLogger("deskbot.conversation")

MAX_TEXT = 20_000  # characters read from one message; the whole text is kept as a file


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
        # The service keeps what a turn itself needs; answering and ticket work live in
        # their own parts, which hold the rest.
        self.config = config
        self.conversations = conversations
        self.attachments = attachments
        self.intake = intake
        self.knowledge = knowledge  # also warmed up at service start
        self.docs = DocsAnswers(knowledge=knowledge, gaps=gaps)
        self.requests = TicketRequests(
            config=config,
            conversations=conversations,
            tickets=tickets,
            desk=desk,
            attachments=attachments,
            intake=intake,
            on_ticket_opened=on_ticket_opened,
        )

    # -- the entry point -------------------------------------------------------------------
    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        """Answer one turn. Never raises for content or for a failing dependency."""
        lang = language(inbound.text if inbound.text.strip() else "".join(inbound.context[:1]))
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
        if not text and not inbound.uploads and inbound.action is None and not inbound.context:
            return Reply(kind="follow_up", text=say("empty", lang), conversation_id=conv.id)
        try:
            context: list[str] = []
            if inbound.context and not conv.messages:
                context = self._take_context(conv, inbound.context, now=now)
                conv = self.conversations.get(conv.id)
            turn = self._receive(conv, inbound, text, now=now, context=context)
            reply = self._route(conv, inbound, turn, lang=lang, now=now)
        except DeskbotError as exc:
            log.warning("turn failed", extra={"conversation": conv.id, "error": str(exc)})
            reply = error_reply(conv, str(exc), lang)
        except Exception as exc:  # the user must hear back whatever broke
            log.exception("turn crashed", extra={"conversation": conv.id})
            reply = error_reply(conv, type(exc).__name__, lang)
        self._remember(conv, reply, now=now)
        return reply

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        """Text pieces as they come (LLM answers), then the final :class:`Reply`."""
        reply = self.handle(inbound, now=now)
        yield reply.text
        yield reply

    # -- steps -----------------------------------------------------------------------------
    def _take_context(
        self, conv: Conversation, earlier: tuple[str, ...], *, now: dt.datetime
    ) -> list[str]:
        """Store the earlier messages (redacted) before this turn's, as the conversation's
        start: history, triage and the ticket's transcript then read them like any other.
        Channels bound them; ``MAX_TEXT`` characters in all are read here whatever comes."""
        taken: list[str] = []
        left = MAX_TEXT
        for text in earlier:
            safe = self.intake.redact(text.strip())[:left]
            if safe:
                left -= len(safe)
                self.conversations.add_message(
                    conv.id, "user", safe, now=now, data={"context": True}
                )
                taken.append(safe)
        return taken

    def _receive(
        self,
        conv: Conversation,
        inbound: Inbound,
        text: str,
        *,
        now: dt.datetime,
        context: list[str] | None = None,
    ) -> Turn:
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
        if inbound.user_name:
            data["author_name"] = inbound.user_name  # who wrote it, for the ticket's pages
        self.conversations.add_message(
            conv.id, "user", safe, now=now, author=inbound.user_ref, data=data
        )
        return Turn(
            text=safe,
            attachments=read,
            attachment_ids=saved,
            notes=notes,
            context=list(context or []),
        )

    def _route(
        self, conv: Conversation, inbound: Inbound, turn: Turn, *, lang: str, now: dt.datetime
    ) -> Reply:
        account = self._account(conv)
        if inbound.action == "solved":
            self.conversations.update(conv.id, now=now, state={**conv.state, "solved": True})
            return Reply(kind="acknowledged", text=say("solved", lang), conversation_id=conv.id)
        ticket = self.requests.open_ticket_of(conv)
        if ticket is not None and inbound.action is None:
            return self.requests.add_to_ticket(conv, ticket, inbound, turn, now=now, lang=lang)
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
                return self.requests.open_for_human(conv, account, inbound, now=now)
            step = self.requests.continue_intake(
                conv, account, inbound, turn, now=now, go_ahead=inbound.action is not None
            )
            if step is not None:
                return step
            # Mid-report, a question or a status check: answered below, the report kept.
        tier = account.tier if account else "free"
        # A turn that brings the thread's earlier messages is classified with them: "can you
        # help?" under a crash report is a bug report.
        history = [] if turn.context else [m.text for m in conv.messages if m.role == "user"]
        result = self.intake.classify(turn.report, tier=tier, context=history[-6:])
        kind = result.kind
        if kind in ("bug", "outage"):
            known, found = self.docs.known_issue(conv, turn.question)
            if known is not None:
                return known
            if account is None:
                return self.docs.answer(conv, turn, lang=lang, now=now, found=found)
            step = self.requests.continue_intake(
                conv, account, inbound, turn, now=now, go_ahead=False
            )
            if step is not None:
                return step
            return self.docs.answer(conv, turn, lang=lang, now=now, found=found)
        if kind in ("feature", "upgrade") and account is not None:
            return self.requests.open_request(
                conv, account, inbound, turn, kind=kind, result=result, now=now, lang=lang
            )
        if kind == "status":
            return self.requests.status(
                conv, account, getattr(result, "ticket_ref", None), lang=lang
            )
        return self.docs.answer(conv, turn, lang=lang, now=now)

    def summary(self, ticket: Ticket) -> TicketSummary:
        return self.requests.summary(ticket)

    def _account(self, conv: Conversation) -> Account | None:
        return self.config.account(conv.account_id) if conv.account_id else None

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


__all__ = ["Answerer", "ConversationService", "Intake"]
