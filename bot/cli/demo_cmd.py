"""``deskbot demo seed [--days 7] [--force] [--json]``: a believable week of demo data."""

from __future__ import annotations

import dataclasses

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Demo data for the example organisation.", no_args_is_help=True)
    group.command("seed")(seed)
    app.add_typer(group, name="demo")


def seed(
    days: int = typer.Option(7, "--days", min=1, max=60, help="How many days, ending now."),
    force: bool = typer.Option(False, "--force", help="Seed again even if demo data exists."),
    seed_value: int = typer.Option(7, "--seed", help="Random seed (same seed, same week)."),
    now_text: str | None = typer.Option(None, "--now", hidden=True, help="Pin the clock."),
    as_json: bool = JsonOption,
) -> None:
    """Create tickets, answers and knowledge gaps through the real ticket lifecycle."""
    from bot.cli.digest_cmd import parse_now
    from bot.context import build_context
    from bot.digest.demo import seed_demo

    now = parse_now(now_text)
    with user_errors():
        summary = seed_demo(
            build_context(settings()), now=now, days=days, seed=seed_value, force=force
        )
    if as_json:
        emit_json(dataclasses.asdict(summary))
        return
    first, last = (summary.tickets[0], summary.tickets[-1]) if summary.tickets else ("-", "-")
    typer.echo(
        f"seeded {len(summary.tickets)} tickets ({first} … {last}, {summary.open} still open), "
        f"{summary.conversations} conversations with {summary.answers} bot answers and "
        f"{summary.gaps} knowledge gaps over {days} days"
    )
    typer.echo("try: deskbot digest --csm csm-wang   or   deskbot stats --since 7d")
