"""Where a digest item points: the staff ticket page (a CSM is staff), whatever the channel."""

from __future__ import annotations

from urllib.parse import quote

from bot.store.records import Ticket


def ticket_url(ticket: Ticket, *, public_url: str) -> str:
    """The ticket's staff page: its summary, clocks, escalations and the whole thread, whether
    it came from Slack or the web."""
    return f"{public_url.rstrip('/')}/staff/tickets/{quote(ticket.key)}"


def digest_url(csm_id: str, *, public_url: str) -> str:
    """The CSM's digest page on the staff dashboard."""
    return f"{public_url.rstrip('/')}/staff/digest/{quote(csm_id)}"
