"""The error contract: every error answer is ``{"error": "<one sentence>"}`` (plus
``retry_after`` on a 429), never FastAPI's ``{"detail": ...}``, never the input echoed back,
never a host name, a port or a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bot.errors import DeskbotError, RateLimited

log = logging.getLogger("deskbot.service")
MAX_MESSAGE = 300


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the documented error shape."""
    app.add_exception_handler(DeskbotError, _deskbot_error)  # type: ignore[arg-type]
    app.add_exception_handler(RateLimited, _rate_limited)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _crashed)


def error_response(message: str, status: int, **extra: object) -> JSONResponse:
    return JSONResponse({"error": message[:MAX_MESSAGE], **extra}, status_code=status)


async def _deskbot_error(request: Request, exc: DeskbotError) -> JSONResponse:
    return error_response(str(exc), exc.http_status)


async def _rate_limited(request: Request, exc: RateLimited) -> JSONResponse:
    seconds = exc.retry_after
    response = error_response(str(exc), exc.http_status, retry_after=seconds)
    response.headers["Retry-After"] = str(seconds)
    return response


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    """Which field and what is wrong with it; the value itself is not repeated."""
    errors = exc.errors()
    if not errors:
        return error_response("invalid input", 422)
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
    what = str(first.get("msg", "is invalid"))
    if first.get("type") == "json_invalid":
        return error_response("the body is not valid JSON", 422)
    return error_response(f"{where[:60]}: {what[:120]}", 422)


async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
    if exc.status_code == 404:
        message = "no such page"
    elif exc.status_code == 405:
        message = "this method is not allowed here"
    else:
        message = str(exc.detail) if isinstance(exc.detail, str) else "the request was refused"
    response = error_response(message, exc.status_code)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


async def _crashed(request: Request, exc: Exception) -> JSONResponse:
    log.error("request crashed: %s", type(exc).__name__, exc_info=exc)
    return error_response("something went wrong on our side; it has been logged", 500)
