"""The CSM and support-lead views: accounts by risk, the digest, analytics (with a date range
and CSV export) and knowledge gaps (grouped, with "add to FAQ" and "dismiss")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.analytics.gaps import gap_group, group_gaps, write_faq_draft
from bot.errors import InvalidInput, NotFound
from bot.service.deps import ContextDep
from bot.store.records import Ticket
from bot.web import auth
from bot.web.render import page, page_language, texts
from bot.web.staff import staff_member, staff_zone, to_login
from bot.web.views import breach_at, recipient_names

router = APIRouter(prefix="/staff", include_in_schema=False)
GAP_DAYS = 30
SLA_GROUPS = ("all", "priority:P1", "priority:P2", "priority:P3", "priority:P4", "tier:free",
              "tier:basic", "tier:pro", "tier:enterprise")  # fmt: skip
MAX_DAYS = 366


@router.get("/accounts", response_class=HTMLResponse)
def accounts(request: Request, ctx: ContextDep) -> Response:
    """Each account's open work, riskiest first."""
    from bot.store.tickets import TicketFilter

    me = staff_member(request)
    if me is None:
        return to_login(request)
    csm = request.query_params.get("csm", me.user if "csm" in me.roles else "")
    open_tickets = ctx.tickets.query(TicketFilter(open_only=True, limit=2000))
    now = dt.datetime.now(dt.UTC)
    soon = now + dt.timedelta(hours=4)
    by_account: dict[str, list[Ticket]] = {}
    for t in open_tickets:
        by_account.setdefault(t.account_id, []).append(t)
    gaps = Counter(g.account_id for g in ctx.gaps.recent(since=now - dt.timedelta(days=GAP_DAYS)))
    rows: list[dict[str, Any]] = []
    for account in ctx.config.accounts:
        if csm and account.csm != csm:
            continue
        mine = by_account.get(account.id, [])
        timed = sorted(
            ((b, t.key) for t in mine if (b := breach_at(t)) is not None), key=lambda x: x[0]
        )
        due = [b for b, _ in timed]
        # The earliest due time may be long past: also say what breaches next, and when.
        upcoming = next(((b, key) for b, key in timed if b > now), None)
        rows.append(
            {
                "account": account,
                "csm": ctx.config.person(account.csm) if account.csm else None,
                "open": len(mine),
                "p1": sum(1 for t in mine if t.priority == "P1"),
                "breached": sum(1 for b in due if b <= now),
                "at_risk": sum(1 for b in due if now < b <= soon),
                "next_due": timed[0][0] if timed else None,
                "next_key": timed[0][1] if timed else None,
                "upcoming": upcoming if timed and timed[0][0] <= now else None,
                "gaps": gaps.get(account.id, 0),
            }
        )
    rows.sort(
        key=lambda r: (-r["breached"], -r["at_risk"], -r["p1"], -r["open"], r["account"].name)
    )
    csms = [p for p in ctx.config.people if "csm" in p.roles]
    return page(
        request, "staff_accounts.html", rows=rows, csm=csm, csms=csms, section="accounts",
        tz=staff_zone(ctx, me),
        left=lambda when: (when - now).total_seconds(),
    )  # fmt: skip


@router.get("/gaps", response_class=HTMLResponse)
def gaps(request: Request, ctx: ContextDep) -> Response:
    me = staff_member(request)
    if me is None:
        return to_login(request)
    now = dt.datetime.now(dt.UTC)
    recent = ctx.gaps.recent(since=now - dt.timedelta(days=GAP_DAYS))
    groups = group_gaps(recent, ticket_prefix=ctx.config.organisation.ticket_prefix)
    names = {a.id: a.name for a in ctx.config.accounts}
    return page(
        request,
        "staff_gaps.html",
        groups=groups,
        total=len(recent),
        hidden=len(recent) - sum(g.count for g in groups),
        account_name=lambda account_id: names.get(account_id, account_id),
        drafted=request.query_params.get("drafted", "")[:200],
        days=GAP_DAYS,
        section="gaps",
        tz=staff_zone(ctx, me),
    )


@router.post("/gaps/{action}")
def gap_action(
    action: str,
    request: Request,
    ctx: ContextDep,
    csrf: str = Form(default=""),
    ids: str = Form(default="", max_length=20000),
) -> Response:
    """``faq``: write a draft FAQ entry for the group and mark it drafted; ``dismiss``: not a
    documentation gap. Either way the group leaves the list (and the digest)."""
    me = staff_member(request)
    if me is None:
        raise auth.NotSignedIn("staff sign-in required")
    auth.check_csrf(ctx, me, csrf)
    if action not in ("faq", "dismiss"):
        raise NotFound(f"no action {action}")
    wanted = {int(part) for part in ids.split(",") if part.strip().isdigit()}
    if not wanted:
        raise InvalidInput("no questions chosen")
    now = dt.datetime.now(dt.UTC)
    members = [
        g for g in ctx.gaps.recent(since=now - dt.timedelta(days=MAX_DAYS)) if g.id in wanted
    ]
    if not members:
        raise NotFound("those questions are gone or handled already")
    where = ""
    if action == "faq":
        folder = ctx.settings.home / "faq-drafts"
        path = write_faq_draft(folder, gap_group(members), now=now, by=me.name or me.user)
        where = f"?drafted={path.name}"
    ctx.gaps.set_status(
        [g.id for g in members], "drafted" if action == "faq" else "dismissed", now=now
    )
    return RedirectResponse(f"/staff/gaps{where}", status_code=303)


@router.get("/digest", response_class=HTMLResponse)
def my_digest(request: Request, ctx: ContextDep) -> Response:
    me = staff_member(request)
    if me is None:
        return to_login(request)
    from bot.digest import csm_people

    people = csm_people(ctx.config)
    mine = next((p for p in people if p.id == me.user), people[0] if people else None)
    if mine is None:
        return page(request, "not_found.html", status=404, side="staff")
    return RedirectResponse(f"/staff/digest/{mine.id}", status_code=303)


@router.get("/digest/{csm_id}", response_class=HTMLResponse)
def digest(csm_id: str, request: Request, ctx: ContextDep) -> Response:
    """A CSM's digest as of now: accounts riskiest first, every ticket linked to its staff page."""
    me = staff_member(request)
    if me is None:
        return to_login(request)
    from bot.digest import build_digest, csm_people
    from bot.digest.sections import ticket_groups

    t = texts(page_language(request), "staff")
    try:
        built = build_digest(ctx, csm_id[:100], as_of=dt.datetime.now(dt.UTC))
    except NotFound:
        return page(request, "not_found.html", status=404, side="staff")
    return page(
        request,
        "staff_digest.html",
        digest=built,
        csms=csm_people(ctx.config),
        names=lambda targets: recipient_names(ctx.config, targets, t),
        groups=ticket_groups,
        section="digest",
        tz=built.timezone,
    )


def _period(request: Request) -> tuple[dt.datetime, dt.datetime, int]:
    """``?days=N`` (default 7) ending now, or ``?from=YYYY-MM-DD&to=YYYY-MM-DD`` (whole days,
    UTC; ``to`` included). At most a year."""
    q = request.query_params
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    try:
        start = dt.date.fromisoformat(q.get("from", "")) if q.get("from") else None
        end = dt.date.fromisoformat(q.get("to", "")) if q.get("to") else None
    except ValueError:
        start = end = None
    if start is not None:
        until = (
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), dt.UTC)
            if end is not None
            else now
        )
        since = dt.datetime.combine(start, dt.time(), dt.UTC)
        if since < until and (until - since).days <= MAX_DAYS:
            return since, min(until, now), 0
    raw = q.get("days", "7")
    days = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_DAYS else 7
    return now - dt.timedelta(days=days), now, days


@router.get("/analytics", response_class=HTMLResponse)
def analytics(request: Request, ctx: ContextDep) -> Response:
    """Numbers over a period (``?days=`` or ``?from=&to=``), charts and tables; CSV at
    ``/staff/analytics.csv`` with the same parameters."""
    me = staff_member(request)
    if me is None:
        return to_login(request)
    from bot.analytics import collect
    from bot.analytics.charts import localised_charts

    since, until, days = _period(request)
    stats = collect(ctx, until, since=since)
    t = texts(page_language(request), "staff")
    names = {a.id: a.name for a in ctx.config.accounts}
    return page(
        request,
        "staff_analytics.html",
        stats=stats,
        charts=localised_charts(stats, t),
        sla_groups=[g for g in SLA_GROUPS if any(g in groups for groups in stats.sla.values())],
        account_name=lambda account_id: names.get(account_id, account_id),
        days=days,
        since=since,
        until=until,
        query=request.url.query,
        section="analytics",
        tz=staff_zone(ctx, me),
    )


@router.get("/analytics.csv")
def analytics_csv(request: Request, ctx: ContextDep) -> Response:
    """The period's tickets, one row each: what a spreadsheet needs to slice them further."""
    me = staff_member(request)
    if me is None:
        return to_login(request)
    from bot.analytics.export import ticket_rows

    since, until, _ = _period(request)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in ticket_rows(ctx, since=since, until=until):
        writer.writerow(row)
    name = f"deskbot-tickets-{since:%Y%m%d}-{until:%Y%m%d}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"',
                 "Cache-Control": "no-store"},
    )  # fmt: skip
