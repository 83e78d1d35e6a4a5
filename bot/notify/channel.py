"""Telling a ticket's customer something, on the channel the ticket came in on.

One :class:`Channel` per channel (Slack thread, web chat, e-mail), chosen by the ticket's
``channel``; what is said goes through the outbox as an item of the ``customer`` transport
(:class:`CustomerTransport`), so it is retried and a failure stays visible.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from bot.errors import NotFound
from bot.notify import DeliveryError
from bot.store.records import OutboxItem, Ticket
from bot.store.tickets import TicketStore

log = logging.getLogger("deskbot.notify")


@dataclass(frozen=True)
class CustomerMessage:
    """What the customer of ``ticket`` is told. ``ref`` names it for good (the same on every
    retry, e.g. ``SUP-1042#e17``), so a channel can make its own message id from it."""

    ticket: str
    text: str
    kind: str = "reply"  # reply | picked_up | resolved | waiting
    author: str | None = None  # the staff member's name, when a person wrote it
    ref: str = ""
    lang: str = "en"

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
    :class:`CustomerMessage`; it goes out on the ticket's channel. A channel that is not
    running here (Slack switched off) is a permanent, visible failure."""

    transport = "customer"

    def __init__(self, *, tickets: TicketStore, channels: Mapping[str, Channel]) -> None:
        self.tickets = tickets
        self.channels = dict(channels)

    def deliver(self, item: OutboxItem) -> None:
        message = CustomerMessage.from_payload(item.payload)
        try:
            ticket = self.tickets.get(message.ticket or item.target)
        except NotFound as exc:
            raise DeliveryError(f"no ticket {item.target}", permanent=True) from exc
        channel = self.channels.get(ticket.channel)
        if channel is None:
            raise DeliveryError(
                f"the {ticket.channel!r} channel is not running, so {ticket.key}'s customer "
                "cannot be told",
                permanent=True,
            )
        channel.tell(ticket, message)
