"""A digest as titled sections of entries: the wording every renderer shares.

Renderers only decide how a link and emphasis look (Markdown, Slack mrkdwn, HTML).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from bot.digest.links import gaps_url, queue_url
from bot.digest.model import (
    PRIORITY_ORDER,
    AccountDigest,
    Digest,
    GapItem,
    PriorityLine,
    TicketItem,
)
from bot.digest.texts import counted, day_text, span, text, time_text, word

SECTION_LIMIT = 8  # a digest is read in a minute: the most urgent few, then "… and 63 more"
SUBJECT_LIMIT = 90  # subjects are often the customer's whole first sentence; the link has it all


@dataclass(frozen=True)
class Entry:
    """One line: an optional linked ticket key, then plain text."""

    text: str
    key: str | None = None
    url: str | None = None
    thread_url: str | None = None  # the customer's Slack thread


@dataclass(frozen=True)
class Section:
    """A titled list, capped: ``more`` entries past the cap are counted, not shown, and
    ``more_url`` (when there is a page that lists them) is where to see them all."""

    title: str
    entries: tuple[Entry, ...]
    more: int = 0
    more_url: str | None = None

    @property
    def total(self) -> int:
        return len(self.entries) + self.more

    def more_line(self, lang: str) -> str | None:
        """'… and 63 more', or None when nothing was left out."""
        return text(lang, "more", n=self.more) if self.more else None


@dataclass(frozen=True)
class Group:
    """The tickets of one section, chosen as every renderer shows them: most urgent first,
    each ticket in one section only, at most ``limit`` listed and ``more`` counted."""

    name: str  # breached | at_risk | p1 | waiting | upgrades | opened | resolved
    items: tuple[TicketItem, ...]
    more: int = 0

    @property
    def total(self) -> int:
        return len(self.items) + self.more


def ticket_groups(account: AccountDigest, *, limit: int = SECTION_LIMIT) -> list[Group]:
    """The ticket sections of an account, most urgent first; empty ones are left out. A ticket
    is listed once, in the most urgent section it belongs to (a breached P1 opened yesterday is
    under *breached* only; one left out past a section's cap is counted there, not listed
    further down). Within a section: by priority, then by due time."""
    unanswered = tuple(i for i in account.unanswered if i.waiting_since is not None)
    candidates = (
        ("breached", account.breached), ("at_risk", account.at_risk), ("p1", account.p1),
        ("waiting", unanswered), ("upgrades", account.upgrades), ("opened", account.opened),
        ("resolved", account.resolved),
    )  # fmt: skip
    shown: set[str] = set()
    out = []
    for name, items in candidates:
        fresh = tuple(i for i in sorted(items, key=_urgency) if i.key not in shown)
        shown.update(i.key for i in fresh)
        if fresh:
            out.append(Group(name, fresh[:limit], max(0, len(fresh) - limit)))
    return out


def when(digest: Digest, moment: dt.datetime) -> str:
    """A time in the CSM's zone, with how far it is from the digest time: 'Thu 14:30 (in 5 h)'."""
    lang = digest.language
    at = time_text(lang, digest.local(moment), now=digest.as_of)
    return text(lang, "at_relative", at=at, relative=relative(digest, moment))


def relative(digest: Digest, moment: dt.datetime) -> str:
    """'in 5 h' or '3 d ago' from the digest time."""
    seconds = (moment - digest.as_of).total_seconds()
    return text(
        digest.language, "in" if seconds >= 0 else "ago", span=span(digest.language, seconds)
    )


def title_line(digest: Digest) -> str:
    lang = digest.language
    return text(lang, "title", name=digest.csm_name, day=day_text(lang, digest.day))


def window_line(digest: Digest) -> str:
    lang = digest.language
    since = time_text(lang, digest.local(digest.since), now=digest.as_of)
    accounts = counted(lang, "n_accounts", len(digest.accounts))
    return text(lang, "window", since=since, tz=digest.timezone, accounts=accounts,
                busy=len(digest.busy))  # fmt: skip


def account_heading(digest: Digest, account: AccountDigest) -> str:
    lang = digest.language
    return text(lang, "heading", name=account.name, tier=word(lang, "tier", account.tier))


def trend_line(digest: Digest, account: AccountDigest) -> str:
    """The account's trend as a sentence: '3 tickets in the last 7 days, ...'."""
    return account.trend.sentence(digest.language)


def quiet_line(digest: Digest) -> str | None:
    """Accounts with nothing to report, collapsed into one line."""
    if not digest.quiet:
        return None
    lang = digest.language
    parts = [
        text(lang, "quiet_open", name=a.name, n=a.open_count)
        if a.open_count
        else text(lang, "quiet_none", name=a.name)
        for a in digest.quiet
    ]
    return text(lang, "quiet", accounts=" · ".join(parts))


def empty_line(digest: Digest) -> str | None:
    return text(digest.language, "empty") if not digest.accounts else None


def account_sections(
    digest: Digest, account: AccountDigest, *, limit: int = SECTION_LIMIT
) -> list[Section]:
    """The sections of one account, most urgent first; empty sections are left out. Each
    ticket is listed once, in the most urgent section it belongs to (a breached P1 opened
    yesterday is under *Breached*, not three times). Within a section tickets come by
    priority, then by due time (the most overdue or soonest due first); a section shows at
    most ``limit`` entries and counts the rest, linking the staff queue of the account."""
    lang = digest.language

    def t(name: str, /, **values: object) -> str:
        return text(lang, name, **values)

    def entries(
        items: tuple[TicketItem, ...], detail: Callable[[TicketItem], str]
    ) -> tuple[Entry, ...]:
        return tuple(
            Entry(
                text=t("entry", priority=i.priority, subject=_clip(i.subject, SUBJECT_LIMIT),
                       detail=detail(i)),
                key=i.key, url=i.url, thread_url=i.thread_url,
            )
            for i in items
        )  # fmt: skip

    def due(item: TicketItem) -> str:
        label = word(lang, "clock", item.clock) if item.clock else ""
        if item.due_at is None:
            return t("clock_breached", clock=label) if label else t("no_clock")
        if item.due_at < digest.as_of:
            late = span(lang, (digest.as_of - item.due_at).total_seconds())
            return t("overdue", clock=label, span=late)
        return t("due", clock=label, when=when(digest, item.due_at)).strip()

    def clock(item: TicketItem) -> str:
        names = [digest.recipients.get(target, target) for target in item.escalations]
        return due(item) + (t("told", names=t("list_sep").join(names)) if names else "")

    def p1(item: TicketItem) -> str:
        return t("p1_detail", status=word(lang, "status", item.status),
                 stage=word(lang, "stage", item.stage))  # fmt: skip

    def waiting(item: TicketItem) -> str:
        return t("waiting_detail", when=when(digest, item.waiting_since or item.opened_at))

    def upgrade(item: TicketItem) -> str:
        return t("stage_detail", stage=word(lang, "stage", item.stage))

    def opened(item: TicketItem) -> str:
        return t("opened_detail", kind=word(lang, "kind", item.kind),
                 status=word(lang, "status", item.status))  # fmt: skip

    def resolved(item: TicketItem) -> str:
        kind = word(lang, "kind", item.kind)
        if item.breached and item.clock:
            return t("resolved_breached", kind=kind, clock=word(lang, "clock", item.clock))
        return kind

    def priority_line(line: PriorityLine) -> Entry:
        # The earliest due time of a priority may be long past: say it is overdue, not "due".
        late = line.next_due is not None and line.next_due < digest.as_of
        next_due = (
            t("next_overdue" if late else "next_due", when=when(digest, line.next_due),
              ticket=line.next_due_key)
            if line.next_due is not None
            else ""
        )  # fmt: skip
        return Entry(t("priority_line", priority=line.priority, n=line.count) + next_due)

    def gap(g: GapItem) -> Entry:
        channel = word(lang, "channel", g.channel)
        return Entry(t("gap", question=_clip(g.question, 200), channel=channel,
                       when=when(digest, g.at)))  # fmt: skip

    queue = queue_url(account.account_id, public_url=digest.public_url)
    titles = {
        "breached": (t("sec_breached"), clock), "at_risk": (t("sec_at_risk"), clock),
        "p1": (t("sec_p1"), p1),
        "waiting": (t("sec_waiting", hours=digest.unanswered_hours), waiting),
        "upgrades": (t("sec_upgrades"), upgrade), "opened": (t("sec_opened"), opened),
        "resolved": (t("sec_resolved"), resolved),
    }  # fmt: skip
    out = []
    for group in ticket_groups(account, limit=limit):
        title, detail = titles[group.name]
        # Resolved tickets are not in the queue (open tickets only): no page lists the rest.
        more_url = queue if group.more and group.name != "resolved" else None
        out.append(Section(title, entries(group.items, detail), group.more, more_url))
    lines = (  # not tickets: listed as they are, capped alike
        (t("sec_by_priority"), tuple(priority_line(p) for p in account.open_by_priority), queue),
        (
            t("sec_gaps"),
            tuple(gap(g) for g in account.gaps),
            gaps_url(public_url=digest.public_url),
        ),
    )
    for title, listed, more_url in lines:
        if listed:
            more = max(0, len(listed) - limit)
            out.append(Section(title, listed[:limit], more, more_url if more else None))
    return out


def _urgency(item: TicketItem) -> tuple[int, dt.datetime, dt.datetime]:
    """Priority first, then the due time (overdue longest or due soonest), then age."""
    rank = (
        PRIORITY_ORDER.index(item.priority)
        if item.priority in PRIORITY_ORDER
        else len(PRIORITY_ORDER)
    )
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return rank, item.due_at or item.waiting_since or far, item.opened_at


def _clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word boundary where there is one near the end."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3 and text[limit - 1] != " ":
        cut = cut[:space]
    return cut.rstrip(" ,;:—-") + "…"
