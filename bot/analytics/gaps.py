"""Knowledge gaps grouped for people: similar questions together, misrouted messages out, and
a group turned into a draft FAQ entry for review.

Grouping is greedy on word overlap (Jaccard at least 0.5 on content words; Chinese text on
character pairs), so "Does the SDK support WebTransport?" and "webtransport support?" are one
gap. A group is shown in the phrasing asked most (its original case), with the others listed.

Misrouted: what intake should have taken and the docs never could answer — a ticket status
("status", "any update on SUP-1042?"), a greeting, a thank-you, a request for a human.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.store.records import KnowledgeGap

SIMILAR = 0.5
_WORD = re.compile(r"[a-z0-9][a-z0-9._+-]*|[\u4e00-\u9fff]+")
# fmt: off
_STOP = frozenset([
    "a", "an", "the", "and", "or", "to", "of", "in", "on", "for", "with", "is", "are", "was",
    "be", "can", "could", "do", "does", "did", "how", "what", "which", "when", "where", "why",
    "who", "we", "you", "your", "our", "my", "i", "it", "its", "this", "that", "there", "any",
    "there's", "is", "it", "possible", "please", "use", "using",
])
# fmt: on
# fmt: off
_CHATTER = frozenset([
    "status", "update", "updates", "progress", "please", "hi", "hello", "hey", "thanks", "thank",
    "ok", "okay", "test", "help", "human", "agent", "person", "ping", "yes", "no",
    "状态", "进度", "你好", "谢谢", "人工", "客服", "在吗",
])
# fmt: on
_STATUS_PHRASES = re.compile(
    r"^(any (news|update)|what'?s the status|status of|where are we|is there an update)|"
    r"(进度|状态)(如何|怎么样)?[？?]?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class GapGroup:
    question: str  # the phrasing asked most, as asked
    variants: tuple[str, ...]  # the other phrasings
    ids: tuple[int, ...]
    count: int
    accounts: tuple[str, ...]  # account ids, most frequent first
    channels: tuple[str, ...]
    first_at: dt.datetime
    last_at: dt.datetime
    top_source: str | None  # the nearest page the search found, if any


def content_words(text: str) -> frozenset[str]:
    out: set[str] = set()
    for word in _WORD.findall(text.lower()):
        if word[0] >= "\u4e00":
            out.update(word[i : i + 2] for i in range(max(1, len(word) - 1)))
        elif word not in _STOP:
            out.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return frozenset(out)


def is_misrouted(question: str, *, ticket_prefix: str = "SUP") -> bool:
    """A message the docs were never going to answer (see the module docstring)."""
    text = " ".join(question.split()).strip(" ?!.？！。")
    if not text:
        return True
    if re.search(rf"\b{re.escape(ticket_prefix)}-\d+\b", text, re.IGNORECASE):
        return True
    if _STATUS_PHRASES.search(text):
        return True
    words = text.lower().split()
    return len(words) <= 3 and all(w.strip(",.!?") in _CHATTER for w in words)


def group_gaps(gaps: Iterable[KnowledgeGap], *, ticket_prefix: str = "SUP") -> list[GapGroup]:
    """Similar questions together, most asked first; misrouted messages left out."""
    groups: list[tuple[frozenset[str], list[KnowledgeGap]]] = []
    for gap in sorted(gaps, key=lambda g: (g.at, g.id)):
        if is_misrouted(gap.question, ticket_prefix=ticket_prefix):
            continue
        words = content_words(gap.question)
        home = next((g for g in groups if _alike(words, g[0])), None)
        if home is None:
            groups.append((words, [gap]))
        else:
            home[1].append(gap)
    built = [gap_group(members) for _, members in groups]
    return sorted(built, key=lambda g: (-g.count, -g.last_at.timestamp()))


def _alike(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= SIMILAR


def gap_group(members: Sequence[KnowledgeGap]) -> GapGroup:
    """One group of (non-empty) ``members``, shown in the phrasing asked most (the earliest
    of equals)."""
    members = sorted(members, key=lambda g: (g.at, g.id))
    phrasings = Counter(" ".join(g.question.split()) for g in members)
    by_key: dict[str, str] = {}
    for text, _ in phrasings.most_common():
        by_key.setdefault(text.lower().strip(" ?？"), text)
    ordered = list(by_key.values())
    sources = Counter(g.top_source for g in members if g.top_source)
    return GapGroup(
        question=ordered[0],
        variants=tuple(ordered[1:]),
        ids=tuple(g.id for g in members),
        count=len(members),
        accounts=tuple(
            a for a, _ in Counter(g.account_id for g in members if g.account_id).most_common()
        ),
        channels=tuple(sorted({g.channel for g in members})),
        first_at=min(g.at for g in members),
        last_at=max(g.at for g in members),
        top_source=sources.most_common(1)[0][0] if sources else None,
    )


def top_questions(gaps: Iterable[KnowledgeGap], *, limit: int = 10) -> list[tuple[str, int]]:
    """(question, times asked) of the biggest groups, for analytics and the CLI."""
    return [(g.question, g.count) for g in group_gaps(gaps)[:limit]]


def write_faq_draft(folder: Path, group: GapGroup, *, now: dt.datetime, by: str) -> Path:
    """A YAML FAQ entry with the question and its variants and an empty answer, for someone to
    write, review and move into the FAQ folder (then ``deskbot ingest``)."""
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    slug = "-".join(sorted(content_words(group.question)))[:60].strip("-") or "question"
    slug = re.sub(r"[^a-z0-9\u4e00-\u9fff-]+", "-", slug)
    path = folder / f"{now:%Y%m%d-%H%M%S}-{slug}.yaml"
    entry: dict[str, object] = {"question": group.question, "answer": ""}
    if group.variants:
        entry["also_asked"] = list(group.variants)
    header = (
        f"# Draft FAQ entry from {group.count} unanswered question(s), by {by} on "
        f"{now:%Y-%m-%d %H:%M} UTC.\n"
        "# Write the answer, review it, then move this file into your FAQ folder and run\n"
        "# `deskbot ingest` (an entry without an answer is not indexed).\n"
    )
    body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=100)
    path.write_text(header + body, encoding="utf-8")
    return path
