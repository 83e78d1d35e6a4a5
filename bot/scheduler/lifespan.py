"""The scheduler in the service's lifespan (started by ``bot.service.app``, after Slack).

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
    from bot.scheduler.runner import SchedulerRunner

    runner = SchedulerRunner.from_context(ctx)
    ctx.desk.listeners.append(runner.on_ticket_changed)
    app.state.scheduler = runner
    runner.start()
    try:
        yield
    finally:
        if runner.on_ticket_changed in ctx.desk.listeners:
            ctx.desk.listeners.remove(runner.on_ticket_changed)
        runner.shutdown()
