"""``POST /slack/events``: Events API, interactivity, slash commands and options, through
bolt's FastAPI/Starlette adapter. Signature and the 5-minute replay window are checked by
bolt before anything runs (401 otherwise). The body is capped while it is read
(``DESKBOT_MAX_SLACK_BODY_KB``, :mod:`bot.service.bodylimit`)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool

from bot.errors import DeskbotError, InvalidInput, NotFound, ServiceUnavailable

log = logging.getLogger("deskbot.slack")
router = APIRouter(tags=["slack"])


class BadSignature(DeskbotError):
    http_status = 401


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
    # bolt reads the timestamp with int(): anything else is not a signed Slack request.
    if not request.headers.get("x-slack-request-timestamp", "").strip().isdigit():
        raise BadSignature("bad or stale signature")
    body = await request.body()
    # bolt is synchronous: dispatch off the event loop so one slow ack cannot stall others.
    try:
        response = await run_in_threadpool(service.bolt.dispatch, to_bolt_request(request, body))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        # bolt trusts the shape of signed payloads; a malformed one must not be a 500.
        log.warning("malformed slack payload: %s: %s", type(exc).__name__, exc)
        raise InvalidInput("malformed Slack payload") from exc
    return to_starlette_response(response)
