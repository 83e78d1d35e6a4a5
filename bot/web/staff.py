"""The staff desk: sign-in, the queue (search, views, bulk actions, live refresh) and the
ticket page (structured summary first, duplicates, actions). The CSM views are in
:mod:`bot.web.insights`."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.context import AppContext
from bot.errors import InvalidInput, NotFound
from bot.names import ticket_names
from bot.notify.recipients import RecipientResolver
from bot.service.deps import ContextDep
from bot.store.records import Ticket
from bot.store.tickets import TicketFilter
from bot.web import auth, ratelimit
from bot.web.duplicates import suggestions
from bot.web.pages import set_session_cookie, signin_refused
from bot.web.queue import (
    QueueFilters,
    on_call_now,
    open_tickets,
    queue_rows,
    quick_views,
    stages,
)
from bot.web.render import page, page_language, texts
from bot.web.summary import ticket_summary
from bot.web.views import (
    clock_plan,
    clock_view,
    ladder_names,
    next_clock,
    reason_text,
    recipient_names,
    staff_timeline,
)

router = APIRouter(prefix="/staff", include_in_schema=False)
ACTIONS = (
    "take", "acknowledge", "assign", "wait", "resolve", "reopen", "priority", "reply", "note",
    "merge",
)  # fmt: skip
BULK = ("take", "acknowledge", "assign", "resolve")
DEFAULT_ZONE = "Asia/Shanghai"


def staff_member(request: Request) -> auth.Principal | None:
    me = auth.current(request)
    return me if me.is_staff else None


def to_login(request: Request) -> Response:
    return RedirectResponse(f"/staff/login?next={request.url.path}", status_code=303)


def staff_zone(ctx: AppContext, me: auth.Principal) -> str:
    """Staff pages show times in the reader's own zone (from the config), named on the page."""
    person = ctx.config.person(me.user)
    return person.timezone if person else DEFAULT_ZONE


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(
        request, "staff_login.html", error=None, next=_next(request.query_params.get("next"))
    )


@router.post("/login")
def login(
    request: Request,
    ctx: ContextDep,
    login: str = Form(default="", max_length=200),
    password: str = Form(default="", max_length=200),
    next: str = Form(default="/staff", max_length=300),
) -> Response:
    # While an address or a login name is locked out, not even the right password is checked:
    # the answer would tell a guesser when they hit it.
    who = auth.login_name(ctx, login)
    wait = ratelimit.signin_wait(request, who)
    if wait:
        return signin_refused(request, "staff_login.html", wait, next=_next(next))
    try:
        principal = auth.staff_from_password(ctx, login, password)
    except auth.NotSignedIn:
        ratelimit.signin_failed(request, who)
        error = texts(page_language(request))("wrong_login")  # the same for any failure
        return page(request, "staff_login.html", status=401, error=error, next=_next(next))
    ratelimit.signin_succeeded(request, who)
    redirect = RedirectResponse(_next(next), status_code=303)
    set_session_cookie(ctx, redirect, principal)
    return redirect


@router.get("", response_class=HTMLResponse)
def queue(request: Request, ctx: ContextDep) -> Response:
    """The open tickets, soonest breach first. ``?partial=rows`` answers only the table rows,
    for the page's live refresh."""
    me = staff_member(request)
    if me is None:
        return to_login(request)
    filters = QueueFilters.from_params(request.query_params)
    now = dt.datetime.now(dt.UTC)
    tickets = open_tickets(ctx)
    rows = queue_rows(ctx, tickets, filters, me=me.user, now=now)
    tz = staff_zone(ctx, me)
    if request.query_params.get("partial") == "rows":
        return page(request, "staff_queue_rows.html", rows=rows, tz=tz, side="staff")
    t = texts(page_language(request), "staff")
    engineers = [p for p in ctx.config.people if "engineer" in p.roles or "manager" in p.roles]
    query = request.url.query
    return page(
        request,
        "staff_queue.html",
        rows=rows,
        filters=filters.as_dict(),
        filtered=filters.active,
        views=quick_views(filters, tickets, me=me.user, now=now, t=t),
        accounts=ctx.config.accounts,
        people=engineers,
        stages=stages(tickets),
        back="/staff" + (f"?{query}" if query else ""),
        refresh_url="/staff?" + "&".join(p for p in (query, "partial=rows") if p),
        on_call=on_call_now(ctx.config, now),
        section="queue",
        tz=tz,
    )


@router.post("/bulk")
async def bulk(request: Request, ctx: ContextDep) -> Response:
    """One action on the tickets ticked in the queue."""
    me = staff_member(request)
    if me is None:
        raise auth.NotSignedIn("staff sign-in required")
    form = await request.form(max_fields=600)
    auth.check_csrf(ctx, me, str(form.get("csrf") or ""))
    action = str(form.get("action") or "")
    if action not in BULK:
        raise InvalidInput(f"no bulk action {action!r}")
    keys = [str(k)[:40] for k in form.getlist("keys")][:500]
    if not keys:
        raise InvalidInput("tick at least one ticket")
    assignee = str(form.get("assignee") or "")
    now = dt.datetime.now(dt.UTC)
    for key in keys:
        ticket = ctx.tickets.find(key)
        if ticket is None or not ticket.is_open:
            continue
        if action == "take":
            ctx.desk.take(ticket, agent=me.user, now=now)
        elif action == "acknowledge" and ticket.first_response_at is None:
            ctx.desk.acknowledge(ticket, agent=me.user, now=now)
        elif action == "assign":
            _assign(ctx, ticket, assignee, by=me.user, now=now)
        elif action == "resolve":
            ctx.desk.resolve(ticket, by=me.user, now=now)
    back = str(form.get("back") or "/staff")
    return RedirectResponse(_next(back), status_code=303)


@router.get("/tickets/{key}", response_class=HTMLResponse)
def ticket(key: str, request: Request, ctx: ContextDep) -> Response:
    me = staff_member(request)
    if me is None:
        return to_login(request)
    found = ctx.tickets.find(key[:40])
    if found is None:
        return page(request, "not_found.html", status=404, side="staff")
    now = dt.datetime.now(dt.UTC)
    events = ctx.tickets.events(found.id)
    names = ticket_names(ctx.config, ctx.conversations, found)
    t = texts(page_language(request), "staff")
    account = ctx.config.account(found.account_id)
    assignee = ctx.config.person(found.assignee_id) if found.assignee_id else None
    resolver = RecipientResolver(ctx.config)
    escalations = ctx.notifications.escalations(found.id)
    told = {(e.clock.split("#")[0], e.level): list(e.recipients) for e in escalations}
    return page(
        request,
        "staff_ticket.html",
        ticket=found,
        account=account,
        csm=ctx.config.person(account.csm) if account and account.csm else None,
        assignee=(assignee.name if assignee else found.assignee_id, found.assignee_id)
        if found.assignee_id
        else None,
        requester=names.requester,
        summary=ticket_summary(found, events),
        duplicates=suggestions(found, _same_account_open(ctx, found)),
        reason=reason_text(found, page_language(request)),
        clocks=[(clock_view(c, now=now), clock_plan(c)) for c in found.clocks],
        next_due=next_clock(found, now=now),
        timeline=staff_timeline(events, escalations),
        attachments=ctx.attachments.for_ticket(found.id),
        people=[p for p in ctx.config.people if "engineer" in p.roles or "manager" in p.roles],
        who=lambda item: names.name(item.actor, item.actor_kind),
        names=lambda targets: recipient_names(ctx.config, targets, t),
        ladder=lambda step, clock: ladder_names(
            ctx.config, resolver, found, step, told.get((clock, step.level)), t
        ),
        section="queue",
        tz=staff_zone(ctx, me),
    )


@router.post("/tickets/{key}/{action}")
def act(
    key: str,
    action: str,
    request: Request,
    ctx: ContextDep,
    csrf: str = Form(default=""),
    assignee: str = Form(default="", max_length=100),
    body: str = Form(default="", max_length=8000),
    other: str = Form(default="", max_length=40),
    priority: str = Form(default="", max_length=4),
) -> Response:
    """One staff action on one ticket: the same desk method a Slack button or the CLI calls
    (the customer hears what the desk's audience decides, on the ticket's own channel)."""
    me = staff_member(request)
    if me is None:
        raise auth.NotSignedIn("staff sign-in required")
    auth.check_csrf(ctx, me, csrf)
    if action not in ACTIONS:
        raise NotFound(f"no action {action}")
    found = ctx.tickets.find(key[:40])
    if found is None:
        raise NotFound(f"no ticket {key[:40]}")
    now = dt.datetime.now(dt.UTC)
    desk = ctx.desk
    text = body.strip()
    if action == "take":
        desk.take(found, agent=me.user, now=now)
    elif action == "acknowledge":
        desk.acknowledge(found, agent=me.user, now=now)
    elif action == "assign":
        _assign(ctx, found, assignee, by=me.user, now=now)
    elif action == "wait":
        desk.wait_on_customer(found, agent=me.user, now=now, body=text)
    elif action == "resolve":
        desk.resolve(found, by=me.user, now=now, body=text)
    elif action == "reopen":
        desk.reopen(found, by=me.user, now=now, body=text, actor_kind="agent")
    elif action == "priority":
        if not text:
            raise InvalidInput("say why the priority changes")
        desk.change_priority(found, priority=priority, reason=text, by=me.user, now=now)
    elif action == "merge":
        desk.merge(_ticket(ctx, other), into=found, by=me.user, now=now)
    elif not text:
        raise InvalidInput("write a reply first")
    elif action == "note":
        desk.note(found, agent=me.user, body=text, now=now)
    else:
        desk.agent_reply(found, agent=me.user, body=text, now=now)
    return RedirectResponse(f"/staff/tickets/{found.key}", status_code=303)


def _assign(ctx: AppContext, ticket: Ticket, assignee: str, *, by: str, now: dt.datetime) -> None:
    if ctx.config.person(assignee) is None:
        raise InvalidInput(f"no person {assignee!r} in the config")
    ctx.desk.assign(ticket, assignee=assignee, by=by, now=now)


def _ticket(ctx: AppContext, key: str) -> Ticket:
    found = ctx.tickets.find(key[:40]) if key else None
    if found is None:
        raise NotFound(f"no ticket {key[:40]}")
    return found


def _same_account_open(ctx: AppContext, ticket: Ticket) -> list[Ticket]:
    return ctx.tickets.query(TicketFilter(account_id=ticket.account_id, open_only=True, limit=500))


def _next(target: str | None) -> str:
    if not target or not target.startswith("/staff") or "//" in target or "\\" in target:
        return "/staff"
    return target
