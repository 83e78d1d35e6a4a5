"""``deskbot config check`` and ``deskbot config hash-password``."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors
from bot.errors import InvalidInput


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Check the organisation file.", no_args_is_help=True)
    group.command("check")(check)
    group.command("hash-password")(hash_password)
    app.add_typer(group, name="config")


def check(
    as_json: bool = JsonOption,
    on: str | None = typer.Option(
        None, "--on", help="Check as of this date (YYYY-MM-DD), e.g. next year's holidays."
    ),
) -> None:
    """Validate the organisation file; print a summary and any warnings.

    Every SLA target, calendar, escalation ladder and the on-call rotation is built as the
    service would build it, so a mistake fails here rather than on a ticket.
    """
    from bot.config.loader import check_org_config

    s = settings()
    with user_errors():
        today = _date(on) if on else None
        config, warnings = check_org_config(s.config_path, today=today)
    summary = {
        "file": str(s.config_path),
        "organisation": config.organisation.name,
        "accounts": len(config.accounts),
        "accounts_by_tier": dict(Counter(a.tier for a in config.accounts)),
        "people": len(config.people),
        "people_by_role": dict(Counter(r for p in config.people for r in p.roles)),
        "calendars": sorted({"business", "24x7", *config.calendars}),
        "oncall_rotation": list(config.oncall.rotation) if config.oncall else [],
        "slack_channels": sum(len(a.slack_channels) for a in config.accounts),
        "escalation_channel": config.organisation.escalation_channel,
    }
    if as_json:
        emit_json({"valid": True, **summary, "warnings": warnings})
        return
    typer.echo(f"{summary['file']}: valid")
    typer.echo(f"  organisation  {summary['organisation']}")
    tiers = ", ".join(f"{n} {t}" for t, n in summary["accounts_by_tier"].items())  # type: ignore[attr-defined]
    typer.echo(f"  accounts      {summary['accounts']} ({tiers})")
    roles = ", ".join(f"{n} {r}" for r, n in summary["people_by_role"].items())  # type: ignore[attr-defined]
    typer.echo(f"  people        {summary['people']} ({roles})")
    typer.echo(f"  calendars     {', '.join(summary['calendars'])}")  # type: ignore[arg-type]
    typer.echo(f"  on-call       {' → '.join(summary['oncall_rotation']) or 'none'}")  # type: ignore[arg-type]
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


def hash_password(
    password: str = typer.Option(..., prompt=True, hide_input=True, confirmation_prompt=True),
) -> None:
    """Print a password hash for a staff member's password_hash in the config."""
    from bot.passwords import hash_password as make

    typer.echo(make(password))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"--on {text!r}: write a date as YYYY-MM-DD") from None
