from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import EXAMPLE_CONFIG, Settings


def test_defaults_put_all_state_under_the_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    s = Settings()
    assert s.home == Path(".deskbot")
    assert s.db_url == f"sqlite:///{(tmp_path / '.deskbot' / 'deskbot.db').resolve()}"
    assert s.config_path == EXAMPLE_CONFIG, "falls back to the shipped example"
    assert not s.slack_enabled and not s.llm_configured


def test_environment_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path))
    monkeypatch.setenv("DESKBOT_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1-2-3")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "abc123")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    s = Settings()
    assert s.home == tmp_path and s.db_url.startswith("postgresql+psycopg://")
    assert s.slack_enabled and s.llm_configured
    assert "xoxb" not in repr(s), "secrets never print"


def test_placeholder_secrets_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "changeme")
    with pytest.raises(ValidationError, match="placeholder"):
        Settings()
