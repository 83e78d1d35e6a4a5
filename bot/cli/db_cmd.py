"""``deskbot db upgrade``."""

from __future__ import annotations

import typer

from bot.cli.common import JsonOption, emit_json, settings, user_errors


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Database maintenance.", no_args_is_help=True)
    group.command("upgrade")(upgrade)
    app.add_typer(group, name="db")


def upgrade(as_json: bool = JsonOption) -> None:
    """Apply database migrations (creates the SQLite file on first use)."""
    from bot.store.db import Database

    s = settings()
    with user_errors():
        s.home.mkdir(parents=True, exist_ok=True)
        db = Database(s.db_url)
        try:
            db.ping()
            db.upgrade()
            revision = db.current_revision()
        finally:
            db.dispose()
    safe_url = db.engine.url.render_as_string(hide_password=True)
    if as_json:
        emit_json({"database": safe_url, "revision": revision})
    else:
        typer.echo(f"{safe_url}: at revision {revision}")
