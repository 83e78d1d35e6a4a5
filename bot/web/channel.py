"""The web channel for telling a customer: what staff say on a web ticket appears in the chat
it came from (``/api/chat/history``) and, as every ticket event does, on the ticket page."""

from __future__ import annotations

from bot.clock import Clock, utc_now
from bot.errors import DeskbotError
from bot.notify import DeliveryError
from bot.notify.channel import CustomerMessage
from bot.store.conversations import ConversationStore
from bot.store.records import Ticket


class WebChat:
    name = "web"

    def __init__(self, conversations: ConversationStore, *, clock: Clock = utc_now) -> None:
        self.conversations = conversations
        self.clock = clock

    def tell(self, ticket: Ticket, message: CustomerMessage) -> None:
        if ticket.conversation_id is None:
            return  # a ticket without a chat (contact form): its page shows the reply
        text = f"{message.author}: {message.text}" if message.kind == "reply" else message.text
        data = {"kind": f"agent_{message.kind}", "ticket": ticket.key, "ref": message.ref}
        try:
            self.conversations.add_message(
                ticket.conversation_id,
                "agent",
                text,
                now=self.clock(),
                author=message.author,
                data=data,
            )
        except DeskbotError as exc:
            raise DeliveryError(f"could not add the reply to the chat: {exc}") from exc
