"""The digest as Slack Block Kit messages, paginated to stay within Slack's limits.

Slack accepts at most 50 blocks per message and 3,000 characters per section text; a header
takes 150 plain-text characters. Long digests become several messages ("page 1/3"), each
starting a fresh thread of thought so it reads on a phone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.digest.model import Digest
from bot.digest.sections import (
    Entry,
    account_heading,
    account_sections,
    empty_line,
    quiet_line,
    title_line,
    trend_line,
    window_line,
)
from bot.digest.texts import text

MAX_BLOCKS = 50
MAX_TEXT = 3000
MAX_HEADER = 150
Block = dict[str, Any]


@dataclass(frozen=True)
class SlackPage:
    """One Slack message: ``text`` is the notification / fallback, ``blocks`` the body."""

    text: str
    blocks: list[Block]

    def payload(self) -> dict[str, Any]:
        """The outbox payload the Slack notifier posts as it is (``kind: message``)."""
        return {"kind": "message", "text": self.text, "blocks": self.blocks}


def render_blocks(digest: Digest, *, max_blocks: int = MAX_BLOCKS) -> list[SlackPage]:
    """The digest as one or more messages, each within ``max_blocks`` blocks."""
    groups: list[list[Block]] = []
    if (empty := empty_line(digest)) is not None:
        groups.append([_section(empty)])
    lang = digest.language
    for account in digest.busy:
        heading = f"*{_esc(account_heading(digest, account))}*\n_{trend_line(digest, account)}_"
        group = [_section(heading)]
        for section in account_sections(digest, account):
            lines = [_entry(e, lang) for e in section.entries]
            if (more := section.more_line(lang)) is not None:
                lines.append(f"<{section.more_url}|{_esc(more)}>" if section.more_url else more)
            title = f"*{_esc(section.title)}* ({section.total})"
            group += _sections(title, lines, cont=text(lang, "cont"))
        group.append({"type": "divider"})
        groups.append(group)
    if (quiet := quiet_line(digest)) is not None:
        groups.append([_context(_esc(quiet))])
    # Each page carries a header and a context line; the rest is for content.
    room = max_blocks - 2
    pages: list[list[Block]] = [[]]
    for group in groups:
        if pages[-1] and len(pages[-1]) + len(group) > room:
            pages.append([])
        for block in group:
            if len(pages[-1]) >= room:
                pages.append([])
            pages[-1].append(block)
    total = len(pages)
    summary = _summary(digest)
    out = []
    for number, body in enumerate(pages, start=1):
        suffix = f" ({number}/{total})" if total > 1 else ""
        header = {"type": "header", "text": _plain(title_line(digest) + suffix, MAX_HEADER)}
        blocks = [header, _context(_esc(window_line(digest))), *body]
        out.append(SlackPage(text=f"{title_line(digest)}{suffix}: {summary}", blocks=blocks))
    return out


def _summary(digest: Digest) -> str:
    return text(
        digest.language,
        "summary",
        breached=sum(len(a.breached) for a in digest.accounts),
        at_risk=sum(len(a.at_risk) for a in digest.accounts),
        p1=sum(len(a.p1) for a in digest.accounts),
        opened=sum(len(a.opened) for a in digest.accounts),
    )


def _sections(title: str, lines: list[str], *, cont: str) -> list[Block]:
    """A titled list as section blocks, split so no text exceeds Slack's limit."""
    blocks: list[Block] = []
    body = title
    for entry in lines:
        line = "\n• " + entry
        if len(line) > MAX_TEXT - len(title) - 1:
            line = line[: MAX_TEXT - len(title) - 2] + "…"
        if len(body) + len(line) > MAX_TEXT:
            blocks.append(_section(body))
            body = f"{title} {cont}"
        body += line
    blocks.append(_section(body))
    return blocks


def _entry(entry: Entry, lang: str) -> str:
    line = _esc(entry.text)
    if entry.key is None:
        return line
    thread = f" · <{entry.thread_url}|{text(lang, 'thread')}>" if entry.thread_url else ""
    if entry.url:
        return f"<{entry.url}|{_esc(entry.key)}> {line}{thread}"
    return f"{_esc(entry.key)} {line}{thread}"


def _section(body: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": body[:MAX_TEXT]}}


def _context(body: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": body[:MAX_TEXT]}]}


def _plain(body: str, limit: int) -> dict[str, Any]:
    clipped = body if len(body) <= limit else body[: limit - 1] + "…"
    return {"type": "plain_text", "text": clipped, "emoji": True}


def _esc(text: str) -> str:
    """Slack's three control characters; customer text must not form links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
