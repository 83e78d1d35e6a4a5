"""Who hears about what happens to a ticket: one listener on the ticket desk.

- a ticket opens (whichever channel, form or command opened it) → the engineers: a post to
  the on-call engineer and to the account's internal channel (the CSM instead of the on-call
  engineer for a commercial request), once per ticket;
- a staff member replies in public, picks the ticket up first (acknowledge, take), asks the
  customer for something (waiting on customer, with a message) or resolves it → the customer,
  on the ticket's own channel (:mod:`bot.notify.channel`); internal notes never;
- an escalation step → see :mod:`bot.notify.escalation` (the SLA scan);
- the morning digest → the CSM (:meth:`Audience.digest_route`).

Everything goes through the outbox: delivered at once, and retried by the outbox worker when
that fails (or when the process dies first). Changes made by ``deskbot demo seed`` notify nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot.clock import Clock, utc_now
from bot.config import OrgConfig, Person
from bot.desk import Change
from bot.errors import DeskbotError
from bot.notify import Notifier
from bot.notify.channel import CustomerMessage
from bot.notify.outbox import OutboxWorker
from bot.sla_clocks import COMMERCIAL_KINDS, seeded_until
from bot.sla_setup import rotation_for
from bot.store.conversations import ConversationStore
from bot.store.coordination import InboundEvents
from bot.store.notifications import Delivery, NotificationStore
from bot.store.records import OutboxItem, Ticket

log = logging.getLogger("deskbot.notify.audience")
# An item delivered at once is kept from the outbox worker this long, so the two never send
# it together; if the process dies first, the worker sends it after.
HOLD = dt.timedelta(seconds=60)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "picked_up": "{who} from the support team has picked up {key} and is on it.",
        "resolved": "{key} was marked resolved by {who}. If it is not fixed, just reply.",
        "someone": "Someone",
    },
    "zh": {
        "picked_up": "支持团队的 {who} 已接手 {key}，正在处理。",
        "resolved": "{key} 已由 {who} 标记为已解决。如果问题仍在，直接回复即可。",
        "someone": "工程师",
    },
}


class Audience:
    def __init__(
        self,
        *,
        config: OrgConfig,
        notifications: NotificationStore,
        inbound: InboundEvents,
        conversations: ConversationStore,
        transports: Mapping[str, Notifier],
        clock: Clock = utc_now,
    ) -> None:
        self.config = config
        self.notifications = notifications
        self.inbound = inbound
        self.conversations = conversations
        self.transports = transports  # the context's map: transports registered later count
        self.clock = clock
        self.outbox = OutboxWorker(
            notifications, transports, clock=clock,
            max_attempts=config.notifications.max_attempts,
        )  # fmt: skip

    # -- the desk listener -----------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        """Decide who hears about ``change``; a failure here never costs the change itself."""
        ticket = change.ticket
        seeded = seeded_until(ticket)
        if seeded is not None and (change.at is None or change.at <= seeded):
            return  # demo history nobody lived through
        try:
            if change.kind == "opened":
                self.announce(ticket, at=change.at)
            elif (message := self.customer_message(change)) is not None:
                self.tell_customer(ticket, message)
        except Exception:
            log.exception("could not notify about %s", ticket.key, extra={"change": change.kind})

    def customer_message(self, change: Change) -> CustomerMessage | None:
        """What the customer is told about ``change``, if anything."""
        ticket = change.ticket
        if change.actor_kind != "agent":
            return None
        lang = self.language(ticket)
        who = self._name(change.actor, lang)
        texts = TEXTS[lang]
        ref = f"{ticket.key}#{change.kind}-{int((change.at or self.clock()).timestamp() * 1000)}"
        if change.public_reply and not change.data.get("in_thread"):
            return CustomerMessage(ticket.key, change.body, "reply", who, ref, lang)
        if change.kind == "acknowledged" and change.first_response:
            text = texts["picked_up"].format(who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "picked_up", who, ref, lang)
        if change.kind == "waiting_on_customer" and change.body.strip():
            return CustomerMessage(ticket.key, change.body, "waiting", who, ref, lang)
        if change.kind == "resolved":
            text = change.body.strip() or texts["resolved"].format(who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "resolved", who, ref, lang)
        return None

    # -- customers -------------------------------------------------------------------------
    def tell_customer(self, ticket: Ticket, message: CustomerMessage) -> list[OutboxItem]:
        delivery = Delivery("customer", ticket.key, message.payload())
        return self.send([delivery], ticket_id=ticket.id)

    def language(self, ticket: Ticket) -> str:
        """The language the customer's conversation is in (English when unknown)."""
        if ticket.conversation_id is None:
            return "en"
        try:
            conv = self.conversations.get(ticket.conversation_id)
        except DeskbotError:
            return "en"
        lang = str((conv.state or {}).get("lang") or "en")
        return lang if lang in TEXTS else "en"

    def _name(self, actor: str, lang: str) -> str:
        person = self.config.person(actor)
        return person.name if person is not None else (actor or TEXTS[lang]["someone"])

    # -- engineers -------------------------------------------------------------------------
    def announce(self, ticket: Ticket, *, at: dt.datetime | None = None) -> list[OutboxItem]:
        """The new-ticket posts, once per ticket whichever path opened it; ``at``: when it
        opened (who is on call then)."""
        now = self.clock()
        if not self.inbound.first_time("new-ticket", ticket.key, now=now):
            return []
        deliveries = self.new_ticket_deliveries(ticket, now=at or now)
        return self.send(deliveries, ticket_id=ticket.id)

    def new_ticket_deliveries(self, ticket: Ticket, *, now: dt.datetime) -> list[Delivery]:
        """Who hears about a new ticket: the on-call engineer (the account's CSM for a
        commercial request, which never goes to the engineering queue) and the account's
        internal channel; by Slack when it runs, else by e-mail. With neither, the staff
        queue is where it is seen (and the log says so)."""
        commercial = ticket.kind in COMMERCIAL_KINDS
        payload: dict[str, Any] = {
            "kind": "new_ticket",
            "ticket": ticket.key,
            "headline": "New commercial request" if commercial else "New ticket",
        }
        account = self.config.account(ticket.account_id)
        person_id: str | None
        if commercial:
            person_id = account.csm if account is not None else None
        else:
            person_id = self._on_call(now)
        out: list[Delivery] = []
        person = self.config.person(person_id) if person_id else None
        if person is not None:
            out.extend(self.person_deliveries(person, payload))
        if account is not None and account.internal_channel and "slack" in self.transports:
            out.append(Delivery("slack", account.internal_channel, payload))
        if not out:
            log.info(_line(ticket) + " (no Slack or e-mail to announce it on)")
        return out

    def person_deliveries(self, person: Person, payload: dict[str, Any]) -> list[Delivery]:
        """A message to one person: their Slack DM, else their e-mail, else nothing."""
        if "slack" in self.transports and person.slack_user:
            return [Delivery("slack", person.id, payload)]
        if "email" in self.transports and person.email:
            return [Delivery("email", person.email, payload)]
        return []

    def _on_call(self, now: dt.datetime) -> str | None:
        try:
            rotation = rotation_for(self.config)
            return rotation.on_call(now) if rotation is not None else None
        except DeskbotError as exc:
            log.warning("no on-call engineer: %s", exc)
            return None

    # -- CSMs ------------------------------------------------------------------------------
    def digest_route(self, person: Person) -> tuple[str, str]:
        """Where a CSM's digest goes: a Slack DM when Slack runs and we know their user, else
        e-mail when it is configured and they have an address, else the log."""
        if "slack" in self.transports and person.slack_user:
            return "slack", person.slack_user
        if "email" in self.transports and person.email:
            return "email", person.email
        return "log", person.id

    # -- delivery --------------------------------------------------------------------------
    def send(self, deliveries: Sequence[Delivery], *, ticket_id: int | None) -> list[OutboxItem]:
        """Queue each delivery and attempt it at once; a failure stays queued for retry."""
        now = self.clock()
        items = [
            self.notifications.enqueue(d, now=now, ticket_id=ticket_id, not_before=now + HOLD)
            for d in deliveries
        ]
        self.deliver_now(items, now=now)
        return items

    def deliver_now(self, items: Sequence[OutboxItem], *, now: dt.datetime) -> None:
        for item in items:
            self.outbox.deliver(item, now=now)


def _line(ticket: Ticket) -> str:
    return f"New ticket {ticket.key} {ticket.priority} for {ticket.account_id}: {ticket.subject}"
