from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.knowledge import forget_cache


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DESKBOT_EMBEDDER", "hash")
    forget_cache()
    yield CliRunner()
    forget_cache()


def run(runner: CliRunner, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=stdin)


@pytest.mark.slow
def test_ingest_search_ask_json_contracts(cli_env: CliRunner, docs: Path) -> None:
    result = run(cli_env, "ingest", str(docs), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["files"] == 7 and summary["added"] == 7 and summary["chunks"] > 10
    again = json.loads(run(cli_env, "ingest", str(docs), "--json").stdout)
    assert again["unchanged"] == 7 and again["added"] == 0

    found = json.loads(run(cli_env, "search", "error 40104 renewToken", "-k", "3", "--json").stdout)
    assert 1 <= len(found["results"]) <= 3
    first = found["results"][0]
    assert set(first) >= {"source", "heading", "text", "score"}
    assert any(r["source"] == "errors.html" for r in found["results"])  # relative path

    answer = json.loads(run(cli_env, "ask", "How long does an access token last?", "--json").stdout)
    assert answer["handoff"] is False
    assert answer["citations"][0]["source"] == "faq/general.yaml"
    assert 0.0 <= answer["confidence"] <= 1.0


@pytest.mark.slow
def test_search_filters_by_product(cli_env: CliRunner, docs: Path) -> None:
    run(cli_env, "ingest", str(docs), "--json")
    args = ("search", "how long does a token last", "-k", "10", "--json")
    everything = json.loads(run(cli_env, *args).stdout)["results"]
    assert any(r["source"] != "faq/general.yaml" for r in everything)
    # Pages of another product are left out; pages that name no product stay.
    other = json.loads(run(cli_env, *args, "--product", "sparrow").stdout)["results"]
    assert other and all(r["source"] != "faq/general.yaml" for r in other)
    pigeon = json.loads(run(cli_env, *args, "--product", "Pigeon").stdout)["results"]
    assert pigeon[0]["source"] == "faq/general.yaml"


@pytest.mark.slow
def test_batch_forms_answer_each_line_with_its_id(cli_env: CliRunner, docs: Path) -> None:
    run(cli_env, "ingest", str(docs), "--json")
    lines = "\n".join(
        [
            json.dumps({"id": "a", "query": "message size limit"}),
            "not json",
            json.dumps({"id": 7, "query": "令牌多久过期"}),
            json.dumps({"id": "empty", "query": "  "}),
        ]
    )
    result = run(cli_env, "search", "--batch", "-k", "2", stdin=lines)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 2, 7, "empty"]
    assert out[0]["results"][0]["source"] == "limits.rst"
    assert "error" in out[1] and "error" in out[3]
    assert out[2]["results"][0]["source"] == "zh/token.md"

    asked = run(
        cli_env, "ask", "--batch", stdin=json.dumps({"id": "q1", "query": "upgrade my plan"})
    )
    row = json.loads(asked.stdout)
    assert row["id"] == "q1" and {"answer", "citations", "confidence", "handoff"} <= set(row)


def test_missing_query_and_path_are_user_errors(cli_env: CliRunner, tmp_path: Path) -> None:
    result = run(cli_env, "search")
    assert result.exit_code == 2 and "error:" in result.stderr
    missing = run(cli_env, "ingest", str(tmp_path / "nope"), "--json")
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    assert "Traceback" not in missing.output
