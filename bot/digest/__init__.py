"""The CSM morning digest: content per CSM and account, renderers, and once-a-day delivery.

Public API::

    build_digest(ctx, csm_id, *, as_of, day=None, unanswered_hours=4) -> Digest
    render_markdown(digest) -> str
    render_blocks(digest, *, max_blocks=50) -> list[SlackPage]   # .payload() -> {"text", "blocks"}
    render_html(digest) -> str
    send_due_digests(ctx, now) -> list[SentDigest]   # the scheduler calls this every minute
    digest_due(config, person, now) -> date | None   # 09:00-10:00 local, working days only
    send_digest(ctx, csm_id, *, day, now, as_of=None, force=False, deliver=False)
        -> SentDigest | None                         # deliver=True: `digest --send`, at once
    csm_people(config) -> list[Person]; digest_moment(person, day, *, digest_time) -> datetime
"""

from bot.digest.blocks import SlackPage, render_blocks
from bot.digest.builder import build_digest, csm_accounts, csm_people, digest_moment
from bot.digest.delivery import (
    DIGEST_WINDOW,
    SentDigest,
    digest_due,
    send_digest,
    send_due_digests,
    working_day,
)
from bot.digest.html import render_html
from bot.digest.markdown import render_markdown
from bot.digest.model import AccountDigest, Digest, GapItem, PriorityLine, TicketItem, Trend

__all__ = [
    "DIGEST_WINDOW",
    "AccountDigest",
    "Digest",
    "GapItem",
    "PriorityLine",
    "SentDigest",
    "SlackPage",
    "TicketItem",
    "Trend",
    "build_digest",
    "csm_accounts",
    "csm_people",
    "digest_due",
    "digest_moment",
    "render_blocks",
    "render_html",
    "render_markdown",
    "send_digest",
    "send_due_digests",
    "working_day",
]
