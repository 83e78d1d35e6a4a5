"""``deskbot tickets list|show`` (the staff actions on a ticket are :mod:`bot.cli.desk_cmd`)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors

if TYPE_CHECKING:
    from bot.names import TicketNames
    from bot.store.records import Ticket


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Look at tickets and act on them.", no_args_is_help=True)
    group.command("list")(list_tickets)
    group.command("show")(show)
    app.add_typer(group, name="tickets")


def _context() -> Any:
    from bot.context import build_context

    return build_context(settings())


def list_tickets(
    account: str | None = typer.Option(None, help="Only this account's tickets."),
    status: str | None = typer.Option(None, help="open | waiting_on_customer | resolved"),
    open_only: bool = typer.Option(False, "--open", help="Only tickets not yet resolved."),
    priority: str | None = typer.Option(None, help="P1..P4"),
    limit: int = typer.Option(50, min=1, max=1000),
    as_json: bool = JsonOption,
) -> None:
    """List tickets, newest first."""
    from bot.names import TicketNames
    from bot.store.tickets import TicketFilter

    with user_errors():
        ctx = _context()
        tickets = ctx.tickets.query(
            TicketFilter(
                account_id=account, status=status, open_only=open_only, priority=priority,
                limit=limit,
            )
        )  # fmt: skip
    if as_json:
        emit_json({"tickets": [_ticket_json(t, TicketNames(ctx.config, t)) for t in tickets]})
        return
    if not tickets:
        typer.echo("no tickets")
        return
    for t in tickets:
        typer.echo(f"{t.key:<10} {t.priority} {t.status:<20} {t.account_id:<16} {t.subject[:60]}")


def show(
    ref: str = typer.Argument(..., help="Ticket key, e.g. SUP-1042"), as_json: bool = JsonOption
) -> None:
    """Show one ticket with its fields, clocks and history."""
    from bot.names import ticket_names

    with user_errors():
        ctx = _context()
        ticket = ctx.tickets.get(ref)
        events = ctx.tickets.events(ticket.id)
        names = ticket_names(ctx.config, ctx.conversations, ticket)
    if as_json:
        emit_json(
            {
                "ticket": _ticket_json(ticket, names),
                "events": [
                    {**dataclasses.asdict(e), "actor_name": names.name(e.actor, e.actor_kind)}
                    for e in events
                ],
            }
        )
        return
    typer.echo(f"{ticket.key}  {ticket.priority}  {ticket.status} / {ticket.stage}")
    typer.echo(f"  {ticket.subject}")
    requester = _who(names.requester, ticket.requester)
    assignee = ticket.assignee_id
    assignee = _who(names.name(assignee, "agent"), assignee) if assignee else "-"
    typer.echo(f"  account {ticket.account_id}, requester {requester}, assignee {assignee}")
    if ticket.priority_reason:
        typer.echo(f"  why {ticket.priority}: {ticket.priority_reason}")
    for name, value in ticket.fields.items():
        if value:
            typer.echo(f"  {name}: {str(value)[:200]}")
    for clock in ticket.clocks:
        due = clock.due_at.isoformat() if clock.due_at else "no target"
        typer.echo(f"  clock {clock.name}: due {due}{' (paused)' if clock.paused else ''}")
    for e in events:
        who = names.name(e.actor, e.actor_kind) if e.actor else ""
        typer.echo(f"  {e.at:%Y-%m-%d %H:%M} {e.kind:<20} {e.actor_kind}:{who} {e.body[:80]}")


def _who(name: str, ref: str) -> str:
    """``Name (ref)``, or the bare ref when no name is known."""
    return ref if name == ref else f"{name} ({ref})"


def _ticket_json(ticket: Ticket, names: TicketNames) -> dict[str, Any]:
    """The stored fields (ids as they are) with ``requester_name`` the shown name: the
    stored one, a staff member's, or the requester id when no name is known."""
    data = dataclasses.asdict(ticket)
    data["clocks"] = [dataclasses.asdict(c) for c in ticket.clocks]
    data["requester_name"] = names.requester
    return data
