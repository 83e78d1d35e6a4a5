"""``deskbot serve``: the web chat, JSON API, Slack endpoint, health and metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from bot.cli.common import settings, user_errors

if TYPE_CHECKING:
    from bot.config import OrgConfig

DEMO_PASSWORD = "deskbot-demo"  # the example organisation's, see deskbot.example.yaml


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, min=1, max=65535),
) -> None:
    """Run the service (web chat at /, API under /api/, Slack at /slack/events)."""
    import uvicorn

    from bot.config.loader import check_org_config
    from bot.logs import configure_logging
    from bot.service.app import create_app

    s = settings()
    configure_logging(s.log_level, json_lines=s.log_json)
    with user_errors():
        app = create_app(s)
        config, warnings = check_org_config(s.config_path)
        typer.echo(startup_line(config, host=host, port=port), err=True)
        for warning in warnings:  # what `deskbot config check` would say, e.g. missing 调休 days
            typer.echo(f"warning: {warning}", err=True)
        uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def startup_line(config: OrgConfig, *, host: str, port: int) -> str:
    """'deskbot: open http://127.0.0.1:8000/ — staff sign-in mgr-lin / deskbot-demo': where
    to go, and the demo sign-in while someone still has the demo password."""
    from bot.passwords import verify_password

    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # nosec B104: names the address to open, binds nothing
    shown = f"[{shown}]" if ":" in shown else shown
    line = f"deskbot: open http://{shown}:{port}/"
    demo = next(
        (
            p
            for p in config.people
            if p.password_hash and verify_password(DEMO_PASSWORD, p.password_hash)
        ),
        None,
    )
    if demo is not None:
        line += f" — staff sign-in {demo.id} / {DEMO_PASSWORD} (change it before going live)"
    return line
