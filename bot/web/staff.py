"""The staff dashboard: queue by time to breach, ticket timeline and actions, accounts, gaps."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from bot.context import AppContext
from bot.errors import InvalidInput, NotFound
from bot.names import ticket_names
from bot.service.deps import ContextDep
from bot.store.records import Ticket
from bot.store.tickets import TicketFilter
from bot.web import auth, ratelimit
from bot.web.pages import set_session_cookie, signin_refused
from bot.web.render import page
from bot.web.tickets import account_zone
from bot.web.views import (
    breach_at,
    clock_plan,
    clock_view,
    queue_order,
    span_text,
    staff_timeline,
)

router = APIRouter(prefix="/staff", include_in_schema=False)
ACTIONS = ("acknowledge", "assign", "wait", "resolve", "reply")


def _staff(request: Request) -> auth.Principal | None:
    me = auth.current(request)
    return me if me.is_staff else None


def _to_login(request: Request) -> Response:
    return RedirectResponse(f"/staff/login?next={request.url.path}", status_code=303)


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
    except auth.NotSignedIn as exc:
        ratelimit.signin_failed(request, who)
        return page(request, "staff_login.html", status=401, error=str(exc), next=_next(next))
    ratelimit.signin_succeeded(request, who)
    redirect = RedirectResponse(_next(next), status_code=303)
    set_session_cookie(ctx, redirect, principal)
    return redirect


@router.get("", response_class=HTMLResponse)
def queue(request: Request, ctx: ContextDep) -> Response:
    if _staff(request) is None:
        return _to_login(request)
    q = request.query_params
    filters = {k: q.get(k, "") for k in ("account", "tier", "priority", "assignee")}
    tickets = ctx.tickets.query(
        TicketFilter(
            open_only=True,
            account_id=filters["account"] or None,
            priority=filters["priority"] or None,
            assignee_id=filters["assignee"] if filters["assignee"] not in ("", "-") else None,
            limit=500,
        )
    )
    if filters["assignee"] == "-":
        tickets = [t for t in tickets if t.assignee_id is None]
    if filters["tier"]:
        tiers = {a.id for a in ctx.config.accounts if a.tier == filters["tier"]}
        tickets = [t for t in tickets if t.account_id in tiers]
    now = dt.datetime.now(dt.UTC)
    rows = [_row(ctx, t, now=now) for t in queue_order(tickets)]
    engineers = [p for p in ctx.config.people if "engineer" in p.roles or "manager" in p.roles]
    return page(
        request,
        "staff_queue.html",
        rows=rows,
        filters=filters,
        accounts=ctx.config.accounts,
        people=engineers,
        section="queue",
    )


@router.get("/tickets/{key}", response_class=HTMLResponse)
def ticket(key: str, request: Request, ctx: ContextDep) -> Response:
    if _staff(request) is None:
        return _to_login(request)
    found = ctx.tickets.find(key[:40])
    if found is None:
        return page(request, "not_found.html", status=404)
    tz = account_zone(ctx, found.account_id)
    now = dt.datetime.now(dt.UTC)
    events = ctx.tickets.events(found.id)
    escalations = ctx.notifications.escalations(found.id)
    names = ticket_names(ctx.config, ctx.conversations, found)
    return page(
        request,
        "staff_ticket.html",
        ticket=found,
        tz=tz,
        account=ctx.config.account(found.account_id),
        clocks=[(clock_view(c, tz, now=now), clock_plan(c, tz, now=now)) for c in found.clocks],
        timeline=staff_timeline(events, escalations),
        escalations=escalations,
        attachments=ctx.attachments.for_ticket(found.id),
        people=[p for p in ctx.config.people if "engineer" in p.roles or "manager" in p.roles],
        person=ctx.config.person,
        who=lambda item: names.name(item.actor, item.actor_kind),
        section="queue",
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
) -> Response:
    me = _staff(request)
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
    if action == "acknowledge":
        desk.acknowledge(found, agent=me.user, now=now)
    elif action == "assign":
        if ctx.config.person(assignee) is None:
            raise InvalidInput(f"no person {assignee!r} in the config")
        desk.assign(found, assignee=assignee, by=me.user, now=now)
    elif action == "wait":
        desk.wait_on_customer(found, agent=me.user, now=now, body=body.strip())
    elif action == "resolve":
        desk.resolve(found, by=me.user, now=now, body=body.strip())
    else:
        if not body.strip():
            raise InvalidInput("write a reply first")
        desk.agent_reply(found, agent=me.name or me.user, body=body.strip(), now=now)
    return RedirectResponse(f"/staff/tickets/{found.key}", status_code=303)


@router.get("/accounts", response_class=HTMLResponse)
def accounts(request: Request, ctx: ContextDep) -> Response:
    me = _staff(request)
    if me is None:
        return _to_login(request)
    csm = request.query_params.get("csm", me.user if "csm" in me.roles else "")
    open_tickets = ctx.tickets.query(TicketFilter(open_only=True, limit=2000))
    now = dt.datetime.now(dt.UTC)
    soon = now + dt.timedelta(hours=4)
    by_account: dict[str, list[Ticket]] = {}
    for t in open_tickets:
        by_account.setdefault(t.account_id, []).append(t)
    gaps = Counter(g.account_id for g in ctx.gaps.recent(since=now - dt.timedelta(days=30)))
    rows = []
    for account in ctx.config.accounts:
        if csm and account.csm != csm:
            continue
        mine = by_account.get(account.id, [])
        due = [b for b in (breach_at(t) for t in mine) if b is not None]
        rows.append(
            {
                "account": account,
                "csm": ctx.config.person(account.csm) if account.csm else None,
                "open": len(mine),
                "p1": sum(1 for t in mine if t.priority == "P1"),
                "at_risk": sum(1 for b in due if b <= soon),
                "next_due": min(due) if due else None,
                "gaps": gaps.get(account.id, 0),
            }
        )
    csms = [p for p in ctx.config.people if "csm" in p.roles]
    return page(
        request, "staff_accounts.html", rows=rows, csm=csm, csms=csms, section="accounts",
        span=lambda when: span_text((when - now).total_seconds()), overdue=lambda when: when <= now,
    )  # fmt: skip


@router.get("/gaps", response_class=HTMLResponse)
def gaps(request: Request, ctx: ContextDep) -> Response:
    if _staff(request) is None:
        return _to_login(request)
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    return page(
        request,
        "staff_gaps.html",
        top=ctx.gaps.top(since=since, limit=30),
        recent=ctx.gaps.recent(since=since)[:50],
        section="gaps",
    )


@router.get("/digest/{csm_id}", response_class=HTMLResponse)
def digest(csm_id: str, request: Request, ctx: ContextDep) -> Response:
    """A CSM's digest as of now, rendered by ``bot.digest``."""
    if _staff(request) is None:
        return _to_login(request)
    try:
        from bot.digest import build_digest, render_html
    except ImportError:
        return _fragment_page(request, "digest", None)
    try:
        built = build_digest(ctx, csm_id[:100], as_of=dt.datetime.now(dt.UTC))
    except NotFound:
        return page(request, "not_found.html", status=404)
    return _fragment_page(request, "digest", render_html(built))


@router.get("/analytics", response_class=HTMLResponse)
def analytics(request: Request, ctx: ContextDep) -> Response:
    """The last ``days`` (default 7, at most 90) of numbers, rendered by ``bot.analytics``."""
    if _staff(request) is None:
        return _to_login(request)
    try:
        from bot.analytics import collect, render_html
    except ImportError:
        return _fragment_page(request, "analytics", None)
    raw = request.query_params.get("days", "7")
    days = int(raw) if raw.isdigit() and 0 < int(raw) <= 90 else 7
    now = dt.datetime.now(dt.UTC)
    stats = collect(ctx, now, since=now - dt.timedelta(days=days))
    return _fragment_page(request, "analytics", render_html(stats))


def _fragment_page(request: Request, title: str, html: str | None) -> HTMLResponse:
    # Their renderers escape everything they output (documented on render_html).
    fragment = Markup(html) if html is not None else None  # nosec B704
    return page(request, "staff_fragment.html", title=title, fragment=fragment, section=title)


def _row(ctx: AppContext, ticket: Ticket, *, now: dt.datetime) -> dict[str, Any]:
    account = ctx.config.account(ticket.account_id)
    due = breach_at(ticket)
    return {
        "ticket": ticket,
        "account": account,
        "due": due,
        "left": None if due is None else (due - now).total_seconds(),
        "left_text": None if due is None else span_text((due - now).total_seconds()),
        "assignee": ctx.config.person(ticket.assignee_id) if ticket.assignee_id else None,
    }


def _next(target: str | None) -> str:
    if not target or not target.startswith("/staff") or "//" in target or "\\" in target:
        return "/staff"
    return target
