"""The chat API: ``/api/chat`` (JSON, multipart, or SSE); sessions are :mod:`bot.web.sessions`.

Routes only translate: HTTP in, :class:`Inbound` to the conversation service, :class:`Reply`
back out as JSON or as server-sent events.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, TypeVar

import anyio
from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ValidationError
from starlette.datastructures import UploadFile

from bot.conversation.types import ContactForm, Inbound, Reply, Upload
from bot.errors import DeskbotError, InvalidInput
from bot.service.deps import ContextDep
from bot.web import auth, ratelimit
from bot.web.auth import Principal, PrincipalDep
from bot.web.port import conversation_service
from bot.web.schemas import (
    ChatHistory,
    ChatRequest,
    ChatResponse,
    CitationOut,
    ContactOut,
    ContactRequest,
    ErrorOut,
    HistoryMessage,
    RateLimitedOut,
    chat_response,
)
from bot.web.uploads import MAX_FILES, check_length, check_upload

router = APIRouter(tags=["chat"])
M = TypeVar("M", bound=BaseModel)

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in {
        401: "Not signed in (anonymous questions are off, or tickets/uploads need an account).",
        413: "A file is larger than the upload limit.",
        415: "A file type we do not accept.",
        422: "Invalid input.",
        503: "The chat service is not available.",
    }.items()
}
_LIMITED: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    429: {
        "model": RateLimitedOut,
        "description": "Too many requests: wait the seconds in the Retry-After header.",
    },
}
_TOO_FAST = "you are sending messages too fast"
_CHAT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ChatRequest"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["session_id"],
                    "properties": {
                        "session_id": {"type": "string"},
                        "message": {"type": "string"},
                        "action": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    }
}


@router.post(
    "/api/chat",
    response_model=ChatResponse,
    responses={**_LIMITED, 200: {"content": {"text/event-stream": {}}}},
    openapi_extra=_CHAT_BODY,
    summary="Send a chat message",
)
async def chat(request: Request, ctx: ContextDep, principal: PrincipalDep) -> Response:
    """Answer one turn. ``Accept: text/event-stream`` streams ``delta`` events then ``reply``."""
    # The address limit comes before reading (maybe large) uploads; the session one needs them.
    _limit_address(request)
    content_type = request.headers.get("content-type", "")
    uploads: tuple[Upload, ...] = ()
    if content_type.startswith("multipart/form-data"):
        check_length(request, max_mb=ctx.settings.max_upload_mb)
        fields, uploads = await _read_multipart(request, max_mb=ctx.settings.max_upload_mb)
    elif content_type.startswith("application/json"):
        try:
            fields = await request.json()
        except (ValueError, RecursionError):
            raise InvalidInput("the body is not valid JSON") from None
    else:
        raise InvalidInput("send application/json or multipart/form-data")
    body = _parse(fields)
    _limit_session(request, principal, body)
    issued = Response()
    principal = auth.with_identity(ctx, principal, issued)
    inbound = _inbound(ctx, principal, body, uploads)
    service = conversation_service(ctx)
    response: Response
    if "text/event-stream" in request.headers.get("accept", ""):
        response = _sse(service, inbound, _limiter(request, ctx))
    else:
        handle = functools.partial(service.handle, inbound, now=dt.datetime.now(dt.UTC))
        reply: Reply = await anyio.to_thread.run_sync(handle, limiter=_limiter(request, ctx))
        response = JSONResponse(chat_response(reply).model_dump(mode="json"))
    return _with_cookies(response, issued)


_CONTACT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ContactRequest"}}
        },
    }
}


@router.post(
    "/api/contact",
    response_model=ContactOut,
    responses=_LIMITED,
    summary="Contact form",
    openapi_extra=_CONTACT_BODY,
)
async def contact(request: Request, ctx: ContextDep, principal: PrincipalDep) -> ContactOut:
    """A visitor without an account leaves name, e-mail, company and the problem; a ticket
    opens on the organisation's default account (with the chat's report, if one was taken)."""
    address = ratelimit.client_address(request)
    ratelimit.enforce(request, [("session_ip", address)], message="too many requests")
    try:
        fields = await request.json()
    except ValueError:
        raise InvalidInput("the body is not valid JSON") from None
    body = _validated(ContactRequest, fields)
    ref = _ref(principal, body.session_id) if body.session_id else None
    form = ContactForm(
        name=body.name, email=body.email, company=body.company, message=body.message,
        conversation_ref=ref,
    )  # fmt: skip
    service = conversation_service(ctx)
    now = dt.datetime.now(dt.UTC)
    result = await anyio.to_thread.run_sync(functools.partial(service.contact, form, now=now))
    return ContactOut(key=result.key, text=result.text)


@router.get(
    "/api/chat/stream",
    responses={**_LIMITED, 200: {"content": {"text/event-stream": {}}}},
    summary="Stream an answer (EventSource)",
    response_class=StreamingResponse,
)
def chat_stream(
    request: Request,
    ctx: ContextDep,
    principal: PrincipalDep,
    session_id: str = Query(),
    message: str = Query(default=""),
    action: str | None = Query(default=None),
) -> Response:
    """For ``EventSource``: ``delta`` events ({"text"}), then ``reply`` or ``error``."""
    _limit_address(request)
    body = _parse({"session_id": session_id, "message": message, "action": action})
    _limit_session(request, principal, body)
    issued = Response()
    principal = auth.with_identity(ctx, principal, issued)
    inbound = _inbound(ctx, principal, body, ())
    return _with_cookies(_sse(conversation_service(ctx), inbound, _limiter(request, ctx)), issued)


def _with_cookies(response: Response, issued: Response) -> Response:
    """``response`` with the session cookie a first turn was given (see auth.with_identity)."""
    for name, value in issued.raw_headers:
        if name == b"set-cookie":
            response.raw_headers.append((name, value))
    return response


def _limit_address(request: Request) -> None:
    address = ratelimit.client_address(request)
    ratelimit.enforce(request, [("chat_ip", address)], message=_TOO_FAST)


def _limit_session(request: Request, principal: Principal, body: ChatRequest) -> None:
    key = ratelimit.session_key(principal, body.session_id)
    ratelimit.enforce(request, [("chat_session", key)], message=_TOO_FAST)


def _limiter(request: Request, ctx: Any) -> anyio.CapacityLimiter:
    """Turns run ``DESKBOT_CHAT_CONCURRENCY`` at a time, whatever the database: a turn holds
    a database connection only while it reads or writes, and waits on the model at most the
    turn's deadline (``DESKBOT_TURN_DEADLINE``), so a slow model cannot block the chat."""
    limiter = getattr(request.app.state, "chat_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(ctx.settings.chat_concurrency)
        request.app.state.chat_limiter = limiter
    return limiter


@router.get(
    "/api/chat/history", response_model=ChatHistory, responses=_ERRORS, summary="A chat so far"
)
def history(
    ctx: ContextDep, principal: PrincipalDep, session_id: str = Query(max_length=64)
) -> ChatHistory:
    """The messages of this user's chat ``session_id`` (empty for anyone else's)."""
    body = _parse({"session_id": session_id, "action": "solved"})
    found = ctx.conversations.find("web", _ref(principal, body.session_id))
    if found is None:
        return ChatHistory()
    messages = []
    for m in found.messages[-100:]:
        data = m.data or {}
        citations = [
            CitationOut(source=str(c.get("source", "")), heading=str(c.get("heading", "")),
                        url=c.get("url"))
            for c in data.get("citations") or [] if isinstance(c, dict)
        ]  # fmt: skip
        messages.append(
            HistoryMessage(
                role=m.role, text=m.text, at=m.at, kind=data.get("kind"), citations=citations,
                ticket=data.get("ticket"),
            )
        )  # fmt: skip
    return ChatHistory(conversation_id=found.id, messages=messages)


def _ref(principal: Principal, session_id: str) -> str:
    # The ref carries who is talking, so one user cannot continue another's conversation.
    return f"{principal.account_id or '-'}/{principal.user}/{session_id}"


def _parse(fields: Any) -> ChatRequest:
    return _validated(ChatRequest, fields)


def _validated(model: type[M], fields: Any) -> M:
    """``fields`` as ``model``, or one clear sentence naming the field that is wrong."""
    if not isinstance(fields, dict):
        raise InvalidInput("the body must be a JSON object")
    try:
        return model.model_validate({k: v for k, v in fields.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidInput(f"{where}: {first['msg']}") from None


def _inbound(
    ctx: Any, principal: Principal, body: ChatRequest, uploads: tuple[Upload, ...]
) -> Inbound:
    customer = principal.kind == "customer"
    if not customer and not principal.is_staff and not ctx.config.web.public_questions:
        raise auth.NotSignedIn("sign in with your account key to use the chat")
    if not customer and (uploads or body.action == "open_ticket"):
        raise auth.NotSignedIn("sign in with your account key to open tickets or attach files")
    if not body.message.strip() and body.action is None and not uploads:
        raise InvalidInput("message: write a message, click a button or attach a file")
    ref = _ref(principal, body.session_id)
    return Inbound(
        channel="web",
        conversation_ref=ref,
        text=body.message.strip(),
        user_ref=principal.user if principal.kind != "visitor" else None,
        user_name=principal.name,
        account_id=principal.account_id if customer else None,
        uploads=uploads,
        action=body.action,
        external_id=body.message_id,
    )


async def _read_multipart(
    request: Request, *, max_mb: int
) -> tuple[dict[str, Any], tuple[Upload, ...]]:
    try:
        form = await request.form(max_files=MAX_FILES, max_fields=20)
    except Exception as exc:  # starlette raises its own parse errors; translate at the edge
        raise InvalidInput(f"could not read the form: {exc}") from None
    fields: dict[str, Any] = {}
    uploads: list[Upload] = []
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                if not value.filename:
                    continue
                data = await value.read()
                check_upload(value.filename, value.content_type or "", len(data), max_mb=max_mb)
                uploads.append(Upload(value.filename, value.content_type or "", data))
            elif name in ("session_id", "message", "action", "message_id"):
                fields[name] = value
    finally:
        await form.close()
    return fields, tuple(uploads)


def _sse(service: Any, inbound: Inbound, limiter: anyio.CapacityLimiter) -> StreamingResponse:
    def produce() -> Iterator[str]:
        # Runs in worker threads, one piece at a time, under the same limiter as plain turns.
        try:
            for piece in service.stream(inbound, now=dt.datetime.now(dt.UTC)):
                if isinstance(piece, Reply):
                    yield _event("reply", chat_response(piece).model_dump(mode="json"))
                else:
                    yield _event("delta", {"text": piece})
        except DeskbotError as exc:
            yield _event("error", {"error": str(exc)})

    async def events() -> AsyncIterator[str]:
        source = produce()
        while (
            chunk := await anyio.to_thread.run_sync(next, source, None, limiter=limiter)
        ) is not None:
            yield chunk

    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(events(), media_type="text/event-stream", headers=headers)


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
