"""A docs answer as Slack shows it: the answer first, then where it comes from — once.

The conversation writes Markdown for every channel: an extractive answer is a lead line,
quoted sentences under ``**Page › Heading** [n]`` and a numbered list of sources; a model's
answer is prose with ``[n]`` markers. In a Slack thread that reads badly (sources twice,
headings repeated, FAQ file names as headings, raw table rows), so:

- the lead line ("From the documentation:") and the numbered source list go — the sources
  line under the answer names at most three pages, as links;
- the best passage's sentences come first, as the short answer, its heading after them;
- a page title that is a file name (``faq.yaml``), repeats the one before or is the heading
  itself is dropped from headings, and a heading identical to the one before is not repeated;
- Markdown table rows become plain "a — b" lines; separator rows go;
- a long answer is cut at a block boundary (the sources carry the rest);
- ``[n]`` markers link to their page.

:func:`plain` is the notification text: no Markdown, no source list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.conversation.types import CitationRef

MAX_ANSWER = 1800  # characters of Markdown shown in the thread
MAX_PLAIN = 1000
_LEAD = re.compile(r"^\s*(?:From the documentation:|根据文档[：:])\s*$")
_SOURCE_LINE = re.compile(r"^\s*\[\d+\]\s+\S")
_HEADING = re.compile(r"^\*\*(?P<title>.+?)\*\*(?P<marks>(?:\s*\[\d+\])*)\s*$")
_TABLE_SEPARATOR = re.compile(r"^[>\s]*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_TABLE_ROW = re.compile(r"^(?P<quote>>\s*)?\|(?P<cells>.+)\|\s*$")
_FILE_NAME = re.compile(r"^[\w./-]+\.(?:ya?ml|csv|md|mdx|json|txt|html?|rst)$", re.I)
_MARKER = re.compile(r"\[(\d{1,2})\]")
_EMPHASIS = re.compile(r"(?<!\w)_(.+?)_(?!\w)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\((?:https?://)[^)\s]+\)")


def clean_answer(markdown: str) -> str:
    """The answer's Markdown, tidied for Slack (see the module docstring)."""
    lines = _drop_sources(markdown.strip().splitlines())
    lines = [line for line in lines if not _LEAD.match(line)]
    out: list[str] = []
    last_title: str | None = None
    last_heading: str | None = None
    for line in lines:
        if _TABLE_SEPARATOR.match(line) and "-" in line:
            continue
        row = _TABLE_ROW.match(line)
        if row:
            cells = [c.strip() for c in row.group("cells").split("|") if c.strip()]
            line = (row.group("quote") or "") + " — ".join(cells)
        heading = _HEADING.match(line)
        if heading:
            title, _, section = heading.group("title").rpartition(" › ")
            same = title.strip() == section.strip()
            if title and (same or title == last_title or _FILE_NAME.match(title.strip())):
                shown = section
            else:
                shown = heading.group("title")
            last_title = title or None
            if shown == last_heading:
                continue  # same heading again: its quotes join the block above
            last_heading = shown
            line = f"**{shown}**{heading.group('marks')}"
        out.append(line)
    return _short_first("\n".join(out).strip())


def _drop_sources(lines: list[str]) -> list[str]:
    """Without the trailing numbered source list."""
    end = len(lines)
    while end and (not lines[end - 1].strip() or _SOURCE_LINE.match(lines[end - 1])):
        end -= 1
    return lines[:end]


def _short_first(text: str) -> str:
    """The first quoted block's sentences first, as plain text, then its heading; the whole
    bounded by ``MAX_ANSWER`` at a block boundary."""
    blocks = [b for b in re.split(r"\n\s*\n", text) if b.strip()]
    if blocks:
        first = blocks[0].splitlines()
        heading = _HEADING.match(first[0]) if first else None
        quotes = [line[1:].strip() for line in first[1:] if line.startswith(">")]
        if heading and quotes and len(quotes) == len(first) - 1:
            marks = heading.group("marks").strip()
            blocks[0] = " ".join(quotes) + (f" {marks}" if marks else "")
            blocks[0] += f"\n_— {heading.group('title')}_"
    shown: list[str] = []
    size = 0
    for block in blocks:
        if shown and size + len(block) > MAX_ANSWER:
            shown.append("_(more in the sources below)_")
            break
        shown.append(block)
        size += len(block)
    return "\n\n".join(shown)


def link_markers(mrkdwn: str, citations: Sequence[CitationRef]) -> str:
    """``[n]`` in Slack mrkdwn becomes a link to the n-th cited page, where it has one."""

    def link(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        if 0 <= index < len(citations) and citations[index].url:
            return f"<{citations[index].url}|[{match.group(1)}]>"
        return match.group(0)

    return _MARKER.sub(link, mrkdwn)


def plain(markdown: str, *, limit: int = MAX_PLAIN) -> str:
    """Notification text: the (tidied) answer's words without Markdown or the source list."""
    text = _MD_LINK.sub(lambda m: m.group(1), clean_answer(markdown))
    text = re.sub(r"^#{1,6}\s+", "", text, flags=re.M)
    text = re.sub(r"^>\s?", "", text, flags=re.M)
    text = text.replace("**", "").replace("`", "").replace("__", "")
    text = _EMPHASIS.sub(lambda m: m.group(1), text)
    text = _MARKER.sub("", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def best_sources(citations: Sequence[CitationRef], *, limit: int = 3) -> list[CitationRef]:
    """At most ``limit`` cited pages, linked ones first, each page once."""
    seen: set[str] = set()
    linked: list[CitationRef] = []
    unlinked: list[CitationRef] = []
    for citation in citations:
        key = citation.url or citation.source
        if key in seen:
            continue
        seen.add(key)
        (linked if citation.url else unlinked).append(citation)
    return [*linked, *unlinked][:limit]
