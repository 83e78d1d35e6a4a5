"""``deskbot sla explain`` and ``deskbot sla check``: a ticket's clocks, and one scan by hand.

Added to the ``sla`` group that :mod:`bot.cli.sla_cmd` registers (this module is listed after
it in ``COMMAND_MODULES``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from bot.context import AppContext
    from bot.store.records import Escalation, Ticket
    from sla import Calendar, ClockState

AtOption = typer.Option(
    None, "--at", help="Evaluate at this instant (ISO 8601 with offset) instead of now."
)


def register(app: typer.Typer) -> None:
    group = _sla_group(app)
    group.command("explain")(explain)
    group.command("check")(check)


def _sla_group(app: typer.Typer) -> typer.Typer:
    """The ``sla`` group made by ``bot.cli.sla_cmd`` (registered on the root app first)."""
    for info in app.registered_groups:
        if info.name == "sla" and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help="SLA targets, calendars and clocks.", no_args_is_help=True)
    app.add_typer(group, name="sla")
    return group


def _context() -> AppContext:
    from bot.context import build_context

    return build_context(settings())


def _instant(text: str | None) -> dt.datetime:
    if text is None:
        return dt.datetime.now(dt.UTC)
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"--at {text!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise InvalidInput(f"--at {text!r} has no UTC offset; add one, e.g. +08:00 or Z")
    return value.astimezone(dt.UTC)


# -- explain -------------------------------------------------------------------------------
def explain(
    ref: str = typer.Argument(..., help="Ticket key, e.g. SUP-1042"),
    at: str | None = AtOption,
    as_json: bool = JsonOption,
) -> None:
    """A ticket's SLA clocks: target, calendar, pauses, time used and left, escalations.

    Times are in the account's time zone; --json gives them in UTC with the zone's name.
    """
    with user_errors():
        now = _instant(at)
        ctx = _context()
        try:
            doc = explain_ticket(ctx, ref, now=now)
        finally:
            ctx.close()
    if as_json:
        emit_json(doc)
        return
    _print_explain(doc)


def explain_ticket(ctx: AppContext, ref: str, *, now: dt.datetime) -> dict[str, Any]:
    """The document behind ``sla explain`` (JSON-safe)."""
    from bot.scheduler.scanner import sla_keeper

    ticket = ctx.tickets.get(ref)
    keeper = sla_keeper(ctx)
    sla = keeper.account_sla(ticket.account_id)
    zone = account_zone(ctx, ticket.account_id, sla.calendar)
    events = ctx.tickets.events(ticket.id)
    fired = ctx.notifications.escalations(ticket.id)
    fired_keys = {(e.clock, e.level) for e in fired}
    clocks = [
        _clock_doc(state, ticket, keeper.steps(state, ticket), fired, fired_keys)
        for state in keeper.state(ticket, events, now=now).clocks
    ]
    return {
        "ticket": ticket.key,
        "account": ticket.account_id,
        "tier": sla.tier,
        "priority": ticket.priority,
        "status": ticket.status,
        "timezone": zone_name(zone),
        "now": now.isoformat(),
        "clocks": clocks,
    }


def account_zone(ctx: AppContext, account_id: str, calendar: Calendar) -> dt.tzinfo:
    """The zone a ticket's times are shown in: its account's calendar's, else the account's."""
    from zoneinfo import ZoneInfo

    from bot.sla_setup import DEFAULT_TIMEZONE

    tz = getattr(calendar, "tz", None)
    if isinstance(tz, dt.tzinfo):
        return tz
    account = ctx.config.account(account_id)
    return ZoneInfo(account.timezone if account is not None else DEFAULT_TIMEZONE)


def zone_name(zone: dt.tzinfo) -> str:
    """``Asia/Shanghai`` for a zone from the tz database, else what the zone calls itself."""
    return getattr(zone, "key", None) or str(zone)


def _clock_doc(
    state: ClockState,
    ticket: Ticket,
    steps: list[Any],
    fired: list[Escalation],
    fired_keys: set[tuple[str, int]],
) -> dict[str, Any]:
    from bot.sla_clocks import escalation_clock
    from sla import format_duration, format_target

    name = escalation_clock(state)
    target = state.target
    pending = [s for s in steps if (name, s.level) not in fired_keys]
    upcoming = pending[0] if pending else None
    mine = [e for e in fired if e.clock.split("#")[0] == state.name]
    return {
        "name": state.name,
        "escalation_clock": name,
        "target": format_target(target) if target else "none",
        "calendar": state.calendar.name if target and target.calendar == "business" else "24x7",
        "started_at": _iso(state.started_at),
        "due_at": _iso(state.due_at),
        "projected_due_at": _iso(state.projected_due_at),
        "stopped_at": _iso(state.stopped_at),
        "stop_reason": state.stop_reason,
        "state": _status(state),
        "paused": state.paused,
        "pauses": [[_iso(p.start), _iso(p.end)] for p in state.pauses],
        "restarts": [_iso(r) for r in state.restarts],
        "elapsed_seconds": int(state.elapsed.total_seconds()),
        "elapsed": format_duration(state.elapsed),
        "remaining_seconds": int(state.remaining.total_seconds()) if state.remaining else None,
        "remaining": format_duration(state.remaining) if state.remaining is not None else None,
        "breached": state.breached,
        "met": state.met,
        "next_escalation": None
        if upcoming is None
        else {
            "level": upcoming.level,
            "fraction": upcoming.fraction,
            "fire_at": _iso(upcoming.fire_at),
            "recipients": list(upcoming.recipients),
        },
        "escalations": [
            {
                "clock": e.clock,
                "level": e.level,
                "fraction": e.fraction,
                "due_at": _iso(e.due_at),
                "fired_at": _iso(e.fired_at),
                "late": e.late,
                "recipients": list(e.recipients),
            }
            for e in mine
        ],
    }


def _status(state: ClockState) -> str:
    if state.target is None:
        return "no target"
    if state.stopped_at is not None:
        return "breached" if state.breached else "met"
    if state.paused:
        return "paused"
    return "breached" if state.breached else "running"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _print_explain(doc: dict[str, Any]) -> None:
    """The document as a table, every time in the account's zone (the JSON stays in UTC)."""
    from zoneinfo import ZoneInfo

    from rich.console import Console
    from rich.table import Table

    local = _localiser(ZoneInfo(doc["timezone"]))
    doc = {**doc, "now": local(doc["now"]), "clocks": [_localised(c, local) for c in doc["clocks"]]}
    console = Console(highlight=False, soft_wrap=False)
    console.print(
        f"[bold]{doc['ticket']}[/bold] {doc['priority']} · {doc['account']} ({doc['tier']}) · "
        f"{doc['status']} · at {doc['now']} · times in {doc['timezone']}"
    )
    table = Table(show_header=True, header_style="bold")
    table.add_column("")
    for clock in doc["clocks"]:
        table.add_column(clock["name"].replace("_", " "))
    rows: list[tuple[str, Any]] = [
        ("target", lambda c: c["target"]),
        ("calendar", lambda c: c["calendar"]),
        ("state", lambda c: c["state"]),
        ("started", lambda c: c["started_at"]),
        ("due", lambda c: c["due_at"] or (f"{c['projected_due_at']} if resumed now"
                                          if c["paused"] and c["projected_due_at"] else "-")),
        ("stopped", lambda c: f"{c['stopped_at']} ({c['stop_reason']})" if c["stopped_at"]
                              else "-"),
        ("paused", lambda c: "\n".join(f"{s} → {e or 'now'}" for s, e in c["pauses"]) or "-"),
        ("restarted", lambda c: "\n".join(c["restarts"]) or "-"),
        ("elapsed", lambda c: c["elapsed"]),
        ("remaining", lambda c: "-" if c["stopped_at"] else c["remaining"] or "-"),
        ("next escalation", _next_text),
        ("escalations fired", _fired_text),
    ]  # fmt: skip
    for label, cell in rows:
        table.add_row(label, *(str(cell(c)) for c in doc["clocks"]))
    console.print(table)


def _localiser(zone: dt.tzinfo) -> Callable[[str | None], str | None]:
    """ISO 8601 text -> ``2026-11-18 10:00 +08:00`` in ``zone`` (seconds only when not 0)."""

    def local(text: str | None) -> str | None:
        if text is None:
            return None
        value = dt.datetime.fromisoformat(text).astimezone(zone)
        pattern = "%Y-%m-%d %H:%M:%S" if value.second or value.microsecond else "%Y-%m-%d %H:%M"
        offset = value.strftime("%z")
        return f"{value.strftime(pattern)} {offset[:3]}:{offset[3:]}"

    return local


def _localised(clock: dict[str, Any], local: Callable[[str | None], str | None]) -> dict[str, Any]:
    """A copy of one clock of the document with its times shown by ``local``."""
    out = dict(clock)
    for name in ("started_at", "due_at", "projected_due_at", "stopped_at"):
        out[name] = local(clock[name])
    out["pauses"] = [[local(start), local(end)] for start, end in clock["pauses"]]
    out["restarts"] = [local(r) for r in clock["restarts"]]
    if clock["next_escalation"] is not None:
        out["next_escalation"] = {
            **clock["next_escalation"],
            "fire_at": local(clock["next_escalation"]["fire_at"]),
        }
    out["escalations"] = [
        {**e, "due_at": local(e["due_at"]), "fired_at": local(e["fired_at"])}
        for e in clock["escalations"]
    ]
    return out


def _next_text(clock: dict[str, Any]) -> str:
    step = clock["next_escalation"]
    if step is None:
        return "-"
    who = ", ".join(step["recipients"])
    return f"{round(step['fraction'] * 100)}% at {step['fire_at']} → {who}"


def _fired_text(clock: dict[str, Any]) -> str:
    lines = [
        f"{round(e['fraction'] * 100)}% {e['clock']} at {e['fired_at']} → "
        f"{', '.join(e['recipients']) or 'nobody'}" + (" (late)" if e["late"] else "")
        for e in clock["escalations"]
    ]
    return "\n".join(lines) or "-"


# -- check ---------------------------------------------------------------------------------
SendOption = typer.Option(
    False, "--send", help="With --at: fire and deliver for real (without it, --at is a dry run)."
)


def check(at: str | None = AtOption, send: bool = SendOption, as_json: bool = JsonOption) -> None:
    """Run one SLA scan and one outbox delivery pass now (for cron instead of the scheduler).

    With --at the scan is a dry run that shows what would fire then, recording and sending
    nothing, unless --send is given too.
    """
    with user_errors():
        now = _instant(at)
        ctx = _context()
        try:
            doc = run_check(ctx, now=now, dry_run=at is not None and not send)
        finally:
            ctx.close()
    if as_json:
        emit_json(doc)
        return
    scan = doc["scan"]
    verb = "would fire" if doc["dry_run"] else "fired"
    typer.echo(
        f"scanned {scan['tickets']} due ticket(s): {verb} {len(scan['fired'])} escalation(s)"
        + (f", {len(scan['errors'])} error(s)" if scan["errors"] else "")
    )
    for step in scan["fired"]:
        late = " (late)" if step["late"] else ""
        reached = step.get("reached") or {}
        who = (
            ", ".join(
                f"{r} ({reached[r] or 'not reached: logged only'})" if r in reached else r
                for r in step["recipients"]
            )
            or "nobody (folded into the ticket's one ping)"
        )
        share = round(step["fraction"] * 100)
        typer.echo(f"  {step['ticket']} {step['clock']} {share}% → {who}{late}")
    for error in scan["errors"]:
        typer.echo(f"  error: {error}", err=True)
    if doc["dry_run"]:
        typer.echo("dry run: nothing was recorded or sent (add --send to fire for real)")
    typer.echo(f"delivered {doc['delivered']} notification(s); outbox {doc['outbox']}")
    for item in doc["failed"]:
        typer.echo(f"  failed: #{item['id']} {item['transport']} {item['target']}: {item['error']}")
    typer.echo(f"next escalation: {scan['next_wakeup'] or 'none pending'}")


def run_check(
    ctx: AppContext, *, now: dt.datetime, dry_run: bool = False, wall: dt.datetime | None = None
) -> dict[str, Any]:
    """One scan and one delivery pass at ``now``; the document ``sla check --json`` prints.
    A dry run shows what the scan would fire and changes nothing. A real pass holds the
    scheduler's lease (at the wall-clock time ``wall``, default now): beside a live scheduler
    it is refused (``LeaseBusy``) rather than scanning and delivering side by side."""
    from bot.notify.outbox import OutboxWorker
    from bot.scheduler.lease import exclusively
    from bot.scheduler.scanner import SlaScanner

    scanner = SlaScanner.from_context(ctx)
    if dry_run:
        report = scanner.preview(now)
        delivered = 0
    else:
        with exclusively(ctx.leases, now=wall or dt.datetime.now(dt.UTC)):
            report = scanner.scan(now)
            delivered = OutboxWorker.from_context(ctx, ctx.transports).deliver_due(now)
    failed = ctx.notifications.items(status="failed", limit=20)
    return {
        "dry_run": dry_run,
        "scan": report.as_dict(),
        "delivered": delivered,
        "transports": sorted(ctx.transports),
        "outbox": ctx.notifications.counts(),
        "failed": [
            {
                "id": i.id,
                "transport": i.transport,
                "target": i.target,
                "attempts": i.attempts,
                "error": i.last_error,
            }
            for i in failed
        ],
    }
