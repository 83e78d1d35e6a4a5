"""``deskbot chat``: the conversation service in a terminal (the CLI channel)."""

from __future__ import annotations

import datetime as dt
import sys
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors

if TYPE_CHECKING:
    from bot.conversation.types import Reply

ACTIONS = {
    "/solved": "solved",
    "/ticket": "open_ticket",
    "/human": "human",
    "/go": "go_ahead",
    "/new": "new_topic",
    "/notit": "not_it",
    "/status": "status",
}


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)


def chat(
    account: str | None = typer.Option(None, help="Chat as a developer of this account id."),
    user: str = typer.Option("cli-user", help="Who is speaking (requester on tickets)."),
    session: str | None = typer.Option(None, help="Continue a conversation by its session id."),
    as_json: bool = JsonOption,
) -> None:
    """Talk to deskbot: one message per line on stdin; /solved /ticket /human /go /new /notit
    /status are the buttons."""
    from bot.context import build_context
    from bot.conversation.types import Inbound

    with user_errors():
        ctx = build_context(settings())
        if account is not None and ctx.config.account(account) is None:
            raise typer.BadParameter(f"no account {account!r} in {ctx.settings.config_path}")
        ref = f"cli:{session or uuid.uuid4().hex[:12]}"
        interactive = sys.stdin.isatty() and not as_json
        if interactive:
            typer.echo(f"deskbot — {ctx.config.organisation.name}. Ctrl-D to quit.")
        for line in _lines(interactive):
            text = line.strip()
            action = ACTIONS.get(text)
            inbound = Inbound(
                channel="cli", conversation_ref=ref, text="" if action else text, user_ref=user,
                account_id=account, action=action,  # type: ignore[arg-type]
            )  # fmt: skip
            reply = ctx.conversation.handle(inbound, now=dt.datetime.now(dt.UTC))
            if as_json:
                emit_json(_reply_json(reply))
                continue
            typer.echo(f"\n{reply.text}")
            for i, c in enumerate(reply.citations, 1):
                typer.echo(f"  [{i}] {c.heading} — {c.url or c.source}")
            if reply.actions:
                buttons = {v: k for k, v in ACTIONS.items()}
                typer.echo("  " + "  ".join(buttons[a] for a in reply.actions if a in buttons))
        ctx.close()


def _lines(interactive: bool) -> Iterator[str]:
    """Lines from stdin; with a terminal, prompt for each one until Ctrl-D."""
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input("> ")
        except EOFError:
            return


def _reply_json(reply: Reply) -> dict[str, object]:
    import dataclasses

    return dataclasses.asdict(reply)
