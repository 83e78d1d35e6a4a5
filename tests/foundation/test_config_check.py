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
# A date whose make-up working days (China's 调休) the holidays package has: from November the
# next year's are checked too, and a package may not have them yet.
MID_2026 = "2026-06-01"

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
    result = runner.invoke(app, ["config", "check", "--json", "--on", MID_2026])
    assert result.exit_code == 0, result.output
    [warning] = json.loads(result.stdout)["warnings"]
    assert warning.startswith(f"{config_file}:7: accounts[0].targets.P1.first_response:")
    assert "runs on 24x7 time" in warning and "'15 minutes 24x7'" in warning


def test_explicit_calendars_are_quiet(config_file: Path) -> None:
    config_file.write_text(ACCOUNT % '"15m 24x7"')
    result = runner.invoke(app, ["config", "check", "--json", "--on", MID_2026])
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
    # In June: from November the next year's make-up working days are checked too.
    result = runner.invoke(app, ["config", "check", "--json", "--on", MID_2026])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []


CN_ACCOUNT = """
calendars:
  cn-office:
    hours: {mon-fri: ["09:00-18:00"]}
    holidays_country: CN
%s
accounts:
  - {id: acme, name: Acme, tier: pro, calendar: cn-office}
  - {id: zen, name: Zen, tier: pro, country: US}
"""


def test_a_year_without_chinas_make_up_working_days_is_a_warning(config_file: Path) -> None:
    # No holidays package knows 2035's 调休 yet. In June this year is checked; from November
    # the next one too; listing their make-up days quiets the warnings.
    config_file.write_text(CN_ACCOUNT % "")

    def warnings(on: str) -> list[str]:
        result = runner.invoke(app, ["config", "check", "--json", "--on", on])
        assert result.exit_code == 0, result.output
        return list(json.loads(result.stdout)["warnings"])

    [june] = warnings("2035-06-01")  # the US account moves no working days: no warning
    assert "deskbot.yaml:3: calendars.cn-office: CN's make-up working days for 2035" in june
    assert "makeup_workdays" in june
    assert [w.split("days for ")[1][:4] for w in warnings("2035-11-15")] == ["2035", "2036"]
    config_file.write_text(CN_ACCOUNT % "    makeup_workdays: [2035-02-03, 2036-01-26]")
    assert warnings("2035-11-15") == []


def test_a_date_that_is_not_one_is_refused(config_file: Path) -> None:
    config_file.write_text(CN_ACCOUNT % "")
    result = runner.invoke(app, ["config", "check", "--on", "next year"])
    assert result.exit_code != 0 and "YYYY-MM-DD" in result.stderr
