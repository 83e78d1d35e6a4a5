"""Sending digests: each CSM once per local day, at ``organisation.digest_time`` in their zone.

``send_due_digests`` is what the scheduler calls every minute. The (CSM, local day) claim in
the database makes a digest go out once even across restarts and several workers; the Block
Kit pages go through the outbox, so delivery retries are the outbox worker's business.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.config import Person
from bot.digest.blocks import render_blocks
from bot.digest.builder import build_digest, csm_accounts, csm_people, digest_moment
from bot.errors import NotFound
from bot.store.notifications import Delivery

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentDigest:
    """A digest queued for delivery."""

    csm_id: str
    day: dt.date
    transport: str  # "slack" (a DM to the person's Slack user) or "log"
    target: str
    pages: int
    outbox_ids: tuple[int, ...]


def send_due_digests(ctx: AppContext, now: dt.datetime) -> list[SentDigest]:
    """Queue the digest of every CSM whose local digest time has come today and who has not
    had today's yet. Safe to call as often as you like, from as many workers as you like."""
    sent = []
    digest_time = ctx.config.organisation.digest_time
    for person in csm_people(ctx.config):
        if not csm_accounts(ctx.config, person.id):
            continue  # a CSM without accounts would get an empty message every morning
        day = now.astimezone(ZoneInfo(person.timezone)).date()
        if now < digest_moment(person, day, digest_time=digest_time):
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


def _route(person: Person) -> tuple[str, str]:
    """A Slack DM when we know the person's Slack user, else the log transport."""
    if person.slack_user:
        return "slack", person.slack_user
    return "log", person.id
