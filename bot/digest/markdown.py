"""The digest as Markdown, for the CLI and e-mail-like places."""

from __future__ import annotations

from bot.digest.model import Digest
from bot.digest.sections import (
    Entry,
    account_heading,
    account_sections,
    empty_line,
    quiet_line,
    title_line,
    window_line,
)


def render_markdown(digest: Digest) -> str:
    lines = [f"# {title_line(digest)}", "", f"_{window_line(digest)}_", ""]
    if (empty := empty_line(digest)) is not None:
        lines += [empty, ""]
    for account in digest.busy:
        lines += [f"## {account_heading(account)}", "", f"Trend: {account.trend.sentence()}.", ""]
        for section in account_sections(digest, account):
            lines.append(f"**{section.title}** ({len(section.entries)})")
            lines += [f"- {_entry(e)}" for e in section.entries]
            lines.append("")
    if (quiet := quiet_line(digest)) is not None:
        lines += [quiet, ""]
    return "\n".join(lines).rstrip() + "\n"


def _entry(entry: Entry) -> str:
    text = _escape(entry.text)
    if entry.key is None:
        return text
    link = f"[{entry.key}]({entry.url})" if entry.url else entry.key
    thread = f" · [thread]({entry.thread_url})" if entry.thread_url else ""
    return f"{link} {text}{thread}"


def _escape(text: str) -> str:
    # Customer-written subjects must not turn into links or emphasis.
    for char in "\\[]*_`<>":
        text = text.replace(char, "\\" + char)
    return text
