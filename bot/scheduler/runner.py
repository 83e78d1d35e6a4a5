"""The scheduler's jobs on APScheduler 3, run only while this process holds the lease.

Always scheduled: ``lease`` (every 15 s) takes or renews the lease. While held:

- ``sla-scan`` every 30 s (coalesced): the safety net that catches everything due;
- ``sla-wakeup``: a one-shot at the earliest pending escalation (``next_wakeup``), re-armed
  after each scan and whenever a ticket changes to something earlier, so a step fires at its
  time rather than up to 30 s later. ``misfire_grace_time=None``: a wake-up whose time passed
  while the process was busy still runs (APScheduler's default would silently drop it);
- ``outbox`` every 10 s: deliver queued notifications;
- ``digests`` every 60 s: the CSMs' morning digests (:func:`bot.digest.send_due_digests`).

Losing the lease removes those jobs; another process that takes it over starts them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler

from bot.clock import Clock, utc_now
from bot.desk import Change
from bot.digest.delivery import send_due_digests
from bot.notify import Notifier
from bot.notify.outbox import OutboxWorker
from bot.scheduler.lease import RENEW_EVERY, SchedulerLease
from bot.scheduler.scanner import ScanReport, SlaScanner

if TYPE_CHECKING:
    from bot.context import AppContext

log = logging.getLogger("deskbot.scheduler")

SCAN_EVERY = dt.timedelta(seconds=30)
OUTBOX_EVERY = dt.timedelta(seconds=10)
DIGEST_EVERY = dt.timedelta(seconds=60)
WAKEUP = "sla-wakeup"
ACTIVE_JOBS = ("sla-scan", "outbox", "digests", WAKEUP)


class SchedulerRunner:
    def __init__(
        self,
        *,
        scanner: SlaScanner,
        worker: OutboxWorker,
        lease: SchedulerLease,
        next_wakeup: Callable[[], dt.datetime | None],
        digests: Callable[[dt.datetime], object] | None = None,
        scheduler: BaseScheduler | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self.scanner = scanner
        self.worker = worker
        self.lease = lease
        self.next_wakeup = next_wakeup
        self.digests = digests
        self.scheduler = scheduler or BackgroundScheduler(timezone=dt.UTC)
        self.clock = clock
        self.active = False
        self.armed_at: dt.datetime | None = None
        self._lock = threading.RLock()
        self._scanning = 0
        self._stopped = False

    @classmethod
    def from_context(
        cls,
        ctx: AppContext,
        *,
        notifiers: Mapping[str, Notifier] | None = None,
        scheduler: BaseScheduler | None = None,
        clock: Clock | None = None,
        holder: str | None = None,
    ) -> SchedulerRunner:
        """``notifiers``: the outbox transports (default: the context's)."""
        clock = clock or ctx.clock
        return cls(
            scanner=SlaScanner.from_context(ctx, clock=clock),
            worker=OutboxWorker.from_context(
                ctx, ctx.transports if notifiers is None else notifiers, clock=clock
            ),
            lease=SchedulerLease(ctx.leases, holder=holder),
            next_wakeup=ctx.tickets.next_wakeup,
            digests=lambda now: send_due_digests(ctx, now),
            scheduler=scheduler,
            clock=clock,
        )

    # -- life ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the scheduler with the lease job, which runs at once and every 15 s."""
        self.scheduler.add_job(
            self.tick, "interval", seconds=RENEW_EVERY.total_seconds(), id="lease",
            coalesce=True, max_instances=1, next_run_time=self.clock(), replace_existing=True,
        )  # fmt: skip
        self.scheduler.start()

    def shutdown(self) -> None:
        # Jobs must stop touching the scheduler first: APScheduler's shutdown(wait=True) holds
        # its job-store lock while it waits for running jobs, so a job that then adds or
        # removes a job would deadlock it.
        with self._lock:
            self._stopped = True
            self.active = False
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        try:
            self.lease.release()
        except Exception:
            log.exception("could not release the scheduler lease")

    # -- the lease -------------------------------------------------------------------------
    def tick(self, now: dt.datetime | None = None) -> bool:
        """Take or renew the lease; start or stop the jobs accordingly. Whether active."""
        held = self.lease.hold(now or self.clock())
        with self._lock:
            if self._stopped:
                return False
            if held and not self.active:
                self._activate()
            elif not held and self.active:
                self._deactivate()
            return self.active

    def _activate(self) -> None:
        self.active = True
        add = self.scheduler.add_job
        add(self.run_scan, "interval", seconds=SCAN_EVERY.total_seconds(), id="sla-scan",
            coalesce=True, max_instances=1, replace_existing=True)  # fmt: skip
        add(self.run_outbox, "interval", seconds=OUTBOX_EVERY.total_seconds(), id="outbox",
            coalesce=True, max_instances=1, replace_existing=True)  # fmt: skip
        if self.digests is not None:
            add(self.run_digests, "interval", seconds=DIGEST_EVERY.total_seconds(),
                id="digests", coalesce=True, max_instances=1, replace_existing=True)  # fmt: skip
        # Whatever fell due while no process held the lease fires now (marked late).
        self.arm(self.next_wakeup(), force=True)

    def _deactivate(self) -> None:
        self.active = False
        self.armed_at = None
        for job_id in ACTIVE_JOBS:
            self._remove(job_id)

    def job_ids(self) -> list[str]:
        return sorted(job.id for job in self.scheduler.get_jobs())

    # -- the one-shot wake-up --------------------------------------------------------------
    def arm(self, at: dt.datetime | None, *, force: bool = False) -> None:
        """Run a scan at ``at`` (earlier than the armed one, or always with ``force``)."""
        with self._lock:
            if not self.active or self._stopped:
                return
            if at is None:
                if force:
                    self._remove(WAKEUP)
                    self.armed_at = None
                return
            if not force and self.armed_at is not None and self.armed_at <= at:
                return
            self._remove(WAKEUP)
            self.scheduler.add_job(
                self.run_wakeup, "date", run_date=at, id=WAKEUP, misfire_grace_time=None,
                coalesce=True, max_instances=1,
            )  # fmt: skip
            self.armed_at = at

    def on_ticket_changed(self, change: Change) -> None:
        """A desk listener: bring the wake-up forward if this ticket escalates sooner."""
        ticket = change.ticket
        if self._scanning:
            return  # the scan's own re-derivations; it re-arms when it ends
        times = [c.next_escalation_at for c in ticket.clocks if c.next_escalation_at]
        if times:
            self.arm(min(times))

    # -- jobs ------------------------------------------------------------------------------
    def run_scan(self) -> ScanReport | None:
        if not self.active:
            return None
        with self._lock:
            self._scanning += 1
        try:
            report = self.scanner.scan(self.clock())
        finally:
            with self._lock:
                self._scanning -= 1
        upcoming = report.next_wakeup
        if upcoming is not None and upcoming <= report.now:
            # Due at this scan yet not fired (its ticket failed): the periodic scan retries;
            # a wake-up now would spin.
            upcoming = None
        self.arm(upcoming, force=True)
        return report

    def run_wakeup(self) -> None:
        with self._lock:
            self.armed_at = None
        self.run_scan()

    def run_outbox(self) -> int:
        return self.worker.deliver_due(self.clock()) if self.active else 0

    def run_digests(self) -> None:
        if self.active and self.digests is not None:
            self.digests(self.clock())

    def _remove(self, job_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self.scheduler.remove_job(job_id)
