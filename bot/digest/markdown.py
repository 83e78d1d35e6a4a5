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
    trend_line,
    window_line,
)
from bot.digest.texts import text


def render_markdown(digest: Digest) -> str:
    lines = [f"# {title_line(digest)}", "", f"_{window_line(digest)}_", ""]
    if (empty := empty_line(digest)) is not None:
        lines += [empty, ""]
    lang = digest.language
    for account in digest.busy:
        trend = text(lang, "trend_line", sentence=trend_line(digest, account))
        lines += [f"## {account_heading(digest, account)}", "", trend, ""]
        for section in account_sections(digest, account):
            lines.append(f"**{section.title}** ({section.total})")
            lines += [f"- {_entry(e, lang)}" for e in section.entries]
            if (more := section.more_line(lang)) is not None:
                lines.append(f"- [{more}]({section.more_url})" if section.more_url else f"- {more}")
            lines.append("")
    if (quiet := quiet_line(digest)) is not None:
        lines += [quiet, ""]
    return "\n".join(lines).rstrip() + "\n"


def _entry(entry: Entry, lang: str) -> str:
    line = _escape(entry.text)
    if entry.key is None:
        return line
    link = f"[{entry.key}]({entry.url})" if entry.url else entry.key
    thread = f" · [{text(lang, 'thread')}]({entry.thread_url})" if entry.thread_url else ""
    return f"{link} {line}{thread}"


def _escape(text: str) -> str:
    # Customer-written subjects must not turn into links or emphasis.
    for char in "\\[]*_`<>":
        text = text.replace(char, "\\" + char)
    return text
