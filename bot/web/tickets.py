"""Customer ticket pages and API: only ever the signed-in customer's own account.

Another account's ticket is reported exactly like a missing one (``AccessDenied`` is a
``NotFound``), so ids cannot be probed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import UploadFile

from bot.context import AppContext
from bot.errors import InvalidInput, NotFound
from bot.names import ticket_names
from bot.service.deps import ContextDep
from bot.store.records import Ticket
from bot.store.tickets import TicketFilter
from bot.web import auth
from bot.web.auth import CustomerDep, Principal
from bot.web.render import page, page_language, texts
from bot.web.schemas import ErrorOut
from bot.web.uploads import MAX_FILES, check_length, check_upload
from bot.web.views import (
    clock_view,
    customer_history,
    due_text,
    next_clock,
    reason_text,
    recipient_names,
    upgrade_steps,
)

router = APIRouter(tags=["tickets"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "Not signed in as a customer."},
    404: {"model": ErrorOut, "description": "No such ticket on your account."},
    422: {"model": ErrorOut, "description": "Invalid input."},
}


class ClockOut(BaseModel):
    name: str
    state: str
    due_at: dt.datetime | None = None
    due_local: str | None = Field(default=None, description="In the account's time zone.")


class EventOut(BaseModel):
    at: dt.datetime
    kind: str
    actor_kind: str
    actor: str | None = None
    actor_name: str = Field(default="", description="Who, as the ticket page shows them.")
    body: str = ""


class TicketDetail(BaseModel):
    key: str
    subject: str
    kind: str
    status: str
    stage: str
    priority: str
    priority_reason: str
    missing: list[str]
    timezone: str
    clocks: list[ClockOut]
    events: list[EventOut]
    url: str


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=8000)


def load_ticket(ctx: AppContext, principal: Principal, key: str) -> Ticket:
    """The ticket if this principal may see it; staff see every account."""
    if len(key) > 40:
        raise NotFound("no such ticket")
    account = None if principal.is_staff else principal.account_id
    if not principal.is_staff and account is None:
        raise auth.NotSignedIn("sign in with your account key to see tickets")
    return ctx.tickets.get(key, account_id=account)


def account_zone(ctx: AppContext, account_id: str) -> str:
    account = ctx.config.account(account_id)
    return account.timezone if account else "UTC"


@router.get("/api/tickets", response_model=list[TicketDetail], responses=_ERRORS)
def list_tickets(ctx: ContextDep, me: CustomerDep) -> list[TicketDetail]:
    """Your account's tickets, newest first (without their histories)."""
    tickets = ctx.tickets.query(TicketFilter(account_id=me.account_id, limit=100))
    return [_detail(ctx, t, events=False) for t in tickets]


@router.get("/api/tickets/{key}", response_model=TicketDetail, responses=_ERRORS)
def get_ticket(key: str, ctx: ContextDep, me: CustomerDep) -> TicketDetail:
    return _detail(ctx, load_ticket(ctx, me, key), events=True)


_COMMENT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/CommentIn"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "body": {"type": "string"},
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                    },
                }
            },
        },
    }
}


@router.post(
    "/api/tickets/{key}/comments",
    response_model=TicketDetail,
    responses={
        **_ERRORS,
        413: {"model": ErrorOut, "description": "A file is too large."},
        415: {"model": ErrorOut, "description": "A file type we do not accept."},
    },
    openapi_extra=_COMMENT_BODY,
)
async def comment_api(key: str, request: Request, ctx: ContextDep, me: CustomerDep) -> TicketDetail:
    """Add a comment (JSON ``{"body"}``) or files (multipart ``body``, ``files``); a ticket
    waiting on you resumes its resolution clock."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        check_length(request, max_mb=ctx.settings.max_upload_mb)
        form = await request.form(max_files=MAX_FILES, max_fields=10)
        try:
            ticket = await _comment(
                ctx, me, key, str(form.get("body") or ""), form.getlist("files")
            )
        finally:
            await form.close()
    else:
        try:
            comment = CommentIn.model_validate(await request.json())
        except (ValueError, ValidationError, RecursionError):
            raise InvalidInput('send {"body": "..."} (1 to 8000 characters)') from None
        ticket = await _comment(ctx, me, key, comment.body, [])
    return _detail(ctx, ticket, events=True)


@router.get("/tickets", response_class=HTMLResponse, include_in_schema=False)
def tickets_page(request: Request, ctx: ContextDep) -> Response:
    me = auth.current(request)
    if me.kind != "customer":
        return RedirectResponse("/signin?next=/tickets", status_code=303)
    tickets = ctx.tickets.query(TicketFilter(account_id=me.account_id, limit=200))
    account = ctx.config.account(me.account_id or "")
    tz = account.timezone if account else "UTC"
    now = dt.datetime.now(dt.UTC)
    rows = [(t, next_clock(t, now=now)) for t in tickets]
    # Open tickets first, the one due soonest at the top; then the closed ones, newest first.
    far = float("inf")
    open_rows = sorted(
        (r for r in rows if r[0].is_open),
        key=lambda r: (r[1].left if r[1] and r[1].left is not None else far, -r[0].id),
    )
    closed_rows = [r for r in rows if not r[0].is_open]
    return page(
        request, "tickets.html", open_rows=open_rows, closed_rows=closed_rows, account=account,
        tz=tz,
    )  # fmt: skip


@router.get("/tickets/{key}", response_class=HTMLResponse, include_in_schema=False)
def ticket_page(key: str, request: Request, ctx: ContextDep) -> Response:
    me = auth.current(request)
    if me.kind == "visitor":
        return RedirectResponse(f"/signin?next=/tickets/{key[:40]}", status_code=303)
    try:
        ticket = load_ticket(ctx, me, key)
    except NotFound:
        return page(request, "not_found.html", status=404)
    t = texts(page_language(request), "customer")
    values = ticket_values(ctx, ticket, t=t, lang=page_language(request))
    return page(request, "ticket.html", **values)


@router.post("/tickets/{key}/comment", include_in_schema=False)
async def comment_form(key: str, request: Request, ctx: ContextDep) -> Response:
    """The ticket page's form: a comment and/or files (multipart)."""
    me = auth.current(request)
    if me.kind != "customer":
        raise auth.NotSignedIn("sign in with your account key to comment")
    check_length(request, max_mb=ctx.settings.max_upload_mb)
    form = await request.form(max_files=MAX_FILES, max_fields=10)
    try:
        auth.check_csrf(ctx, me, str(form.get("csrf") or ""))
        ticket = await _comment(ctx, me, key, str(form.get("body") or ""), form.getlist("files"))
    finally:
        await form.close()
    return RedirectResponse(f"/tickets/{ticket.key}", status_code=303)


async def _comment(ctx: AppContext, me: Principal, key: str, body: str, parts: list[Any]) -> Ticket:
    """Store the files on the ticket and add the comment as the customer's reply."""
    ticket = load_ticket(ctx, me, key)
    body = body.strip()[:8000]
    files = [f for f in parts if isinstance(f, UploadFile) and f.filename]
    if not body and not files:
        raise InvalidInput("write a comment or attach a file")
    now = dt.datetime.now(dt.UTC)
    uploads = []
    for upload in files:
        data = await upload.read()
        filename = upload.filename or "file"
        kind = upload.content_type or ""
        check_upload(filename, kind, len(data), max_mb=ctx.settings.max_upload_mb)
        uploads.append((filename, kind or "application/octet-stream", data))
    # Checked all files before storing any, so a refused file leaves nothing half-done.
    for filename, kind, data in uploads:
        ctx.attachments.save(
            data, filename=filename, content_type=kind, now=now, ticket_id=ticket.id
        )
    if uploads:
        names = ", ".join(name for name, _, _ in uploads)
        body = (body + "\n\n" if body else "") + "Attached: " + names
    return ctx.desk.customer_reply(ticket, author=me.name or me.user, body=body, now=now)


def ticket_values(ctx: AppContext, ticket: Ticket, *, t: Any, lang: str = "en") -> dict[str, Any]:
    """What the customer ticket page shows; times in the account's zone."""
    now = dt.datetime.now(dt.UTC)
    names = ticket_names(ctx.config, ctx.conversations, ticket)
    return {
        "ticket": ticket,
        "tz": account_zone(ctx, ticket.account_id),
        "clocks": [clock_view(c, now=now) for c in ticket.clocks],
        "history": customer_history(ctx.tickets.events(ticket.id)),
        "steps": upgrade_steps(ticket) if ticket.kind == "upgrade" else [],
        "attachments": ctx.attachments.for_ticket(ticket.id),
        "account": ctx.config.account(ticket.account_id),
        "reason": reason_text(ticket, lang),
        "who": lambda item: names.name(item.actor, item.actor_kind),
        "names": lambda targets: recipient_names(ctx.config, targets, t),
    }


def _detail(ctx: AppContext, ticket: Ticket, *, events: bool) -> TicketDetail:
    tz = account_zone(ctx, ticket.account_id)
    now = dt.datetime.now(dt.UTC)
    clocks = [clock_view(c, now=now) for c in ticket.clocks]
    history = customer_history(ctx.tickets.events(ticket.id)) if events else []
    names = ticket_names(ctx.config, ctx.conversations, ticket) if history else None
    return TicketDetail(
        key=ticket.key,
        subject=ticket.subject,
        kind=ticket.kind,
        status=ticket.status,
        stage=ticket.stage,
        priority=ticket.priority,
        priority_reason=reason_text(ticket),
        missing=list(ticket.missing),
        timezone=tz,
        clocks=[
            ClockOut(
                name=c.name,
                state=c.state,
                due_at=c.due_at,
                due_local=due_text(c.due_at, tz, now=now) if c.due_at else None,
            )
            for c in clocks
        ],
        events=[
            EventOut(
                at=e.at,
                kind=e.kind,
                actor_kind=e.actor_kind,
                actor=e.actor,
                actor_name=names.name(e.actor, e.actor_kind) if names else "",
                body=e.body,
            )
            for e in history
        ],
        url=f"/tickets/{ticket.key}",
    )
