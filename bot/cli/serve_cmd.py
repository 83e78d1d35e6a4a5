"""``deskbot serve``: the web chat, JSON API, Slack endpoint, health and metrics."""

from __future__ import annotations

import typer

from bot.cli.common import settings, user_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535),
) -> None:
    """Run the service (web chat at /, API under /api/, Slack at /slack/events)."""
    import uvicorn

    from bot.logs import configure_logging
    from bot.service.app import create_app

    s = settings()
    configure_logging(s.log_level, json_lines=s.log_json)
    with user_errors():
        app = create_app(s)
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
