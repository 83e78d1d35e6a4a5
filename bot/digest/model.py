"""What a digest says, as plain data: renderers (Markdown, Block Kit, HTML) only format it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from bot.digest.texts import counted, text

PRIORITY_ORDER = ("P1", "P2", "P3", "P4")


@dataclass(frozen=True)
class TicketItem:
    """One ticket mentioned in a digest, with where to open it."""

    key: str
    subject: str
    priority: str
    status: str
    stage: str
    kind: str
    url: str
    opened_at: dt.datetime
    due_at: dt.datetime | None = None  # the earliest due time of its running clocks
    clock: str | None = None  # which clock that due time belongs to
    # Who the escalations told so far: person and channel ids (``Digest.recipients`` names them).
    escalations: tuple[str, ...] = ()
    waiting_since: dt.datetime | None = None  # unanswered customer message time
    breached: bool = False  # ``clock`` is the clock that breached
    thread_url: str | None = None  # the customer's Slack thread (permalink), for Slack tickets


@dataclass(frozen=True)
class PriorityLine:
    """Open tickets of one priority and the next due time among them."""

    priority: str
    count: int
    next_due: dt.datetime | None = None
    next_due_key: str | None = None


@dataclass(frozen=True)
class GapItem:
    question: str
    at: dt.datetime
    channel: str


@dataclass(frozen=True)
class Trend:
    """Tickets opened in the last 7 days against the 7 days before."""

    this_week: int
    last_week: int

    @property
    def direction(self) -> str:
        if self.this_week > self.last_week:
            return "up"
        return "down" if self.this_week < self.last_week else "flat"

    def sentence(self, lang: str = "en") -> str:
        """'3 tickets in the last 7 days, 2 more than the 7 days before (1)', in ``lang``."""
        diff = self.this_week - self.last_week
        count = counted(lang, "trend_tickets", self.this_week)
        if diff == 0:
            return text(lang, "trend_same", count=count)
        key = "trend_more" if diff > 0 else "trend_fewer"
        return text(lang, key, count=count, n=abs(diff), before=self.last_week)


@dataclass(frozen=True)
class AccountDigest:
    account_id: str
    name: str
    tier: str
    opened: tuple[TicketItem, ...] = ()
    resolved: tuple[TicketItem, ...] = ()
    open_by_priority: tuple[PriorityLine, ...] = ()
    breached: tuple[TicketItem, ...] = ()
    at_risk: tuple[TicketItem, ...] = ()
    p1: tuple[TicketItem, ...] = ()
    upgrades: tuple[TicketItem, ...] = ()
    gaps: tuple[GapItem, ...] = ()
    unanswered: tuple[TicketItem, ...] = ()
    trend: Trend = field(default_factory=lambda: Trend(0, 0))

    @property
    def open_count(self) -> int:
        return sum(line.count for line in self.open_by_priority)

    @property
    def risk(self) -> tuple[int, int, int, int, int]:
        """What orders accounts in a digest, riskiest first: breached tickets, clocks at risk,
        open P1s, customers waiting, then how much the ticket count grew."""
        return (
            len(self.breached),
            len(self.at_risk),
            len(self.p1),
            len(self.unanswered),
            self.trend.this_week - self.trend.last_week,
        )

    @property
    def quiet(self) -> bool:
        """Nothing new and nothing needing attention: shown as one line."""
        return not (
            self.opened
            or self.resolved
            or self.breached
            or self.at_risk
            or self.p1
            or self.upgrades
            or self.gaps
            or self.unanswered
        )


@dataclass(frozen=True)
class Digest:
    """One CSM's morning digest over their accounts."""

    csm_id: str
    csm_name: str
    timezone: str
    day: dt.date  # the CSM-local day it is for
    as_of: dt.datetime
    since: dt.datetime  # the previous digest, or 24 hours before ``as_of``
    unanswered_hours: int
    accounts: tuple[AccountDigest, ...] = ()
    recipients: dict[str, str] = field(default_factory=dict)  # id -> name, for escalations
    language: str = "en"  # the CSM's (``people[].language``): every word but customers' own
    public_url: str = ""  # where the staff pages are, for the links past a section's cap

    @property
    def busy(self) -> tuple[AccountDigest, ...]:
        return tuple(a for a in self.accounts if not a.quiet)

    @property
    def quiet(self) -> tuple[AccountDigest, ...]:
        return tuple(a for a in self.accounts if a.quiet)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A time in the CSM's own zone, for display."""
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(self.timezone))
