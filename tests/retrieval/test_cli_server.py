"""``deskbot ask/search --server URL``: a running service answers, with the CLI's own JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app
from bot.knowledge import answer_payload, forget_cache, hit_payload
from tests.web.live import LiveServer, free_port, live_server

QUESTION = "How do I renew an expired token?"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("served")) as server:
        yield server


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    # This process's own index would be empty: an answer can only come from the service.
    monkeypatch.setenv("DESKBOT_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DESKBOT_EMBEDDER", "hash")
    forget_cache()
    yield CliRunner()
    forget_cache()


def test_the_docs_api_answers_as_the_cli_does(served: LiveServer) -> None:
    import httpx

    kb = served.ctx.knowledge()
    with httpx.Client(base_url=served.url) as client:
        asked = client.post("/api/docs/ask", json={"question": QUESTION})
        found = client.post("/api/docs/search", json={"query": "renew token", "k": 3})
        empty = client.post("/api/docs/ask", json={"question": ""})
    assert asked.status_code == 200 and asked.json() == answer_payload(kb.ask(QUESTION))
    assert found.status_code == 200
    assert found.json() == {"results": [hit_payload(h) for h in kb.search("renew token", k=3)]}
    assert empty.status_code == 422


def test_ask_and_search_use_the_server(served: LiveServer, runner: CliRunner) -> None:
    kb = served.ctx.knowledge()
    asked = runner.invoke(app, ["ask", QUESTION, "--server", served.url, "--json"])
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout) == answer_payload(kb.ask(QUESTION))

    found = runner.invoke(app, ["search", "renew token", "-k", "2", "--server", served.url])
    assert found.exit_code == 0, found.output
    assert found.stdout.startswith("[1] ") and "[2] " in found.stdout

    text = runner.invoke(app, ["ask", QUESTION, "--server", served.url])
    assert text.exit_code == 0 and "confidence" in text.stdout


def test_a_configured_server_is_used_too(
    served: LiveServer, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKBOT_SERVER_URL", served.url)
    asked = runner.invoke(app, ["ask", QUESTION, "--json"])
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["citations"]  # the local index is empty: it was the server


def test_a_named_server_that_is_down_is_an_error(runner: CliRunner) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    asked = runner.invoke(app, ["ask", QUESTION, "--server", url, "--json"])
    assert asked.exit_code == 1
    assert f"no deskbot service at {url}" in asked.stderr
    assert asked.stdout == ""


@pytest.mark.slow  # ingests the sample knowledge base here
def test_a_configured_server_that_is_down_means_answering_here(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESKBOT_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    asked = runner.invoke(app, ["ask", QUESTION, "--json"])
    assert asked.exit_code == 0, asked.output
    assert "answering here instead" in asked.stderr
    assert json.loads(asked.stdout)["citations"]  # the sample knowledge base, ingested here


def test_a_server_that_rejects_the_question_says_why(served: LiveServer, runner: CliRunner) -> None:
    asked = runner.invoke(app, ["ask", "x" * 9000, "--server", served.url, "--json"])
    assert asked.exit_code == 2
    assert "the service at" in asked.stderr


def test_only_web_addresses_are_servers() -> None:
    from bot.cli.remote import RemoteDocs
    from bot.errors import InvalidInput

    with pytest.raises(InvalidInput, match="http"):
        RemoteDocs("file:///etc/passwd")
