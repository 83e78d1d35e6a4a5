"""The e-mail channel for telling a customer: a message in the ticket's e-mail thread (the
same subject with the ticket key, In-Reply-To and References to what came before). A web
visitor who left an address on the contact form is written to there, in a thread of the
ticket's own; their answers come back to the ticket (:mod:`bot.email.inbox`)."""

from __future__ import annotations

import datetime as dt

from bot.clock import Clock, utc_now
from bot.config.channels import EmailChannel
from bot.email.compose import Outgoing, new_message_id, reply_subject
from bot.email.transport import EmailTransport
from bot.errors import NotFound
from bot.notify import DeliveryError
from bot.notify.channel import CustomerMessage
from bot.store.conversations import ConversationStore
from bot.store.mail import MailThreads
from bot.store.records import Ticket

SIGNATURE = {"en": "{name}, {org}", "zh": "{name}，{org}"}
TICKET_THREAD = "ticket:"


def ticket_thread(key: str) -> str:
    """The mail thread of a ticket that did not come by e-mail (a web contact form)."""
    return f"{TICKET_THREAD}{key}"


class EmailReplies:
    name = "email"

    def __init__(
        self,
        *,
        transport: EmailTransport,
        conversations: ConversationStore,
        threads: MailThreads,
        sender: EmailChannel,
        clock: Clock = utc_now,
    ) -> None:
        self.transport = transport
        self.conversations = conversations
        self.threads = threads
        self.sender = sender
        self.clock = clock

    def tell(self, ticket: Ticket, message: CustomerMessage) -> None:
        address, thread = self.address(ticket)
        earlier = self.threads.messages(thread)
        text = message.text
        if message.kind == "reply" and message.author:
            sign = SIGNATURE.get(message.lang, SIGNATURE["en"])
            text = f"{text}\n\n-- \n{sign.format(name=message.author, org=self.sender.name)}"
        outgoing = Outgoing(
            to=address,
            subject=reply_subject(earlier[0].subject if earlier else ticket.subject, ticket.key),
            text=text,
            message_id=new_message_id(self.sender, message.ref or None),
            in_reply_to=earlier[-1].message_id if earlier else None,
            references=[m.message_id for m in earlier],
            auto=message.author is None,
            lang=message.lang,
        )
        self.transport.send(outgoing)
        self.remember(outgoing, thread=thread, now=self.clock())

    def address(self, ticket: Ticket) -> tuple[str, str]:
        """Who to write to and the thread it belongs to: an e-mail ticket's sender and its
        conversation's thread; for a web visitor who left an address (the contact form), that
        address and a thread of the ticket's own (:func:`ticket_thread`)."""
        if ticket.channel != "email":
            if "@" not in (ticket.requester or ""):
                raise DeliveryError(f"{ticket.key} has no e-mail address", permanent=True)
            return ticket.requester, ticket_thread(ticket.key)
        if ticket.conversation_id is None:
            raise DeliveryError(f"{ticket.key} has no e-mail thread", permanent=True)
        try:
            conv = self.conversations.get(ticket.conversation_id)
        except NotFound as exc:
            raise DeliveryError(f"{ticket.key}'s conversation is gone", permanent=True) from exc
        return conv.user_ref or "", conv.external_ref

    def remember(self, outgoing: Outgoing, *, thread: str, now: dt.datetime) -> None:
        self.threads.record(
            outgoing.message_id, thread=thread, direction="out", address=outgoing.to,
            subject=outgoing.subject, now=now,
        )  # fmt: skip
