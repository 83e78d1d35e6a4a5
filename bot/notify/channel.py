"""Telling a ticket's customer something, on the channel the ticket came in on.

One :class:`Channel` per channel (Slack thread, web chat, e-mail), chosen by the ticket's
``channel`` (or the message's ``via``: a web visitor who left an e-mail address is also told
by e-mail); what is said goes through the outbox as an item of the ``customer`` transport
(:class:`CustomerTransport`), so it is retried and a failure stays visible. A late notice is
written when it is delivered, and dropped when it is no longer true (:mod:`bot.notify.texts`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from bot.clock import Clock, utc_now
from bot.config import OrgConfig
from bot.errors import DeskbotError, NotFound
from bot.notify import DeliveryError
from bot.notify.texts import customer_language, late_text
from bot.sla_setup import rotation_for
from bot.store.conversations import ConversationStore
from bot.store.records import OutboxItem, Ticket
from bot.store.tickets import TicketStore

log = logging.getLogger("deskbot.notify")


@dataclass(frozen=True)
class CustomerMessage:
    """What the customer of ``ticket`` is told. ``ref`` names it for good (the same on every
    retry, e.g. ``SUP-1042#e17``), so a channel can make its own message id from it."""

    ticket: str
    text: str
    kind: str = "reply"  # reply | picked_up | waiting | resolved | reopened | late
    author: str | None = None  # the staff member's name, when a person wrote it
    ref: str = ""
    lang: str = "en"
    clock: str | None = None  # ``late``: the clock whose promised time passed
    via: str | None = None  # a channel other than the ticket's own (``email``)

    def payload(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> CustomerMessage:
        fields = {k: payload[k] for k in cls.__dataclass_fields__ if k in payload}
        return cls(**fields)


class Channel(Protocol):
    """Sends a message to the customer of a ticket opened on this channel."""

    name: str

    def tell(self, ticket: Ticket, message: CustomerMessage) -> None:
        """Send it, or raise :class:`bot.notify.DeliveryError`."""
        ...


class LogChannel:
    """For tickets with nowhere to answer (the terminal chat): a log line, always delivered."""

    def __init__(self, name: str) -> None:
        self.name = name

    def tell(self, ticket: Ticket, message: CustomerMessage) -> None:
        log.info(
            "customer message (no channel to send it on)",
            extra={"ticket": ticket.key, "channel": ticket.channel, "text": message.text},
        )


class CustomerTransport:
    """The outbox transport ``customer``: the target is the ticket key, the payload a
    :class:`CustomerMessage`; it goes out on the ticket's channel (or the message's ``via``).
    A channel that is not running here (Slack switched off) is a permanent, visible failure."""

    transport = "customer"

    def __init__(
        self,
        *,
        tickets: TicketStore,
        channels: Mapping[str, Channel],
        config: OrgConfig | None = None,
        conversations: ConversationStore | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.tickets = tickets
        self.channels = dict(channels)
        self.config = config
        self.conversations = conversations
        self.clock = clock

    def service_of(self, item: OutboxItem) -> str | None:
        """The channel the message would go out on (``"slack"``, ``"email"``, ``"web"``)."""
        message = CustomerMessage.from_payload(item.payload)
        if message.via:
            return message.via
        try:
            return self.tickets.get(message.ticket or item.target).channel
        except NotFound:
            return None

    def deliver(self, item: OutboxItem) -> None:
        message = CustomerMessage.from_payload(item.payload)
        try:
            ticket = self.tickets.get(message.ticket or item.target)
        except NotFound as exc:
            raise DeliveryError(f"no ticket {item.target}", permanent=True) from exc
        name = message.via or ticket.channel
        channel = self.channels.get(name)
        if channel is None:
            raise DeliveryError(
                f"the {name!r} channel is not running, so {ticket.key}'s customer cannot be told",
                permanent=True,
            )
        if message.kind == "late":
            late = self.late(ticket, message)
            if late is None:
                log.info("late notice dropped: no longer true", extra={"ticket": ticket.key})
                return
            message = late
        channel.tell(ticket, message)

    def late(self, ticket: Ticket, message: CustomerMessage) -> CustomerMessage | None:
        """The late notice as it reads now, or None when it is no longer true."""
        if self.config is None:
            raise DeliveryError("late notices need the organisation file", permanent=True)
        lang = (
            customer_language(self.conversations, ticket)
            if self.conversations is not None
            else message.lang
        )
        text = late_text(
            ticket, message.clock or "first_response", config=self.config, lang=lang,
            now=self.clock(), oncall=self._on_call(),
        )  # fmt: skip
        if text is None:
            return None
        return CustomerMessage(
            ticket.key, text, "late", None, message.ref, lang, message.clock, message.via
        )

    def _on_call(self) -> str | None:
        assert self.config is not None
        try:
            rotation = rotation_for(self.config)
            person = self.config.person(rotation.on_call(self.clock())) if rotation else None
        except DeskbotError:
            return None
        return person.name if person is not None else None
