"""The Slack transport of the outbox: escalation pings, new-ticket posts, plain messages.

Outbox items with ``transport="slack"`` (queue them with
``ctx.notifications.enqueue(Delivery("slack", target, payload), now=...)`` or
``NotificationStore.fire``).

``target`` — where it goes:
    * a Slack user id (``U…``/``W…``): a DM (``conversations.open`` then ``chat.postMessage``);
    * a Slack channel id (``C…``/``G…``/``D…``): a post in that channel;
    * a person id from the organisation file (``eng-chen``): a DM to their ``slack_user``.

``payload`` — what it says; one of three kinds (JSON-safe; times ISO 8601 with offset):

    {"kind": "escalation",          # an SLA ping
     "ticket": "SUP-1042",          # required; everything else below is optional
     "clock": "first_response",     # or "resolution"; default first_response
     "level": 2, "fraction": 0.8,   # the ladder step (fraction of the target elapsed)
     "due_at": "2026-11-18T03:00:00+00:00",  # default: the ticket's stored clock
     "late": false,                 # true when fired after downtime
     "recipient": "csm"}            # role it is for (assignee|oncall|csm|manager|channel)

    {"kind": "new_ticket", "ticket": "SUP-1042", "headline": "New ticket"}

    {"kind": "message", "text": "fallback text", "blocks": [...]}   # pre-rendered (digests)

Account, tier, priority, subject, assignee, the thread link (``chat.getPermalink``) and the
time left (or how late) are read from the ticket at delivery time, so a ping delivered after
a retry is still accurate. Ticket pings carry the Acknowledge / Take it / Waiting on customer /
Resolve buttons (:mod:`bot.slack.cards`).

Failures raise :class:`bot.notify.DeliveryError`: HTTP 429 with ``retry_after`` from
``Retry-After``; 5xx and network errors retryable; an unknown channel or user, a revoked
token, or a payload we cannot render ``permanent``.
"""

from __future__ import annotations

import re
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.clock import Clock, utc_now
from bot.config import OrgConfig
from bot.errors import NotFound
from bot.notify import DeliveryError
from bot.slack.blocks import Block
from bot.slack.cards import escalation_card, ticket_card
from bot.slack.client import delivery_error
from bot.store.records import OutboxItem, Ticket
from bot.store.tickets import TicketStore

_USER = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL = re.compile(r"^[CGD][A-Z0-9-]{2,}$")


class SlackNotifier:
    """Delivers outbox items to Slack. Thread-safe; holds no state between deliveries."""

    transport = "slack"

    def __init__(
        self,
        *,
        client: WebClient,
        config: OrgConfig,
        tickets: TicketStore,
        clock: Clock = utc_now,
        public_url: str | None = None,
    ) -> None:
        self.client = client
        self.config = config
        self.tickets = tickets
        self.clock = clock
        self.public_url = public_url.rstrip("/") if public_url else None

    def deliver(self, item: OutboxItem) -> None:
        text, blocks = self.render(item.payload)
        try:
            channel = self.destination(item.target)
            self.client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except (SlackApiError, OSError) as exc:
            raise delivery_error(exc) from exc

    def render(self, payload: dict[str, Any]) -> tuple[str, list[Block]]:
        kind = payload.get("kind")
        if kind == "message":
            text = str(payload.get("text") or "")
            blocks = payload.get("blocks") or []
            if not text and not blocks:
                raise DeliveryError("empty message payload", permanent=True)
            return text or "deskbot", list(blocks)
        if kind not in ("escalation", "new_ticket"):
            raise DeliveryError(f"unknown slack payload kind {kind!r}", permanent=True)
        ticket = self._ticket(payload)
        now = self.clock()
        link = payload.get("thread_url") or self.permalink(ticket)
        desk = f"{self.public_url}/staff/tickets/{ticket.key}" if self.public_url else None
        if kind == "escalation":
            return escalation_card(
                ticket, payload, config=self.config, now=now, permalink=link, desk_url=desk
            )
        headline = str(payload.get("headline") or "New ticket")
        return ticket_card(
            ticket, config=self.config, now=now, headline=headline, permalink=link, desk_url=desk
        )

    def destination(self, target: str) -> str:
        """A channel id to post to; users get a DM channel."""
        if _CHANNEL.match(target):
            return target
        user = target if _USER.match(target) else None
        if user is None:
            person = self.config.person(target)
            user = person.slack_user if person else None
        if not user:
            raise DeliveryError(f"no Slack user or channel for {target!r}", permanent=True)
        opened = self.client.conversations_open(users=user)
        channel = (opened.get("channel") or {}).get("id")
        if not channel:
            raise DeliveryError(f"could not open a DM with {user}")
        return str(channel)

    def permalink(self, ticket: Ticket) -> str | None:
        """A link to the customer's thread; a missing link never blocks a ping."""
        if not ticket.channel_ref or not ticket.thread_ref or ticket.channel != "slack":
            return None
        try:
            found = self.client.chat_getPermalink(
                channel=ticket.channel_ref, message_ts=ticket.thread_ref
            )
        except (SlackApiError, OSError):
            return None
        link = found.get("permalink")
        return str(link) if link else None

    def _ticket(self, payload: dict[str, Any]) -> Ticket:
        ref = payload.get("ticket")
        if not ref:
            raise DeliveryError("payload names no ticket", permanent=True)
        try:
            return self.tickets.get(str(ref))
        except NotFound as exc:
            raise DeliveryError(f"no ticket {ref}", permanent=True) from exc
