"""Writing our e-mail: plain text and HTML (from the same Markdown), threading headers, the
ticket key in the subject, ``Auto-Submitted`` on what the bot sends (RFC 3834, so other
autoresponders do not answer it), and Message-IDs we can recognise as ours."""

from __future__ import annotations

import email.utils
import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from email.message import EmailMessage
from html import escape
from typing import Any

from bot.config.channels import EmailChannel

OUR_PREFIX = "deskbot."
_KEY_IN_SUBJECT = re.compile(r"\[([A-Z][A-Z0-9]{1,9}-\d+)\]")


@dataclass(frozen=True)
class Outgoing:
    """One message to send (JSON-safe: it is an outbox payload)."""

    to: str
    subject: str
    text: str
    message_id: str
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    auto: bool = True  # written by the bot (not a person)
    lang: str = "en"

    def payload(self) -> dict[str, Any]:
        return {"kind": "email", **asdict(self)}

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Outgoing:
        fields = {k: payload[k] for k in cls.__dataclass_fields__ if k in payload}
        return cls(**fields)


def domain_of(address: str) -> str:
    return address.rpartition("@")[2].lower() or "deskbot.invalid"


def new_message_id(sender: EmailChannel, ref: str | None = None) -> str:
    """``<deskbot.…@our.domain>``: from ``ref`` when given, so a retry keeps its id."""
    token = hashlib.sha256(ref.encode()).hexdigest()[:24] if ref else uuid.uuid4().hex
    return f"<{OUR_PREFIX}{token}@{domain_of(sender.address)}>"


def is_ours(message_id: str, sender: EmailChannel) -> bool:
    text = message_id.strip().lower()
    return text.startswith(f"<{OUR_PREFIX}") and text.endswith(f"@{domain_of(sender.address)}>")


def ticket_key_in(subject: str) -> str | None:
    found = _KEY_IN_SUBJECT.search(subject or "")
    return found.group(1) if found else None


def reply_subject(subject: str, key: str | None = None) -> str:
    """``Re: <subject> [SUP-1042]`` (each part once)."""
    base = (subject or "").strip() or "Your message"
    if not re.match(r"^(re|aw|回复|答复)\s*[:：]", base, re.IGNORECASE):
        base = f"Re: {base}"
    if key and f"[{key}]" not in base:
        base = f"{base} [{key}]"
    return base[:300]


def build(outgoing: Outgoing, sender: EmailChannel) -> EmailMessage:
    message = EmailMessage()
    message["From"] = email.utils.formataddr((sender.name, sender.address))
    message["To"] = outgoing.to
    message["Subject"] = outgoing.subject
    message["Message-ID"] = outgoing.message_id
    message["Date"] = email.utils.formatdate(localtime=False)
    if outgoing.in_reply_to:
        message["In-Reply-To"] = outgoing.in_reply_to
    if outgoing.references:
        message["References"] = " ".join(outgoing.references[-20:])
    if outgoing.auto:
        message["Auto-Submitted"] = "auto-replied"
    message["X-Deskbot"] = "1"  # our own mail coming back is recognised even re-sent
    message.set_content(outgoing.text)
    message.add_alternative(html(outgoing.text, lang=outgoing.lang), subtype="html")
    # After the content: set_content() clears every Content-* header set before it.
    message["Content-Language"] = "zh-CN" if outgoing.lang == "zh" else "en"
    return message


def html(markdown: str, *, lang: str = "en") -> str:
    """The Markdown as a small HTML document (raw HTML in the text is escaped, not kept)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False, "linkify": False}).render(markdown)
    code = "zh-CN" if lang == "zh" else "en"
    return f'<!doctype html><html lang="{code}"><body>{body}</body></html>'


def plain_quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines())


def listing(items: Sequence[str]) -> str:
    return "\n".join(f"- {escape(i, quote=False)}" for i in items)
