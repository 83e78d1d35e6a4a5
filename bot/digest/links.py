"""Where a digest item points: the staff ticket page (a CSM is staff), whatever the channel."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from bot.store.records import Ticket


def ticket_url(ticket: Ticket, *, public_url: str) -> str:
    """The ticket's staff page: its summary, clocks, escalations and the whole thread, whether
    it came from Slack or the web."""
    return f"{public_url.rstrip('/')}/staff/tickets/{quote(ticket.key)}"


def digest_url(csm_id: str, *, public_url: str) -> str:
    """The CSM's digest page on the staff dashboard."""
    return f"{public_url.rstrip('/')}/staff/digest/{quote(csm_id)}"


def queue_url(account_id: str, *, public_url: str) -> str:
    """The staff queue showing one account's open tickets, soonest breach first."""
    return f"{public_url.rstrip('/')}/staff?{urlencode({'account': account_id})}"


def gaps_url(*, public_url: str) -> str:
    """The knowledge gaps page: every question the docs did not answer, grouped."""
    return f"{public_url.rstrip('/')}/staff/gaps"
