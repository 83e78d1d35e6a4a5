"""The digest as an HTML fragment for the staff dashboard (``/staff/digest/{csm_id}``)."""

from __future__ import annotations

from html import escape

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


def render_html(digest: Digest) -> str:
    """A self-contained ``<section>``: no scripts, no external assets, everything escaped."""
    out = [
        f'<section class="digest" data-csm="{escape(digest.csm_id)}" '
        f'lang="{"zh-CN" if digest.language == "zh" else "en"}">',
        f"<h2>{escape(title_line(digest))}</h2>",
        f'<p class="digest-window">{escape(window_line(digest))}</p>',
    ]
    if (empty := empty_line(digest)) is not None:
        out.append(f"<p>{escape(empty)}</p>")
    lang = digest.language
    for account in digest.busy:
        out.append(f'<article class="digest-account" data-account="{escape(account.account_id)}">')
        out.append(f"<h3>{escape(account_heading(digest, account))}</h3>")
        out.append(
            f'<p class="digest-trend digest-trend-{account.trend.direction}">'
            f"{escape(trend_line(digest, account))}</p>"
        )
        for section in account_sections(digest, account):
            items = [f"<li>{_entry(e, lang)}</li>" for e in section.entries]
            if (more := section.more_line(lang)) is not None:
                link = escape(more)
                if section.more_url:
                    link = f'<a href="{escape(section.more_url)}">{link}</a>'
                items.append(f'<li class="digest-more">{link}</li>')
            out.append(f"<h4>{escape(section.title)} ({section.total})</h4>")
            out.append("<ul>" + "".join(items) + "</ul>")
        out.append("</article>")
    if (quiet := quiet_line(digest)) is not None:
        out.append(f'<p class="digest-quiet">{escape(quiet)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _entry(entry: Entry, lang: str) -> str:
    line = escape(entry.text)
    if entry.key is None:
        return line
    if entry.thread_url:
        line += f' · <a href="{escape(entry.thread_url)}">{escape(text(lang, "thread"))}</a>'
    if entry.url:
        return f'<a href="{escape(entry.url)}">{escape(entry.key)}</a> {line}'
    return f"{escape(entry.key)} {line}"
