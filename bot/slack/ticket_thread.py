"""The customer's thread is the ticket, both ways.

- A customer writing in the thread of a resolved ticket ("it is still black on 2.14.1")
  reopens it: the message is recorded on the ticket, the thread is told who will follow up,
  and that person hears it. Closing words ("thanks!", "works now") reopen nothing; a ticket
  resolved more than ``REOPEN_WITHIN`` ago is left alone (the message is a new conversation).
- A customer answering a ticket that waits on them: the conversation records it (and the
  resolution clock resumes); the person who works the ticket hears it at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.conversation.intents import GREETING, SOLVED, THANKS
from bot.slack.runtime import SlackRuntime
from bot.store.notifications import Delivery
from bot.store.records import Conversation, Ticket

log = logging.getLogger("deskbot.slack.ticket_thread")
REOPEN_WITHIN = dt.timedelta(days=30)
EXCERPT = 300


def closing_words(text: str) -> bool:
    """Thanks, "works now", a greeting: nothing to reopen a ticket for."""
    short = text.strip()
    return bool(THANKS.search(short) or SOLVED.search(short) or GREETING.search(short))


def reopens(ticket: Ticket, conversation: Conversation, text: str, *, now: dt.datetime) -> bool:
    """Whether this customer message reopens the thread's resolved ticket."""
    if ticket.is_open or ticket.status != "resolved" or ticket.resolved_at is None:
        return False
    if not conversation.state.get("on_ticket", True):
        return False  # the customer moved on to a new topic in the same thread
    return now - ticket.resolved_at <= REOPEN_WITHIN and not closing_words(text)


def reopen(
    rt: SlackRuntime, ticket: Ticket, conversation: Conversation, *, user: str, text: str
) -> Ticket:
    """Reopen, record, tell the thread and the person who will follow up."""
    from bot.slack.actions import customer_text, tell_customer
    from bot.slack.live import deliver_now
    from bot.slack.notifier import build_notifier

    now = rt.now()
    said = rt.readable(text)
    ticket = rt.ctx.desk.reopen(ticket, by=user, now=now, body=said)
    ticket = rt.ctx.desk.customer_reply(ticket, author=user, body=said, now=now)
    rt.ctx.conversations.add_message(
        conversation.id, "user", said, now=now, author=user, data={"reopened": ticket.key}
    )
    notifier = build_notifier(rt.ctx, client=rt.client, clock=rt.clock)
    lang = notifier.lang(ticket)
    owner = follower(rt, ticket)
    person = rt.ctx.config.person(owner) if owner else None
    who = person.name if person is not None else ("支持团队" if lang == "zh" else "our team")
    reply = customer_text("reopened", lang, who=who, key=ticket.key)
    rt.ctx.conversations.add_message(
        conversation.id, "bot", reply, now=now, data={"kind": "ticket_updated"}
    )
    tell_customer(rt, ticket, reply)
    if owner:
        line = f":leftwards_arrow_with_hook: The customer reopened *{ticket.key}*: {quote(said)}"
        tell_staff(rt, ticket, owner, line)
    deliver_now(rt.ctx, notifier, ticket, now=now)
    return ticket


def customer_answered(rt: SlackRuntime, ticket: Ticket, text: str) -> None:
    """The customer replied to a ticket that waited on them: its worker hears it now."""
    from bot.slack.live import deliver_now
    from bot.slack.notifier import build_notifier

    owner = follower(rt, ticket)
    if owner is None:
        return
    line = (
        f":speech_balloon: The customer answered on *{ticket.key}* (it was waiting on them): "
        f"{quote(rt.readable(text))}"
    )
    tell_staff(rt, ticket, owner, line)
    notifier = build_notifier(rt.ctx, client=rt.client, clock=rt.clock)
    deliver_now(rt.ctx, notifier, rt.ctx.tickets.get(ticket.id), now=rt.now())


def follower(rt: SlackRuntime, ticket: Ticket) -> str | None:
    """Who follows the ticket up: its assignee, else who last acted on it, else on call."""
    if ticket.assignee_id:
        return ticket.assignee_id
    for event in reversed(rt.ctx.tickets.events(ticket.id)):
        if event.actor_kind == "agent" and event.actor and rt.ctx.config.person(event.actor):
            return event.actor
    from bot.errors import DeskbotError
    from bot.sla_setup import rotation_for

    try:
        rotation = rotation_for(rt.ctx.config)
    except DeskbotError:
        return None
    return rotation.on_call(rt.now()) if rotation is not None else None


def tell_staff(rt: SlackRuntime, ticket: Ticket, person_id: str, line: str) -> None:
    """Queue a line for one staff member about the ticket (threaded under its card in their
    DM), delivered with the ticket's other Slack updates."""
    person = rt.ctx.config.person(person_id)
    if person is None or not person.slack_user:
        return
    payload = {"kind": "note", "ticket": ticket.key, "text": line}
    rt.ctx.notifications.enqueue(
        Delivery("slack", person.id, payload), now=rt.now(), ticket_id=ticket.id
    )


def quote(text: str) -> str:
    """A customer's words for a staff line: clipped, and escaped so they form no mention."""
    clipped = " ".join(text.split())
    if len(clipped) > EXCERPT:
        clipped = clipped[: EXCERPT - 1] + "…"
    escaped = clipped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"“{escaped}”"
