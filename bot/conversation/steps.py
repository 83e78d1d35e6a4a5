"""The steps of a turn: each turns the state machine's decision into a reply (and the
ticket work behind it). They read and change :class:`TurnContext`, never the store's
conversation row: the service writes the state once at the end of the turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from bot.config import Account, OrgConfig
from bot.conversation.answers import DocsAnswers
from bot.conversation.intents import GO_AHEAD, HUMAN, Reading
from bot.conversation.known_issues import Match
from bot.conversation.known_issues import Report as KnownReport
from bot.conversation.machine import Step
from bot.conversation.requests import Intake, TicketRequests
from bot.conversation.state import ConversationState, KnownIssue
from bot.conversation.texts import field_words, say, ticket_lines
from bot.conversation.types import Action, CitationRef, Inbound, Reply, ReplyKind, Turn
from bot.store.conversations import ConversationStore
from bot.store.records import Conversation, Ticket
from bot.triage.intake import IntakeDecision, IntakeSession
from bot.triage.models import TriageResult

MAX_SEEDS = 4  # earlier messages of the topic taken into a report
MAX_LOOKUPS = 2  # known-issue lookups per report
# Replies to messages that were not about the topic: a status request, thanks, or more detail
# that went to an earlier ticket.
_ASIDE = ("status", "acknowledged", "ticket_updated")


@dataclass
class TurnContext:
    """One turn as the steps see it."""

    conv: Conversation  # as loaded at the start of the turn (without this turn's message)
    inbound: Inbound
    turn: Turn
    state: ConversationState
    account: Account | None
    lang: str
    now: dt.datetime
    ticket: Ticket | None  # the conversation's open ticket, if any
    result: TriageResult | None = None  # triage's reading of this message
    fresh: bool = False  # "another question: …" — the earlier topic does not count
    opened: Ticket | None = None  # a ticket opened by this turn
    prefix: list[str] = field(default_factory=list)  # said before the step's own text

    @property
    def topic(self) -> list[str]:
        """The user's earlier messages of the current topic, oldest first — leaving out the
        ones that were about something else ("status?", "thanks")."""
        if self.fresh:
            return []
        messages = self.conv.messages[self.state.topic_start :]
        out = []
        for n, m in enumerate(messages):
            if m.role != "user" or not m.text:
                continue
            answer = next((b for b in messages[n + 1 :] if b.role == "bot"), None)
            if answer is None or answer.data.get("kind") not in _ASIDE:
                out.append(m.text)
        return out

    def reply(self, kind: ReplyKind, text: str, **values: object) -> Reply:
        body = "\n\n".join([*self.prefix, text]) if self.prefix else text
        return Reply(kind=kind, text=body, conversation_id=self.conv.id, lang=self.lang, **values)  # type: ignore[arg-type]


class Steps:
    def __init__(
        self,
        *,
        config: OrgConfig,
        conversations: ConversationStore,
        requests: TicketRequests,
        docs: DocsAnswers,
        intake: Intake,
    ) -> None:
        self.config = config
        self.conversations = conversations
        self.requests = requests
        self.docs = docs
        self.intake = intake
        self._table: dict[Step, Callable[[TurnContext, Reading], Reply]] = {
            Step.GREET: lambda c, r: c.reply("acknowledged", say("greet", c.lang)),
            Step.ACK_THANKS: self.thanks,
            Step.ACK_SOLVED: self.solved,
            Step.START_OVER: self.start_over,
            Step.STATUS: self.status,
            Step.LIST_TICKETS: self.list_tickets,
            Step.HUMAN: self.human,
            Step.COMMERCIAL: self.commercial,
            Step.FEATURE: self.feature,
            Step.START_REPORT: self.start_report,
            Step.CONTINUE_REPORT: self.continue_report,
            Step.OPEN_REPORT: self.open_report,
            Step.OPEN_FROM_CHAT: self.open_from_chat,
            Step.ALREADY_OPEN: self.already_open,
            Step.ADD_TO_TICKET: self.add_to_ticket,
        }

    def run(self, step: Step, ctx: TurnContext, reading: Reading) -> Reply:
        return self._table[step](ctx, reading)

    # -- docs --------------------------------------------------------------------------------
    def answer(self, ctx: TurnContext) -> Generator[str, None, Reply]:
        reply = yield from self.docs.answer(
            ctx.conv, ctx.turn, lang=ctx.lang, now=ctx.now, earlier=ctx.topic[-6:]
        )
        if ctx.state.reporting and reply.kind in ("answer", "handoff"):
            # mid-report, a question: answered, and the report waits for its details
            actions: list[Action] = [a for a in reply.actions if a != "open_ticket"]
            actions.append("go_ahead")
            return _with(
                reply, text=f"{reply.text}\n\n{say('report_waits', ctx.lang)}", actions=actions
            )
        return reply

    # -- small talk --------------------------------------------------------------------------
    def solved(self, ctx: TurnContext, reading: Reading) -> Reply:
        if ctx.state.reporting and ctx.state.known_issue is not None:
            return ctx.reply("acknowledged", say("solved_known", ctx.lang), actions=["open_ticket"])
        self._close_topic(ctx)
        return ctx.reply("acknowledged", say("solved", ctx.lang))

    def thanks(self, ctx: TurnContext, reading: Reading) -> Reply:
        if not ctx.state.reporting:
            self._close_topic(ctx)
        return ctx.reply("acknowledged", say("thanks", ctx.lang))

    @staticmethod
    def _close_topic(ctx: TurnContext) -> None:
        """What was said so far is settled: the next message starts a new topic."""
        ctx.state.topic_start = len(ctx.conv.messages) + 2

    def start_over(self, ctx: TurnContext, reading: Reading) -> Reply:
        self._close_topic(ctx)
        if ctx.ticket is not None:
            return ctx.reply("acknowledged", say("start_over_ticket", ctx.lang, key=ctx.ticket.key))
        return ctx.reply("acknowledged", say("start_over", ctx.lang))

    # -- where tickets stand -----------------------------------------------------------------
    def status(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return self._sign_in(ctx, why="sign_in_status")
        ref = ctx.result.ticket_ref if ctx.result is not None else None
        if ref:
            found = self.requests.find_for(ref, account)
            if found is None:
                return ctx.reply("status", say("status_unknown", ctx.lang, ref=ref))
            return self._status_of(ctx, found, account)
        mine = self.requests.ticket_of(ctx.conv)
        if mine is not None and mine.account_id == account.id:
            return self._status_of(ctx, mine, account)
        return self.list_tickets(ctx, reading)

    def _status_of(self, ctx: TurnContext, ticket: Ticket, account: Account) -> Reply:
        summary = self.requests.summary(ticket)
        text = ticket_lines(summary, ctx.lang)
        others = [t.key for t in self.requests.open_tickets(account) if t.id != ticket.id]
        if others:
            keys = ", ".join(others[:5])
            text += "\n\n" + say("status_others", ctx.lang, n=len(others), keys=keys)
        return ctx.reply("status", text, ticket=summary)

    def list_tickets(self, ctx: TurnContext, reading: Reading) -> Reply:
        if ctx.account is None:
            return self._sign_in(ctx, why="sign_in_status")
        tickets = self.requests.open_tickets(ctx.account)
        if not tickets:
            return ctx.reply("status", say("status_none", ctx.lang))
        blocks = [say("status_list", ctx.lang)]
        blocks += [ticket_lines(self.requests.summary(t), ctx.lang) for t in tickets]
        return ctx.reply("status", "\n\n".join(blocks))

    # -- people and requests -----------------------------------------------------------------
    def human(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return self._sign_in(ctx, contact=True)
        if ctx.state.reporting:
            reply = self.open_report(ctx, reading)
            return _with(
                reply, text=f"{say('human_ticket', ctx.lang)}\n\n{reply.text}", handoff=True
            )
        if (
            not ctx.topic
            and not _says_more(ctx.turn.text)
            and ctx.state.awaiting != "person"
            and not (ctx.ticket is not None and ctx.state.on_ticket)
        ):
            # Nothing said yet: ask what it is about, so the right person gets it.
            ctx.state.awaiting = "person"
            return ctx.reply("follow_up", say("person_what", ctx.lang))
        if ctx.ticket is not None and ctx.state.on_ticket:
            ticket = self.requests.note_wants_person(ctx.ticket, ctx.inbound, now=ctx.now)
            summary = self.requests.summary(ticket)
            text = say("human_followed", ctx.lang, key=ticket.key)
            return ctx.reply("status", f"{text}\n\n{ticket_lines(summary, ctx.lang)}",
                             ticket=summary, handoff=True)  # fmt: skip
        reply = self.open_from_chat(ctx, reading, for_person=True)
        return _with(reply, text=f"{say('human_ticket', ctx.lang)}\n\n{reply.text}", handoff=True)

    def commercial(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return self._sign_in(ctx, contact=True)
        text = ctx.turn.text or "\n".join(ctx.topic[-1:])
        kind = (
            "upgrade" if ctx.result is not None and ctx.result.kind == "upgrade" else "commercial"
        )
        ticket = self._opened(ctx, self.requests.open_request(
            ctx.conv, account, ctx.inbound, text, kind=kind, result=ctx.result, now=ctx.now
        ))  # fmt: skip
        ctx.state.on_ticket = True  # more about the request goes to it
        csm = self.config.person(account.csm) if account.csm else None
        who = (f"（{csm.name}）" if ctx.lang == "zh" else f" ({csm.name})") if csm else ""
        summary = self.requests.summary(ticket)
        said = say("commercial", ctx.lang, csm=who, key=ticket.key)
        body = f"{said}\n\n{ticket_lines(summary, ctx.lang)}"
        return ctx.reply("ticket_opened", body, ticket=summary)

    def feature(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return self._sign_in(ctx, contact=True)
        text = "\n\n".join([*ctx.topic[-1:], ctx.turn.text]) if ctx.turn.text else ""
        ticket = self._opened(ctx, self.requests.open_request(
            ctx.conv, account, ctx.inbound, text or ctx.turn.text, kind="feature",
            result=ctx.result, now=ctx.now,
        ))  # fmt: skip
        ctx.state.on_ticket = True  # more about the request goes to it
        summary = self.requests.summary(ticket)
        return ctx.reply("ticket_opened", say("feature", ctx.lang, key=ticket.key), ticket=summary)

    # -- bug reports -------------------------------------------------------------------------
    def start_report(self, ctx: TurnContext, reading: Reading) -> Reply:
        tier = ctx.account.tier if ctx.account else "free"
        kind = "outage" if ctx.result is not None and ctx.result.kind == "outage" else "bug"
        session = IntakeSession(tier=tier, kind=kind)  # type: ignore[arg-type]
        session.transcript = self._seeds(ctx)
        if ctx.ticket is not None and ctx.state.on_ticket:
            ctx.prefix.append(say("new_problem", ctx.lang, key=ctx.ticket.key))
        ctx.state.report = session
        ctx.state.on_ticket = False
        ctx.state.lookups = 0
        return self._report_step(ctx, go_ahead=False)

    def continue_report(self, ctx: TurnContext, reading: Reading) -> Reply:
        return self._report_step(ctx, go_ahead=False)

    def open_report(self, ctx: TurnContext, reading: Reading) -> Reply:
        return self._report_step(ctx, go_ahead=True)

    def open_from_chat(
        self, ctx: TurnContext, reading: Reading, *, for_person: bool = False
    ) -> Reply:
        """ "Open a ticket" (or "talk to a human") with no report under way: what this topic
        said becomes the ticket — a report when it describes a problem, else a question."""
        # The turn itself is the request ("open a ticket", "talk to a human"), unless it says
        # more than that — or answers "what is it about?".
        answering = ctx.state.awaiting == "person" or reading.intent.value == "question"
        asked = ctx.turn.text if _says_more(ctx.turn.text) or answering else ""
        earlier = [m for m in ctx.topic[-4:] if _says_more(m)]  # not "转人工" itself
        said = [*earlier, asked] if asked else earlier
        joined = "\n\n".join(t for t in said if t)
        if ctx.account is None:
            return self._sign_in(ctx, contact=True)
        tier = ctx.account.tier
        result = self.intake.classify(joined or "(no text)", tier=tier, context=[])
        if result.kind in ("bug", "outage"):
            session = IntakeSession(tier=tier, kind=result.kind)
            session.transcript = [t for t in said[:-1] if t]
            ctx.state.report = session
            return self._report_step(ctx, go_ahead=True, text=said[-1] if said else "")
        # The topic's first message says what it is about ("Expired token not refreshed on
        # startup"); what followed ("## What did you do? …") is in the body.
        question = "\n\n".join(t for t in said if t)
        ticket = self._opened(ctx, self.requests.open_question(
            ctx.conv, ctx.account, ctx.inbound, question, result=result, now=ctx.now,
            attachment_ids=ctx.turn.attachment_ids,
        ))  # fmt: skip
        ctx.state.on_ticket = True
        summary = self.requests.summary(ticket)
        text = "" if for_person else say("ticket_opened", ctx.lang) + "\n\n"
        return ctx.reply("ticket_opened", text + ticket_lines(summary, ctx.lang), ticket=summary)

    def already_open(self, ctx: TurnContext, reading: Reading) -> Reply:
        assert ctx.ticket is not None
        summary = self.requests.summary(ctx.ticket)
        text = f"{say('already_open', ctx.lang)}\n\n{ticket_lines(summary, ctx.lang)}"
        return ctx.reply("status", text, ticket=summary)

    def add_to_ticket(self, ctx: TurnContext, reading: Reading) -> Reply:
        ticket = ctx.ticket
        assert ticket is not None
        decision: IntakeDecision | None = None
        report = ctx.state.report
        if report is not None and report.opened:
            decision = self.intake.step(report, ctx.turn.text, attachments=ctx.turn.attachments)
        ticket, added = self.requests.add_detail(
            ticket, ctx.inbound, ctx.turn.text, decision=decision,
            attachment_ids=ctx.turn.attachment_ids, now=ctx.now,
        )  # fmt: skip
        summary = self.requests.summary(ticket)
        if added:
            text = say(
                "ticket_added_fields", ctx.lang, key=ticket.key, fields=field_words(added, ctx.lang)
            )
        else:
            text = say("ticket_added", ctx.lang, key=ticket.key)
        if summary.missing:
            more = say(
                "ticket_opened_more", ctx.lang, fields=field_words(summary.missing, ctx.lang)
            )
            text = f"{text} {more}"
        return ctx.reply("ticket_updated", "\n\n".join([text, *ctx.turn.notes]), ticket=summary)

    # -- internals ---------------------------------------------------------------------------
    def _report_step(self, ctx: TurnContext, *, go_ahead: bool, text: str | None = None) -> Reply:
        report = ctx.state.report
        assert report is not None
        said = ctx.turn.text if text is None else text
        decision = self.intake.step(
            report, said, attachments=ctx.turn.attachments, go_ahead=go_ahead
        )
        if decision.action == "ask":
            return self._ask(ctx, report, decision)
        return self._open_report(ctx, report, decision)

    def _ask(self, ctx: TurnContext, report: IntakeSession, decision: IntakeDecision) -> Reply:
        known = self._known_issue(ctx, report) if ctx.state.known_issue is None else None
        if known is not None:
            ctx.state.awaiting = "known_issue"
            ctx.state.known_issue = KnownIssue(
                key=known.key, text=known.text, source=known.source, heading=known.heading,
                url=known.url,
            )  # fmt: skip
            ctx.state.offered.append(known.key)
            text = _known_text(known, ctx.lang)
            if decision.missing:
                more = field_words(decision.missing, ctx.lang)
                text += "\n\n" + say("known_then_missing", ctx.lang, fields=more)
            return ctx.reply(
                "follow_up", text, missing=list(decision.missing),
                citations=[CitationRef(known.source, known.heading, known.url)],
                actions=["solved", "not_it", "go_ahead"],
            )  # fmt: skip
        ctx.state.awaiting = "details"
        text = decision.message or ""
        return ctx.reply(
            "follow_up", "\n\n".join([text, *ctx.turn.notes]), missing=list(decision.missing),
            actions=["go_ahead"],
        )  # fmt: skip

    def _open_report(
        self, ctx: TurnContext, report: IntakeSession, decision: IntakeDecision
    ) -> Reply:
        ctx.state.awaiting = None
        if ctx.account is None:
            # Not signed in: the report waits in the conversation for a sign-in or the form.
            report.opened = False
            ctx.state.awaiting = "sign_in"
            ctx.prefix.append(say("report_ready_anonymous", ctx.lang))
            return self._sign_in(ctx, contact=True)
        conv = self.conversations.get(ctx.conv.id)  # with this turn's message, for the body
        ticket = self._opened(ctx, self.requests.open_report(
            conv, ctx.account, ctx.inbound, report, decision, now=ctx.now,
            attachment_ids=ctx.turn.attachment_ids,
        ))  # fmt: skip
        ctx.state.on_ticket = True
        ctx.state.known_issue = None
        summary = self.requests.summary(ticket)
        # what would still help is asked for below, in words, not listed twice
        parts = [say("ticket_opened", ctx.lang), ticket_lines(summary, ctx.lang, missing=False)]
        citations: list[CitationRef] = []
        if decision.message:  # an outage: opened at once, the rest asked for now
            parts.append(decision.message)
        elif wanted := [m for m in summary.missing if m not in report.declined]:
            parts.append(say("ticket_opened_more", ctx.lang, fields=field_words(wanted, ctx.lang)))
        known = self._known_issue(ctx, report)
        if known is not None:
            parts.append(_known_text(known, ctx.lang, opened=True))
            citations.append(CitationRef(known.source, known.heading, known.url))
        parts.append(say("keep_chatting", ctx.lang))
        return ctx.reply(
            "ticket_opened", "\n\n".join([*parts, *ctx.turn.notes]), ticket=summary,
            missing=list(summary.missing), citations=citations,
        )  # fmt: skip

    def _known_issue(self, ctx: TurnContext, report: IntakeSession) -> Match | None:
        """A known issue for the report: looked up when it starts and once more with all its
        facts, when it is opened (each lookup is two searches)."""
        if ctx.state.lookups >= MAX_LOOKUPS:
            return None
        ctx.state.lookups += 1
        fields = report.fields
        found = self.docs.known_issue(
            KnownReport(
                text=report.text, platform=fields.platform, sdk_version=fields.sdk_version,
                error_codes=report.error_codes,
            ),
            report_query(report),
            context=ctx.topic[-4:],
        )  # fmt: skip
        if found is None or found.key in ctx.state.offered:
            return None
        return found

    def _seeds(self, ctx: TurnContext) -> list[str]:
        """The topic's earlier messages, which belong to the report: the thread the bot was
        called into, or the title and story a developer told before the report was clear.
        (A topic ends at a ticket, a "thanks", "solved" or "new topic".)"""
        if ctx.turn.context:
            return list(ctx.turn.context)
        return ctx.topic[-MAX_SEEDS:]

    def _opened(self, ctx: TurnContext, ticket: Ticket) -> Ticket:
        """Note the ticket this turn opened; what the topic said is in it now, so the next
        message starts a new topic."""
        ctx.opened = ticket
        ctx.state.topic_start = len(ctx.conv.messages) + 2
        return ticket

    def _sign_in(self, ctx: TurnContext, *, contact: bool = False, why: str = "sign_in") -> Reply:
        """Who is this? The web page can sign in (or take the contact form); elsewhere the
        place the user writes from says which company they are with."""
        if ctx.inbound.channel != "web":
            return ctx.reply("handoff", say("need_account", ctx.lang), handoff=True)
        offer = contact and self.config.web.contact_form
        text = say("sign_in_or_contact" if offer else why, ctx.lang)
        actions: list[Action] = ["sign_in", "contact"] if offer else ["sign_in"]
        return ctx.reply("handoff", text, handoff=True, actions=actions)


def _says_more(text: str) -> bool:
    """More than the request itself ("talk to a human", "open a ticket"): a subject."""
    rest = HUMAN.sub("", GO_AHEAD.sub("", text)).strip(" .,!?;:，。！？")
    return len(rest) > 15


def report_query(report: IntakeSession) -> str:
    """What to search the docs with for a known issue of ``report``."""
    parts = [report.subject, *report.error_codes[:3]]
    fields = report.fields
    parts += [v for v in (fields.actual, fields.platform, fields.device, fields.sdk_version) if v]
    return " ".join(dict.fromkeys(p.strip() for p in parts if p))[:400]


def _known_text(known: Match, lang: str, *, opened: bool = False) -> str:
    where = " › ".join(p for p in (known.title, known.heading) if p) or known.source
    item = known.text.replace("\n", " ")
    if known.fixed_in:
        return say("known_fixed", lang, item=item, where=where, version=known.fixed_in)
    # with the ticket open already, the known issue is something to try meanwhile
    return say("known_meanwhile" if opened else "known_issue", lang, item=item, where=where)


def _with(reply: Reply, **changes: object) -> Reply:
    from dataclasses import replace

    return replace(reply, **changes)  # type: ignore[arg-type]
