"""Suggested duplicates: open tickets of the same account about the same thing.

Two tickets look alike when their subjects share most of their words (Jaccard at least 0.5, on
words of two or more letters and on Chinese character pairs), or share some words and the same
SDK and platform. Only the same account's tickets are compared: another customer's identical
crash is a pattern for engineering, not a ticket to merge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.store.records import Ticket

SUBJECT_ALIKE = 0.5
SUBJECT_WITH_FIELDS = 0.25
_WORD = re.compile(r"[a-z0-9][a-z0-9._-]+|[\u4e00-\u9fff]+")
# fmt: off
_STOP = frozenset([
    "the", "a", "an", "and", "or", "to", "of", "in", "on", "for", "with", "when", "after", "is",
    "are", "our", "we", "it", "not", "no",
])
# fmt: on


@dataclass(frozen=True)
class Duplicate:
    ticket: Ticket
    score: float
    reasons: tuple[str, ...]  # "subject", "sdk", "platform"


def words(subject: str) -> frozenset[str]:
    out: set[str] = set()
    for word in _WORD.findall(subject.lower()):
        if word[0] >= "\u4e00":
            out.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word not in _STOP:
            out.add(word)
    return frozenset(out)


def similarity(a: Ticket, b: Ticket) -> Duplicate | None:
    """How ``b`` looks like ``a`` (None: not enough)."""
    if a.id == b.id or a.account_id != b.account_id:
        return None
    left, right = words(a.subject), words(b.subject)
    score = len(left & right) / len(left | right) if left and right else 0.0
    same = tuple(
        name
        for name in ("sdk", "platform")
        if a.fields.get(name) and str(a.fields.get(name)) == str(b.fields.get(name))
    )
    if score >= SUBJECT_ALIKE or (score >= SUBJECT_WITH_FIELDS and len(same) == 2):
        return Duplicate(b, score, ("subject", *same))
    return None


def suggestions(ticket: Ticket, candidates: Iterable[Ticket], *, limit: int = 5) -> list[Duplicate]:
    """The open tickets most like ``ticket``, best first."""
    found = [d for c in candidates if c.is_open and (d := similarity(ticket, c)) is not None]
    return sorted(found, key=lambda d: (-d.score, d.ticket.id))[:limit]


def duplicate_of(tickets: Sequence[Ticket]) -> dict[str, str]:
    """Queue badges: each ticket's key -> the key of an older open look-alike."""
    by_account: dict[str, list[Ticket]] = {}
    for ticket in sorted(tickets, key=lambda t: t.id):
        by_account.setdefault(ticket.account_id, []).append(ticket)
    out: dict[str, str] = {}
    for group in by_account.values():
        for i, ticket in enumerate(group):
            match = next((o for o in group[:i] if similarity(ticket, o) is not None), None)
            if match is not None:
                out[ticket.key] = match.key
    return out
