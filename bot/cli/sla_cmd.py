"""``deskbot sla due``: when a ticket's first response and resolution fall due.

Kept light on purpose: it imports the ``sla`` library and, only with ``--account`` or a
configured ``--calendar``, the organisation config. Nothing from retrieval, torch or chromadb.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors
from bot.errors import InvalidInput

if TYPE_CHECKING:
    from bot.config import OrgConfig
    from sla import Calendar, Policy


def register(app: typer.Typer) -> None:
    """Add ``deskbot sla ...`` to the root app."""
    group = typer.Typer(help="SLA targets, calendars and clocks.", no_args_is_help=True)
    group.command("due")(due)
    app.add_typer(group, name="sla")


def _parse_opened(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"--opened {text!r} is not an ISO 8601 time; write e.g. 2026-11-20T16:00:00+08:00"
        ) from None
    if value.tzinfo is None:
        raise InvalidInput(f"--opened {text!r} has no UTC offset; add one, e.g. +08:00 or Z")
    return value


def _load_config() -> OrgConfig:
    from bot.config import load_org_config

    return load_org_config(settings().config_path)


def _resolve(
    tier: str | None, account_id: str | None, calendar_name: str | None
) -> tuple[str, Calendar, Policy, str | None]:
    """(tier, business calendar, policy, account id) from the options."""
    from bot import sla_setup
    from sla import DEFAULT_POLICY, AlwaysOpen, default_calendar

    if account_id is not None:
        config = _load_config()
        account = sla_setup.find_account(config, account_id)
        use_tier = tier or account.tier
        policy = sla_setup.account_policy(config, account, tier=use_tier)
        calendar = sla_setup.account_calendar(config, account, name=calendar_name)
        return use_tier, calendar, policy, account.id
    if tier is None:
        raise InvalidInput("give --tier (free, basic, pro, enterprise) or --account")
    if calendar_name is None or calendar_name == "24x7":
        # The built-in default needs no config file: fast, and the same on every machine.
        calendar = default_calendar() if calendar_name is None else AlwaysOpen()
        return tier, calendar, DEFAULT_POLICY, None
    config = _load_config()
    return (
        tier,
        sla_setup.named_calendar(config, calendar_name),
        sla_setup.plan_policy(config, tier),
        None,
    )


def compute_due(
    *,
    tier: str | None,
    priority: str,
    opened: str,
    account: str | None = None,
    calendar: str | None = None,
) -> dict[str, Any]:
    """The JSON document of ``deskbot sla due`` (raises DeskbotError on bad input)."""
    from sla import AlwaysOpen, check_priority, clocks_due, format_target

    opened_at = _parse_opened(opened)
    try:
        checked_priority = check_priority(priority)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    use_tier, business, policy, account_id = _resolve(tier, account, calendar)
    try:
        targets = policy.targets(use_tier, checked_priority)
        first_due, resolution_due = clocks_due(
            tier=use_tier,
            priority=checked_priority,
            opened=opened_at,
            business=business,
            policy=policy,
        )
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    wall = AlwaysOpen()

    def calendar_of(kind: str | None) -> str | None:
        if kind is None:
            return None
        return business.name if kind == "business" else wall.name

    fr_cal = calendar_of(targets.first_response.calendar if targets.first_response else None)
    res_cal = calendar_of(targets.resolution.calendar if targets.resolution else None)
    used = [c for c in (fr_cal, res_cal) if c is not None]
    return {
        "first_response_due": first_due.isoformat() if first_due else None,
        "resolution_due": resolution_due.isoformat() if resolution_due else None,
        # The calendar the due times were measured on; per-target detail follows.
        "calendar": used[0] if used and all(c == used[0] for c in used) else business.name,
        "first_response_target": format_target(targets.first_response),
        "resolution_target": format_target(targets.resolution),
        "first_response_calendar": fr_cal,
        "resolution_calendar": res_cal,
        "tier": use_tier,
        "priority": checked_priority,
        "opened": opened_at.isoformat(),
        "account": account_id,
    }


def due(
    tier: str | None = typer.Option(
        None, "--tier", help="free | basic | pro | enterprise (default: the account's)."
    ),
    priority: str = typer.Option(..., "--priority", help="P1 | P2 | P3 | P4"),
    opened: str = typer.Option(
        ..., "--opened", help="When the ticket opened, ISO 8601 with offset (…+08:00, …Z)."
    ),
    account: str | None = typer.Option(
        None, "--account", help="Account id: its calendar, plan and overrides from the config."
    ),
    calendar: str | None = typer.Option(
        None,
        "--calendar",
        help="'24x7', 'business' or a calendar name from the config "
        "(default: Mon–Fri 09:00–17:30 Asia/Shanghai with CN holidays).",
    ),
    as_json: bool = JsonOption,
) -> None:
    """When the first response and the resolution are due, in the opening time's offset."""
    with user_errors():
        doc = compute_due(
            tier=tier, priority=priority, opened=opened, account=account, calendar=calendar
        )
    if as_json:
        emit_json(doc)
        return
    typer.echo(
        f"first response due: {doc['first_response_due'] or 'no target'}"
        f"  ({doc['first_response_target']})"
    )
    typer.echo(
        f"resolution due:     {doc['resolution_due'] or 'no target'}  ({doc['resolution_target']})"
    )
    typer.echo(f"calendar:           {doc['calendar']}")
