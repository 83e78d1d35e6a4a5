"""Sending digests: each CSM once per working day, at ``organisation.digest_time`` in their zone.

``send_due_digests`` is what the scheduler calls every minute. A digest is due only within
``DIGEST_WINDOW`` after the CSM's local digest time, on their working days (Monday to Friday
of the organisation's ``business`` calendar in the person's zone, minus the public holidays of
their ``country``, plus its make-up working days): a service started in the evening or on a
Sunday sends nothing until the next working morning. The (CSM, local day) claim in the
database makes a digest go out once even across restarts and several workers; the Block Kit
pages go through the outbox, so delivery retries are the outbox worker's business.
``deskbot digest --send`` queues and delivers at once (:func:`deliver_queued`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import OrgConfig, Person
from bot.digest.blocks import render_blocks
from bot.digest.builder import build_digest, csm_accounts, csm_people, digest_moment
from bot.errors import DeskbotError, NotFound
from bot.sla_setup import named_calendar
from bot.store.notifications import Delivery

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)
DIGEST_WINDOW = dt.timedelta(hours=1)  # after the digest time: a restart at 09:20 still sends


@dataclass(frozen=True)
class SentDigest:
    """A digest queued for delivery."""

    csm_id: str
    day: dt.date
    transport: str  # "slack" (a DM to the person's Slack user) or "log"
    target: str
    pages: int
    outbox_ids: tuple[int, ...]


def working_day(config: OrgConfig, person: Person, day: dt.date) -> bool:
    """Whether ``day`` is a working day for ``person`` (see the module docstring)."""
    calendar = named_calendar(config, "business", timezone=person.timezone, country=person.country)
    windows_on = getattr(calendar, "windows_on", None)
    return True if windows_on is None else bool(windows_on(day))


def digest_due(config: OrgConfig, person: Person, now: dt.datetime) -> dt.date | None:
    """The CSM-local day whose digest is due at ``now``, or None: outside the hour after the
    digest time, or on a day off."""
    day = now.astimezone(ZoneInfo(person.timezone)).date()
    moment = digest_moment(person, day, digest_time=config.organisation.digest_time)
    if not moment <= now < moment + DIGEST_WINDOW:
        return None
    return day if working_day(config, person, day) else None


def send_due_digests(ctx: AppContext, now: dt.datetime) -> list[SentDigest]:
    """Queue the digest of every CSM whose digest time has come this working morning and who
    has not had today's yet. Safe to call as often as you like, from as many workers."""
    sent = []
    for person in csm_people(ctx.config):
        if not csm_accounts(ctx.config, person.id):
            continue  # a CSM without accounts would get an empty message every morning
        try:
            day = digest_due(ctx.config, person, now)
        except DeskbotError:
            log.exception("no working calendar for %s; digest not sent", person.id)
            continue
        if day is None:
            continue
        if ctx.daily_runs.claimed(person.id, day):
            continue
        try:
            result = send_digest(ctx, person.id, day=day, now=now)
        except Exception:
            # One CSM's broken digest must not hold back the others; retried next minute.
            log.exception("digest failed", extra={"csm": person.id, "day": day.isoformat()})
            continue
        if result is not None:
            sent.append(result)
    return sent


def send_digest(
    ctx: AppContext,
    csm_id: str,
    *,
    day: dt.date,
    now: dt.datetime,
    as_of: dt.datetime | None = None,
) -> SentDigest | None:
    """Claim (CSM, day) and queue its pages in one transaction; None when that day's digest was
    already claimed.

    The digest is built before the claim so a failure leaves the day unclaimed (and retried a
    minute later) rather than silently lost.
    """
    person = ctx.config.person(csm_id)
    if person is None:
        raise NotFound(f"no CSM {csm_id!r}")
    digest = build_digest(ctx, csm_id, as_of=as_of or now, day=day)
    pages = render_blocks(digest)
    transport, target = _route(person)
    deliveries = [Delivery(transport, target, page.payload()) for page in pages]
    ids = ctx.daily_runs.claim_and_queue(
        csm_id, day, deliveries, now=now, data={"pages": len(pages)}
    )
    if ids is None:
        return None
    log.info(
        "digest queued",
        extra={"csm": csm_id, "day": day.isoformat(), "pages": len(pages), "via": transport},
    )
    return SentDigest(csm_id, day, transport, target, len(pages), ids)


def deliver_queued(ctx: AppContext, sent: SentDigest, *, now: dt.datetime) -> int:
    """Deliver a queued digest's pages now (``deskbot digest --send``) rather than at the next
    outbox pass; a page that fails stays queued with its retry time. How many went out."""
    from bot.notify.registry import build_notifiers, close_notifiers
    from bot.scheduler.outbox import OutboxWorker

    wanted = set(sent.outbox_ids)
    items = [i for i in ctx.notifications.due(now, limit=10_000) if i.id in wanted]
    notifiers = build_notifiers(ctx)
    try:
        worker = OutboxWorker.from_context(ctx, notifiers)
        # A transport this process cannot send with (Slack off here) is left queued for the
        # scheduler's outbox worker rather than failed.
        mine = [item for item in items if item.transport in notifiers]
        return sum(1 for item in mine if worker.deliver(item, now=now))
    finally:
        close_notifiers(notifiers)


def _route(person: Person) -> tuple[str, str]:
    """A Slack DM when we know the person's Slack user, else the log transport."""
    if person.slack_user:
        return "slack", person.slack_user
    return "log", person.id
