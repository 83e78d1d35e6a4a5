"""``create_app``: the FastAPI service. Everything heavy is built in the lifespan."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response

from bot import __version__
from bot.context import AppContext, build_context
from bot.service import errors
from bot.service.bodylimit import BodyLimit, RouteLimits
from bot.service.metrics import Metrics
from bot.settings import Settings
from bot.web.auth import may_upload
from bot.web.ratelimit import RateLimits

log = logging.getLogger("deskbot.service")

# Modules with ``router`` (an APIRouter) mounted at creation.
ROUTER_MODULES: tuple[str, ...] = ("bot.service.health", "bot.web.routes", "bot.slack.routes")
# Modules with ``async def lifespan(app, ctx)`` (an async context manager) started in order:
# the scheduler, Slack, the knowledge base warm-up...
LIFESPAN_MODULES: tuple[str, ...] = (
    "bot.service.warmup",
    "bot.slack.lifespan",
    "bot.scheduler.lifespan",
)


def create_app(
    settings: Settings,
    *,
    context: AppContext | None = None,
    lifespan_modules: tuple[str, ...] | None = None,
) -> FastAPI:
    """Build the app. ``context`` lets tests hand in a prepared one."""
    parts = LIFESPAN_MODULES if lifespan_modules is None else lifespan_modules

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ctx = context if context is not None else build_context(settings)
        app.state.ctx = ctx
        async with AsyncExitStack() as stack:
            for name in parts:
                await stack.enter_async_context(importlib.import_module(name).lifespan(app, ctx))
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
    for name in ROUTER_MODULES:
        app.include_router(importlib.import_module(name).router)

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
