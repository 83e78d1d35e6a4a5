"""Telling engineers about a new ticket: a DM to the on-call engineer and a post in the
account's internal channel, each through the outbox so a failed post is retried, not lost."""

from __future__ import annotations

import datetime as dt
import logging

from bot.context import AppContext
from bot.errors import DeskbotError
from bot.notify import DeliveryError, Notifier
from bot.store.notifications import Delivery
from bot.store.records import OutboxItem, Ticket

log = logging.getLogger("deskbot.slack.announce")
DEFAULT_RETRY = dt.timedelta(seconds=60)


def new_ticket_deliveries(ctx: AppContext, ticket: Ticket, *, now: dt.datetime) -> list[Delivery]:
    """Who hears about a new ticket: the on-call engineer (the account's CSM for a commercial
    request, which never goes to the engineering queue) and the account's internal channel."""
    from bot.sla_clocks import COMMERCIAL_KINDS
    from bot.sla_setup import rotation_for

    payload = {"kind": "new_ticket", "ticket": ticket.key, "headline": "New ticket"}
    out: list[Delivery] = []
    account = ctx.config.account(ticket.account_id)
    if ticket.kind in COMMERCIAL_KINDS:
        payload["headline"] = "New commercial request"
        if account is not None and account.csm:
            out.append(Delivery("slack", account.csm, payload))
        if account is not None and account.internal_channel:
            out.append(Delivery("slack", account.internal_channel, payload))
        return out
    try:
        rotation = rotation_for(ctx.config)
        oncall = rotation.on_call(now) if rotation is not None else None
    except DeskbotError as exc:
        log.warning("no on-call engineer: %s", exc)
        oncall = None
    if oncall is not None:
        out.append(Delivery("slack", oncall, payload))
    if account is not None and account.internal_channel:
        out.append(Delivery("slack", account.internal_channel, payload))
    return out


def queue_announcement(ctx: AppContext, ticket: Ticket, *, now: dt.datetime) -> list[OutboxItem]:
    """Queue the new-ticket posts, once per ticket whichever channel opened it: a later reply
    about the same ticket (e.g. "Talk to a human" after it opened) does not post it again."""
    if not ctx.inbound.first_time("slack-new-ticket", ticket.key, now=now):
        return []
    return [
        ctx.notifications.enqueue(delivery, now=now, ticket_id=ticket.id)
        for delivery in new_ticket_deliveries(ctx, ticket, now=now)
    ]


def announce_ticket(
    ctx: AppContext, notifier: Notifier, ticket: Ticket, *, now: dt.datetime
) -> None:
    """Queue and deliver at once (engineers should not wait for the next outbox sweep);
    whatever fails stays queued with its retry time, visible and retried by the worker."""
    for item in queue_announcement(ctx, ticket, now=now):
        try:
            notifier.deliver(item)
        except DeliveryError as exc:
            wait = dt.timedelta(seconds=exc.retry_after) if exc.retry_after else DEFAULT_RETRY
            ctx.notifications.mark_retry(
                item.id, error=str(exc), retry_at=now + wait, give_up=exc.permanent
            )
            log.warning("new-ticket post to %s failed: %s", item.target, exc)
        else:
            ctx.notifications.mark_sent(item.id, now=now)
