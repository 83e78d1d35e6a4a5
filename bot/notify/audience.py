"""Who hears about what happens to a ticket: one listener on the ticket desk.

- a ticket opens (whichever channel, form or command opened it) → the engineers: a post to
  the on-call engineer and to the account's internal channel (the CSM instead of the on-call
  engineer for a commercial request), once per ticket;
- a staff member replies in public, picks the ticket up first (acknowledge, take), asks the
  customer for something (waiting on customer), resolves or reopens it → the customer, on the
  ticket's own channel (:mod:`bot.notify.channel`), and by e-mail too when a web visitor left
  an address (the contact form); internal notes never;
- the customer reopens a resolved ticket, or answers one that waited on them → the person who
  follows it up (its assignee, else who last worked on it, else the on-call engineer);
- an escalation step → its people by Slack DM, else e-mail; the escalation channel; webhooks,
  pages and the log; on a breach, the customer (:meth:`Audience.step_deliveries`, planned by
  :mod:`bot.notify.escalation`);
- the morning digest → the CSM (:meth:`Audience.digest_route`).

Everything goes through the outbox: delivered at once, and retried by the outbox worker when
that fails (or when the process dies first). Changes made by ``deskbot demo seed`` notify nobody.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.clock import Clock, utc_now
from bot.config import OrgConfig, Person
from bot.desk import Change
from bot.errors import DeskbotError
from bot.notify import Notifier
from bot.notify.channel import CustomerMessage
from bot.notify.escalation import StepFacts, common_deliveries
from bot.notify.outbox import OutboxWorker
from bot.notify.recipients import Recipient
from bot.notify.texts import TEXTS, customer_language, say
from bot.sla_clocks import COMMERCIAL_KINDS, seeded_until
from bot.sla_setup import rotation_for
from bot.store.conversations import ConversationStore
from bot.store.coordination import InboundEvents
from bot.store.notifications import Delivery, NotificationStore
from bot.store.records import OutboxItem, Ticket
from bot.store.tickets import TicketStore

log = logging.getLogger("deskbot.notify.audience")
# An item delivered at once is kept from the outbox worker this long, so the two never send
# it together; if the process dies first, the worker sends it after.
HOLD = dt.timedelta(seconds=60)

EXCERPT = 300  # characters of the customer's words quoted to staff


class Audience:
    def __init__(
        self,
        *,
        config: OrgConfig,
        notifications: NotificationStore,
        inbound: InboundEvents,
        conversations: ConversationStore,
        transports: Mapping[str, Notifier],
        tickets: TicketStore | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.config = config
        self.notifications = notifications
        self.inbound = inbound
        self.conversations = conversations
        self.tickets = tickets  # for who last worked on a ticket
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
                return
            if (message := self.customer_message(change)) is not None:
                self.tell_customer(ticket, message)
            if (line := self.staff_line(change)) is not None:
                self.tell_follower(ticket, line)
        except Exception:
            log.exception("could not notify about %s", ticket.key, extra={"change": change.kind})

    def customer_message(self, change: Change) -> CustomerMessage | None:
        """What the customer is told about ``change``, if anything."""
        ticket = change.ticket
        reopened = change.kind == "reopened" and change.actor_kind == "customer"
        if change.actor_kind != "agent" and not reopened:
            return None
        lang = self.language(ticket)
        ref = f"{ticket.key}#{change.kind}-{int((change.at or self.clock()).timestamp() * 1000)}"
        if reopened:
            follower = self.follower(ticket)
            who = self._name(follower, lang) if follower else say("team", lang)
            text = say("reopened", lang, key=ticket.key, who=who)
            return CustomerMessage(ticket.key, text, "reopened", None, ref, lang)
        who = self._name(change.actor, lang)
        if change.public_reply and not change.data.get("in_thread"):
            return CustomerMessage(ticket.key, change.body, "reply", who, ref, lang)
        if change.kind == "acknowledged" and change.first_response:
            text = say("picked_up", lang, who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "picked_up", who, ref, lang)
        if change.kind == "waiting_on_customer":
            text = change.body.strip() or say("waiting", lang, who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "waiting", who, ref, lang)
        if change.kind == "resolved":
            text = change.body.strip() or say("resolved", lang, who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "resolved", who, ref, lang)
        if change.kind == "reopened":
            text = change.body.strip() or say("reopened_by", lang, who=who, key=ticket.key)
            return CustomerMessage(ticket.key, text, "reopened", who, ref, lang)
        return None

    # -- customers -------------------------------------------------------------------------
    def tell_customer(self, ticket: Ticket, message: CustomerMessage) -> list[OutboxItem]:
        """On the ticket's channel; a web visitor who left an address (the contact form) is
        told by e-mail as well — they may have closed the page."""
        deliveries = [Delivery("customer", ticket.key, message.payload())]
        if self.mail_too(ticket):
            by_mail = replace(message, via="email", ref=f"{message.ref}@email")
            deliveries.append(Delivery("customer", ticket.key, by_mail.payload()))
        return self.send(deliveries, ticket_id=ticket.id)

    def mail_too(self, ticket: Ticket) -> bool:
        """A web ticket whose customer left an e-mail address and may not be on the page: the
        contact form's visitor, or a ticket with no chat to answer in."""
        if ticket.channel != "web" or "@" not in (ticket.requester or ""):
            return False
        if "email" not in self.transports:
            return False
        return "contact_name" in ticket.fields or ticket.conversation_id is None

    def language(self, ticket: Ticket) -> str:
        """The language the customer's conversation is in (else its subject's)."""
        return customer_language(self.conversations, ticket)

    def _name(self, actor: str | None, lang: str) -> str:
        person = self.config.person(actor) if actor else None
        return person.name if person is not None else (actor or TEXTS[lang]["someone"])

    # -- the person who follows a ticket up ----------------------------------------------------
    def staff_line(self, change: Change) -> str | None:
        """What the person following the ticket hears of a customer's move, if anything."""
        if change.actor_kind != "customer":
            return None
        key = change.ticket.key
        if change.kind == "reopened":
            return f"The customer reopened {key}: {quote(change.body)}"
        if change.kind == "message" and change.ticket.status == "waiting_on_customer":
            return f"The customer answered on {key} (it was waiting on them): {quote(change.body)}"
        return None

    def follower(self, ticket: Ticket) -> str | None:
        """Who follows the ticket up: its assignee, else who last worked on it, else the
        engineer on call."""
        if ticket.assignee_id:
            return ticket.assignee_id
        if self.tickets is not None:
            for event in reversed(self.tickets.events(ticket.id)):
                if event.actor_kind == "agent" and event.actor and self.config.person(event.actor):
                    return event.actor
        return self._on_call(self.clock())

    def tell_follower(self, ticket: Ticket, line: str) -> list[OutboxItem]:
        person_id = self.follower(ticket)
        person = self.config.person(person_id) if person_id else None
        if person is None:
            log.info("nobody follows %s up: %s", ticket.key, line)
            return []
        payload = {"kind": "note", "ticket": ticket.key, "text": line,
                   "subject": f"[{ticket.key}] {line}"[:200]}  # fmt: skip
        deliveries = self.person_deliveries(person, payload)
        if not deliveries:
            log.info("no Slack or e-mail for %s: %s", person.id, line)
        return self.send(deliveries, ticket_id=ticket.id)

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

    # -- escalations ------------------------------------------------------------------------
    def reach(self, recipient: Recipient) -> str | None:
        """How an escalation reaches ``recipient``: ``slack`` (a DM, or the escalation channel),
        ``email``, or None when nothing here can (then only the log has it)."""
        if recipient.is_channel:
            return "slack" if "slack" in self.transports else None
        person = self.config.person(recipient.target)
        if person is None:
            return None
        if "slack" in self.transports and person.slack_user:
            return "slack"
        if "email" in self.transports and person.email:
            return "email"
        return None

    def step_deliveries(self, facts: StepFacts, payload: dict[str, Any]) -> list[Delivery]:
        """Every outbox item of one escalation step (see :mod:`bot.notify.escalation`)."""
        out: list[Delivery] = []
        for recipient in facts.recipients:
            how = self.reach(recipient)
            if how == "slack" and recipient.slack_target:
                out.append(Delivery("slack", recipient.slack_target,
                                    {**payload, "recipient": recipient.role}))  # fmt: skip
            elif how == "email":
                person = self.config.person(recipient.target)
                assert person is not None and person.email
                out.append(
                    Delivery("email", person.email, {**payload, "recipient": recipient.role})
                )
        out.extend(common_deliveries(facts, payload, self.config))
        if facts.step.is_breach and "customer" in self.transports:
            ticket = facts.ticket
            message = CustomerMessage(
                ticket.key, "", "late", ref=f"{ticket.key}#late-{facts.escalation_clock}",
                clock=facts.clock.name,
            )  # fmt: skip
            out.append(Delivery("customer", ticket.key, message.payload()))
        return out

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


def quote(text: str) -> str:
    """A customer's words for a staff line: on one line, clipped."""
    clipped = " ".join(text.split())
    if len(clipped) > EXCERPT:
        clipped = clipped[: EXCERPT - 1] + "…"
    return f"“{clipped}”"


def _line(ticket: Ticket) -> str:
    return f"New ticket {ticket.key} {ticket.priority} for {ticket.account_id}: {ticket.subject}"
