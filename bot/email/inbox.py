"""One inbound e-mail, start to finish: read it, skip what no person wrote, find its thread
(Message-ID, In-Reply-To, References, the ticket key in the subject), let the conversation
service answer it as it answers Slack and the web, and send the one reply through the outbox
(so a mail server that refuses it now gets it later)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.conversation.types import Inbound, Reply
from bot.email.channel import TICKET_THREAD
from bot.email.compose import Outgoing, new_message_id, reply_subject, ticket_key_in
from bot.email.message import MailIn, parse
from bot.errors import ConfigError
from bot.store.notifications import Delivery

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.email")

HINTS = {
    "en": {
        "sources": "Sources:",
        "go_on": (
            'Reply to this e-mail to go on: say "solved" if this answered it, or "talk to a '
            'person" to reach the support team.'
        ),
        "ticket": "Ticket {key} ({priority}). Keep [{key}] in the subject when you write about it.",
    },
    "zh": {
        "sources": "参考：",
        "go_on": "直接回复本邮件即可继续：已解决请回复“已解决”，需要人工请回复“转人工”。",
        "ticket": "工单 {key}（{priority}）。来信请在主题中保留 [{key}]。",
    },
}


@dataclass(frozen=True)
class Received:
    """What became of one inbound message."""

    outcome: str  # answered | recorded (on a ticket, unanswered) | ignored | duplicate
    reason: str = ""
    thread: str | None = None
    reply: Reply | None = None
    outbox_id: int | None = None


class Inbox:
    def __init__(self, ctx: AppContext) -> None:
        if ctx.config.email is None:
            raise ConfigError("the organisation file has no 'email:' section")
        self.ctx = ctx
        self.sender = ctx.config.email

    def receive(self, raw: bytes) -> Received:
        ctx, now = self.ctx, self.ctx.clock()
        mail = parse(raw, sender=self.sender)
        if mail.automatic is not None:
            log.info("ignored automatic mail", extra={"from": mail.sender, "why": mail.automatic})
            return Received("ignored", mail.automatic)
        if not ctx.inbound.first_time("email", mail.message_id[:200], now=now):
            return Received("duplicate", mail.message_id)
        account = ctx.config.account_for_email(mail.sender)
        if account is None and ctx.config.organisation.default_account:
            account = ctx.config.account(ctx.config.organisation.default_account)
        thread = self._thread(mail, account.id if account else None)
        new = thread is None
        thread = thread or mail.message_id
        ctx.mail_threads.record(
            mail.message_id, thread=thread, direction="in", address=mail.sender,
            subject=mail.subject, now=now,
        )  # fmt: skip
        if thread.startswith(TICKET_THREAD):
            return self._on_ticket(mail, thread)
        text = mail.text
        if new and mail.subject and mail.subject.strip() not in text:
            text = f"{mail.subject}\n\n{text}".strip()  # a first message's subject is its title
        inbound = Inbound(
            channel="email", conversation_ref=thread, text=text, user_ref=mail.sender,
            user_name=mail.sender_name or None, account_id=account.id if account else None,
            uploads=mail.uploads, external_id=mail.message_id,
        )  # fmt: skip
        reply = ctx.conversation.handle(inbound, now=now)
        outgoing = self.answer(mail, reply, thread=thread)
        ctx.mail_threads.record(
            outgoing.message_id, thread=thread, direction="out", address=mail.sender,
            subject=outgoing.subject, now=now,
        )  # fmt: skip
        items = ctx.audience.send([Delivery("email", mail.sender, outgoing.payload())],
                                  ticket_id=None)  # fmt: skip
        return Received("answered", thread=thread, reply=reply, outbox_id=items[0].id)

    def _on_ticket(self, mail: MailIn, thread: str) -> Received:
        """A web visitor answering what staff wrote them about their ticket (the contact
        form): recorded on the ticket, where staff read it (and whoever follows it up hears
        it, as for any customer message); the bot does not answer it."""
        key = thread.removeprefix(TICKET_THREAD)
        ticket = self.ctx.tickets.find(key)
        if ticket is None or ticket.requester.lower() != mail.sender.lower():
            log.info("ignored a reply to %s from %s", key, mail.sender)
            return Received("ignored", "not the ticket's requester", thread=thread)
        self.ctx.desk.customer_reply(
            ticket, author=mail.sender, body=mail.text or "(empty message)", now=self.ctx.clock()
        )
        return Received("recorded", thread=thread)

    def _thread(self, mail: MailIn, account_id: str | None) -> str | None:
        """The thread this message continues: one we know it answers, else the thread of the
        ticket its subject names (when that ticket is this sender's account's, by e-mail)."""
        known = self.ctx.mail_threads.thread_of(mail.earlier_ids)
        if known is not None:
            return known
        key = ticket_key_in(mail.subject)
        ticket = self.ctx.tickets.find(key) if key else None
        if ticket is None or ticket.channel != "email" or ticket.account_id != account_id:
            return None
        if ticket.conversation_id is None:
            return None
        return self.ctx.conversations.get(ticket.conversation_id).external_ref

    def answer(self, mail: MailIn, reply: Reply, *, thread: str) -> Outgoing:
        """The reply as an e-mail in the thread: the text, the sources, how to go on."""
        hints = HINTS.get(reply.lang, HINTS["en"])
        parts = [reply.text.strip()]
        if reply.citations:
            cited = [f"{i}. {c.heading} — {c.url or c.source}" for i, c in
                     enumerate(reply.citations, 1)]  # fmt: skip
            parts.append("\n".join([hints["sources"], *cited]))
        key = None
        if reply.ticket is not None:
            key = reply.ticket.key
            parts.append(hints["ticket"].format(key=key, priority=reply.ticket.priority))
        if reply.actions:
            parts.append(hints["go_on"])
        earlier = self.ctx.mail_threads.messages(thread)
        first = next((m.subject for m in earlier if m.subject), mail.subject)
        references = [m.message_id for m in earlier if m.message_id != mail.message_id]
        return Outgoing(
            to=mail.sender,
            subject=reply_subject(first, key),
            text="\n\n".join(p for p in parts if p),
            message_id=new_message_id(self.sender, f"reply:{mail.message_id}"),
            in_reply_to=mail.message_id,
            references=[*references, mail.message_id][-20:],
            auto=True,
            lang=reply.lang,
        )
