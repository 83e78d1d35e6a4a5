"""Notifications: escalation pings, new-ticket posts and digests, delivered from the outbox.

Each transport implements :class:`Notifier`. Delivery is at-least-once from the outbox
(``bot.store.notifications``): an item that fails is retried with back-off (honouring a
``retry_after`` from the transport, e.g. Slack's 429 ``Retry-After``) and stays visible as
``failed`` when we give up — never lost silently.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.store.records import OutboxItem


class DeliveryError(Exception):
    """A delivery failed. ``retry_after`` in seconds when the far side said so;
    ``permanent`` when retrying cannot help (bad channel id, revoked token); ``service`` names
    the far side when it asked us to wait (a rate limit: every item bound for it waits)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        permanent: bool = False,
        service: str | None = None,
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent
        self.service = service


class Notifier(Protocol):
    """Delivers one outbox item of its transport (``item.transport``)."""

    transport: str

    def deliver(self, item: OutboxItem) -> None:
        """Send it, or raise :class:`DeliveryError`."""
        ...


@runtime_checkable
class Routed(Protocol):
    """A notifier that can tell, without sending, which far side an item would go to (e.g.
    ``"slack"``), so the outbox holds it back while that side asked us to wait."""

    def service_of(self, item: OutboxItem) -> str | None: ...
