"""Sending digests: each CSM once per working day, at ``organisation.digest_time`` in their zone.

``send_due_digests`` is what the scheduler calls every minute. A digest is due only within
``DIGEST_WINDOW`` after the CSM's local digest time, on their working days (Monday to Friday
of the organisation's ``business`` calendar in the person's zone, minus the public holidays of
their ``country``, plus its make-up working days): a service started in the evening or on a
Sunday sends nothing until the next working morning. The (CSM, local day) claim in the
database makes a digest go out once even across restarts and several workers; where it goes
is the audience's call (a Slack DM when Slack runs, else e-mail, else the log), and the
messages go through the outbox, so a failed delivery is retried and stays visible. A day is
"sent" only when the outbox says so (:func:`digest_status`); ``force`` sends a day again;
``deskbot digest --send`` delivers at once, whatever the time of day.
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
from bot.digest.markdown import render_markdown
from bot.digest.model import Digest
from bot.digest.sections import title_line
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
    transport: str  # "slack" (a DM to the person's Slack user), "email" or "log"
    target: str
    pages: int
    outbox_ids: tuple[int, ...]
    status: str = "queued"  # queued | sent | failed, after the attempt at once


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
    force: bool = False,
    deliver: bool = False,
) -> SentDigest | None:
    """Claim (CSM, day) and queue its messages in one transaction; None when that day's
    digest was already claimed (``force``: send it again all the same). ``deliver``: attempt
    delivery at once (the command line), so the answer says whether it went out.

    The digest is built before the claim so a failure leaves the day unclaimed (and retried a
    minute later) rather than silently lost.
    """
    person = ctx.config.person(csm_id)
    if person is None:
        raise NotFound(f"no CSM {csm_id!r}")
    digest = build_digest(ctx, csm_id, as_of=as_of or now, day=day)
    transport, target = ctx.audience.digest_route(person)
    deliveries = _messages(digest, transport, target, sent_at=now)
    ids = ctx.daily_runs.claim_and_queue(
        csm_id, day, deliveries, now=now, data={"pages": len(deliveries)}, force=force
    )
    if ids is None:
        return None
    log.info(
        "digest queued",
        extra={"csm": csm_id, "day": day.isoformat(), "pages": len(deliveries), "via": transport},
    )
    sent = SentDigest(csm_id, day, transport, target, len(deliveries), ids)
    if deliver:
        items = [item for i in ids if (item := ctx.notifications.get(i)) is not None]
        ctx.audience.deliver_now(items, now=now)
        sent = SentDigest(csm_id, day, transport, target, len(ids), ids,
                          status=digest_status(ctx, ids))  # fmt: skip
    return sent


def digest_status(ctx: AppContext, outbox_ids: tuple[int, ...]) -> str:
    """``sent`` when every message went out, ``failed`` when one was given up on, else
    ``queued`` (waiting for a retry)."""
    items = [ctx.notifications.get(i) for i in outbox_ids]
    states = {item.status if item is not None else "failed" for item in items}
    if states == {"sent"}:
        return "sent"
    return "failed" if "failed" in states else "queued"


def _messages(
    digest: Digest, transport: str, target: str, *, sent_at: dt.datetime
) -> list[Delivery]:
    """The digest as its transport takes it: Block Kit pages for Slack, one e-mail (text and
    HTML from the same Markdown), or the Markdown as one log line."""
    if transport == "slack":
        return [Delivery(transport, target, page.payload()) for page in render_blocks(digest)]
    text = render_markdown(digest)
    if transport == "email":
        payload = {
            "kind": "email", "to": target, "subject": title_line(digest), "text": text,
            "lang": digest.language,
            "message_id": f"<deskbot.digest.{digest.csm_id}.{int(sent_at.timestamp())}@deskbot>",
            "auto": True,
        }  # fmt: skip
        return [Delivery("email", target, payload)]
    return [Delivery(transport, target, {"kind": "digest", "text": text})]
