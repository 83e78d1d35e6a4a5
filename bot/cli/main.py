"""Entry point of the ``deskbot`` command."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from bot import __version__
from bot.cli import (
    chat_cmd,
    config_cmd,
    db_cmd,
    demo_cmd,
    desk_cmd,
    digest_cmd,
    docs_cmd,
    serve_cmd,
    sla_cmd,
    sla_ops_cmd,
    stats_cmd,
    tickets_cmd,
    triage_cmd,
)

try:  # newer typer vendors click; its exceptions are not click's
    from typer._click import exceptions as errors
except ImportError:  # pragma: no cover - typer with click as a dependency
    from click import exceptions as errors  # type: ignore[no-redef]


class OneLineErrors(TyperGroup):
    """Usage errors as one line on stderr and exit 2, as the README promises (click's own form
    is a usage block, a hint and the error; typer's is a boxed panel)."""

    def main(  # type: ignore[override]
        self, args: Any = None, prog_name: str | None = None, *, standalone_mode: bool = True,
        **kwargs: Any,
    ) -> Any:  # fmt: skip
        try:
            code = super().main(args, prog_name, standalone_mode=False, **kwargs)
        except errors.NoArgsIsHelpError as exc:
            if not standalone_mode:
                raise
            exc.show()
            sys.exit(exc.exit_code)
        except errors.UsageError as exc:
            if not standalone_mode:
                raise
            where = exc.ctx.command_path if exc.ctx is not None else "deskbot"
            typer.echo(f"error: {exc.format_message()} (see '{where} --help')", err=True)
            sys.exit(exc.exit_code)
        except errors.ClickException as exc:
            if not standalone_mode:
                raise
            typer.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            if not standalone_mode:
                raise
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        if standalone_mode:
            sys.exit(code if isinstance(code, int) else 0)
        return code


app = typer.Typer(
    name="deskbot",
    help="deskbot: the support desk for developer-SDK vendors.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: the README and docs quote it, and flags read "--open", not "--open <bool>".
    rich_markup_mode=None,
    cls=OneLineErrors,
)

# Each module has ``register(app)`` and imports nothing heavy at module level; ``sla_ops_cmd``
# adds to the group ``sla_cmd`` made, and ``desk_cmd`` to ``tickets_cmd``'s, so they come after.
COMMANDS = (
    config_cmd, db_cmd, tickets_cmd, desk_cmd, serve_cmd, chat_cmd, docs_cmd, triage_cmd,
    sla_cmd, sla_ops_cmd, digest_cmd, stats_cmd, demo_cmd,
)  # fmt: skip


def _version(value: bool) -> None:
    if value:
        typer.echo(f"deskbot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """deskbot: cited answers, bug intake, SLA clocks and escalations for SDK support."""


for _module in COMMANDS:
    _module.register(app)


def main() -> None:
    app()
