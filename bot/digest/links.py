"""Where a digest item points: the ticket page, or the Slack thread the ticket lives in."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from bot.store.records import Ticket


def ticket_url(ticket: Ticket, *, public_url: str) -> str:
    """The Slack channel for Slack tickets (Slack opens it in the app), else the ticket page.

    ``app_redirect`` is Slack's documented deep link; it takes a channel, not a thread, so a
    Slack ticket's link opens its channel and the digest names the ticket key to find it.
    """
    if ticket.channel == "slack" and ticket.channel_ref:
        return "https://slack.com/app_redirect?" + urlencode({"channel": ticket.channel_ref})
    return f"{public_url.rstrip('/')}/tickets/{quote(ticket.key)}"


def digest_url(csm_id: str, *, public_url: str) -> str:
    """The CSM's digest page on the staff dashboard."""
    return f"{public_url.rstrip('/')}/staff/digest/{quote(csm_id)}"
