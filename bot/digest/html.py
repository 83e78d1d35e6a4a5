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
    window_line,
)


def render_html(digest: Digest) -> str:
    """A self-contained ``<section>``: no scripts, no external assets, everything escaped."""
    out = [
        f'<section class="digest" data-csm="{escape(digest.csm_id)}">',
        f"<h2>{escape(title_line(digest))}</h2>",
        f'<p class="digest-window">{escape(window_line(digest))}</p>',
    ]
    if (empty := empty_line(digest)) is not None:
        out.append(f"<p>{escape(empty)}</p>")
    for account in digest.busy:
        out.append(f'<article class="digest-account" data-account="{escape(account.account_id)}">')
        out.append(f"<h3>{escape(account_heading(account))}</h3>")
        out.append(
            f'<p class="digest-trend digest-trend-{account.trend.direction}">'
            f"{escape(account.trend.sentence())}</p>"
        )
        for section in account_sections(digest, account):
            out.append(f"<h4>{escape(section.title)} ({len(section.entries)})</h4>")
            out.append("<ul>" + "".join(f"<li>{_entry(e)}</li>" for e in section.entries) + "</ul>")
        out.append("</article>")
    if (quiet := quiet_line(digest)) is not None:
        out.append(f'<p class="digest-quiet">{escape(quiet)}</p>')
    out.append("</section>")
    return "\n".join(out)


def _entry(entry: Entry) -> str:
    text = escape(entry.text)
    if entry.key is None:
        return text
    if entry.thread_url:
        text += f' · <a href="{escape(entry.thread_url)}">thread</a>'
    if entry.url:
        return f'<a href="{escape(entry.url)}">{escape(entry.key)}</a> {text}'
    return f"{escape(entry.key)} {text}"
