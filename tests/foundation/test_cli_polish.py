"""The command line reads like the README says: plain help, one-line usage errors."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.cli.stats_cmd import period_text

runner = CliRunner()


@pytest.mark.parametrize(
    "args",
    [["tickets", "list", "--bogus"], ["sla", "due", "--tier", "pro"], ["stats", "--since", "x"]],
)
def test_usage_errors_are_one_line_and_exit_2(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "╭" not in result.stderr and "Usage:" not in result.stderr


@pytest.mark.parametrize(
    "args", [["tickets", "list", "--help"], ["config", "hash-password", "--help"]]
)
def test_help_is_plain_text(args: list[str]) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert "<bool>" not in result.output and "``" not in result.output
    assert "╭" not in result.output


def test_stats_period_is_to_the_minute() -> None:
    until = dt.datetime(2026, 12, 7, 10, 5, 33, 123456, tzinfo=dt.UTC)
    text = period_text(until - dt.timedelta(days=7), until)
    assert text == "Mon 30 Nov 10:05 – Mon 07 Dec 10:05 UTC (7 days)"
