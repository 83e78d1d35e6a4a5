"""/healthz (readiness), /healthz/live (liveness) and /metrics.

Liveness says the process answers; restart it when it does not. Readiness says this worker can
do its job now: the database answers *and takes writes* (a read-only SQLite file or a standby
answers ``SELECT 1`` but loses every message), and the docs index is loaded. The scheduler lease
is reported too (some process must hold it for escalations to fire), without failing readiness:
a web worker serves chat whoever runs the scheduler. Answers carry states, never error text.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import __version__
from bot.errors import ServiceUnavailable
from bot.service.deps import ContextDep, MetricsDep
from bot.web.auth import NotSignedIn

router = APIRouter(tags=["operations"])
SCHEDULER_LEASE = "scheduler"  # bot.scheduler.lease.LEASE_NAME
_FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")


@router.get("/healthz/live", summary="Liveness: the process answers")
def live() -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__})


@router.get("/healthz", summary="Readiness: database (reads and writes), docs index, scheduler")
def healthz(request: Request, ctx: ContextDep) -> JSONResponse:
    checks: dict[str, str] = {}
    try:
        ctx.db.ping()
        checks["database"] = "ok"
    except ServiceUnavailable:
        checks["database"] = "unavailable"
    if checks["database"] == "ok":
        try:
            ctx.db.check_writes()
            checks["writes"] = "ok"
        except ServiceUnavailable:
            checks["writes"] = "refused"
    else:
        checks["writes"] = "unavailable"
    # Set by bot.service.warmup: loading | ok | failed; absent when this app does not load it.
    checks["index"] = str(getattr(request.app.state, "index_status", "not loaded here"))
    checks["scheduler"] = _scheduler(ctx)
    ready = (
        checks["database"] == "ok"
        and checks["writes"] == "ok"
        and checks["index"] not in ("loading", "failed")
    )
    body = {"status": "ok" if ready else "unavailable", "ready": ready, **checks}
    return JSONResponse(body | {"version": __version__}, status_code=200 if ready else 503)


@router.get("/healthz/ready", summary="Readiness (the same as /healthz)")
def ready(request: Request, ctx: ContextDep) -> JSONResponse:
    return healthz(request, ctx)


def _from_this_host(request: Request) -> bool:
    """A direct loopback client. A request a proxy forwarded is not one, even when the proxy
    runs here (uvicorn may already have replaced the client address with the forwarded one,
    but the forwarding headers stay)."""
    host = request.client.host if request.client is not None else ""
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    return loopback and not any(h in request.headers for h in _FORWARDING_HEADERS)


def _scheduler(ctx: ContextDep) -> str:
    if not ctx.settings.scheduler:
        return "off"
    try:
        holder = ctx.leases.holder(SCHEDULER_LEASE, now=dt.datetime.now(dt.UTC))
    except ServiceUnavailable:
        return "unknown"
    return "held" if holder else "not held"


@router.get("/metrics", summary="Prometheus metrics", response_class=Response)
def metrics(request: Request, ctx: ContextDep, m: MetricsDep) -> Response:
    """With ``DESKBOT_METRICS_TOKEN`` set: for ``Authorization: Bearer <token>`` only. Without
    it: only for a scraper on this host (a loopback client, not forwarded by a proxy)."""
    token = ctx.settings.metrics_token
    if token is not None:
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), token.get_secret_value().encode()):
            raise NotSignedIn("send the metrics token as 'Authorization: Bearer <token>'")
    elif not _from_this_host(request):
        raise NotSignedIn(
            "metrics are served to this host only; set DESKBOT_METRICS_TOKEN and send it as "
            "'Authorization: Bearer <token>' to scrape from elsewhere"
        )
    m.outbox_pending.set(ctx.notifications.counts().get("pending", 0))
    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)
