from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

DESKBOT = Path(sys.executable).parent / "deskbot"


@pytest.fixture
def runner(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    # the CLI must not pick up an LLM endpoint from the developer's shell
    for name in (
        "OPENAI_API_KEY",
        "OPENAI_BASE_URL",
        "DESKBOT_OPENAI_API_KEY",
        "DESKBOT_OPENAI_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)
    return CliRunner()


def test_single_message_json_contract(runner: CliRunner) -> None:
    result = runner.invoke(
        app,
        ["triage", "--json", "--tier", "enterprise"],
        input="Our iOS app crashes on launch in production. SDK 4.2.1, iOS 17.4",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload) >= {"kind", "priority", "fields", "missing", "follow_up"}
    assert payload["kind"] == "bug"
    assert payload["priority"] in ("P1", "P2")
    assert payload["fields"]["sdk_version"] == "4.2.1"
    assert set(payload["fields"]) == {
        "summary",
        "sdk",
        "sdk_version",
        "platform",
        "os_version",
        "device",
        "repro_steps",
        "expected",
        "actual",
        "logs",
        "impact",
    }
    assert payload["missing"] == ["logs"]
    assert "collect-logs" in payload["follow_up"]


def test_text_output(runner: CliRunner) -> None:
    result = runner.invoke(app, ["triage"], input="How do I mute a participant?")
    assert result.exit_code == 0
    assert "kind: question" in result.stdout


@pytest.mark.parametrize("stdin", ["", "   \n"])
def test_empty_stdin_is_a_clear_error(runner: CliRunner, stdin: str) -> None:
    result = runner.invoke(app, ["triage", "--json"], input=stdin)
    assert result.exit_code == 2
    assert "empty input" in result.stderr
    assert "Traceback" not in result.output


def test_bad_tier_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["triage", "--tier", "gold"], input="crash")
    assert result.exit_code == 2
    assert "--tier" in result.stderr


def test_batch_keeps_ids_and_survives_bad_lines(runner: CliRunner) -> None:
    lines = [
        json.dumps({"id": "a", "text": "How do I enable echo cancellation?"}),
        json.dumps(
            {"id": "b", "text": "Production is down for all our users", "tier": "enterprise"}
        ),
        "not json",
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": "crash", "tier": "gold"}),
    ]
    result = runner.invoke(app, ["triage", "--batch"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in out] == ["a", "b", 3, "d", "e"]
    assert out[0]["kind"] == "question"
    assert out[1]["kind"] == "outage" and out[1]["priority"] == "P1"
    assert "error" in out[2] and "error" in out[3] and "error" in out[4]


def test_batch_reads_chinese_reports(runner: CliRunner) -> None:
    lines = [
        json.dumps({"id": "o", "text": "线上所有用户都登录不上了，报错 code=10006"}),
        json.dumps({"id": "u", "text": "请问私有化部署版本怎么收费？"}),
        json.dumps({"id": "b", "text": "急急急！安卓 13 进房后听不到声音，SDK 4.3.2"}),
    ]
    result = runner.invoke(app, ["triage", "--batch", "--json"], input="\n".join(lines))
    assert result.exit_code == 0, result.output
    out = {row["id"]: row for row in map(json.loads, result.stdout.splitlines())}
    assert (out["o"]["kind"], out["o"]["priority"]) == ("outage", "P1")
    assert (out["u"]["kind"], out["u"]["priority"]) == ("upgrade", "P4")
    assert (out["b"]["kind"], out["b"]["priority"]) == ("bug", "P2")
    assert out["b"]["fields"]["os_version"] == "Android 13"
    assert out["b"]["follow_up"].startswith("您好")


@pytest.mark.slow
def test_batch_of_100_reports_in_a_few_seconds(dev_records: list[dict[str, Any]]) -> None:
    lines = []
    for index in range(100):
        record = dev_records[index % len(dev_records)]
        lines.append(json.dumps({"id": index, "text": f"{record['title']}\n\n{record['body']}"}))
    env = {k: v for k, v in os.environ.items() if "OPENAI" not in k}
    start = time.perf_counter()
    done = subprocess.run(
        [str(DESKBOT), "triage", "--batch"],
        input="\n".join(lines),
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )
    elapsed = time.perf_counter() - start
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["id"] for row in rows] == list(range(100))
    assert elapsed < 5.0, elapsed
