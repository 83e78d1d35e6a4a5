"""``deskbot tickets take|assign|ack|reply|note|wait|resolve|reopen|priority|merge``: the staff
actions from the command line.

They call the same :class:`bot.desk.TicketDesk` methods as the web staff page and the Slack
buttons, so the clocks, the history and who hears about it (the customer on the ticket's own
channel, the person who follows it up) are the same whichever way a person acts. ``--as``
names the staff member acting, by their id in the organisation file. Each prints what it did
and what went out (``--json``: the ticket and the outbox items); errors are one line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors
from bot.errors import Conflict, InvalidInput

if TYPE_CHECKING:
    from bot.context import AppContext
    from bot.store.records import OutboxItem, Ticket

Act = Callable[["AppContext", "Ticket", str], "Ticket"]

KeyArgument = typer.Argument(..., help="Ticket key, e.g. SUP-1042.")
AsOption = typer.Option(
    ..., "--as", help="Who acts: a staff member's id from the organisation file (eng-chen)."
)
TextArgument = typer.Argument(..., help="What to say ('-' reads it from stdin).")
OptionalText = typer.Argument(None, help="A message for the customer ('-' reads stdin).")


def register(app: typer.Typer) -> None:
    group = _tickets_group(app)
    group.command("take")(take)
    group.command("assign")(assign)
    group.command("ack")(ack)
    group.command("reply")(reply)
    group.command("note")(note)
    group.command("wait")(wait)
    group.command("resolve")(resolve)
    group.command("reopen")(reopen)
    group.command("priority")(priority)
    group.command("merge")(merge)


def _tickets_group(app: typer.Typer) -> typer.Typer:
    """The ``tickets`` group made by ``bot.cli.tickets_cmd`` (registered first)."""
    for info in app.registered_groups:
        if info.name == "tickets" and info.typer_instance is not None:
            return info.typer_instance
    group = typer.Typer(help="Look at tickets and act on them.", no_args_is_help=True)
    app.add_typer(group, name="tickets")
    return group


# -- the commands ----------------------------------------------------------------------------
def take(key: str = KeyArgument, actor: str = AsOption, as_json: bool = JsonOption) -> None:
    """Take the ticket: assigned to you and, if nobody responded yet, acknowledged."""
    _act("take", key, actor, as_json, _take)


def assign(
    key: str = KeyArgument,
    assignee: str = typer.Argument(..., help="Who gets it: a person's id (eng-li)."),
    actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Give the ticket to someone (not a response: they have not started yet)."""

    def act(ctx: AppContext, ticket: Ticket, by: str) -> Ticket:
        _person(ctx, assignee)
        return ctx.desk.assign(ticket, assignee=assignee, by=by, now=ctx.clock())

    _act("assign", key, actor, as_json, act)


def ack(key: str = KeyArgument, actor: str = AsOption, as_json: bool = JsonOption) -> None:
    """Acknowledge: the first response (stops the first-response clock)."""

    def act(ctx: AppContext, ticket: Ticket, by: str) -> Ticket:
        if ticket.first_response_at is not None:
            raise Conflict(f"{ticket.key} was already acknowledged{_acknowledged_by(ctx, ticket)}")
        return ctx.desk.acknowledge(ticket, agent=by, now=ctx.clock())

    _act("ack", key, actor, as_json, act)


def reply(
    key: str = KeyArgument, text: str = TextArgument, actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """Answer the customer (public): sent on the ticket's own channel."""
    body = _text(text, required=True)
    _act(
        "reply",
        key,
        actor,
        as_json,
        lambda ctx, t, by: ctx.desk.agent_reply(t, agent=by, body=body, now=ctx.clock()),
    )


def note(
    key: str = KeyArgument, text: str = TextArgument, actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """An internal note: for staff only, never shown to the customer."""
    body = _text(text, required=True)
    _act(
        "note",
        key,
        actor,
        as_json,
        lambda ctx, t, by: ctx.desk.note(t, agent=by, body=body, now=ctx.clock()),
    )


def wait(
    key: str = KeyArgument, text: str | None = OptionalText, actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """Wait on the customer (pauses the resolution clock); the customer is asked."""
    body = _text(text)
    _act(
        "wait",
        key,
        actor,
        as_json,
        lambda ctx, t, by: ctx.desk.wait_on_customer(t, agent=by, now=ctx.clock(), body=body),
    )


def resolve(
    key: str = KeyArgument, text: str | None = OptionalText, actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """Resolve the ticket; the customer is told (with your message, if any)."""
    body = _text(text)
    _act(
        "resolve",
        key,
        actor,
        as_json,
        lambda ctx, t, by: ctx.desk.resolve(t, by=by, now=ctx.clock(), body=body),
    )


def reopen(
    key: str = KeyArgument, text: str | None = OptionalText, actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:  # fmt: skip
    """Reopen a resolved ticket (its resolution clock restarts)."""
    body = _text(text)
    _act("reopen", key, actor, as_json,
         lambda ctx, t, by: ctx.desk.reopen(t, by=by, now=ctx.clock(), body=body,
                                            actor_kind="agent"))  # fmt: skip


def priority(
    key: str = KeyArgument,
    level: str = typer.Argument(..., help="P1, P2, P3 or P4."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the ticket's history)."),
    actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Change the priority; the SLA clocks are re-derived from it."""
    if not reason.strip():
        raise typer.BadParameter("say why the priority changes", param_hint="--reason")
    _act("priority", key, actor, as_json,
         lambda ctx, t, by: ctx.desk.change_priority(t, priority=level.upper(), reason=reason,
                                                     by=by, now=ctx.clock()))  # fmt: skip


def merge(
    key: str = typer.Argument(..., help="The duplicate, e.g. SUP-1043: it is closed."),
    into: str = typer.Option(..., "--into", help="The ticket that carries on, e.g. SUP-1042."),
    actor: str = AsOption,
    as_json: bool = JsonOption,
) -> None:
    """Merge a duplicate into another ticket: the duplicate is closed, its customer told
    where to follow it, and both histories say so."""

    def act(ctx: AppContext, ticket: Ticket, by: str) -> Ticket:
        closed, _kept = ctx.desk.merge(ticket, into=ctx.tickets.get(into), by=by, now=ctx.clock())
        return closed

    _act("merge", key, actor, as_json, act)


# -- shared ----------------------------------------------------------------------------------
def _act(action: str, key: str, actor: str, as_json: bool, act: Act) -> None:
    """Build the application, check who acts, run ``act`` on the ticket, print the outcome."""
    from bot.context import build_context

    with user_errors():
        ctx = build_context(settings())
        try:
            person = _person(ctx, actor)
            if not _is_staff(person.roles):
                raise InvalidInput(
                    f"{actor} is not support staff (roles: {', '.join(person.roles)})"
                )
            ticket = ctx.tickets.get(key)
            before = _last_outbox_id(ctx)
            after = act(ctx, ticket, person.id)
            told = [i for i in ctx.notifications.items(limit=500) if i.id > before]
        finally:
            ctx.close()
    if as_json:
        emit_json({"action": action, "by": person.id, "ticket": _ticket_doc(after),
                   "notified": [_item_doc(i) for i in reversed(told)]})  # fmt: skip
        return
    typer.echo(_line(action, after, person.name, ctx))
    for item in reversed(told):
        error = f" ({item.last_error})" if item.last_error else ""
        typer.echo(f"  {item.transport} → {item.target}: {item.status}{error}")


def _take(ctx: AppContext, ticket: Ticket, by: str) -> Ticket:
    if ticket.assignee_id == by and ticket.first_response_at is not None:
        raise Conflict(f"{ticket.key} is yours already")
    return ctx.desk.take(ticket, agent=by, now=ctx.clock())


def _person(ctx: AppContext, person_id: str) -> Any:
    person = ctx.config.person(person_id)
    if person is None:
        raise InvalidInput(f"no person {person_id!r} in the organisation file")
    return person


def _is_staff(roles: list[str]) -> bool:
    return bool(set(roles) & {"engineer", "manager", "admin", "csm"})


def _acknowledged_by(ctx: AppContext, ticket: Ticket) -> str:
    """' by Chen Hao at 2026-11-18 10:02 UTC' from the ticket's history."""
    for event in reversed(ctx.tickets.events(ticket.id)):
        if event.kind in ("acknowledged", "message") and event.actor_kind == "agent":
            person = ctx.config.person(event.actor or "")
            who = person.name if person is not None else event.actor
            return f" by {who} at {event.at:%Y-%m-%d %H:%M} UTC"
    return ""


def _text(text: str | None, *, required: bool = False) -> str:
    value = sys.stdin.read() if text == "-" else (text or "")
    value = value.strip()
    if required and not value:
        raise typer.BadParameter("write something to send", param_hint="TEXT")
    return value


def _last_outbox_id(ctx: AppContext) -> int:
    latest = ctx.notifications.items(limit=1)
    return latest[0].id if latest else 0


def _ticket_doc(ticket: Ticket) -> dict[str, Any]:
    return {
        "key": ticket.key, "status": ticket.status, "stage": ticket.stage,
        "priority": ticket.priority, "assignee": ticket.assignee_id,
        "first_response_at": _iso(ticket.first_response_at),
        "resolved_at": _iso(ticket.resolved_at), "channel": ticket.channel,
    }  # fmt: skip


def _item_doc(item: OutboxItem) -> dict[str, Any]:
    return {
        "transport": item.transport, "target": item.target,
        "kind": item.payload.get("kind"), "status": item.status, "error": item.last_error,
    }  # fmt: skip


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


PAST = {
    "take": "taken by {who}", "assign": "assigned by {who}", "ack": "acknowledged by {who}",
    "reply": "answered by {who}", "note": "noted by {who}", "wait": "set waiting by {who}",
    "resolve": "resolved by {who}", "reopen": "reopened by {who}",
    "priority": "reprioritised by {who}", "merge": "merged by {who}",
}  # fmt: skip


def _line(action: str, ticket: Ticket, who: str, ctx: AppContext) -> str:
    assignee = ctx.config.person(ticket.assignee_id) if ticket.assignee_id else None
    has = assignee.name if assignee is not None else (ticket.assignee_id or "nobody")
    return (
        f"{ticket.key} {PAST[action].format(who=who)}: {ticket.priority} · {ticket.status} / "
        f"{ticket.stage} · assigned to {has}"
    )
