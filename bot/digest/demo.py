"""A believable week of support for the example organisation, made through the real desk.

Every ticket goes through ``ctx.desk`` (open, acknowledge, reply, wait, resolve...) with ``now``
moved through the week, so clocks, history and analytics are what production would produce.
Each ticket carries the seed's moment (``SEEDED_FIELD``): the escalation steps that fell due in
that made-up past are never fired, so seeding a running server pages nobody; steps due after
the seed escalate as usual.
Conversations and knowledge gaps use their stores the way the conversation service does.
Seeded randomness keeps it the same on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import Account
from bot.digest import demo_script as script
from bot.errors import InvalidInput
from bot.sla_clocks import SEEDED_FIELD
from bot.store.records import Conversation, NewTicket, Ticket

if TYPE_CHECKING:
    from bot.context import AppContext

MARKER = ("cli", "demo-seed")  # a conversation whose existence says the demo was seeded
MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)
# Tickets per day by tier: enterprise customers write most.
PER_DAY = {"enterprise": (1, 3), "pro": (1, 2), "basic": (0, 2), "free": (0, 1)}
ENGINEERS = ("eng-chen", "eng-li", "eng-park")
REASONS = {
    "P1": "production down for most users, no workaround",
    "P2": "a core feature is broken for some users",
    "P3": "a bug with a workaround, or an integration question blocking development",
    "P4": "a question, a request or a cosmetic issue",
}


@dataclass
class DemoSummary:
    tickets: list[str] = field(default_factory=list)
    open: int = 0
    conversations: int = 0
    answers: int = 0
    gaps: int = 0
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def seeded(ctx: AppContext) -> bool:
    return ctx.conversations.find(*MARKER) is not None


def seed_demo(
    ctx: AppContext, *, now: dt.datetime, days: int = 7, seed: int = 7, force: bool = False
) -> DemoSummary:
    """Create ``days`` days of tickets, answers and gaps ending at ``now``."""
    if days < 1 or days > 60:
        raise InvalidInput("--days must be between 1 and 60")
    if seeded(ctx) and not force:
        raise InvalidInput("demo data already exists; use --force to add another round")
    rng = random.Random(seed)
    start = now - dt.timedelta(days=days)
    summary = DemoSummary(since=start, until=now)
    # One timeline of ticket openings and questions, played in time order so ticket numbers
    # follow the calendar, as in real life.
    timeline: list[tuple[dt.datetime, str, Account, int]] = []
    for day in range(days):
        for account in ctx.config.accounts:
            low, high = PER_DAY[account.tier]
            for _ in range(rng.randint(low, high)):
                at = _opening_time(rng, account, start + dt.timedelta(days=day))
                timeline.append((at, "ticket", account, 0))
    askers = [a for a in ctx.config.accounts if a.web_keys] or list(ctx.config.accounts)
    for n in range(days * 4):
        account = rng.choice(askers)
        timeline.append(
            (start + dt.timedelta(seconds=rng.uniform(0, days * 86400)), "ask", account, n)
        )
    for at, what, account, n in sorted(timeline, key=lambda e: (e[0], e[1], e[2].id, e[3])):
        if at >= now:
            continue
        if what == "ticket":
            _count(summary, _play_ticket(ctx, rng, account, opened_at=at, now=now))
        else:
            ref = f"demo-{now:%Y%m%d%H%M%S}-{seed}-{n}"
            _play_question(ctx, rng, account, ref=ref, at=at, now=now, summary=summary)
    summary.tickets.sort(key=lambda key: int(key.rsplit("-", 1)[-1]))
    marker = ctx.conversations.open(*MARKER, now=now)
    ctx.conversations.update(
        marker.id, now=now, state={"seeded_at": now.isoformat(), "tickets": summary.tickets}
    )
    return summary


def _opening_time(rng: random.Random, account: Account, day: dt.datetime) -> dt.datetime:
    """A moment in the account's working day (customers write mostly in office hours)."""
    from zoneinfo import ZoneInfo

    local = day.astimezone(ZoneInfo(account.timezone)).replace(hour=0, minute=0, second=0)
    offset = dt.timedelta(hours=rng.uniform(8.5, 19.0))
    return (local + offset).astimezone(dt.UTC).replace(microsecond=0)


def _play_ticket(
    ctx: AppContext,
    rng: random.Random,
    account: Account,
    *,
    opened_at: dt.datetime,
    now: dt.datetime,
) -> Ticket:
    template = rng.choices(script.TICKETS, weights=[t.weight for t in script.TICKETS])[0]
    customer = rng.choice(script.CUSTOMERS)
    slack = bool(account.slack_channels) and rng.random() < 0.6
    thread = f"{int(opened_at.timestamp())}.{rng.randint(100, 999):06d}"
    conversation = None
    if slack:
        conversation = ctx.conversations.open(
            "slack", f"{account.slack_channels[0]}:{thread}", now=opened_at,
            account_id=account.id, user_ref=customer,
        )  # fmt: skip
        ctx.conversations.add_message(conversation.id, "user", template.body, now=opened_at)
    ticket = ctx.desk.open(
        NewTicket(
            account_id=account.id, kind=template.kind, priority=template.priority,
            subject=template.subject, requester=customer,
            requester_name=customer.replace(".", " ").title(),
            priority_reason=REASONS[template.priority],
            stage="requested" if template.kind == "upgrade" else "new",
            fields={"summary": template.subject, **template.fields, SEEDED_FIELD: now.isoformat()},
            channel="slack" if slack else "web",
            channel_ref=account.slack_channels[0] if slack else None,
            thread_ref=thread if slack else None,
            conversation_id=conversation.id if conversation else None, body=template.body,
        ),
        now=opened_at,
    )  # fmt: skip
    if conversation is not None:
        ctx.conversations.update(conversation.id, now=opened_at, ticket_id=ticket.id)
        ctx.conversations.add_message(
            conversation.id, "bot", f"I opened {ticket.key} for you.", now=opened_at + MINUTE,
            data={"kind": "ticket_opened", "handoff": True, "ticket": ticket.key},
        )  # fmt: skip
    ticket = ctx.desk.bot_reply(
        ticket, body="Ticket opened; an engineer will reply.", now=opened_at + MINUTE
    )
    return _lifecycle(ctx, rng, ticket, now=now)


def _lifecycle(ctx: AppContext, rng: random.Random, ticket: Ticket, *, now: dt.datetime) -> Ticket:
    """Acknowledge, talk, wait, resolve — each step only if its time has already come."""
    engineer = rng.choice(ENGINEERS)
    delays: tuple[int, ...] = (10, 25, 50, 120, 300, 900)
    if ticket.priority == "P1":
        delays = (8, 12, 40)
    elif _tier(ctx, ticket) == "enterprise":
        delays = (8, 15, 30, 45, 50, 90)
    at = ticket.opened_at + dt.timedelta(minutes=rng.choice(delays))
    if at >= now or rng.random() < 0.12:
        return ticket  # still waiting for its first response
    ticket = ctx.desk.acknowledge(ticket, agent=engineer, now=at)
    at += dt.timedelta(minutes=rng.randint(5, 90))
    if at >= now:
        return ticket
    ticket = ctx.desk.agent_reply(ticket, agent=engineer, body=script.AGENT_REPLIES[0], now=at)
    if ticket.kind == "upgrade":
        for stage in script.UPGRADE_STAGES[1:]:
            at += dt.timedelta(hours=rng.randint(6, 40))
            if at >= now:
                return ticket
            account = ctx.config.account(ticket.account_id)
            by = account.csm if account and account.csm else engineer
            ticket = ctx.desk.set_stage(ticket, stage=stage, by=by, now=at)
        return ticket
    if ticket.priority == "P3" and rng.random() < 0.25:
        at += HOUR
        if at < now:
            ticket = ctx.desk.change_priority(
                ticket, priority="P2", reason="blocks their release", by=engineer, now=at
            )
    if rng.random() < 0.5:
        at += dt.timedelta(minutes=rng.randint(10, 60))
        if at >= now:
            return ticket
        ticket = ctx.desk.wait_on_customer(ticket, agent=engineer, now=at, body="Please send logs.")
        at += dt.timedelta(hours=rng.uniform(1, 30))
        if at >= now:
            return ticket
        ticket = ctx.desk.customer_reply(
            ticket, author=ticket.requester, body=rng.choice(script.CUSTOMER_FOLLOW_UPS), now=at
        )
        if rng.random() < 0.3:
            return ticket  # the customer's last word is unanswered: the digest flags it
    fast = _tier(ctx, ticket) == "enterprise"  # 8-hour resolution targets, around the clock
    at += dt.timedelta(hours=rng.uniform(0.5, 6) if fast else rng.uniform(2, 60))
    if at >= now or rng.random() < 0.2:
        return ticket
    ticket = ctx.desk.agent_reply(ticket, agent=engineer, body=script.AGENT_REPLIES[2], now=at)
    return ctx.desk.resolve(ticket, by=engineer, now=at + dt.timedelta(minutes=5))


def _tier(ctx: AppContext, ticket: Ticket) -> str:
    account = ctx.config.account(ticket.account_id)
    return account.tier if account else "free"


def _count(summary: DemoSummary, ticket: Ticket) -> None:
    summary.tickets.append(ticket.key)
    summary.open += ticket.is_open


def _play_question(
    ctx: AppContext,
    rng: random.Random,
    account: Account,
    *,
    ref: str,
    at: dt.datetime,
    now: dt.datetime,
    summary: DemoSummary,
) -> None:
    """A question on the web chat: answered (maybe marked solved, maybe followed by a ticket),
    or not covered by the docs (a knowledge gap)."""
    conv = ctx.conversations.open(
        "web", ref, now=at, account_id=account.id, user_ref=rng.choice(script.CUSTOMERS)
    )
    summary.conversations += 1
    if rng.random() < 0.25:
        question = rng.choice(script.UNANSWERED)
        ctx.conversations.add_message(conv.id, "user", question, now=at)
        ctx.conversations.add_message(
            conv.id, "bot", "The documentation does not cover this; shall I ask a human?",
            now=at + MINUTE, data={"kind": "handoff", "handoff": True, "confidence": 0.2},
        )  # fmt: skip
        ctx.gaps.record(
            question, now=at, channel="web", account_id=account.id,
            conversation_id=conv.id, top_score=round(rng.uniform(0.1, 0.35), 2),
        )  # fmt: skip
        summary.gaps += 1
        return
    question = rng.choice(script.ANSWERED)
    ctx.conversations.add_message(conv.id, "user", question, now=at)
    ctx.conversations.add_message(
        conv.id, "bot", f"Here is how: see the guide [1]. ({question})", now=at + MINUTE,
        data={"kind": "answer", "handoff": False, "confidence": 0.8, "citations": []},
    )  # fmt: skip
    summary.answers += 1
    if rng.random() < 0.45 and at + 2 * MINUTE < now:
        ctx.conversations.add_message(
            conv.id, "user", "", now=at + 2 * MINUTE, data={"action": "solved"}
        )
        ctx.conversations.update(conv.id, now=at + 2 * MINUTE, state={"solved": True})
    elif rng.random() < 0.3 and at + 3 * HOUR < now:
        ticket = _ticket_after_answer(ctx, account, conv, question, at=at + 3 * HOUR, seeded_at=now)
        _count(summary, _lifecycle(ctx, rng, ticket, now=now))


def _ticket_after_answer(
    ctx: AppContext,
    account: Account,
    conversation: Conversation,
    question: str,
    *,
    at: dt.datetime,
    seeded_at: dt.datetime,
) -> Ticket:
    """The answer did not help: the user asks for a human and a ticket opens (not deflected)."""
    conversation_id = conversation.id
    who = conversation.user_ref or "web-user"
    ctx.conversations.add_message(
        conversation_id, "user", "That did not work for us.", now=at, data={"action": "human"}
    )
    ticket = ctx.desk.open(
        NewTicket(
            account_id=account.id, kind="question", priority="P4", subject=question,
            requester=who, requester_name=who.replace(".", " ").title(), channel="web",
            conversation_id=conversation_id,
            body=question, priority_reason=REASONS["P4"],
            fields={"summary": question, SEEDED_FIELD: seeded_at.isoformat()},
        ),
        now=at,
    )  # fmt: skip
    ctx.conversations.update(conversation_id, now=at, ticket_id=ticket.id)
    ctx.conversations.add_message(
        conversation_id, "bot", f"I opened {ticket.key} for you.", now=at + MINUTE,
        data={"kind": "ticket_opened", "handoff": True, "ticket": ticket.key},
    )  # fmt: skip
    return ticket
