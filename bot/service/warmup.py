"""Load the docs bot (embedding model, indexes) in the background when the service starts.

The first question should not wait for the model; a failure here is logged, and the question
that needs the index gets the polite error reply instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bot.context import AppContext

log = logging.getLogger("deskbot.warmup")


@asynccontextmanager
async def lifespan(app: FastAPI, ctx: AppContext) -> AsyncIterator[None]:
    from bot.analytics import StatsCollector

    app.state.metrics.registry.register(StatsCollector(ctx))

    app.state.index_status = "loading"  # read by /healthz

    def load() -> None:
        try:
            if ctx.chat_model is not None:
                ctx.chat_model.warm_up()  # the first turn must not pay for importing clients
            knowledge = ctx.knowledge()
            warm_up = getattr(knowledge, "warm_up", None)  # the real knowledge base has it
            if callable(warm_up):
                warm_up()
            app.state.index_status = "ok"
            log.info("knowledge base ready")
        except Exception:
            app.state.index_status = "failed"
            log.exception("knowledge base failed to load; answers will apologise until fixed")

    threading.Thread(target=load, name="deskbot-warmup", daemon=True).start()
    yield
