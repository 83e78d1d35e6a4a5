"""The outbox's ``email`` transport. Payload kinds:

- ``email``: a message written already (:class:`bot.email.compose.Outgoing`): a reply of the
  bot, a staff answer, a digest;
- ``new_ticket``: a short note about a new ticket, for an engineer without Slack;
- ``escalation``: an SLA warning or breach (:mod:`bot.notify.escalation`), for someone
  without Slack: what is due when, the ticket, and a link to its staff page;
- anything else with a ``text`` (a line about a ticket, say): that text, with the ticket's
  staff page when the payload names one.

The target is the recipient's address.
"""

from __future__ import annotations

from typing import Any

from bot.config.channels import EmailChannel
from bot.email.compose import Outgoing, build, new_message_id
from bot.email.smtp import Mailer
from bot.errors import NotFound
from bot.notify import DeliveryError
from bot.store.records import OutboxItem
from bot.store.tickets import TicketStore


class EmailTransport:
    transport = "email"

    def __init__(
        self,
        *,
        mailer: Mailer,
        sender: EmailChannel,
        tickets: TicketStore,
        public_url: str | None = None,
    ) -> None:
        self.mailer = mailer
        self.sender = sender
        self.tickets = tickets
        self.public_url = public_url.rstrip("/") if public_url else None

    def deliver(self, item: OutboxItem) -> None:
        self.send(self.render(item))

    def send(self, outgoing: Outgoing) -> None:
        if "@" not in outgoing.to:
            raise DeliveryError(f"not an e-mail address: {outgoing.to!r}", permanent=True)
        self.mailer.send(build(outgoing, self.sender))

    def render(self, item: OutboxItem) -> Outgoing:
        payload: dict[str, Any] = item.payload
        kind = payload.get("kind")
        if kind == "email":
            return Outgoing.from_payload({**payload, "to": payload.get("to") or item.target})
        ref = f"outbox-{item.id}"
        if kind == "new_ticket":
            return self._new_ticket(item.target, payload, ref)
        if kind == "escalation":
            return self._escalation(item.target, payload, ref)
        text = str(payload.get("text") or "")
        if not text:
            raise DeliveryError(f"nothing to e-mail in a {kind!r} payload", permanent=True)
        subject = str(payload.get("subject") or text.splitlines()[0])[:200]
        if payload.get("ticket") and self.public_url:
            text += f"\n\n{self.public_url}/staff/tickets/{payload['ticket']}"
        return Outgoing(item.target, subject, text, new_message_id(self.sender, ref))

    def _escalation(self, to: str, payload: dict[str, Any], ref: str) -> Outgoing:
        key = str(payload.get("ticket") or "")
        summary = str(payload.get("text") or "")
        if not key or not summary:
            raise DeliveryError("an escalation without its ticket or summary", permanent=True)
        head = summary.split(":", 1)[0]  # "SLA breached" / "SLA 75% elapsed"
        clock = str(payload.get("clock") or "").replace("_", " ")
        account = payload.get("account_name") or payload.get("account") or ""
        lines = [summary, "", f"{key}: {payload.get('subject') or ''}".rstrip()]
        try:
            ticket = self.tickets.get(key)
        except NotFound:
            ticket = None
        if ticket is not None and ticket.priority_reason:
            lines.append(f"Why {ticket.priority}: {ticket.priority_reason}")
        if self.public_url:
            lines += ["", f"{self.public_url}/staff/tickets/{key}"]
        subject = f"[{key}] {head}: {clock} for {account} ({payload.get('priority') or ''})"
        return Outgoing(to, subject[:200], "\n".join(lines), new_message_id(self.sender, ref))

    def _new_ticket(self, to: str, payload: dict[str, Any], ref: str) -> Outgoing:
        try:
            ticket = self.tickets.get(str(payload.get("ticket")))
        except NotFound as exc:
            raise DeliveryError(f"no ticket {payload.get('ticket')}", permanent=True) from exc
        headline = str(payload.get("headline") or "New ticket")
        lines = [
            f"{headline}: {ticket.key} ({ticket.priority}, {ticket.kind}) for {ticket.account_id}",
            "",
            ticket.subject,
            "",
            f"Why {ticket.priority}: {ticket.priority_reason}",
        ]
        if self.public_url:
            lines += ["", f"{self.public_url}/staff/tickets/{ticket.key}"]
        subject = f"[{ticket.key}] {headline}: {ticket.subject}"[:200]
        return Outgoing(to, subject, "\n".join(lines), new_message_id(self.sender, ref))
