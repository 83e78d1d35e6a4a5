"""The conversation service: one user turn in, one reply out, whatever the channel.

A turn goes: store the (redacted) message and its files → read the conversation's state once
→ read what the turn means in context (:mod:`intents`) → the state machine picks the step
(:mod:`machine`) → the step runs (:mod:`steps`: a docs answer streamed as it is written, a
bug report taken, a ticket opened or updated, a status) → the state and the reply are written
once. Whatever fails on the way, the user gets a reply that says so honestly and offers a
human: the bot is never silent.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Generator, Iterator
from typing import Any

from bot.config import OrgConfig
from bot.conversation.answers import Answerer, DocsAnswers, error_reply
from bot.conversation.intents import QUESTION_START, Intent, TurnFacts, read_turn, relatedness
from bot.conversation.known_issues import product_of
from bot.conversation.machine import Step, decide
from bot.conversation.phrases import ASKS_HOW
from bot.conversation.requests import Intake, TicketRequests
from bot.conversation.state import ConversationState, dump, load
from bot.conversation.steps import Steps
from bot.conversation.texts import language, say
from bot.conversation.turn import TurnContext
from bot.conversation.types import (
    ContactForm,
    ContactResult,
    Inbound,
    Reply,
    TicketSummary,
    Turn,
)
from bot.desk import TicketDesk
from bot.errors import DeskbotError, InvalidInput
from bot.store.attachments import AttachmentStore
from bot.store.conversations import ConversationStore
from bot.store.gaps import GapStore
from bot.store.records import Conversation, Ticket
from bot.store.tickets import TicketStore
from bot.triage import signals
from bot.triage.intake import IntakeSession
from bot.triage.models import TriageResult
from retrieval.deadline import Deadline, with_deadline

log = logging.getLogger("deskbot.conversation")

MAX_TEXT = 20_000  # characters read from one message; the whole text is kept as a file
_FACT_FIELDS = ("sdk_version", "os_version", "device", "repro_steps", "logs")
_THIN_FIELDS = ("sdk_version", "os_version", "device", "logs")
_ENVIRONMENT = ("sdk_version", "os_version", "device")
_HEADLINE_CHARS = 300
# what makes a message a bug report whatever else it says
_STRONG = (
    signals.CRASH,
    signals.REGRESSION,
    signals.DATA_LOSS,
    signals.OUTAGE,
    signals.BUG_TEMPLATE,
)


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
        model_seconds: float | None = None,
    ) -> None:
        """``model_seconds``: how long the model calls of one turn (a follow-up rewritten,
        the answer, the triage) may take together; then the turn goes on without the model
        (the extractive answer, the offline triage)."""
        self.config = config
        self.conversations = conversations
        self.attachments = attachments
        self.intake = intake
        self.knowledge = knowledge  # also warmed up at service start
        self.docs = DocsAnswers(knowledge=knowledge, gaps=gaps)
        self.requests = TicketRequests(
            config=config,
            tickets=tickets,
            desk=desk,
            attachments=attachments,
        )
        self.model_seconds = model_seconds
        self.steps = Steps(
            config=config,
            conversations=conversations,
            requests=self.requests,
            docs=self.docs,
            intake=intake,
        )

    # -- the entry points --------------------------------------------------------------------
    def handle(self, inbound: Inbound, *, now: dt.datetime) -> Reply:
        """Answer one turn. Never raises for content or for a failing dependency."""
        reply: Reply | None = None
        for piece in self.stream(inbound, now=now):
            if isinstance(piece, Reply):
                reply = piece
        assert reply is not None
        return reply

    def stream(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
        """Text pieces as they are produced (a model's answer), then the final :class:`Reply`.
        Every model call of the turn shares one deadline, whichever thread pulls the pieces."""
        seconds = self.model_seconds
        deadline = Deadline.after(seconds) if seconds is not None else None
        return with_deadline(self._turn(inbound, now=now), deadline)

    def _turn(self, inbound: Inbound, *, now: dt.datetime) -> Iterator[str | Reply]:
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
        state = load(conv.state)
        seen = inbound.text if inbound.text.strip() else "".join(inbound.context[:1])
        lang = language(seen, default=state.lang) if seen.strip() else state.lang
        text = inbound.text.strip()
        if not text and not inbound.uploads and inbound.action is None and not inbound.context:
            reply = Reply(kind="follow_up", text=say("empty", lang), conversation_id=conv.id)
            self._remember(conv, reply, now=now)
            yield reply
            return
        state.lang = lang  # type: ignore[assignment]
        ctx: TurnContext | None = None
        saved = False
        try:
            if inbound.context and not conv.messages:
                self._take_context(conv, inbound.context, now=now)
                conv = self.conversations.get(conv.id)
            turn = self._receive(conv, inbound, text, now=now)
            saved = True
            ctx = TurnContext(
                conv=conv, inbound=inbound, turn=turn, state=state,
                account=self.config.account(conv.account_id) if conv.account_id else None,
                lang=lang, now=now, ticket=self._open_ticket(conv),
            )  # fmt: skip
            reply = yield from self._route(ctx)
        except DeskbotError as exc:
            log.warning("turn failed", extra={"conversation": conv.id, "error": str(exc)})
            reply = error_reply(conv, str(exc), lang, saved=saved)
        except Exception as exc:  # the user must hear back whatever broke
            log.exception("turn crashed", extra={"conversation": conv.id})
            reply = error_reply(conv, type(exc).__name__, lang, saved=saved)
        self._finish(conv, ctx, reply, now=now)
        yield reply

    def summary(self, ticket: Ticket) -> TicketSummary:
        return self.requests.summary(ticket)

    def contact(self, form: ContactForm, *, now: dt.datetime) -> ContactResult:
        """A visitor's contact form: a ticket on the organisation's default account, carrying
        the bug report the web chat ``form.conversation_ref`` took, if any."""
        org = self.config.organisation
        account = self.config.account(org.default_account) if org.default_account else None
        if not self.config.web.contact_form or account is None:
            raise InvalidInput("the contact form is not available; sign in with your account key")
        conv = (
            self.conversations.find("web", form.conversation_ref) if form.conversation_ref else None
        )
        state = load(conv.state) if conv is not None else ConversationState()
        text = self.intake.redact(form.message.strip())[:MAX_TEXT]
        session, decision = state.report, None
        if session is not None and not session.opened:
            decision = self.intake.step(session, text, go_ahead=True)
        else:
            session = None
        ticket = self.requests.open_contact(
            account, name=form.name.strip(), email=form.email.strip(),
            company=form.company.strip(), text=text or "(no message)", session=session,
            decision=decision, conv=conv, now=now,
        )  # fmt: skip
        lang = language(text, default=state.lang) if text else state.lang
        said = say("contact_opened", lang, name=form.name.strip(), key=ticket.key, email=form.email)
        if conv is not None:
            state.awaiting, state.on_ticket = None, True
            self.conversations.update(conv.id, now=now, state=dump(state), ticket_id=ticket.id)
            self._remember(
                conv, Reply(kind="ticket_opened", text=said, conversation_id=conv.id, lang=lang),
                now=now,
            )  # fmt: skip
        return ContactResult(key=ticket.key, text=said)

    # -- one turn ----------------------------------------------------------------------------
    def _route(self, ctx: TurnContext) -> Generator[str, None, Reply]:
        result = self._classify(ctx)
        ctx.result = result
        reading = read_turn(self._facts(ctx, result))
        if reading.intent is Intent.NEW_TOPIC and reading.rest:
            # "another question: how do I mute someone?" — start afresh with what follows
            ctx.state = decide(ctx.state, reading, ticket_open=ctx.ticket is not None).state
            ctx.state.topic_start = len(ctx.conv.messages)
            ctx.turn.text = reading.rest
            ctx.fresh = True
            return (yield from self._route(ctx))
        transition = decide(ctx.state, reading, ticket_open=ctx.ticket is not None)
        ctx.state = transition.state
        if transition.step is Step.ANSWER:
            return (yield from self.steps.answer(ctx))
        return self.steps.run(transition.step, ctx, reading)

    def _classify(self, ctx: TurnContext) -> TriageResult | None:
        if not (ctx.turn.report or ctx.turn.attachments):
            return None
        tier = ctx.account.tier if ctx.account else "free"
        # A turn that brings the thread's earlier messages is classified with them; otherwise
        # with the earlier messages of this topic ("can you help?" under a crash report).
        context = [] if ctx.turn.context else ctx.topic[-6:]
        return self.intake.classify(ctx.turn.report, tier=tier, context=context)

    def _facts(self, ctx: TurnContext, result: TriageResult | None) -> TurnFacts:
        state = ctx.state
        earlier = ""
        if state.report is not None and (state.reporting or state.on_ticket):
            earlier = state.report.text
        elif ctx.ticket is not None and state.on_ticket:
            said = [str(v) for k, v in ctx.ticket.fields.items() if k != "logs"]
            earlier = "\n".join([ctx.ticket.subject, *said])
        mine, theirs = product_of(ctx.turn.text), product_of(earlier) if earlier else ""
        fields = result.fields if result is not None else None
        has_facts = bool(
            ctx.turn.attachments
            or (fields is not None and any(getattr(fields, f) for f in _FACT_FIELDS))
        )
        last_bot = next((m for m in reversed(ctx.conv.messages) if m.role == "bot"), None)
        last_said = next((m for m in reversed(ctx.conv.messages) if m.role != "user"), None)
        text = ctx.turn.text
        head = text.strip().split("\n", 1)[0][:200]
        topic = ctx.topic
        return TurnFacts(
            text=ctx.turn.text,
            action=ctx.inbound.action,
            uploads=bool(ctx.turn.attachment_ids),
            kind=result.kind if result is not None else "question",
            has_facts=has_facts,
            environment=fields is not None and any(getattr(fields, f) for f in _ENVIRONMENT),
            reporting=state.reporting,
            awaiting=state.awaiting,
            has_ticket=ctx.ticket is not None and state.on_ticket,
            ticket_kind=ctx.ticket.kind if ctx.ticket is not None and state.on_ticket else None,
            just_opened=bool(last_bot and last_bot.data.get("kind") == "ticket_opened"),
            related=relatedness(ctx.turn.text, earlier) if earlier else 0.0,
            after_answer=bool(last_bot and last_bot.data.get("kind") in ("answer", "handoff")),
            after_agent=bool(last_said and last_said.role == "agent"),
            topic_question=bool(
                topic and (QUESTION_START.search(topic[0]) or any(map(ASKS_HOW.search, topic)))
            ),
            thin_report=state.reporting and _thin(state.report),
            ticket_ref=bool(result is not None and result.ticket_ref),
            other_product=bool(mine and theirs and mine != theirs),
            headline=bool(signals.FAILURE.search(head) or signals.CORE_BROKEN.search(head)),
            strong_bug=any(p.search(text) for p in _STRONG),
        )

    # -- storage -----------------------------------------------------------------------------
    def _take_context(
        self, conv: Conversation, earlier: tuple[str, ...], *, now: dt.datetime
    ) -> None:
        """Store the earlier messages (redacted) before this turn's, as the conversation's
        start: history, triage and the ticket's transcript then read them like any other.
        Channels bound them; ``MAX_TEXT`` characters in all are read here whatever comes."""
        left = MAX_TEXT
        for text in earlier:
            safe = self.intake.redact(text.strip())[:left]
            if safe:
                left -= len(safe)
                self.conversations.add_message(
                    conv.id, "user", safe, now=now, data={"context": True}
                )

    def _receive(
        self, conv: Conversation, inbound: Inbound, text: str, *, now: dt.datetime
    ) -> Turn:
        """Store the redacted message and the uploaded files; read logs for triage."""
        safe = self.intake.redact(text)
        notes: list[str] = []
        read: list[Any] = []
        saved: list[int] = []
        lang = language(text)
        if len(safe) > MAX_TEXT:
            # Kept whole (redacted) as a file; only the beginning is read.
            stored = self.attachments.save(
                safe.encode("utf-8"), filename="message.txt", content_type="text/plain",
                now=now, conversation_id=conv.id, ticket_id=None,
            )  # fmt: skip
            saved.append(stored.id)
            safe = safe[:MAX_TEXT]
            notes.append(say("too_long", lang))
        for upload in inbound.uploads:
            try:
                read.append(self.intake.read_upload(upload))
            except InvalidInput as exc:
                notes.append(str(exc))
                continue
            stored = self.attachments.save(
                upload.data, filename=upload.filename, content_type=upload.content_type,
                now=now, conversation_id=conv.id, ticket_id=None,
            )  # fmt: skip
            saved.append(stored.id)
        data: dict[str, Any] = {
            "action": inbound.action, "external_id": inbound.external_id, "attachments": saved,
        }  # fmt: skip
        if inbound.user_name:
            data["author_name"] = inbound.user_name  # who wrote it, for the ticket's pages
        self.conversations.add_message(
            conv.id, "user", safe, now=now, author=inbound.user_ref, data=data
        )
        context = [m.text for m in conv.messages if m.role == "user" and m.data.get("context")]
        return Turn(
            text=safe, attachments=read, attachment_ids=saved, notes=notes,
            context=context if inbound.context else [],
        )  # fmt: skip

    def _open_ticket(self, conv: Conversation) -> Ticket | None:
        ticket = self.requests.ticket_of(conv)
        return ticket if ticket is not None and ticket.is_open else None

    def _finish(
        self, conv: Conversation, ctx: TurnContext | None, reply: Reply, *, now: dt.datetime
    ) -> None:
        """Write the state (once) and the bot's reply; a failure here costs the record, not
        the reply."""
        state: ConversationState | None = ctx.state if ctx is not None else None
        try:
            if state is not None:
                ticket_id = ctx.opened.id if ctx is not None and ctx.opened else None
                self.conversations.update(conv.id, now=now, state=dump(state), ticket_id=ticket_id)
        except DeskbotError:
            log.warning("could not store the conversation state", extra={"conversation": conv.id})
        self._remember(conv, reply, now=now)

    def _remember(self, conv: Conversation, reply: Reply, *, now: dt.datetime) -> None:
        data = {
            "kind": reply.kind,
            "handoff": reply.handoff,
            "confidence": reply.confidence,
            "citations": [c.__dict__ for c in reply.citations],
            "ticket": reply.ticket.key if reply.ticket else None,
            "missing": list(reply.missing),
            "lang": reply.lang,
        }
        try:
            self.conversations.add_message(conv.id, "bot", reply.text, now=now, data=data)
        except DeskbotError:
            log.warning("could not store the bot reply", extra={"conversation": conv.id})


__all__ = ["Answerer", "ConversationService", "Intake"]


def _thin(report: IntakeSession | None) -> bool:
    """A report that holds a headline and little more: a line or two, no versions, device or
    logs, and no crash, regression, data loss or outage in what it says."""
    if report is None or len(report.text) > _HEADLINE_CHARS:
        return False
    fields = report.fields
    if report.attachment_names or any(getattr(fields, f) for f in _THIN_FIELDS):
        return False
    return not any(p.search(report.text) for p in _STRONG)
