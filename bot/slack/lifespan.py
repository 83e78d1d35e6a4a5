"""Starts Slack with the service when ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are set.

HTTP mode is always on (``POST /slack/events``, :mod:`bot.slack.routes`); with
``SLACK_APP_TOKEN`` the app also connects over Socket Mode, for workspaces that cannot reach
the service from the internet. Nothing talks to Slack here: the bot identity is looked up on
the first event. Slack delivery ids older than a week are forgotten at start.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from slack_bolt import App
from starlette.concurrency import run_in_threadpool

from bot.context import AppContext
from bot.settings import Settings
from bot.slack.app import build_bolt_app
from bot.slack.messages import replay_kept
from bot.slack.runtime import SlackRuntime
from bot.slack.spool import Spool, SpoolWorker
from bot.triage.factory import redactor_from

log = logging.getLogger("deskbot.slack")


@dataclass
class SlackService:
    """What the route needs: the bolt app and the runtime behind it."""

    bolt: App
    runtime: SlackRuntime


def build_service(ctx: AppContext, *, runtime: SlackRuntime | None = None) -> SlackService:
    settings = ctx.settings
    assert settings.slack_signing_secret is not None and ctx.slack_client is not None
    rt = runtime or SlackRuntime(ctx=ctx, client=ctx.slack_client, clock=ctx.clock)
    if rt.spool is None:
        rt.spool = Spool(settings.home / "spool" / "slack", redactor=redactor_from(settings))
    executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="slack")
    bolt = build_bolt_app(
        rt, signing_secret=settings.slack_signing_secret.get_secret_value(), executor=executor
    )
    return SlackService(bolt=bolt, runtime=rt)


@asynccontextmanager
async def lifespan(
    app: FastAPI, ctx: AppContext, *, runtime: SlackRuntime | None = None
) -> AsyncIterator[None]:
    """``runtime``: a prepared one (tests); else built on the context's Slack client. Slack's
    outbound side (the notifier, the customer's threads) is the context's, built with it."""
    app.state.slack = None
    settings = ctx.settings
    if not settings.slack_enabled or ctx.slack_client is None:
        log.info("slack disabled: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are not both set")
        yield
        return
    service = build_service(ctx, runtime=runtime)
    app.state.slack = service
    # Old delivery ids go at start-up and then every few hundred events (SlackRuntime).
    pruned = await run_in_threadpool(service.runtime.prune_deliveries)
    if pruned:
        log.info("forgot %d old slack delivery ids", pruned)
    # The service's own settings decide Socket Mode (the context's are the same outside tests).
    socket = await _start_socket_mode(service.bolt, getattr(app.state, "settings", settings))
    log.info("slack enabled", extra={"socket_mode": socket is not None})
    # Messages kept while the database was down are answered when it is back (and at start).
    spool = SpoolWorker(lambda: replay_kept(service.runtime))
    spool.start()
    try:
        yield
    finally:
        spool.stop()
        if socket is not None:
            socket.close()
        app.state.slack = None
        executor = service.bolt.listener_runner.listener_executor
        executor.shutdown(wait=True, cancel_futures=False)


async def _start_socket_mode(bolt: App, settings: Settings) -> Any:
    """Connect over Socket Mode when ``SLACK_APP_TOKEN`` is set. A failure is logged, not
    fatal: HTTP mode keeps working and the service still starts."""
    token = settings.slack_app_token
    if token is None:
        return None
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    handler = SocketModeHandler(bolt, token.get_secret_value(), web_client=bolt.client)
    try:
        await run_in_threadpool(handler.connect)  # the client then runs on its own threads
    except Exception:
        log.exception("slack socket mode could not connect; HTTP mode only")
        return None
    return handler
