"""``deskbot sla due`` through typer's CliRunner."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

CONFIG = """
calendars:
  business:
    extra_holidays: [2026-11-23]
  us-business:
    timezone: America/New_York
    holidays_country: US
    hours:
      mon-fri: ["09:00-12:30", "13:30-18:00"]
plans:
  basic:
    targets:
      P2: {first_response: "2 bh"}
accounts:
  - id: streamly
    name: Streamly
    tier: pro
    timezone: America/New_York
    country: US
    calendar: us-business
  - id: acme
    name: Acme
    tier: enterprise
    targets:
      P1: {first_response: "15m 24x7"}
"""


def due(*args: str, config: Path | None = None) -> dict[str, object]:
    env = {"DESKBOT_CONFIG": str(config)} if config else None
    result = runner.invoke(app, ["sla", "due", *args, "--json"], env=env)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "deskbot.yaml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "first", "resolution", "calendar"),
    [
        (
            ["--tier", "basic", "--priority", "P2", "--opened", "2026-11-20T16:00:00+08:00"],
            "2026-11-23T15:30:00+08:00",
            "2026-11-30T13:00:00+08:00",
            "business",
        ),
        (
            ["--tier", "free", "--priority", "P1", "--opened", "2026-11-20T08:00:00Z"],
            "2026-11-25T06:30:00+00:00",
            None,
            "business",
        ),
        (
            ["--tier", "basic", "--priority", "P1", "--opened", "2026-11-20T03:00:00-05:00"],
            "2026-11-22T22:30:00-05:00",
            "2026-11-25T01:30:00-05:00",
            "business",
        ),
        (
            ["--tier", "pro", "--priority", "p1", "--opened", "2026-02-14T23:50:00+08:00"],
            "2026-02-15T00:20:00+08:00",
            "2026-02-15T23:50:00+08:00",
            "24x7",
        ),
        (
            ["--tier", "pro", "--priority", "P3", "--opened", "2026-09-30T17:30:00+08:00"],
            "2026-10-08T13:00:00+08:00",
            "2026-10-10T16:00:00+08:00",  # make-up Saturday counts
            "business",
        ),
        (
            [
                "--tier", "basic", "--priority", "P3", "--opened", "2026-11-20T16:00:00+08:00",
                "--calendar", "24x7",
            ],
            "2026-11-21T00:00:00+08:00",
            "2026-11-22T16:00:00+08:00",
            "24x7",
        ),
    ],
)  # fmt: skip
def test_due_without_an_account(
    args: list[str], first: str, resolution: str | None, calendar: str
) -> None:
    doc = due(*args)
    assert doc["first_response_due"] == first
    assert doc["resolution_due"] == resolution
    assert doc["calendar"] == calendar


def test_no_account_ignores_the_config_business_calendar(config: Path) -> None:
    doc = due("--tier", "basic", "--priority", "P3", "--opened", "2026-11-23T10:00+08:00",
              config=config)  # fmt: skip
    assert doc["first_response_due"] == "2026-11-24T09:30:00+08:00"


def test_named_calendar_and_plan_overrides_from_the_config(config: Path) -> None:
    doc = due("--tier", "basic", "--priority", "P2", "--opened", "2026-11-23T10:00+08:00",
              "--calendar", "business", config=config)  # fmt: skip
    # Monday 23rd is a configured holiday; the basic plan gives P2 a 2 bh first response
    assert doc["first_response_due"] == "2026-11-24T11:00:00+08:00"
    assert doc["first_response_target"] == "2h business"


def test_account_calendar_and_tier(config: Path) -> None:
    doc = due("--account", "streamly", "--priority", "P2", "--opened", "2026-11-20T16:00+08:00",
              config=config)  # fmt: skip
    # pro P2: 4 bh on New York hours with a lunch break; opened Fri 03:00 EST
    assert doc["first_response_due"] == "2026-11-21T03:00:00+08:00"  # Fri 14:00 EST
    assert doc["calendar"] == "us-business" and doc["tier"] == "pro"
    assert doc["account"] == "streamly"


def test_account_overrides(config: Path) -> None:
    doc = due("--account", "acme", "--priority", "P1", "--opened", "2026-11-21T10:00+08:00",
              config=config)  # fmt: skip
    assert doc["first_response_due"] == "2026-11-21T10:15:00+08:00"
    assert doc["resolution_due"] == "2026-11-21T18:00:00+08:00"


def test_text_output() -> None:
    result = runner.invoke(
        app,
        ["sla", "due", "--tier", "free", "--priority", "P4", "--opened", "2026-11-20T16:00+08:00"],
    )
    assert result.exit_code == 0
    assert "first response due: 2026-11-25T14:30:00+08:00" in result.stdout
    assert "resolution due:     no target" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tier", "basic", "--priority", "P2", "--opened", "2026-11-20T16:00"], "no UTC offset"),
        (["--tier", "basic", "--priority", "P2", "--opened", "yesterday"], "ISO 8601"),
        (["--tier", "gold", "--priority", "P2", "--opened", "2026-11-20T16:00Z"], "unknown tier"),
        (["--tier", "basic", "--priority", "P0", "--opened", "2026-11-20T16:00Z"], "priority"),
        (["--priority", "P2", "--opened", "2026-11-20T16:00Z"], "--tier"),
        (["--tier", "basic", "--priority", "P2", "--opened", "2026-11-20T16:00Z",
          "--calendar", "lunar"], "unknown calendar"),
        (["--priority", "P2", "--opened", "2026-11-20T16:00Z", "--account", "nobody"],
         "unknown account"),
    ],
)  # fmt: skip
def test_user_errors_are_one_line_with_exit_2(config: Path, args: list[str], message: str) -> None:
    result = runner.invoke(
        app, ["sla", "due", *args, "--json"], env={"DESKBOT_CONFIG": str(config)}
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert "Traceback" not in result.output


def test_sla_due_imports_nothing_heavy() -> None:
    # Checks imports, not wall time (that is scripts/bench_sla.py's job).
    code = (
        "import sys; from typer.testing import CliRunner; from bot.cli.main import app; "
        "r = CliRunner().invoke(app, ['sla', 'due', '--tier', 'pro', '--priority', 'P2', "
        "'--opened', '2026-11-20T16:00+08:00', '--json']); assert r.exit_code == 0, r.output; "
        "heavy = {'torch', 'chromadb', 'langchain_core', 'langchain', 'sentence_transformers'}; "
        "print(sorted(heavy & set(sys.modules)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
