"""The lease decides which process runs the jobs; the wake-up is armed at the next step.

Time is moved by passing ``now``: the APScheduler instances here are never started, so their
job lists are inspected, not run — except in the one bounded real-scheduler test at the end.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.context import AppContext
from bot.notify.log import LogNotifier
from bot.scheduler.runner import SchedulerRunner
from tests.conftest import NOW
from tests.scheduler.conftest import H, M, open_ticket

S = dt.timedelta(seconds=1)


def _runner(
    ctx: AppContext, holder: str, clock: Callable[[], dt.datetime] = lambda: NOW
) -> SchedulerRunner:
    return SchedulerRunner.from_context(
        ctx,
        notifiers={"log": LogNotifier()},
        scheduler=BackgroundScheduler(timezone=dt.UTC),
        clock=clock,
        holder=holder,
    )


def test_only_the_lease_holder_runs_jobs_and_the_other_takes_over(ctx: AppContext) -> None:
    a, b = _runner(ctx, "a"), _runner(ctx, "b")
    assert a.tick(NOW) is True and b.tick(NOW) is False
    assert a.job_ids() == ["digests", "outbox", "sla-scan"] and b.job_ids() == []
    # a renews every 15 s; b keeps trying and keeps failing
    for seconds in (15, 30, 45, 60, 75):
        assert a.tick(NOW + seconds * S) and not b.tick(NOW + seconds * S + S)
    # a hangs: its lease (renewed at +75 s, TTL 60 s) expires at +135 s
    assert not b.tick(NOW + 134 * S)
    assert b.tick(NOW + 135 * S) and b.job_ids() == ["digests", "outbox", "sla-scan"]
    assert ctx.leases.holder("scheduler", now=NOW + 135 * S) == "b"
    # a wakes up, finds the lease taken and stops its jobs
    assert a.tick(NOW + 140 * S) is False and a.job_ids() == []
    assert a.run_outbox() == 0 and a.run_scan() is None


def test_shutdown_releases_the_lease_for_an_immediate_takeover(ctx: AppContext) -> None:
    a, b = _runner(ctx, "a"), _runner(ctx, "b")
    a.tick(NOW)
    a.shutdown()
    assert b.tick(NOW + S)


def test_the_wakeup_is_armed_at_the_next_step_and_moved_earlier_by_changes(
    ctx: AppContext,
) -> None:
    ticket = open_ticket(ctx, priority="P3")  # enterprise P3: 1 h first response → 50% at +30 min
    runner = _runner(ctx, "a")
    ctx.desk.listeners.append(runner.on_ticket_changed)
    runner.tick(NOW)
    assert runner.armed_at == NOW + 30 * M
    assert runner.scheduler.get_job("sla-wakeup").trigger.run_date == NOW + 30 * M
    # a P1 for acme (15 min first response) escalates sooner: 50% at +7.5 min
    open_ticket(ctx, priority="P1", at=NOW + M)
    assert runner.armed_at == NOW + M + dt.timedelta(minutes=7.5)
    # a later escalation does not push the wake-up back
    open_ticket(ctx, priority="P4", at=NOW + 2 * M)
    assert runner.armed_at == NOW + M + dt.timedelta(minutes=7.5)
    job = runner.scheduler.get_job("sla-wakeup")
    assert job.misfire_grace_time is None
    assert ticket.id


def test_a_scan_fires_and_re_arms_at_the_following_step(ctx: AppContext) -> None:
    now = [NOW]
    open_ticket(ctx)
    runner = _runner(ctx, "a", clock=lambda: now[0])
    runner.tick(NOW)
    now[0] = NOW + 30 * M
    runner.run_wakeup()
    assert [e.level for e in ctx.notifications.escalations()] == [0]
    assert runner.armed_at == NOW + 45 * M
    now[0] = NOW + 30 * M + 5 * S
    assert runner.run_outbox() == 1


def test_missed_steps_fire_on_takeover_marked_late(ctx: AppContext) -> None:
    open_ticket(ctx)
    now = [NOW + 2 * H]  # nobody ran the scheduler for two hours
    runner = _runner(ctx, "a", clock=lambda: now[0])
    runner.tick(now[0])
    assert runner.armed_at == NOW + 30 * M  # in the past: APScheduler runs it at once
    runner.run_wakeup()
    assert [(e.level, e.late) for e in ctx.notifications.escalations()] == [
        (0, True),
        (1, True),
        (2, True),
    ]
    assert runner.armed_at == NOW + 4 * H  # the resolution clock's 50% step


def test_a_stuck_ticket_does_not_make_the_wakeup_spin(ctx: AppContext) -> None:
    open_ticket(ctx)
    runner = _runner(ctx, "a", clock=lambda: NOW + 31 * M)
    runner.tick(NOW + 31 * M)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database hiccup")

    runner.scanner.batches = SimpleNamespace(fire=broken)  # type: ignore[assignment]
    report = runner.run_scan()
    assert report is not None and report.errors
    assert runner.armed_at is None, "the periodic scan retries; no immediate wake-up"


def test_disabled_scheduler_starts_nothing(ctx: AppContext) -> None:
    from bot.scheduler.lifespan import lifespan

    ctx.settings.scheduler = False
    app = SimpleNamespace(state=SimpleNamespace())

    async def run() -> None:
        async with lifespan(app, ctx):
            assert not hasattr(app.state, "scheduler")

    asyncio.run(run())


@pytest.mark.slow
def test_the_real_scheduler_fires_a_due_step_in_the_lifespan(ctx: AppContext) -> None:
    """Bounded: the lease job runs at start, the overdue wake-up at once; 10 s at most."""
    from bot.scheduler.lifespan import lifespan

    ticket = open_ticket(ctx)  # opened at NOW, days before the real clock: all steps overdue
    app = SimpleNamespace(state=SimpleNamespace())

    async def run() -> list[int]:
        async with lifespan(app, ctx):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                levels = [e.level for e in ctx.notifications.escalations(ticket.id)]
                if len([x for x in levels]) >= 6:
                    break
                await asyncio.sleep(0.05)
            runner = app.state.scheduler
            assert runner.active and ticket.id
        assert runner.on_ticket_changed not in ctx.desk.listeners
        return [e.level for e in ctx.notifications.escalations(ticket.id)]

    levels = asyncio.run(run())
    assert sorted(levels) == [0, 0, 1, 1, 2, 2]  # both clocks, all three steps, once each
    assert ctx.leases.holder("scheduler", now=dt.datetime.now(dt.UTC)) is None, "released"
