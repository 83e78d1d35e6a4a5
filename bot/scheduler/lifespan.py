"""The scheduler in the service's lifespan (listed in ``bot.service.app.LIFESPAN_MODULES``).

With ``DESKBOT_SCHEDULER=true`` (the default) every web worker starts a scheduler; only the
one holding the database lease runs the SLA scan, the outbox and the digests (see
:mod:`bot.scheduler.runner`). With ``DESKBOT_SCHEDULER=false`` none runs here: run
``deskbot sla check`` from cron instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.context import AppContext


@asynccontextmanager
async def lifespan(app: Any, ctx: AppContext) -> AsyncIterator[None]:
    if not ctx.settings.scheduler:
        yield
        return
    from bot.notify.registry import build_notifiers, close_notifiers
    from bot.scheduler.runner import SchedulerRunner

    notifiers = build_notifiers(ctx)
    runner = SchedulerRunner.from_context(ctx, notifiers=notifiers)
    ctx.desk.listeners.append(runner.on_ticket_changed)
    app.state.scheduler = runner
    runner.start()
    try:
        yield
    finally:
        if runner.on_ticket_changed in ctx.desk.listeners:
            ctx.desk.listeners.remove(runner.on_ticket_changed)
        runner.shutdown()
        close_notifiers(notifiers)
