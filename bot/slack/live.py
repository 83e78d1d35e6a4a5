"""One live card per ticket: whenever a ticket changes, every copy of it in Slack is
re-rendered from its state (assignee, status, due, last action, buttons); when it is
resolved, the customer's thread is asked for a rating.

:func:`card_listener` is a desk listener (registered by the Slack lifespan). A change to a
ticket that has copies queues one ``refresh`` in the outbox (a refresh already waiting covers
it); a resolution of a Slack ticket queues one ``csat`` request per resolution. The outbox
worker delivers them with its retries; a click does not wait for the worker:
:func:`deliver_now` sends the ticket's queued Slack items at once, and what fails stays queued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot.context import AppContext
from bot.notify import DeliveryError, Notifier
from bot.store.notifications import Delivery
from bot.store.records import Ticket
from bot.store.slack_posts import REFRESH_PREFIX, SlackPostStore

log = logging.getLogger("deskbot.slack.live")
Clock = Callable[[], dt.datetime]
DEFAULT_RETRY = dt.timedelta(seconds=60)
CLAIM_HOLD = dt.timedelta(seconds=60)
# What a click or a reply sends at once; pings keep to the outbox's own schedule.
NOW_KINDS = ("refresh", "csat", "note")


def queue_refresh(ctx: AppContext, ticket: Ticket, *, now: dt.datetime) -> bool:
    """Queue a refresh of the ticket's copies unless one waits already; whether it queued."""
    posts = SlackPostStore(ctx.db)
    if not posts.has_posts(ticket.id) or posts.refresh_queued(ticket.key):
        return False
    payload = {"kind": "refresh", "ticket": ticket.key}
    ctx.notifications.enqueue(
        Delivery("slack", REFRESH_PREFIX + ticket.key, payload), now=now, ticket_id=ticket.id
    )
    return True


def queue_csat(ctx: AppContext, ticket: Ticket, *, now: dt.datetime) -> bool:
    """Queue the rating request for a Slack ticket just resolved (once per resolution)."""
    if ticket.status != "resolved" or ticket.resolved_at is None:
        return False
    if ticket.channel != "slack" or not ticket.channel_ref or not ticket.thread_ref:
        return False
    if not ctx.inbound.first_time("slack-csat", f"{ticket.key}@{ticket.resolved_at}", now=now):
        return False
    payload = {"kind": "csat", "ticket": ticket.key}
    ctx.notifications.enqueue(
        Delivery("slack", ticket.channel_ref, payload), now=now, ticket_id=ticket.id
    )
    return True


def card_listener(ctx: AppContext, clock: Clock) -> Callable[[Ticket], None]:
    """A desk listener keeping the ticket's Slack copies up to date; it never fails the change
    it hears about (that change is committed already)."""

    def listener(ticket: Ticket) -> None:
        try:
            now = clock()
            queue_refresh(ctx, ticket, now=now)
            queue_csat(ctx, ticket, now=now)
        except Exception:
            log.exception("could not queue the Slack updates of %s", ticket.key)

    return listener


def deliver_now(ctx: AppContext, notifier: Notifier, ticket: Ticket, *, now: dt.datetime) -> int:
    """Deliver the ticket's queued Slack items now (after a click or a reply in its thread);
    a failure stays queued with its retry time for the outbox worker. How many went out."""
    sent = 0
    posts = SlackPostStore(ctx.db)
    for item in posts.pending_for_ticket(ticket.id):
        if item.payload.get("kind") not in NOW_KINDS or item.next_attempt_at > now:
            continue
        if not posts.claim(item, now=now, hold=CLAIM_HOLD):
            continue  # another click (or the outbox worker) is sending it
        try:
            notifier.deliver(item)
        except DeliveryError as exc:
            wait = dt.timedelta(seconds=exc.retry_after) if exc.retry_after else DEFAULT_RETRY
            ctx.notifications.mark_retry(
                item.id, error=str(exc), retry_at=now + wait, give_up=exc.permanent
            )
            log.warning("slack update of %s failed; the outbox retries: %s", ticket.key, exc)
        else:
            ctx.notifications.mark_sent(item.id, now=now)
            sent += 1
    return sent
