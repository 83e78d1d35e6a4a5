"""Bug reports in a conversation: taken over several messages, a known issue suggested when one
matches, and the ticket opened from the report."""

from __future__ import annotations

from bot.config import OrgConfig
from bot.conversation.answers import DocsAnswers
from bot.conversation.intents import Reading
from bot.conversation.known_issues import Match
from bot.conversation.known_issues import Report as KnownReport
from bot.conversation.requests import Intake, TicketRequests
from bot.conversation.state import KnownIssue
from bot.conversation.texts import field_words, say, ticket_lines
from bot.conversation.turn import TurnContext, mark_opened, sign_in_reply
from bot.conversation.types import CitationRef, Reply
from bot.store.conversations import ConversationStore
from bot.triage.intake import IntakeDecision, IntakeSession

MAX_SEEDS = 4  # earlier messages of the topic taken into a report
MAX_LOOKUPS = 2  # known-issue lookups per report


class Reports:
    """The report steps of :class:`bot.conversation.steps.Steps`."""

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
        return self.step(ctx, go_ahead=False)

    def continue_report(self, ctx: TurnContext, reading: Reading) -> Reply:
        return self.step(ctx, go_ahead=False)

    def open_report(self, ctx: TurnContext, reading: Reading) -> Reply:
        return self.step(ctx, go_ahead=True)

    def step(self, ctx: TurnContext, *, go_ahead: bool, text: str | None = None) -> Reply:
        report = ctx.state.report
        assert report is not None
        said = ctx.turn.text if text is None else text
        report.reply_lang = "zh" if ctx.lang == "zh" else "en"  # asked in the chat's language
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
                more = field_words(decision.missing, ctx.lang, server=report.server)
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
            return sign_in_reply(ctx, self.config, contact=True)
        conv = self.conversations.get(ctx.conv.id)  # with this turn's message, for the body
        ticket = mark_opened(ctx, self.requests.open_report(
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
            words = field_words(wanted, ctx.lang, server=report.server)
            parts.append(say("ticket_opened_more", ctx.lang, fields=words))
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
