"""The customer's thread is the ticket, both ways.

- A customer writing in the thread of a resolved ticket ("it is still black on 2.14.1")
  reopens it: the message is recorded on the ticket; the audience (:mod:`bot.notify.audience`)
  tells the thread who will follow up, and that person hears it. Closing words ("thanks!",
  "works now") reopen nothing; a ticket resolved more than ``REOPEN_WITHIN`` ago is left
  alone (the message is a new conversation).
- A customer answering a ticket that waits on them: the conversation records it (and the
  resolution clock resumes); the audience tells the person who works the ticket at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.conversation.intents import GREETING, SOLVED, THANKS
from bot.slack.runtime import SlackRuntime
from bot.store.records import Conversation, Ticket

log = logging.getLogger("deskbot.slack.ticket_thread")
REOPEN_WITHIN = dt.timedelta(days=30)


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
    """Reopen and record it; the desk's audience tells the thread who will follow up, and
    tells that person."""
    now = rt.now()
    said = rt.readable(text)
    ticket = rt.ctx.desk.reopen(ticket, by=user, now=now, body=said)
    ticket = rt.ctx.desk.customer_reply(ticket, author=user, body=said, now=now)
    rt.ctx.conversations.add_message(
        conversation.id, "user", said, now=now, author=user, data={"reopened": ticket.key}
    )
    rt.deliver_now(ticket)
    return ticket


def customer_answered(rt: SlackRuntime, ticket: Ticket) -> None:
    """The customer replied to a ticket that waited on them (the audience told who works it):
    the ticket's cards show it at once."""
    rt.deliver_now(rt.ctx.tickets.get(ticket.id))
