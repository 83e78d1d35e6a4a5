"""One live card per ticket: whenever a ticket changes, every copy of it in Slack is
re-rendered from its state (assignee, status, due, last action, buttons); when it is
resolved, the customer's thread is asked for a rating.

:meth:`LiveCards.on_change` is a desk listener (registered by :func:`bot.context.build_context`
next to the audience when Slack is configured). A change to a ticket that has copies queues
one ``refresh`` in the outbox (a refresh already waiting covers it); a resolution of a Slack
ticket queues one ``csat`` request per resolution. The outbox worker delivers them with its
retries; a click does not wait for the worker: :meth:`LiveCards.deliver_now` sends the
ticket's queued Slack items at once, and what fails stays queued.
"""

from __future__ import annotations

import datetime as dt
import logging

from bot.clock import Clock, utc_now
from bot.desk import Change
from bot.notify import DeliveryError, Notifier
from bot.store.coordination import InboundEvents
from bot.store.notifications import Delivery, NotificationStore
from bot.store.records import Ticket
from bot.store.slack_posts import REFRESH_PREFIX, SlackPostStore

log = logging.getLogger("deskbot.slack.live")
DEFAULT_RETRY = dt.timedelta(seconds=60)
CLAIM_HOLD = dt.timedelta(seconds=60)
# What a click or a reply sends at once; pings keep to the outbox's own schedule.
NOW_KINDS = ("refresh", "csat", "note")


class LiveCards:
    def __init__(
        self,
        *,
        posts: SlackPostStore,
        notifications: NotificationStore,
        inbound: InboundEvents,
        clock: Clock = utc_now,
    ) -> None:
        self.posts = posts
        self.notifications = notifications
        self.inbound = inbound
        self.clock = clock

    def on_change(self, change: Change) -> None:
        """Keep the ticket's Slack copies up to date; never fails the change it hears about
        (that change is committed already)."""
        ticket = change.ticket
        try:
            now = self.clock()
            self.queue_refresh(ticket, now=now)
            self.queue_csat(ticket, now=now)
        except Exception:
            log.exception("could not queue the Slack updates of %s", ticket.key)

    def queue_refresh(self, ticket: Ticket, *, now: dt.datetime) -> bool:
        """Queue a refresh of the ticket's copies unless one waits already; whether it queued."""
        if not self.posts.has_posts(ticket.id) or self.posts.refresh_queued(ticket.key):
            return False
        payload = {"kind": "refresh", "ticket": ticket.key}
        self.notifications.enqueue(
            Delivery("slack", REFRESH_PREFIX + ticket.key, payload), now=now, ticket_id=ticket.id
        )
        return True

    def queue_csat(self, ticket: Ticket, *, now: dt.datetime) -> bool:
        """Queue the rating request for a Slack ticket just resolved (once per resolution)."""
        if ticket.status != "resolved" or ticket.resolved_at is None:
            return False
        if ticket.channel != "slack" or not ticket.channel_ref or not ticket.thread_ref:
            return False
        if not self.inbound.first_time("slack-csat", f"{ticket.key}@{ticket.resolved_at}", now=now):
            return False
        payload = {"kind": "csat", "ticket": ticket.key}
        self.notifications.enqueue(
            Delivery("slack", ticket.channel_ref, payload), now=now, ticket_id=ticket.id
        )
        return True

    def deliver_now(self, notifier: Notifier, ticket: Ticket, *, now: dt.datetime) -> int:
        """Deliver the ticket's queued Slack items now (after a click or a reply in its thread);
        a failure stays queued with its retry time for the outbox worker. How many went out."""
        sent = 0
        for item in self.posts.pending_for_ticket(ticket.id):
            if item.payload.get("kind") not in NOW_KINDS or item.next_attempt_at > now:
                continue
            if not self.posts.claim(item, now=now, hold=CLAIM_HOLD):
                continue  # another click (or the outbox worker) is sending it
            try:
                notifier.deliver(item)
            except DeliveryError as exc:
                wait = dt.timedelta(seconds=exc.retry_after) if exc.retry_after else DEFAULT_RETRY
                self.notifications.mark_retry(
                    item.id, error=str(exc), retry_at=now + wait, give_up=exc.permanent
                )
                log.warning("slack update of %s failed; the outbox retries: %s", ticket.key, exc)
            else:
                self.notifications.mark_sent(item.id, now=now)
                sent += 1
        return sent
