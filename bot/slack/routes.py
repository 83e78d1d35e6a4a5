"""``POST /slack/events``: Events API, interactivity, slash commands and options, through
bolt's FastAPI/Starlette adapter. Signature and the 5-minute replay window are checked by
bolt before anything runs (401 otherwise)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.errors import InvalidInput, NotFound, ServiceUnavailable

log = logging.getLogger("deskbot.slack")
router = APIRouter(tags=["slack"])
MAX_BODY = 1024 * 1024  # Slack payloads are a few KB; anything this big is not Slack


@router.post(
    "/slack/events",
    summary="Slack Events API, interactivity, slash commands and options",
    responses={
        401: {"description": "bad or stale signature"},
        404: {"description": "Slack is not configured"},
    },
)
async def slack_events(request: Request) -> Response:
    service = getattr(request.app.state, "slack", None)
    if service is None:
        if not request.app.state.settings.slack_enabled:
            raise NotFound("Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET")
        raise ServiceUnavailable("Slack is configured but not running; see the service log")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise InvalidInput("payload too large for a Slack request")
    # bolt is synchronous: dispatch off the event loop so one slow ack cannot stall others.
    try:
        response = await run_in_threadpool(service.bolt.dispatch, to_bolt_request(request, body))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # bolt trusts the shape of signed payloads; a malformed one must not be a 500.
        log.warning("malformed slack payload: %s: %s", type(exc).__name__, exc)
        raise InvalidInput("malformed Slack payload") from exc
    return to_starlette_response(response)
