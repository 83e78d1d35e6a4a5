"""/healthz and /metrics."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import __version__
from bot.errors import ServiceUnavailable
from bot.service.deps import ContextDep, MetricsDep

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="Liveness and database check")
def healthz(ctx: ContextDep) -> JSONResponse:
    try:
        ctx.db.ping()
    except ServiceUnavailable as exc:
        return JSONResponse({"status": "unavailable", "database": str(exc)}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "version": __version__})


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(ctx: ContextDep, m: MetricsDep) -> Response:
    m.outbox_pending.set(ctx.notifications.counts().get("pending", 0))
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
