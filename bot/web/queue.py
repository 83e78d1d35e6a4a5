"""The staff queue: filters kept in the URL, search, quick views and the rows to show."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from bot.store.records import Ticket
from bot.store.tickets import TicketFilter
from bot.web.duplicates import duplicate_of
from bot.web.views import ClockView, next_clock, queue_order

if TYPE_CHECKING:
    from bot.config import Account, OrgConfig
    from bot.context import AppContext


@dataclass(frozen=True)
class OnCall:
    """Who the rotation puts on call now, and when it next hands over."""

    person: str  # id
    name: str
    handover: dt.datetime


def on_call_now(config: OrgConfig, now: dt.datetime) -> OnCall | None:
    """The on-call engineer at ``now`` (overrides included), or None without a rotation."""
    from bot.sla_setup import rotation_for

    rotation = rotation_for(config)
    if rotation is None:
        return None
    person = rotation.on_call(now)
    known = config.person(person)
    return OnCall(person, known.name if known else person, rotation.next_handover(now))


MAX_OPEN = 2000
SOON = 3600  # a clock due within the hour is "breaching"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows, as URL parameters (so a view can be bookmarked and shared)."""

    q: str = ""
    account: str = ""
    tier: str = ""
    priority: str = ""
    stage: str = ""
    assignee: str = ""  # a person id, "me", or "-" for unassigned
    due: str = ""  # "soon": overdue or due within the hour

    @classmethod
    def from_params(cls, params: Any) -> QueueFilters:
        return cls(**{k: str(params.get(k, "")).strip()[:200] for k in cls.__dataclass_fields__})

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def url(self, **changes: str) -> str:
        chosen = {k: v for k, v in asdict(replace(self, **changes)).items() if v}
        return "/staff" + (f"?{urlencode(chosen)}" if chosen else "")

    @property
    def active(self) -> bool:
        return any(asdict(self).values())


@dataclass(frozen=True)
class QueueRow:
    ticket: Ticket
    account: Account | None
    clock: ClockView | None  # the running clock due first
    assignee: tuple[str, str] | None  # (name, id)
    duplicate_of: str | None


@dataclass(frozen=True)
class QuickView:
    label: str
    url: str
    current: bool
    count: int | None = None


def open_tickets(ctx: AppContext) -> list[Ticket]:
    return ctx.tickets.query(TicketFilter(open_only=True, limit=MAX_OPEN))


def queue_rows(
    ctx: AppContext, tickets: list[Ticket], filters: QueueFilters, *, me: str, now: dt.datetime
) -> list[QueueRow]:
    """The open tickets that match ``filters``, soonest breach first."""
    config = ctx.config
    accounts = {a.id: a for a in config.accounts}
    duplicates = duplicate_of(tickets)
    chosen = [t for t in tickets if _matches(t, filters, accounts=accounts, me=me, now=now)]
    if filters.q:
        chosen = _search(ctx, chosen, filters.q, accounts=accounts)
    rows = []
    for ticket in queue_order(chosen):
        person = config.person(ticket.assignee_id) if ticket.assignee_id else None
        assignee = (
            (person.name if person else ticket.assignee_id, ticket.assignee_id)
            if ticket.assignee_id
            else None
        )
        rows.append(
            QueueRow(
                ticket=ticket,
                account=accounts.get(ticket.account_id),
                clock=next_clock(ticket, now=now),
                assignee=assignee,
                duplicate_of=duplicates.get(ticket.key),
            )
        )
    return rows


def quick_views(
    filters: QueueFilters, tickets: list[Ticket], *, me: str, now: dt.datetime, t: Any
) -> list[QuickView]:
    """All, mine, unassigned, breaching, P1: one click each, with counts."""
    base = QueueFilters()
    options = [
        (t("view_all"), base),
        (t("view_mine"), replace(base, assignee="me")),
        (t("view_unassigned"), replace(base, assignee="-")),
        (t("view_breaching"), replace(base, due="soon")),
        (t("view_p1"), replace(base, priority="P1")),
    ]
    accounts: dict[str, Account] = {}
    return [
        QuickView(
            label=label,
            url=view.url(),
            current=view == filters,
            count=sum(1 for x in tickets if _matches(x, view, accounts=accounts, me=me, now=now)),
        )
        for label, view in options
    ]


def _matches(
    ticket: Ticket,
    f: QueueFilters,
    *,
    accounts: dict[str, Account],
    me: str,
    now: dt.datetime,
) -> bool:
    if f.account and ticket.account_id != f.account:
        return False
    if f.tier and (a := accounts.get(ticket.account_id)) is not None and a.tier != f.tier:
        return False
    if f.tier and ticket.account_id not in accounts:
        return False
    if f.priority and ticket.priority != f.priority:
        return False
    if f.stage and ticket.stage != f.stage:
        return False
    if f.assignee == "-" and ticket.assignee_id is not None:
        return False
    if f.assignee == "me" and ticket.assignee_id != me:
        return False
    if f.assignee not in ("", "-", "me") and ticket.assignee_id != f.assignee:
        return False
    if f.due == "soon":
        clock = next_clock(ticket, now=now)
        return clock is not None and clock.left is not None and clock.left < SOON
    return True


def _search(
    ctx: AppContext, tickets: list[Ticket], q: str, *, accounts: dict[str, Account]
) -> list[Ticket]:
    """Key, subject, account, report fields, or anything said on the ticket."""
    needle = q.lower()
    number = needle.rsplit("-", 1)[-1]

    def direct(t: Ticket) -> bool:
        account = accounts.get(t.account_id)
        haystack = " ".join(
            [t.key, t.subject, t.account_id, account.name if account else "",
             *(str(v) for v in (t.fields or {}).values() if v)]
        ).lower()  # fmt: skip
        return needle in haystack or (number.isdigit() and t.key.endswith(f"-{number}"))

    found = {t.id for t in tickets if direct(t)}
    rest = [t.id for t in tickets if t.id not in found]
    found |= ctx.tickets.with_text(q, rest)
    return [t for t in tickets if t.id in found]


def stages(tickets: list[Ticket]) -> list[str]:
    """The stages open tickets are in, for the filter (the usual ones first)."""
    usual = ["new", "investigating", "requested", "reviewing", "quote sent", "contract"]
    seen = {t.stage for t in tickets}
    return [s for s in usual if s in seen] + sorted(seen - set(usual))
