"""``deskbot config check``: every duration is read, contract clocks keep their basis, and the
on-call anchor is checked against the handover."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.config import parse_org_config
from bot.sla_setup import account_policy

runner = CliRunner()

ACCOUNT = """
accounts:
  - id: acme
    name: Acme
    tier: enterprise
    targets:
      P1: {first_response: %s}
"""


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    path = tmp_path / "deskbot.yaml"
    monkeypatch.setenv("DESKBOT_CONFIG", str(path))
    return path


@pytest.mark.parametrize("spec", ['"fifteen"', '"four hours"', '"15 parsecs"', '"-5m"', "15"])
def test_a_target_that_is_not_a_duration_fails_the_check(config_file: Path, spec: str) -> None:
    config_file.write_text(ACCOUNT % spec)
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "\n" not in line
    assert line.startswith(f"error: {config_file}:7: accounts[0].targets.P1.first_response:")


@pytest.mark.parametrize("where", ["plans", "accounts"])
def test_plan_targets_are_checked_too(config_file: Path, where: str) -> None:
    plan = "plans:\n  pro:\n    targets:\n      P2: {resolution: 'a day or so'}\n"
    config_file.write_text(plan if where == "plans" else ACCOUNT % "'soon'")
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 1 and "is not a duration" in result.stderr


def test_a_target_without_a_calendar_keeps_the_contract_basis(config_file: Path) -> None:
    config_file.write_text(ACCOUNT % '"15 minutes"')
    config = parse_org_config(config_file.read_text())
    target = account_policy(config, config.accounts[0]).targets("enterprise", "P1").first_response
    assert target is not None
    assert (target.duration, target.calendar) == (dt.timedelta(minutes=15), "24x7")
    result = runner.invoke(app, ["config", "check", "--json"])
    assert result.exit_code == 0, result.output
    [warning] = json.loads(result.stdout)["warnings"]
    assert warning.startswith(f"{config_file}:7: accounts[0].targets.P1.first_response:")
    assert "runs on 24x7 time" in warning and "'15 minutes 24x7'" in warning


def test_explicit_calendars_are_quiet(config_file: Path) -> None:
    config_file.write_text(ACCOUNT % '"15m 24x7"')
    result = runner.invoke(app, ["config", "check", "--json"])
    assert json.loads(result.stdout)["warnings"] == []


def test_an_anchor_off_the_handover_day_is_a_warning(config_file: Path) -> None:
    config_file.write_text(
        "people:\n  - {id: eng-a, name: A, roles: [engineer]}\n"
        "oncall:\n  rotation: [eng-a]\n  handover: 'mon 10:00'\n  anchor: 2026-01-06\n"
    )
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 0
    assert "deskbot.yaml:6: oncall.anchor: 2026-01-06 is a Tuesday" in result.stderr
    assert "Monday 2026-01-12" in result.stderr


def test_a_bad_handover_fails(config_file: Path) -> None:
    config_file.write_text(
        "people:\n  - {id: eng-a, name: A, roles: [engineer]}\n"
        "oncall:\n  rotation: [eng-a]\n  handover: 'monday morning'\n"
    )
    result = runner.invoke(app, ["config", "check"])
    assert result.exit_code == 1 and "oncall.handover" in result.stderr


def test_the_example_has_no_warnings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path))
    result = runner.invoke(app, ["config", "check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []
