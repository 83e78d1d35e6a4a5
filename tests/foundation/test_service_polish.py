"""What a new user meets when the service starts: the startup line, /docs offline, quiet logs."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli.main import app as main_app
from bot.cli.serve_cmd import startup_line
from bot.config import parse_org_config
from bot.context import AppContext
from bot.logs import configure_logging
from bot.service.app import create_app


@pytest.fixture
def client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx.settings, context=ctx, start=())) as c:
        yield c


def test_swagger_ui_comes_from_the_package(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text
    assert "/docs/assets/swagger-ui-bundle.js" in page.text
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200 and "SwaggerUIBundle" in js.text
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200
    assert client.get("/docs/assets/..%2Fcore.py").status_code == 404
    assert client.get("/redoc").status_code == 404


def test_startup_line_names_the_url_and_the_demo_sign_in(ctx: AppContext) -> None:
    line = startup_line(ctx.config, host="0.0.0.0", port=8123)
    assert line.startswith("deskbot: open http://127.0.0.1:8123/ — staff sign-in mgr-lin / ")
    real = parse_org_config("people:\n  - {id: a, name: A, roles: [admin], password_hash: x}\n")
    assert startup_line(real, host="127.0.0.1", port=80) == "deskbot: open http://127.0.0.1:80/"


def test_the_scheduler_is_quiet_at_info(caplog: pytest.LogCaptureFixture) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure_logging("INFO", json_lines=False)
        assert not logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
        assert logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.WARNING)
        assert logging.getLogger("deskbot.scheduler").isEnabledFor(logging.INFO)
        configure_logging("DEBUG", json_lines=False)
        assert logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.DEBUG)
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])
        for name in ("apscheduler.scheduler", "apscheduler.executors"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_serve_says_what_config_check_would_warn_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    import bot.logs
    import bot.service.app

    config = tmp_path / "deskbot.yaml"
    config.write_text(
        "people:\n  - {id: eng-a, name: A, roles: [engineer]}\n"
        "oncall:\n  rotation: [eng-a]\n  handover: 'mon 10:00'\n  anchor: 2026-01-06\n"
    )
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DESKBOT_CONFIG", str(config))
    served: list[object] = []
    monkeypatch.setattr(bot.service.app, "create_app", lambda settings: "the app")
    # serve's logging set-up would bind the root logger to this runner's stream, closed after
    # the call: later commands' log lines would fail to write ("--- Logging error ---")
    monkeypatch.setattr(bot.logs, "configure_logging", lambda *args, **kwargs: None)
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: served.append(app))
    result = CliRunner().invoke(main_app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert served == ["the app"]
    lines = result.stderr.splitlines()
    assert lines[0] == "deskbot: open http://127.0.0.1:8123/"
    assert lines[1].startswith(f"warning: {config}:6: oncall.anchor: 2026-01-06 is a Tuesday")
