"""The command line: contracts, JSON output, one-line errors with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DESKBOT_EMBEDDER", "hash")  # no model to load in CLI tests
    return tmp_path / "home"


def test_version_and_help() -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("deskbot ")
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("config", "db", "tickets", "serve"):
        assert command in result.output


def test_empty_store_lists_no_tickets(home: Path) -> None:
    result = runner.invoke(app, ["tickets", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"tickets": []}


def test_config_check_summarises_the_example(home: Path) -> None:
    result = runner.invoke(app, ["config", "check", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["valid"] and summary["accounts"] == 5
    assert summary["oncall_rotation"] == ["eng-chen", "eng-li", "eng-park"]


def test_bad_config_is_one_line_and_exit_1(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("accounts:\n  - {id: a, name: A, tier: gold}\n")
    monkeypatch.setenv("DESKBOT_CONFIG", str(bad))
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "bad.yaml:2: accounts[0].tier: 'gold' is not allowed" in result.output


def test_unknown_ticket_and_bad_usage(home: Path) -> None:
    missing = runner.invoke(app, ["tickets", "show", "SUP-4242"])
    assert missing.exit_code == 1 and "no ticket SUP-4242" in missing.output
    usage = runner.invoke(app, ["tickets", "list", "--limit", "0"])
    assert usage.exit_code == 2


def test_db_upgrade_reports_revision(home: Path) -> None:
    result = runner.invoke(app, ["db", "upgrade", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["revision"] == "0001"
    assert (home / "deskbot.db").exists()


def test_chat_runs_intake_and_opens_a_ticket(home: Path) -> None:
    lines = "Our Android app crashes when joining a call since this morning\n/go\n"
    result = runner.invoke(app, ["chat", "--account", "acme-games", "--json"], input=lines)
    assert result.exit_code == 0, result.output
    replies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["kind"] for r in replies] == ["follow_up", "ticket_opened"]
    assert replies[1]["ticket"]["key"] == "SUP-1001"
    listed = json.loads(runner.invoke(app, ["tickets", "list", "--json"]).stdout)
    assert [t["account_id"] for t in listed["tickets"]] == ["acme-games"]


def test_chat_rejects_an_unknown_account(home: Path) -> None:
    result = runner.invoke(app, ["chat", "--account", "nope"], input="hi\n")
    assert result.exit_code == 2 and "no account 'nope'" in result.output
