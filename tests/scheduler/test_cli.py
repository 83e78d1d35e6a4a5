"""``deskbot sla explain`` and ``deskbot sla check`` through typer's CliRunner (both DBs)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.context import AppContext
from bot.settings import EXAMPLE_CONFIG
from tests.conftest import NOW
from tests.scheduler.conftest import H, M, open_ticket

S = dt.timedelta(seconds=1)

runner = CliRunner()


@pytest.fixture
def cli_env(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    """The CLI builds its own context from the environment: point it at the test database."""
    monkeypatch.setenv("DESKBOT_HOME", str(ctx.settings.home))
    monkeypatch.setenv("DESKBOT_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.setenv("DESKBOT_DATABASE_URL", ctx.db.url)
    return ctx


def _run(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["sla", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_explain_shows_pauses_elapsed_remaining_and_the_next_step(cli_env: AppContext) -> None:
    ctx = cli_env
    ticket = open_ticket(ctx)
    ticket = ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW + 10 * M)
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-li", now=NOW + H)
    ctx.desk.customer_reply(ticket, author="U0CUSTOMER", body="here", now=NOW + 3 * H)
    doc = _run("explain", ticket.key.lower(), "--at", (NOW + 4 * H).isoformat())
    assert doc["ticket"] == ticket.key and doc["tier"] == "enterprise"
    first, resolution = doc["clocks"]
    assert first["name"] == "first_response" and first["state"] == "met"
    assert first["stopped_at"] == (NOW + 10 * M).isoformat()
    assert resolution["target"] == "8h 24x7" and resolution["calendar"] == "24x7"
    assert resolution["pauses"] == [[(NOW + H).isoformat(), (NOW + 3 * H).isoformat()]]
    assert resolution["elapsed_seconds"] == 2 * 3600  # 4 h minus 2 h paused
    assert resolution["remaining_seconds"] == 6 * 3600
    assert resolution["due_at"] == (NOW + 10 * H).isoformat()
    assert resolution["next_escalation"]["fire_at"] == (NOW + 6 * H).isoformat()
    assert resolution["next_escalation"]["recipients"] == ["assignee"]


def test_check_fires_and_delivers_then_explain_lists_the_escalations(
    cli_env: AppContext,
) -> None:
    ticket = open_ticket(cli_env)
    doc = _run("check", "--at", (NOW + 45 * M + 30 * S).isoformat(), "--send")
    fired = [(f["clock"], f["level"], f["late"]) for f in doc["scan"]["fired"]]
    # The 50% step was missed: it is folded into the 75% one, the ticket's one ping (late).
    assert fired == [("first_response", 0, True), ("first_response", 1, True)]
    assert [f["recipients"] for f in doc["scan"]["fired"]] == [[], ["csm-wang", "eng-chen"]]
    assert doc["delivered"] == 1 and doc["outbox"] == {"sent": 1}
    assert doc["transports"] == ["customer", "log"] and doc["dry_run"] is False
    assert doc["scan"]["next_wakeup"] == (NOW + 60 * M).isoformat()
    assert _run("check", "--at", (NOW + 50 * M).isoformat(), "--send")["scan"]["fired"] == []
    explained = _run("explain", ticket.key, "--at", (NOW + 55 * M).isoformat())
    first = explained["clocks"][0]
    assert [(e["level"], e["late"]) for e in first["escalations"]] == [(0, True), (1, True)]
    assert first["escalations"][1]["recipients"] == ["csm-wang", "eng-chen"]
    assert first["next_escalation"]["level"] == 2


def test_check_at_a_time_is_a_dry_run_unless_send(cli_env: AppContext) -> None:
    ticket = open_ticket(cli_env)
    later = (NOW + 2 * H).isoformat()
    doc = _run("check", "--at", later)
    assert doc["dry_run"] is True and doc["delivered"] == 0
    would = [(f["ticket"], f["clock"], f["level"]) for f in doc["scan"]["fired"]]
    assert ("SUP-1001", "first_response", 2) in would
    assert cli_env.notifications.escalations(ticket.id) == []
    assert cli_env.notifications.items() == []
    assert not [e for e in cli_env.tickets.events(ticket.id) if e.kind == "escalated"]
    text = runner.invoke(app, ["sla", "check", "--at", later])
    assert "would fire" in text.stdout and "dry run" in text.stdout


def test_check_beside_a_live_scheduler_does_nothing_and_says_why(cli_env: AppContext) -> None:
    """`sla check` takes the scheduler's lease for its pass: beside a live scheduler (which
    holds it) it neither scans nor delivers — the two would otherwise race on the outbox."""
    from bot.scheduler.lease import LEASE_NAME, SchedulerLease

    ticket = open_ticket(cli_env)
    live = SchedulerLease(cli_env.leases, holder="web-1:4242:abcd")
    assert live.hold(dt.datetime.now(dt.UTC))
    at = (NOW + 31 * M).isoformat()
    refused = runner.invoke(app, ["sla", "check", "--at", at, "--send"])
    assert refused.exit_code == 2, refused.output
    assert "web-1:4242:abcd" in refused.stderr and "Traceback" not in refused.output
    assert cli_env.notifications.escalations(ticket.id) == []
    assert cli_env.notifications.items() == []
    assert _run("check", "--at", at)["dry_run"] is True  # a dry run needs no lease

    live.release()
    doc = _run("check", "--at", at, "--send")
    assert [f["level"] for f in doc["scan"]["fired"]] == [0] and doc["delivered"] == 1
    # the pass gave the lease back: the scheduler takes it at its next try
    assert cli_env.leases.holder(LEASE_NAME, now=dt.datetime.now(dt.UTC)) is None
    assert live.hold(dt.datetime.now(dt.UTC))


def test_explain_as_a_table(cli_env: AppContext) -> None:
    ticket = open_ticket(cli_env)
    result = runner.invoke(app, ["sla", "explain", ticket.key, "--at", (NOW + 31 * M).isoformat()])
    assert result.exit_code == 0, result.output
    for text in ("first response", "resolution", "8h 24x7", "next escalation", "remaining"):
        assert text in result.stdout


def test_check_as_text(cli_env: AppContext) -> None:
    open_ticket(cli_env)
    result = runner.invoke(app, ["sla", "check", "--at", (NOW + 31 * M).isoformat(), "--send"])
    assert result.exit_code == 0, result.output
    assert "fired 1 escalation" in result.stdout and "delivered 1" in result.stdout


def test_unknown_ticket_and_bad_time_are_one_line_errors(cli_env: AppContext) -> None:
    missing = runner.invoke(app, ["sla", "explain", "SUP-9999"])
    assert missing.exit_code == 1 and "SUP-9999" in missing.stderr
    assert "Traceback" not in missing.output
    bad = runner.invoke(app, ["sla", "check", "--at", "tomorrow"])
    assert bad.exit_code == 2 and "--at" in bad.stderr
    naive = runner.invoke(app, ["sla", "check", "--at", "2026-11-18T10:00:00"])
    assert naive.exit_code == 2 and "offset" in naive.stderr


def test_explain_shows_times_in_the_accounts_zone_and_json_keeps_utc_offsets(
    cli_env: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # one line per cell
    shanghai = open_ticket(cli_env)  # acme-games: Asia/Shanghai
    cli_env.desk.acknowledge(shanghai, agent="eng-li", now=NOW + 20 * M + 15 * S)
    result = runner.invoke(app, ["sla", "explain", shanghai.key, "--at", (NOW + H).isoformat()])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "at 2026-11-18 11:00 +08:00 · times in Asia/Shanghai" in out
    assert "2026-11-18 10:00 +08:00" in out  # started: NOW is 10:00 in Shanghai
    assert "2026-11-18 10:20:15 +08:00 (acknowledged)" in out  # seconds kept when not 0
    assert "2026-11-18 18:00 +08:00" in out  # resolution due (8 h 24x7)
    assert "+00:00" not in out and "UTC" not in out
    doc = _run("explain", shanghai.key, "--at", (NOW + H).isoformat())
    assert doc["timezone"] == "Asia/Shanghai" and doc["now"] == (NOW + H).isoformat()
    first, resolution = doc["clocks"]
    assert first["started_at"] == "2026-11-18T02:00:00+00:00"
    assert first["stopped_at"] == (NOW + 20 * M + 15 * S).isoformat()
    assert resolution["due_at"] == (NOW + 8 * H).isoformat()


def test_explain_uses_the_zone_of_the_accounts_calendar(
    cli_env: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    ticket = open_ticket(cli_env, account="streamly")  # us-business, America/New_York
    result = runner.invoke(app, ["sla", "explain", ticket.key, "--at", (NOW + H).isoformat()])
    assert result.exit_code == 0, result.output
    assert "times in America/New_York" in result.stdout
    assert "2026-11-17 21:00 -05:00" in result.stdout  # opened: Tuesday 21:00 in New York
    # 4 business hours from Wednesday's opening: 09:00-12:30, lunch, then 13:30-14:00
    assert "2026-11-18 14:00 -05:00" in result.stdout
    assert _run("explain", ticket.key)["timezone"] == "America/New_York"
