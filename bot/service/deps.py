"""Typed dependencies for routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from bot.context import AppContext
from bot.service.metrics import Metrics


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


ContextDep = Annotated[AppContext, Depends(get_context)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
