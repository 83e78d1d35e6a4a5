"""Entry point of the ``deskbot`` command."""

from __future__ import annotations

import importlib

import typer

from bot import __version__

app = typer.Typer(
    name="deskbot",
    help="deskbot: the support desk for developer-SDK vendors.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module exposes ``register(app)``; they import nothing heavy at module level.
COMMAND_MODULES = (
    "bot.cli.config_cmd",
    "bot.cli.db_cmd",
    "bot.cli.tickets_cmd",
    "bot.cli.serve_cmd",
    "bot.cli.chat_cmd",
    "bot.cli.docs_cmd",
    "bot.cli.triage_cmd",
    "bot.cli.sla_cmd",
    "bot.cli.sla_ops_cmd",
    "bot.cli.digest_cmd",
    "bot.cli.stats_cmd",
    "bot.cli.demo_cmd",
)


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


for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    app()
