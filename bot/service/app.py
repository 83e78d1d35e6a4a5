"""``create_app``: the FastAPI service. Everything heavy is built in the lifespan."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI, Request, Response

from bot import __version__
from bot.context import AppContext, build_context
from bot.email import lifespan as email_lifespan
from bot.email import routes as email_routes
from bot.scheduler import lifespan as scheduler_lifespan
from bot.service import errors, health, warmup
from bot.service.bodylimit import BodyLimit, RouteLimits
from bot.service.metrics import Metrics
from bot.settings import Settings
from bot.slack import lifespan as slack_lifespan
from bot.slack import routes as slack_routes
from bot.web import routes as web_routes
from bot.web.auth import may_upload
from bot.web.ratelimit import RateLimits

if TYPE_CHECKING:
    from bot.slack.runtime import SlackRuntime

log = logging.getLogger("deskbot.service")

Part = Literal["warmup", "slack", "email", "scheduler"]
# What the lifespan starts, in this order (and stops in the reverse one).
PARTS: tuple[Part, ...] = ("warmup", "slack", "email", "scheduler")


def create_app(
    settings: Settings,
    *,
    context: AppContext | None = None,
    start: Collection[Part] = PARTS,
    slack: SlackRuntime | None = None,
) -> FastAPI:
    """Build the app. ``context``: a prepared application (tests; else built from
    ``settings`` at start); ``start``: which background parts run; ``slack``: a prepared
    Slack runtime (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context if context is not None else build_context(settings)
        app.state.ctx = ctx
        async with AsyncExitStack() as stack:
            # 1. the knowledge base loads in the background; /healthz reports it
            if "warmup" in start:
                await stack.enter_async_context(warmup.lifespan(app, ctx))
            # 2. Slack events (HTTP, and Socket Mode when configured)
            if "slack" in start:
                await stack.enter_async_context(slack_lifespan.lifespan(app, ctx, runtime=slack))
            # 3. the support mailbox, read over IMAP
            if "email" in start:
                await stack.enter_async_context(email_lifespan.lifespan(app, ctx))
            # 4. the SLA scan, the outbox and the digests (in the lease holder only)
            if "scheduler" in start:
                await stack.enter_async_context(scheduler_lifespan.lifespan(app, ctx))
            log.info("service started", extra={"accounts": len(ctx.config.accounts)})
            yield
        if context is None:
            ctx.close()

    app = FastAPI(
        title="deskbot",
        version=__version__,
        description="Support desk API: chat, tickets, SLA clocks, Slack events.",
        lifespan=lifespan,
        # /docs is served from the package by bot.web.apidocs (no CDN); no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.metrics = Metrics()
    app.state.rate_limits = RateLimits.from_settings(settings)
    for router in (health.router, web_routes.router, slack_routes.router, email_routes.router):
        app.include_router(router)

    errors.install(app)

    @app.middleware("http")
    async def _observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route: Any = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        metrics: Metrics = request.app.state.metrics
        metrics.requests.labels(request.method, path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.perf_counter() - started)
        return response

    # Outermost: bodies are counted before any route (or the metrics above) reads them.
    limits = RouteLimits(settings, may_upload=may_upload)
    app.add_middleware(BodyLimit, limits=limits)
    return app
