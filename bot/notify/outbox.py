"""The outbox worker: delivers queued notifications, retrying with back-off, never silently.

Each due item goes to the notifier of its transport. A :class:`~bot.notify.DeliveryError` is
retried after an exponential back-off (30 s, 1 min, 2 min ... capped at one hour) or after the
``retry_after`` the far side asked for; after ``max_attempts`` attempts, or at once for a
permanent error or a transport nobody configured, the item is marked ``failed`` — it stays in
the outbox with its last error, visible in ``deskbot sla check`` and the dashboard.

A rate limit holds back a whole far side, not one item: after Slack answers 429 with
``Retry-After: 30``, every item bound for Slack (escalation pings, card refreshes, customer
messages in Slack threads) waits those 30 s without another call — in this pass and the next
ones — while the webhooks, e-mails and web chats go on.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

from bot.clock import Clock, utc_now
from bot.notify import DeliveryError, Notifier, Routed
from bot.store.notifications import NotificationStore
from bot.store.records import OutboxItem

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.outbox")

BASE_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=1)


def backoff(
    attempts: int, *, base: dt.timedelta = BASE_DELAY, cap: dt.timedelta = MAX_DELAY
) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt (1-based): base × 2^(attempts-1)."""
    return min(cap, base * (2 ** max(0, min(attempts - 1, 20))))


class OutboxWorker:
    """Delivers due outbox items; run it from one process (the scheduler's lease holder)."""

    def __init__(
        self,
        notifications: NotificationStore,
        notifiers: Mapping[str, Notifier],
        *,
        clock: Clock = utc_now,
        max_attempts: int = 8,
        base_delay: dt.timedelta = BASE_DELAY,
        max_delay: dt.timedelta = MAX_DELAY,
        batch: int = 100,
        max_batches: int = 20,
    ) -> None:
        self.notifications = notifications
        self.notifiers = notifiers  # a live map: transports registered later count
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.batch = batch
        self.max_batches = max_batches
        # far side -> until when it asked us not to call (its Retry-After)
        self.held: dict[str, dt.datetime] = {}

    @classmethod
    def from_context(
        cls, ctx: AppContext, notifiers: Mapping[str, Notifier], *, clock: Clock = utc_now
    ) -> OutboxWorker:
        return cls(
            ctx.notifications,
            notifiers,
            clock=clock,
            max_attempts=ctx.config.notifications.max_attempts,
        )

    def deliver_due(self, now: dt.datetime | None = None) -> int:
        """Attempt every item due at ``now``; returns how many were delivered."""
        now = now if now is not None else self.clock()
        sent = 0
        seen: set[int] = set()
        for _ in range(self.max_batches):
            items = [i for i in self.notifications.due(now, limit=self.batch) if i.id not in seen]
            if not items:
                break
            for item in items:
                seen.add(item.id)
                sent += self.deliver(item, now=now)
        return sent

    def deliver(self, item: OutboxItem, *, now: dt.datetime) -> bool:
        """One attempt at one item; its outcome is recorded in the outbox."""
        notifier = self.notifiers.get(item.transport)
        if notifier is None:
            self._failed(item, now, f"no notifier for transport {item.transport!r}", give_up=True)
            return False
        until = self._held_until(notifier, item, now)
        if until is not None:
            # Not an attempt: the far side asked everyone to wait, so this item was not tried.
            self.notifications.postpone(item.id, until=until)
            return False
        try:
            notifier.deliver(item)
        except DeliveryError as exc:
            attempts = item.attempts + 1
            give_up = exc.permanent or attempts >= self.max_attempts
            wait = backoff(attempts, base=self.base_delay, cap=self.max_delay)
            if exc.retry_after is not None:
                wait = dt.timedelta(seconds=max(1.0, exc.retry_after))
                if exc.service is not None:
                    self.held[exc.service] = max(now + wait, self.held.get(exc.service, now))
            self._failed(item, now, str(exc) or type(exc).__name__, give_up=give_up, wait=wait)
            return False
        except Exception as exc:
            # A bug in a notifier: keep the item and retry it like a transient failure.
            log.exception("notifier crashed", extra={"outbox_id": item.id})
            attempts = item.attempts + 1
            self._failed(
                item, now, f"{type(exc).__name__}: {exc}",
                give_up=attempts >= self.max_attempts,
                wait=backoff(attempts, base=self.base_delay, cap=self.max_delay),
            )  # fmt: skip
            return False
        self.notifications.mark_sent(item.id, now=now)
        return True

    def _held_until(
        self, notifier: Notifier, item: OutboxItem, now: dt.datetime
    ) -> dt.datetime | None:
        """When the far side ``item`` is bound for asked us to wait past ``now``, until when."""
        self.held = {name: until for name, until in self.held.items() if until > now}
        if not self.held or not isinstance(notifier, Routed):
            return None  # asked only while something is held: a customer item costs a lookup
        try:
            service = notifier.service_of(item)
        except Exception:
            log.exception("could not tell where an item goes", extra={"outbox_id": item.id})
            return None
        return self.held.get(service) if service is not None else None

    def _failed(
        self,
        item: OutboxItem,
        now: dt.datetime,
        error: str,
        *,
        give_up: bool,
        wait: dt.timedelta = dt.timedelta(0),
    ) -> None:
        self.notifications.mark_retry(item.id, error=error, retry_at=now + wait, give_up=give_up)
        extra = {"outbox_id": item.id, "transport": item.transport, "target": item.target,
                 "attempts": item.attempts + 1, "error": error}  # fmt: skip
        if give_up:
            log.error("notification failed; giving up", extra=extra)
        else:
            log.warning("notification failed; will retry", extra={**extra, "retry_at": now + wait})
