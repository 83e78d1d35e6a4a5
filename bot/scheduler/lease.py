"""Only one process runs the scheduler's jobs: the holder of the database lease ``scheduler``.

Every process that runs the scheduler tries to take the lease every 15 s; the holder renews it
(TTL 60 s). If the holder dies or hangs, its lease expires and the next process to try takes
over within about 75 s. Firing is idempotent per (ticket, clock, level) anyway, so a short
overlap during a takeover cannot send an escalation twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Iterator

from bot.errors import Conflict
from bot.store.coordination import Leases

log = logging.getLogger("deskbot.scheduler")

LEASE_NAME = "scheduler"
LEASE_TTL = dt.timedelta(seconds=60)
RENEW_EVERY = dt.timedelta(seconds=15)


def holder_id() -> str:
    """Unique per process start: host, pid and a random part (pids are reused in containers)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class SchedulerLease:
    def __init__(
        self,
        leases: Leases,
        *,
        holder: str | None = None,
        name: str = LEASE_NAME,
        ttl: dt.timedelta = LEASE_TTL,
    ) -> None:
        self.leases = leases
        self.holder = holder or holder_id()
        self.name = name
        self.ttl = ttl
        self.held = False

    def hold(self, now: dt.datetime) -> bool:
        """Take or renew the lease at ``now``; whether this process holds it now."""
        try:
            held = self.leases.acquire(self.name, self.holder, now=now, ttl=self.ttl)
        except Exception:
            # The database is down: assume the worst and stop running jobs until it is back.
            log.exception("scheduler lease check failed", extra={"holder": self.holder})
            held = False
        if held != self.held:
            log.info(
                "scheduler lease taken" if held else "scheduler lease lost",
                extra={"holder": self.holder, "lease": self.name},
            )
        self.held = held
        return held

    def release(self) -> None:
        if self.held:
            self.leases.release(self.name, self.holder)
            self.held = False


class LeaseBusy(Conflict):
    """Another process runs the scheduler's jobs: a pass by hand would race it."""


@contextlib.contextmanager
def exclusively(leases: Leases, *, now: dt.datetime, who: str = "sla-check") -> Iterator[None]:
    """Hold the scheduler's lease for one pass by hand (``deskbot sla check``), as the
    scheduler does, so the two never scan and deliver side by side; ``LeaseBusy`` (nothing
    done) while a live scheduler holds it. Released at the end of the pass."""
    lease = SchedulerLease(leases, holder=f"{who}:{holder_id()}")
    if not lease.hold(now):
        holder = leases.holder(LEASE_NAME, now=now) or "another process"
        raise LeaseBusy(
            f"the scheduler of {holder} is running the SLA jobs (it scans every 30 s and "
            "delivers every 10 s), so this check did nothing; use --at TIME for a dry run, "
            "or run checks by hand only with DESKBOT_SCHEDULER=false"
        )
    try:
        yield
    finally:
        lease.release()
