"""``deskbot demo seed`` on a running service pages nobody: the week it makes up is history."""

from __future__ import annotations

import asyncio
import datetime as dt
from types import SimpleNamespace

import pytest

from bot.context import AppContext
from bot.digest.demo import seed_demo
from bot.scheduler.scanner import SlaScanner
from bot.sla_clocks import seeded_until
from bot.store.tickets import TicketFilter


@pytest.mark.slow
def test_seeding_with_the_scheduler_running_delivers_nothing(ctx: AppContext) -> None:
    from bot.scheduler.lifespan import lifespan

    app = SimpleNamespace(state=SimpleNamespace())

    async def run() -> None:
        async with lifespan(app, ctx):
            runner = app.state.scheduler
            for _ in range(200):  # the lease job runs at start: 10 s at most
                if runner.active:
                    break
                await asyncio.sleep(0.05)
            assert runner.active
            now = dt.datetime.now(dt.UTC)
            # The seed runs while the scheduler's jobs and wake-ups are live.
            # a whole week, so working days with breaches are in it whatever today is
            await asyncio.to_thread(seed_demo, ctx, now=now, days=7)
            runner.run_scan()
            runner.run_outbox()
            await asyncio.sleep(0.5)

    asyncio.run(run())
    tickets = ctx.tickets.query(TicketFilter(limit=1000))
    assert len(tickets) > 5 and all(seeded_until(t) is not None for t in tickets)
    # Plenty of those tickets breached in the made-up week; none of it was sent.
    assert any(c.breached for t in tickets for c in t.clocks)
    assert ctx.notifications.items(limit=1000) == []
    assert ctx.notifications.escalations(since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)) == []


def test_steps_after_the_seed_still_fire(ctx: AppContext) -> None:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    seed_demo(ctx, now=now, days=2)
    scanner = SlaScanner.from_context(ctx, clock=lambda: now)
    assert scanner.scan(now).fired == []
    later = now + dt.timedelta(days=3)
    fired = scanner.scan(later).fired
    assert fired and all(step.fire_at > now for step in fired)
