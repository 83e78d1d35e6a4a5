"""Computes support numbers from the store: tickets, clocks, escalations, conversations, gaps."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from bot.analytics.gaps import top_questions
from bot.analytics.model import Attainment, Csat, Deflection, Durations, Stats
from bot.store.records import ClockRecord, Conversation, Message, Ticket
from bot.store.tickets import TicketFilter

if TYPE_CHECKING:
    from bot.context import AppContext

WEEK = dt.timedelta(days=7)
FOLLOW_UP = dt.timedelta(hours=24)  # a ticket this soon after an answer means it did not help
_MANY = 1_000_000


def collect(ctx: AppContext, now: dt.datetime, *, since: dt.datetime | None = None) -> Stats:
    """The numbers for tickets opened (and answers given) in ``[since, now)``; default 7 days."""
    since = since if since is not None else now - WEEK
    opened = [
        t
        for t in ctx.tickets.query(TicketFilter(opened_since=since, limit=_MANY))
        if t.opened_at < now
    ]
    resolved = [
        t
        for t in ctx.tickets.query(TicketFilter(updated_since=since, limit=_MANY))
        if t.resolved_at is not None and since <= t.resolved_at < now
    ]
    open_now = ctx.tickets.query(TicketFilter(open_only=True, limit=_MANY))
    tier = _tiers(ctx)
    escalations = [e for e in ctx.notifications.escalations(since=since) if e.fired_at < now]
    levels = Counter(f"level:{e.level}" for e in escalations)
    return Stats(
        since=since,
        until=now,
        tickets=len(opened),
        by_kind=dict(Counter(t.kind for t in opened).most_common()),
        by_priority=dict(sorted(Counter(t.priority for t in opened).items())),
        by_account=dict(Counter(t.account_id for t in opened).most_common()),
        open_by_priority=dict(sorted(Counter(t.priority for t in open_now).items())),
        first_response=_by_tier(
            (tier(t), (t.first_response_at - t.opened_at).total_seconds())
            for t in opened
            if t.first_response_at is not None
        ),
        resolution=_by_tier(
            (tier(t), (t.resolved_at - t.opened_at).total_seconds())
            for t in resolved
            if t.resolved_at is not None
        ),
        sla=_attainment(opened, tier, now),
        escalations={
            "total": len(escalations),
            "late": sum(1 for e in escalations if e.late),
            **dict(sorted(levels.items())),
        },
        deflection=deflection(ctx.conversations.active_since(since), ctx, since=since, now=now),
        top_gaps=top_questions((g for g in ctx.gaps.recent(since=since) if g.at < now), limit=10),
        csat=csat(ctx, since=since, now=now),
    )


def csat(ctx: AppContext, *, since: dt.datetime, now: dt.datetime) -> Csat:
    """Ratings given in ``[since, now)``, and how many tickets were asked in that period."""
    from bot.store.csat import CsatStore
    from bot.store.slack_posts import CSAT, SlackPostStore

    ratings = CsatStore(ctx.db).between(since, now)
    scores = [r.score for r in ratings]
    asked = SlackPostStore(ctx.db).count(kind=CSAT, since=since, until=now)
    return Csat(
        ratings=len(scores),
        total=sum(scores),
        satisfied=sum(1 for s in scores if s >= 4),
        requested=asked,
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with ``fraction`` of values at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def durations(values: Sequence[float]) -> Durations:
    if not values:
        return Durations()
    return Durations(len(values), float(statistics.median(values)), percentile(values, 0.9))


def _by_tier(pairs: Iterable[tuple[str, float]]) -> dict[str, Durations]:
    groups: dict[str, list[float]] = {}
    for tier, seconds in pairs:
        groups.setdefault(tier, []).append(seconds)
        groups.setdefault("all", []).append(seconds)
    return {name: durations(values) for name, values in sorted(groups.items())}


def _tiers(ctx: AppContext) -> Callable[[Ticket], str]:
    tiers = {a.id: a.tier for a in ctx.config.accounts}

    def tier(ticket: Ticket) -> str:
        return tiers.get(ticket.account_id, "unknown")

    return tier


def clock_outcome(clock: ClockRecord, now: dt.datetime) -> str | None:
    """'met', 'breached' or 'running'; None for a clock without a target."""
    if clock.breached:
        return "breached"
    if clock.due_at is None:
        # Paused clocks may carry no due time; they still have a target to meet.
        has_target = clock.target_seconds is not None and clock.stopped_at is None
        return "running" if has_target else None
    if clock.stopped_at is not None:
        return "met" if clock.stopped_at <= clock.due_at else "breached"
    return "breached" if clock.due_at < now and not clock.paused else "running"


def _attainment(
    tickets: Sequence[Ticket], tier: Callable[[Ticket], str], now: dt.datetime
) -> dict[str, dict[str, Attainment]]:
    counts: dict[str, dict[str, Counter[str]]] = {}
    for ticket in tickets:
        for clock in ticket.clocks:
            outcome = clock_outcome(clock, now)
            if outcome is None:
                continue
            groups = counts.setdefault(clock.name, {})
            for key in ("all", f"tier:{tier(ticket)}", f"priority:{ticket.priority}"):
                groups.setdefault(key, Counter())[outcome] += 1
    return {
        name: {
            key: Attainment(c["met"], c["breached"], c["running"])
            for key, c in sorted(groups.items())
        }
        for name, groups in sorted(counts.items())
    }


def deflection(
    conversations: Iterable[Conversation],
    ctx: AppContext,
    *,
    since: dt.datetime,
    now: dt.datetime,
) -> Deflection:
    """Follow each bot answer given in ``[since, now)`` to a Solved click or a ticket."""
    solved = no_ticket = followed = pending = answers = handoffs = 0
    for conv in conversations:
        ticket_at = _ticket_opened_at(conv, ctx)
        messages = list(conv.messages)
        for index, message in enumerate(messages):
            if message.role != "bot" or not since <= message.at < now:
                continue
            kind = message.data.get("kind")
            if kind == "handoff" or (kind == "answer" and message.data.get("handoff")):
                handoffs += 1
                continue
            if kind != "answer":
                continue
            answers += 1
            later = _until_next_answer(messages[index + 1 :])
            if any(m.role == "user" and m.data.get("action") == "solved" for m in later):
                solved += 1
            elif any(at is not None and message.at <= at <= message.at + FOLLOW_UP
                     for at in [ticket_at, *(_ticket_reply_at(m) for m in later)]):  # fmt: skip
                followed += 1
            elif message.at + FOLLOW_UP <= now:
                no_ticket += 1
            else:
                pending += 1
    return Deflection(answers, solved, no_ticket, followed, pending, handoffs)


def _until_next_answer(messages: Sequence[Message]) -> list[Message]:
    """The messages a Solved click or a ticket can be credited to this answer from."""
    out = []
    for m in messages:
        if m.role == "bot" and m.data.get("kind") == "answer":
            break
        out.append(m)
    return out


def _ticket_reply_at(message: Message) -> dt.datetime | None:
    return (
        message.at
        if message.role == "bot" and message.data.get("kind") == "ticket_opened"
        else None
    )


def _ticket_opened_at(conv: Conversation, ctx: AppContext) -> dt.datetime | None:
    if conv.ticket_id is None:
        return None
    ticket = ctx.tickets.find(conv.ticket_id)
    return None if ticket is None else ticket.opened_at
