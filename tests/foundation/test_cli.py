"""The command line: contracts, JSON output, one-line errors with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.context import AppContext
from bot.settings import EXAMPLE_CONFIG
from bot.store.records import NewTicket
from tests.conftest import NOW

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
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from bot.store.db import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert (
        json.loads(result.stdout)["revision"]
        == ScriptDirectory.from_config(config).get_current_head()
    )
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


@pytest.fixture
def ctx_home(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """The CLI pointed at ``ctx``'s database (SQLite and PostgreSQL) and config."""
    monkeypatch.setenv("DESKBOT_HOME", str(ctx.settings.home))
    monkeypatch.setenv("DESKBOT_DATABASE_URL", ctx.db.url)
    monkeypatch.setenv("DESKBOT_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.setenv("DESKBOT_EMBEDDER", "hash")
    return ctx


def test_tickets_show_names_people_and_json_keeps_the_ids(ctx_home: AppContext) -> None:
    ctx = ctx_home
    ticket = ctx.desk.open(
        NewTicket(
            account_id="streamly", kind="bug", priority="P2", subject="Crash on join",
            requester="U0DEV1", requester_name="Dana Smith", assignee_id="eng-li",
            channel="slack", channel_ref="C0STREAMLY", thread_ref="1763431000.000100",
        ),
        now=NOW,
    )  # fmt: skip
    ctx.desk.agent_reply(ticket, agent="U0ENGCHEN", body="looking", now=NOW)
    ctx.desk.customer_reply(ticket, author="U0CAROL", body="me too", now=NOW)

    text = runner.invoke(app, ["tickets", "show", ticket.key])
    assert text.exit_code == 0, text.output
    assert "requester Dana Smith (U0DEV1), assignee Li Na (eng-li)" in text.stdout
    assert "customer:Dana Smith" in text.stdout  # opened
    assert "agent:Chen Hao looking" in text.stdout
    assert "customer:U0CAROL me too" in text.stdout  # no name known: the id

    shown = runner.invoke(app, ["tickets", "show", ticket.key, "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.stdout)
    assert data["ticket"]["requester"] == "U0DEV1"
    assert data["ticket"]["requester_name"] == "Dana Smith"
    assert data["ticket"]["assignee_id"] == "eng-li"
    events = [(e["actor"], e["actor_name"]) for e in data["events"]]
    assert events == [
        ("U0DEV1", "Dana Smith"), ("U0ENGCHEN", "Chen Hao"), ("U0CAROL", "U0CAROL")
    ]  # fmt: skip
    listed = json.loads(runner.invoke(app, ["tickets", "list", "--json"]).stdout)
    assert [t["requester_name"] for t in listed["tickets"]] == ["Dana Smith"]


def test_tickets_show_falls_back_to_the_requester_id(ctx_home: AppContext) -> None:
    ticket = ctx_home.desk.open(
        NewTicket(account_id="streamly", kind="question", priority="P3", subject="How?",
                  requester="web-3f2a"),
        now=NOW,
    )  # fmt: skip
    text = runner.invoke(app, ["tickets", "show", ticket.key])
    assert "requester web-3f2a, assignee -" in text.stdout
    data = json.loads(runner.invoke(app, ["tickets", "show", ticket.key, "--json"]).stdout)
    assert data["ticket"]["requester"] == data["ticket"]["requester_name"] == "web-3f2a"
