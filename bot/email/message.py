"""Reading an inbound e-mail: who wrote it, which thread it belongs to, whether a person wrote
it at all (auto-replies, bounces and our own mail coming back are ignored), the new text
without the quoted earlier messages and the signature, and its attachments."""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage

from bot.config.channels import EmailChannel
from bot.conversation.types import Upload
from bot.email.charsets import address_header, body_text, header_text
from bot.email.compose import is_ours

MAX_ATTACHMENTS = 10
_BOUNCE_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|bounces?)([+@]|$)", re.I)
_AUTO_SUBJECT = re.compile(
    r"^(auto(matic)? ?reply|out of (the )?office|自动回复|undeliverable|delivery status "
    r"notification|mail delivery failed)",
    re.I,
)


@dataclass(frozen=True)
class MailIn:
    message_id: str
    sender: str  # the address, lower case
    sender_name: str
    subject: str
    text: str  # the new text: no quoted earlier messages, no signature
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    uploads: tuple[Upload, ...] = ()
    automatic: str | None = None  # why it is not a person writing, when it is not
    lang_hint: str | None = None

    @property
    def earlier_ids(self) -> list[str]:
        """The messages it answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        return ids + [r for r in reversed(self.references) if r not in ids]


def parse(raw: bytes, *, sender: EmailChannel) -> MailIn:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    name, address = address_header(message, "Reply-To")
    if not address:
        name, address = address_header(message, "From")
    message_id = str(message.get("Message-ID") or "").strip()
    refs = tuple(re.findall(r"<[^<>\s]+>", str(message.get("References") or "")))
    in_reply = re.findall(r"<[^<>\s]+>", str(message.get("In-Reply-To") or ""))
    body, uploads = _contents(message)
    return MailIn(
        message_id=message_id or email.utils.make_msgid("missing"),
        sender=address.strip().lower(),
        sender_name=name.strip(),
        subject=header_text(message, "Subject"),
        text=new_text(body),
        in_reply_to=in_reply[0] if in_reply else None,
        references=refs,
        uploads=tuple(uploads[:MAX_ATTACHMENTS]),
        automatic=automatic(message, address, sender=sender),
        lang_hint=str(message.get("Content-Language") or "") or None,
    )


def automatic(message: EmailMessage, address: str, *, sender: EmailChannel) -> str | None:
    """Why a message is not for the bot to answer (RFC 3834 and common practice), or None."""
    auto = str(message.get("Auto-Submitted") or "no").strip().lower()
    if auto != "no":
        return f"Auto-Submitted: {auto}"
    precedence = str(message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return f"Precedence: {precedence}"
    for header in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress", "List-Id"):
        if message.get(header) is not None and header != "X-Auto-Response-Suppress":
            return f"{header} header"
    if str(message.get("X-Auto-Response-Suppress") or "").strip().lower() in ("all", "oof"):
        return "X-Auto-Response-Suppress"
    if message.get_content_type() == "multipart/report":
        return "a delivery report (bounce)"
    if str(message.get("Return-Path") or "").strip() == "<>":
        return "an empty return path (bounce)"
    if not address or _BOUNCE_SENDERS.match(address.strip()):
        return f"sent by {address or 'nobody'}"
    if address.strip().lower() == sender.address.lower() or message.get("X-Deskbot"):
        return "our own message (a mail loop)"
    if is_ours(str(message.get("Message-ID") or ""), sender):
        return "our own message id (a mail loop)"
    if _AUTO_SUBJECT.match(header_text(message, "Subject")):
        return "an automatic reply's subject"
    return None


def new_text(body: str) -> str:
    """What the sender wrote this time: quoted earlier messages and the signature removed
    (``email_reply_parser``), plus the Chinese clients' quote headers it does not know."""
    from email_reply_parser import EmailReplyParser

    text = body.replace("\r\n", "\n")
    text = re.split(r"\n\s*(?:-{2,}\s*原始邮件\s*-{2,}|在 .{4,80}写道[：:])", text)[0]
    reply = EmailReplyParser.parse_reply(text)
    return (reply or text).strip()


def _contents(message: EmailMessage) -> tuple[str, list[Upload]]:
    """The plain-text body (HTML as text when there is no plain part) and the attachments."""
    body = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = body_text(body)
        if body.get_content_type() == "text/html":
            text = _html_text(text)
    uploads: list[Upload] = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or part.get_content_type() == "message/rfc822":
            continue
        filename = part.get_filename() or "attachment"
        uploads.append(Upload(filename, part.get_content_type(), data))
    return text, uploads


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for quote in soup.select("blockquote, .gmail_quote, #divRplyFwdMsg, #appendonsend"):
        quote.decompose()
    return soup.get_text("\n")
