"""Gathers one CSM's digest from the store: tickets, clocks, escalations, gaps, events."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Account, OrgConfig, Person
from bot.digest.links import ticket_url
from bot.digest.model import (
    PRIORITY_ORDER,
    AccountDigest,
    Digest,
    GapItem,
    PriorityLine,
    TicketItem,
    Trend,
)
from bot.digest.texts import text
from bot.errors import NotFound
from bot.store.records import ClockRecord, KnowledgeGap, Ticket, TicketEvent
from bot.store.slack_posts import SlackPostStore
from bot.store.tickets import TicketFilter

if TYPE_CHECKING:
    from bot.context import AppContext

DAY = dt.timedelta(days=1)
WEEK = dt.timedelta(days=7)
UNANSWERED_HOURS = 4
_MANY = 100_000  # ticket queries are per CSM's accounts; no paging in a morning digest
_CUSTOMER_TURNS = {"opened", "message"}
_AGENT_TURNS = {"message", "waiting_on_customer"}


def csm_people(config: OrgConfig) -> list[Person]:
    """Everyone who gets a digest: people with the csm role or named as an account's CSM."""
    named = {a.csm for a in config.accounts if a.csm}
    return [p for p in config.people if "csm" in p.roles or p.id in named]


def csm_accounts(config: OrgConfig, csm_id: str) -> list[Account]:
    return [a for a in config.accounts if a.csm == csm_id]


def digest_moment(person: Person, day: dt.date, *, digest_time: str) -> dt.datetime:
    """When ``person``'s digest for local ``day`` is due (their zone; DST-aware)."""
    hour, minute = (int(part) for part in digest_time.split(":"))
    local = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZoneInfo(person.timezone))
    return local.astimezone(dt.UTC)


def build_digest(
    ctx: AppContext,
    csm_id: str,
    *,
    as_of: dt.datetime,
    day: dt.date | None = None,
    unanswered_hours: int = UNANSWERED_HOURS,
    language: str | None = None,
) -> Digest:
    """The digest of ``csm_id``'s accounts as of ``as_of`` (the window starts at their last
    digest before ``day``, or 24 hours earlier), in ``language`` (default: the CSM's own)."""
    person = ctx.config.person(csm_id)
    if person is None or person not in csm_people(ctx.config):
        raise NotFound(f"no CSM {csm_id!r}")
    day = day or as_of.astimezone(ZoneInfo(person.timezone)).date()
    since = ctx.daily_runs.last(csm_id, before=day)
    if since is None or since >= as_of:
        since = as_of - DAY
    accounts = csm_accounts(ctx.config, csm_id)
    tickets = _tickets(ctx, [a.id for a in accounts], since=since, as_of=as_of)
    gaps = ctx.gaps.recent(since=since, account_ids=[a.id for a in accounts]) if accounts else []
    public_url = ctx.settings.public_url
    parts = []
    for account in accounts:
        mine = [t for t in tickets if t.account_id == account.id]
        parts.append(
            _account_digest(
                ctx,
                account,
                mine,
                gaps=[g for g in gaps if g.account_id == account.id and g.at <= as_of],
                since=since,
                as_of=as_of,
                public_url=public_url,
                unanswered_after=dt.timedelta(hours=unanswered_hours),
            )
        )
    # Riskiest accounts first: breaches, then clocks at risk, P1s, then the trend.
    parts.sort(key=lambda a: a.risk, reverse=True)
    lang = language or person.language
    return Digest(
        csm_id=csm_id,
        csm_name=person.name,
        timezone=person.timezone,
        day=day,
        as_of=as_of,
        since=since,
        unanswered_hours=unanswered_hours,
        accounts=tuple(parts),
        recipients=recipient_names(ctx.config, lang),
        language=lang,
        public_url=public_url,
    )


def _tickets(
    ctx: AppContext, account_ids: list[str], *, since: dt.datetime, as_of: dt.datetime
) -> list[Ticket]:
    if not account_ids:
        return []
    open_now = ctx.tickets.query(TicketFilter(account_ids=account_ids, open_only=True, limit=_MANY))
    # Everything opened in the two trend weeks or resolved in the window changed since then.
    recent = ctx.tickets.query(
        TicketFilter(
            account_ids=account_ids, updated_since=min(since, as_of - 2 * WEEK), limit=_MANY
        )
    )
    by_id = {t.id: t for t in [*open_now, *recent] if t.opened_at <= as_of}
    return sorted(by_id.values(), key=lambda t: (t.opened_at, t.id))


def _account_digest(
    ctx: AppContext,
    account: Account,
    tickets: Sequence[Ticket],
    *,
    gaps: Sequence[KnowledgeGap],
    since: dt.datetime,
    as_of: dt.datetime,
    public_url: str,
    unanswered_after: dt.timedelta,
) -> AccountDigest:
    posts = SlackPostStore(ctx.db)

    def item(ticket: Ticket, *, escalated: bool = False) -> TicketItem:
        breached = breached_clock(ticket, as_of)
        clock = breached or next_due_clock(ticket)
        thread = posts.thread_link(ticket.id) if ticket.channel == "slack" else None
        return TicketItem(
            key=ticket.key, subject=ticket.subject, priority=ticket.priority,
            status=ticket.status, stage=ticket.stage, kind=ticket.kind,
            url=ticket_url(ticket, public_url=public_url), opened_at=ticket.opened_at,
            due_at=clock.due_at if clock else None, clock=clock.name if clock else None,
            escalations=_escalations(ctx, ticket) if escalated else (),
            breached=breached is not None, thread_url=thread,
        )  # fmt: skip

    open_tickets = [t for t in tickets if t.is_open]
    opened = [t for t in tickets if since <= t.opened_at < as_of]
    resolved = [t for t in tickets if t.resolved_at is not None and since <= t.resolved_at < as_of]
    breached = [t for t in open_tickets if is_breached(t, as_of)]
    at_risk = [
        t
        for t in open_tickets
        if t not in breached and _due_within(t, as_of, as_of + DAY) is not None
    ]
    unanswered = []
    for ticket in open_tickets:
        waiting = waiting_since(ctx.tickets.events(ticket.id), as_of=as_of)
        if waiting is not None and waiting <= as_of - unanswered_after:
            unanswered.append(replace(item(ticket), waiting_since=waiting))
    this_week = sum(1 for t in tickets if as_of - WEEK <= t.opened_at < as_of)
    last_week = sum(1 for t in tickets if as_of - 2 * WEEK <= t.opened_at < as_of - WEEK)
    return AccountDigest(
        account_id=account.id,
        name=account.name,
        tier=account.tier,
        opened=tuple(item(t) for t in opened),
        resolved=tuple(item(t) for t in resolved),
        open_by_priority=_priority_lines(open_tickets),
        breached=tuple(item(t, escalated=True) for t in breached),
        at_risk=tuple(item(t, escalated=True) for t in _by_due(at_risk)),
        p1=tuple(item(t) for t in open_tickets if t.priority == "P1"),
        upgrades=tuple(item(t) for t in open_tickets if t.kind == "upgrade"),
        gaps=tuple(GapItem(question=g.question, at=g.at, channel=g.channel) for g in gaps),
        unanswered=tuple(unanswered),
        trend=Trend(this_week=this_week, last_week=last_week),
    )


def running(clock: ClockRecord) -> bool:
    return clock.stopped_at is None and not clock.paused and clock.due_at is not None


def next_due_clock(ticket: Ticket) -> ClockRecord | None:
    """The running clock that falls due first (None when no clock runs)."""
    clocks = [c for c in ticket.clocks if running(c)]
    return min(clocks, key=lambda c: c.due_at or as_max(), default=None)


def as_max() -> dt.datetime:
    return dt.datetime.max.replace(tzinfo=dt.UTC)


def breached_clock(ticket: Ticket, now: dt.datetime) -> ClockRecord | None:
    """The clock that breached: marked so by the keeper, or running past its due time."""
    return next(
        (
            c
            for c in ticket.clocks
            if c.breached or (running(c) and c.due_at is not None and c.due_at < now)
        ),
        None,
    )


def is_breached(ticket: Ticket, now: dt.datetime) -> bool:
    return breached_clock(ticket, now) is not None


def _due_within(ticket: Ticket, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    dues = [c.due_at for c in ticket.clocks if running(c) and c.due_at and start <= c.due_at < end]
    return min(dues, default=None)


def _by_due(tickets: Iterable[Ticket]) -> list[Ticket]:
    def due(ticket: Ticket) -> dt.datetime:
        clock = next_due_clock(ticket)
        return clock.due_at if clock and clock.due_at else as_max()

    return sorted(tickets, key=due)


def _priority_lines(open_tickets: Sequence[Ticket]) -> tuple[PriorityLine, ...]:
    lines = []
    for priority in PRIORITY_ORDER:
        group = [t for t in open_tickets if t.priority == priority]
        if not group:
            continue
        dues = [(c.due_at, t.key) for t in group if (c := next_due_clock(t)) and c.due_at]
        first = min(dues, default=(None, None))
        lines.append(PriorityLine(priority, len(group), first[0], first[1]))
    return tuple(lines)


def _escalations(ctx: AppContext, ticket: Ticket) -> tuple[str, ...]:
    """Who the escalations told so far (person ids, channel ids), once each, in order."""
    told: dict[str, None] = {}
    for escalation in ctx.notifications.escalations(ticket.id):
        told.update(dict.fromkeys(escalation.recipients))
    return tuple(told)


def recipient_names(config: OrgConfig, lang: str = "en") -> dict[str, str]:
    """How the digest names escalation recipients: people by name, channels by what they are."""
    names = {p.id: p.name for p in config.people}
    if config.organisation.escalation_channel:
        names[config.organisation.escalation_channel] = text(lang, "escalation_channel")
    for account in config.accounts:
        if account.internal_channel:
            names[account.internal_channel] = text(lang, "internal_channel", name=account.name)
    return names


def waiting_since(events: Sequence[TicketEvent], *, as_of: dt.datetime) -> dt.datetime | None:
    """When the customer's unanswered message was sent: the last customer turn with no agent
    message after it (None when an agent spoke last or the customer never wrote)."""
    last_customer: dt.datetime | None = None
    for event in events:
        if event.at > as_of:
            break
        if event.actor_kind == "customer" and event.kind in _CUSTOMER_TURNS:
            last_customer = event.at
        elif event.actor_kind == "agent" and event.kind in _AGENT_TURNS:
            last_customer = None
    return last_customer
