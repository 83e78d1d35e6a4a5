"""``deskbot stats --since ISO|7d [--json]``: support numbers over a period."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import typer

from bot.cli.common import JsonOption, emit_json, fail, settings, user_errors

_RELATIVE = re.compile(r"^(\d+)\s*([dhw])$")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats)


def parse_since(text: str, *, now: dt.datetime) -> dt.datetime:
    """'7d', '24h', '2w', or an ISO date/time (naive means UTC)."""
    match = _RELATIVE.match(text.strip().lower())
    if match:
        unit = {"d": "days", "h": "hours", "w": "weeks"}[match.group(2)]
        return now - dt.timedelta(**{unit: int(match.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise fail(f"--since must be like 7d, 24h or 2026-11-01, not {text!r}", 2) from None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    if moment >= now:
        raise fail("--since must be in the past", 2)
    return moment


def stats(
    since: str = typer.Option("7d", "--since", help="Start: 7d, 24h, 2w or an ISO date/time."),
    now_text: str | None = typer.Option(None, "--now", hidden=True, help="Pin the clock."),
    as_json: bool = JsonOption,
) -> None:
    """Deflection, response and resolution times, SLA attainment, escalations, gaps."""
    from bot.analytics import collect
    from bot.cli.digest_cmd import parse_now
    from bot.context import build_context

    now = parse_now(now_text)
    start = parse_since(since, now=now)
    with user_errors():
        ctx = build_context(settings())
        result = collect(ctx, now, since=start)
    if as_json:
        emit_json(result.as_json())
        return
    names = {a.id: a.name for a in ctx.config.accounts}
    data = result.as_json()
    data["by_account"] = {names.get(k, k): v for k, v in result.by_account.items()}
    typer.echo("\n".join(_text(data, period=period_text(start, now))))


def period_text(since: dt.datetime, until: dt.datetime) -> str:
    """'Mon 30 Nov 10:05 – Mon 07 Dec 10:05 UTC (7 days)': to the minute, as the dashboard."""
    days = (until - since).total_seconds() / 86400
    span = f"{days:.0f} days" if days >= 2 else f"{days * 24:.0f} hours"
    return f"{since:%a %d %b %H:%M} – {until:%a %d %b %H:%M} UTC ({span})"


def _text(data: dict[str, Any], *, period: str) -> list[str]:
    def pct(rate: float | None) -> str:
        return "-" if rate is None else f"{rate:.0%}"

    def hours(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds / 3600:.1f} h"

    d = data["deflection"]
    lines = [
        f"Support {period}",
        f"  tickets opened: {data['tickets']}  by priority: {_counts(data['by_priority'])}",
        f"  by kind: {_counts(data['by_kind'])}",
        f"  by account: {_counts(data['by_account'])}",
        f"  bot deflection: {pct(d['rate'])} ({d['deflected']} of "
        f"{d['deflected'] + d['followed_by_ticket'] + d['handoffs']}; {d['solved']} solved, "
        f"{d['no_ticket']} no ticket, {d['followed_by_ticket']} ticket, {d['handoffs']} hand-offs,"
        f" {d['pending']} pending)",
        f"  escalations sent: {data['escalations'].get('total', 0)}"
        f" (late {data['escalations'].get('late', 0)})",
    ]
    csat = data.get("csat") or {}
    if csat.get("ratings") or csat.get("requested"):
        average = "-" if csat.get("average") is None else f"{csat['average']:.1f}/5"
        lines.append(
            f"  CSAT: {pct(csat.get('rate'))} satisfied (4-5), average {average},"
            f" {csat['ratings']} rating(s) from {csat['requested']} request(s)"
        )
    for title, key in (
        ("first response", "first_response_seconds"),
        ("resolution", "resolution_seconds"),
    ):
        for tier, row in data[key].items():
            lines.append(
                f"  {title} [{tier}]: n={row['count']} median {hours(row['median'])}"
                f" p90 {hours(row['p90'])}"
            )
    for clock, groups in data["sla"].items():
        for group, row in groups.items():
            lines.append(
                f"  SLA {clock} [{group}]: {pct(row['rate'])} met"
                f" ({row['met']} met, {row['breached']} breached, {row['running']} running)"
            )
    for gap in data["top_gaps"]:
        lines.append(f"  gap ({gap['count']}x): {gap['question']}")
    return lines


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in counts.items()) or "none"
