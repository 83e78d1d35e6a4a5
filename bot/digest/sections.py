"""A digest as titled sections of entries: the wording every renderer shares.

Renderers only decide how a link and emphasis look (Markdown, Slack mrkdwn, HTML).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.digest.model import AccountDigest, Digest, TicketItem


@dataclass(frozen=True)
class Entry:
    """One line: an optional linked ticket key, then plain text."""

    text: str
    key: str | None = None
    url: str | None = None
    thread_url: str | None = None  # the customer's Slack thread


@dataclass(frozen=True)
class Section:
    title: str
    entries: tuple[Entry, ...]


def when(digest: Digest, moment: dt.datetime) -> str:
    """A time in the CSM's zone, with how far it is from the digest time: 'Thu 14:30 (in 5 h)'."""
    local = digest.local(moment)
    return f"{local:%a %d %b %H:%M} ({relative(moment, digest.as_of)})"


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    if span < 3600:
        text = f"{max(1, round(span / 60))} min"
    elif span < 48 * 3600:
        text = f"{round(span / 3600)} h"
    else:
        text = f"{round(span / 86400)} d"
    return f"in {text}" if seconds >= 0 else f"{text} ago"


def title_line(digest: Digest) -> str:
    return f"Morning digest for {digest.csm_name} — {digest.day:%a %d %b %Y}"


def window_line(digest: Digest) -> str:
    since = digest.local(digest.since)
    return (
        f"Since {since:%a %d %b %H:%M} ({digest.timezone}) · "
        f"{len(digest.accounts)} account{'' if len(digest.accounts) == 1 else 's'}, "
        f"{len(digest.busy)} with news"
    )


def account_heading(account: AccountDigest) -> str:
    return f"{account.name} ({account.tier})"


def quiet_line(digest: Digest) -> str | None:
    """Accounts with nothing to report, collapsed into one line."""
    if not digest.quiet:
        return None
    parts = [
        f"{a.name} ({a.open_count} open)" if a.open_count else f"{a.name} (nothing open)"
        for a in digest.quiet
    ]
    return "Quiet: " + " · ".join(parts)


def empty_line(digest: Digest) -> str | None:
    return "No accounts are assigned to you." if not digest.accounts else None


def account_sections(digest: Digest, account: AccountDigest) -> list[Section]:
    """The sections of one account, most urgent first; empty sections are left out. Each
    ticket is listed once, in the most urgent section it belongs to (a breached P1 opened
    yesterday is under *Breached*, not three times)."""

    def entry(item: TicketItem, text: str) -> Entry:
        return Entry(
            text=f"{item.priority} {item.subject} — {text}", key=item.key, url=item.url,
            thread_url=item.thread_url,
        )  # fmt: skip

    def due(item: TicketItem) -> str:
        label = (item.clock or "").replace("_", " ")
        if item.due_at is None:
            return f"{label} breached" if label else "no clock running"
        if item.due_at < digest.as_of:
            return f"{label} overdue {relative(item.due_at, digest.as_of).replace(' ago', '')}"
        return f"{label} due {when(digest, item.due_at)}".strip()

    def escalated(item: TicketItem) -> str:
        names = [digest.recipients.get(target, target) for target in item.escalations]
        return "; told " + ", ".join(names) if names else ""

    sections = [
        Section("Breached", tuple(entry(i, f"{due(i)}{escalated(i)}") for i in account.breached)),
        Section(
            "At risk in the next 24 h",
            tuple(entry(i, f"{due(i)}{escalated(i)}") for i in account.at_risk),
        ),
        Section(
            "P1",
            tuple(entry(i, f"{i.status.replace('_', ' ')}, stage {i.stage}") for i in account.p1),
        ),
        Section(
            f"Customer waiting over {digest.unanswered_hours} h",
            tuple(
                entry(i, f"last customer message {when(digest, i.waiting_since)}")
                for i in account.unanswered
                if i.waiting_since is not None
            ),
        ),
        Section("Upgrade requests", tuple(entry(i, f"stage {i.stage}") for i in account.upgrades)),
        Section(
            "Opened",
            tuple(entry(i, f"{i.kind}, {i.status.replace('_', ' ')}") for i in account.opened),
        ),
        Section("Resolved", tuple(entry(i, _resolved(i)) for i in account.resolved)),
        Section(
            "Open by priority",
            tuple(
                Entry(
                    f"{line.priority}: {line.count} open"
                    + (
                        f", next due {when(digest, line.next_due)} ({line.next_due_key})"
                        if line.next_due is not None
                        else ""
                    )
                )
                for line in account.open_by_priority
            ),
        ),
        Section(
            "Questions the bot could not answer",
            tuple(
                Entry(f"“{_clip(g.question, 200)}” ({g.channel}, {when(digest, g.at)})")
                for g in account.gaps
            ),
        ),
    ]
    shown: set[str] = set()
    out = []
    for section in sections:
        fresh = tuple(e for e in section.entries if e.key is None or e.key not in shown)
        shown.update(e.key for e in fresh if e.key is not None)
        if fresh:
            out.append(Section(section.title, fresh))
    return out


def _resolved(item: TicketItem) -> str:
    if item.breached and item.clock:
        return f"{item.kind}, after its {item.clock.replace('_', ' ')} SLA breached"
    return item.kind


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
