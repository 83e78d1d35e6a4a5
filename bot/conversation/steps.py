"""The steps of a turn: each turns the state machine's decision into a reply (and the
ticket work behind it). They read and change :class:`TurnContext`, never the store's
conversation row: the service writes the state once at the end of the turn."""

from __future__ import annotations

from collections.abc import Callable, Generator

from bot.config import Account, OrgConfig
from bot.conversation.answers import DocsAnswers
from bot.conversation.intents import GREETING, Reading
from bot.conversation.machine import Step
from bot.conversation.reporting import Reports
from bot.conversation.requests import Intake, TicketRequests
from bot.conversation.texts import field_words, say, ticket_lines
from bot.conversation.turn import (
    TurnContext,
    close_topic,
    mark_opened,
    says_more,
    sign_in_reply,
    with_changes,
)
from bot.conversation.types import Action, Reply
from bot.store.conversations import ConversationStore
from bot.store.records import Ticket
from bot.triage.intake import IntakeDecision, IntakeSession


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
        self.reports = Reports(
            config=config, conversations=conversations, requests=requests, docs=docs,
            intake=intake,
        )  # fmt: skip
        self._table: dict[Step, Callable[[TurnContext, Reading], Reply]] = {
            Step.GREET: self.greet,
            Step.ACK_THANKS: self.thanks,
            Step.ACK_SOLVED: self.solved,
            Step.START_OVER: self.start_over,
            Step.STATUS: self.status,
            Step.LIST_TICKETS: self.list_tickets,
            Step.HUMAN: self.human,
            Step.COMMERCIAL: self.commercial,
            Step.FEATURE: self.feature,
            Step.START_REPORT: self.reports.start_report,
            Step.CONTINUE_REPORT: self.reports.continue_report,
            Step.OPEN_REPORT: self.reports.open_report,
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
            return with_changes(
                reply, text=f"{reply.text}\n\n{say('report_waits', ctx.lang)}", actions=actions
            )
        return reply

    # -- small talk --------------------------------------------------------------------------
    def greet(self, ctx: TurnContext, reading: Reading) -> Reply:
        # "hi" gets a welcome; "something is wrong", "有个问题", "?" are asked what it is
        vague = not GREETING.fullmatch(ctx.turn.text.strip())
        return ctx.reply("acknowledged", say("say_more" if vague else "greet", ctx.lang))

    def solved(self, ctx: TurnContext, reading: Reading) -> Reply:
        if ctx.state.reporting and ctx.state.known_issue is not None:
            return ctx.reply("acknowledged", say("solved_known", ctx.lang), actions=["open_ticket"])
        last = next((m for m in reversed(ctx.conv.messages) if m.role == "bot"), None)
        answered = last is not None and last.data.get("kind") in ("answer", "handoff")
        if ctx.ticket is not None and ctx.state.on_ticket and ctx.turn.text and not answered:
            # "it works now, you can close it": said about the ticket, so its engineer hears it
            # (after a docs answer, "that helped" is about the answer)
            ticket, _ = self.requests.add_detail(
                ctx.ticket, ctx.inbound, ctx.turn.text, decision=None, attachment_ids=(),
                now=ctx.now,
            )  # fmt: skip
            close_topic(ctx)
            summary = self.requests.summary(ticket)
            text = say("solved_ticket", ctx.lang, key=ticket.key)
            return ctx.reply("ticket_updated", text, ticket=summary)
        close_topic(ctx)
        return ctx.reply("acknowledged", say("solved", ctx.lang))

    def thanks(self, ctx: TurnContext, reading: Reading) -> Reply:
        if not ctx.state.reporting:
            close_topic(ctx)
        return ctx.reply("acknowledged", say("thanks", ctx.lang))

    def start_over(self, ctx: TurnContext, reading: Reading) -> Reply:
        close_topic(ctx)
        if ctx.ticket is not None:
            return ctx.reply("acknowledged", say("start_over_ticket", ctx.lang, key=ctx.ticket.key))
        return ctx.reply("acknowledged", say("start_over", ctx.lang))

    # -- where tickets stand -----------------------------------------------------------------
    def status(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return sign_in_reply(ctx, self.config, why="sign_in_status")
        ref = ctx.result.ticket_ref if ctx.result is not None else None
        if ref:
            found = self.requests.find_for(ref, account)
            if found is None:
                return ctx.reply("status", say("status_unknown", ctx.lang, ref=ref))
            return self._status_of(ctx, found, account)
        mine = self.requests.ticket_of(ctx.conv)
        if mine is not None and mine.account_id == account.id:
            return self._status_of(ctx, mine, account)
        report = ctx.state.report
        if ctx.state.reporting and report is not None:
            # "any update?" while the report is being taken: it has no ticket yet — say so
            wanted = report.missing(asking=True) or ["details"]
            fields = field_words(wanted, ctx.lang, server=report.server)
            text = say("status_reporting", ctx.lang, fields=fields)
            if others := [t.key for t in self.requests.open_tickets(account)]:
                keys = ("、" if ctx.lang == "zh" else ", ").join(others[:5])
                text += "\n\n" + say("status_others", ctx.lang, n=len(others), keys=keys)
            return ctx.reply("status", text, actions=["go_ahead"], missing=wanted)
        return self.list_tickets(ctx, reading)

    def _status_of(self, ctx: TurnContext, ticket: Ticket, account: Account) -> Reply:
        summary = self.requests.summary(ticket)
        report = ctx.state.report
        followed = ctx.ticket is not None and ctx.ticket.id == ticket.id
        declined = report.declined if report is not None and report.opened and followed else []
        # no reminder of what the reporter said they cannot send
        text = ticket_lines(summary, ctx.lang, missing=not set(summary.missing) <= set(declined))
        others = [t.key for t in self.requests.open_tickets(account) if t.id != ticket.id]
        if others:
            keys = ("、" if ctx.lang == "zh" else ", ").join(others[:5])
            text += "\n\n" + say("status_others", ctx.lang, n=len(others), keys=keys)
        return ctx.reply("status", text, ticket=summary)

    def list_tickets(self, ctx: TurnContext, reading: Reading) -> Reply:
        if ctx.account is None:
            return sign_in_reply(ctx, self.config, why="sign_in_status")
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
            return sign_in_reply(ctx, self.config, contact=True)
        if ctx.state.reporting:
            reply = self.reports.open_report(ctx, reading)
            return with_changes(
                reply, text=f"{say('human_ticket', ctx.lang)}\n\n{reply.text}", handoff=True
            )
        if (
            not ctx.topic
            and not says_more(ctx.turn.text)
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
        return with_changes(
            reply, text=f"{say('human_ticket', ctx.lang)}\n\n{reply.text}", handoff=True
        )

    def commercial(self, ctx: TurnContext, reading: Reading) -> Reply:
        account = ctx.account
        if account is None:
            return sign_in_reply(ctx, self.config, contact=True)
        text = ctx.turn.text or "\n".join(ctx.topic[-1:])
        kind = (
            "upgrade" if ctx.result is not None and ctx.result.kind == "upgrade" else "commercial"
        )
        ticket = mark_opened(ctx, self.requests.open_request(
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
            return sign_in_reply(ctx, self.config, contact=True)
        text = "\n\n".join([*ctx.topic[-1:], ctx.turn.text]) if ctx.turn.text else ""
        ticket = mark_opened(ctx, self.requests.open_request(
            ctx.conv, account, ctx.inbound, text or ctx.turn.text, kind="feature",
            result=ctx.result, now=ctx.now,
        ))  # fmt: skip
        ctx.state.on_ticket = True  # more about the request goes to it
        summary = self.requests.summary(ticket)
        return ctx.reply("ticket_opened", say("feature", ctx.lang, key=ticket.key), ticket=summary)

    # -- bug reports -------------------------------------------------------------------------

    def open_from_chat(
        self, ctx: TurnContext, reading: Reading, *, for_person: bool = False
    ) -> Reply:
        """ "Open a ticket" (or "talk to a human") with no report under way: what this topic
        said becomes the ticket — a report when it describes a problem, else a question."""
        # The turn itself is the request ("open a ticket", "talk to a human"), unless it says
        # more than that — or answers "what is it about?".
        answering = ctx.state.awaiting == "person" or reading.intent.value == "question"
        asked = ctx.turn.text if says_more(ctx.turn.text) or answering else ""
        earlier = [m for m in ctx.topic[-4:] if says_more(m)]  # not "转人工" itself
        said = [*earlier, asked] if asked else earlier
        joined = "\n\n".join(t for t in said if t)
        if ctx.account is None:
            return sign_in_reply(ctx, self.config, contact=True)
        tier = ctx.account.tier
        result = self.intake.classify(joined or "(no text)", tier=tier, context=[])
        if result.kind in ("bug", "outage"):
            session = IntakeSession(tier=tier, kind=result.kind)
            session.transcript = [t for t in said[:-1] if t]
            ctx.state.report = session
            return self.reports.step(ctx, go_ahead=True, text=said[-1] if said else "")
        # The topic's first message says what it is about ("Expired token not refreshed on
        # startup"); what followed ("## What did you do? …") is in the body.
        question = "\n\n".join(t for t in said if t)
        ticket = mark_opened(ctx, self.requests.open_question(
            ctx.conv, ctx.account, ctx.inbound, question, result=result, now=ctx.now,
            attachment_ids=ctx.turn.attachment_ids, lang=ctx.lang,
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
        before = list(report.declined) if report is not None else []
        if report is not None and report.opened:
            decision = self.intake.step(report, ctx.turn.text, attachments=ctx.turn.attachments)
        ticket, added = self.requests.add_detail(
            ticket, ctx.inbound, ctx.turn.text, decision=decision,
            attachment_ids=ctx.turn.attachment_ids, now=ctx.now,
        )  # fmt: skip
        summary = self.requests.summary(ticket)
        server = report is not None and report.server
        if added:
            words = field_words(added, ctx.lang, server=server)
            text = say("ticket_added_fields", ctx.lang, key=ticket.key, fields=words)
        else:
            text = say("ticket_added", ctx.lang, key=ticket.key)
        declined = report.declined if report is not None else []
        if now_declined := [m for m in declined if m not in before and m in summary.missing]:
            words = field_words(now_declined, ctx.lang, server=server)
            text = say("ticket_without", ctx.lang, fields=words)
        # what they said they cannot send ("no logs, sorry") is not asked for again
        if wanted := [m for m in summary.missing if m not in declined]:
            words = field_words(wanted, ctx.lang, server=server)
            text = f"{text} {say('ticket_opened_more', ctx.lang, fields=words)}"
        return ctx.reply("ticket_updated", "\n\n".join([text, *ctx.turn.notes]), ticket=summary)

    # -- internals ---------------------------------------------------------------------------
