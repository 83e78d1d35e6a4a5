"""``deskbot tickets take|assign|ack|reply|note|wait|resolve|reopen|priority|merge``: the staff
actions from the command line call the desk (clocks, history, the customer told) and fail in
one line."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.cli.main import app
from bot.context import AppContext
from bot.settings import EXAMPLE_CONFIG
from bot.store.records import NewTicket
from tests.conftest import NOW

runner = CliRunner()


@pytest.fixture
def cli_ctx(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    monkeypatch.setenv("DESKBOT_HOME", str(ctx.settings.home))
    monkeypatch.setenv("DESKBOT_CONFIG", str(EXAMPLE_CONFIG))
    monkeypatch.setenv("DESKBOT_DATABASE_URL", ctx.db.url)
    return ctx


def _open(ctx: AppContext, subject: str = "video freezes on join") -> str:
    new = NewTicket(
        account_id="streamly", kind="bug", priority="P3", subject=subject,
        requester="dev@streamly.example", priority_reason="bug with a workaround",
    )  # fmt: skip
    return ctx.desk.open(new, now=NOW).key


def run(*args: str, stdin: str | None = None) -> Result:
    return runner.invoke(app, ["tickets", *args], input=stdin)


def ok(*args: str, stdin: str | None = None) -> dict[str, Any]:
    result = run(*args, "--json", stdin=stdin)
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_every_staff_action_goes_through_the_desk(cli_ctx: AppContext) -> None:
    ctx = cli_ctx
    key = _open(ctx)
    assert ok("assign", key, "eng-park", "--as", "mgr-lin")["ticket"]["assignee"] == "eng-park"
    assert ctx.tickets.get(key).first_response_at is None, "assigning is not a response"
    acked = ok("ack", key, "--as", "eng-park")
    assert acked["ticket"]["first_response_at"] and acked["by"] == "eng-park"
    assert ok("note", key, "customer is on an old build", "--as", "eng-park")["notified"] == []
    replied = ok("reply", key, "-", "--as", "eng-park", stdin="Which build do you run?\n")
    assert [(n["transport"], n["kind"]) for n in replied["notified"]] == [("customer", "reply")]
    waiting = ok("wait", key, "--as", "eng-park")["ticket"]
    assert waiting["status"] == "waiting_on_customer"
    moved = ok("priority", key, "P2", "--reason", "blocks their launch", "--as", "eng-park")
    assert moved["ticket"]["priority"] == "P2"
    assert ok("resolve", key, "Fixed in 4.2.2.", "--as", "eng-park")["ticket"]["status"] == (
        "resolved"
    )
    reopened = ok("reopen", key, "--as", "mgr-lin")["ticket"]
    assert reopened["status"] == "open" and reopened["stage"] == "reopened"
    duplicate = _open(ctx, "same freeze, reported twice")
    merged = ok("merge", duplicate, "--into", key, "--as", "eng-park")["ticket"]
    assert merged["status"] == "resolved" and merged["stage"] == "merged"
    kinds = [e.kind for e in ctx.tickets.events(ctx.tickets.get(key).id)]
    assert kinds == [
        "opened", "assigned", "acknowledged", "note", "message", "waiting_on_customer",
        "priority_changed", "resolved", "reopened", "note",
    ]  # fmt: skip
    assert ctx.tickets.events(ctx.tickets.get(key).id)[4].body == "Which build do you run?"


def test_text_output_says_what_was_done_and_who_was_told(cli_ctx: AppContext) -> None:
    key = _open(cli_ctx)
    result = run("take", key, "--as", "eng-chen")
    assert result.exit_code == 0, result.output
    first, *told = result.stdout.splitlines()
    assert first == f"{key} taken by Chen Hao: P3 · open / investigating · assigned to Chen Hao"
    assert told == [f"  customer → {key}: sent"]


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["take", "SUP-1001", "--as", "nobody"], "no person 'nobody' in the organisation file", 2),
        (["take", "SUP-9999", "--as", "eng-chen"], "no ticket SUP-9999", 1),
        (["priority", "SUP-1001", "P9", "--reason", "x", "--as", "eng-chen"],
         "priority must be one of P1, P2, P3, P4", 2),
        (["merge", "SUP-1001", "--into", "SUP-1001", "--as", "eng-chen"],
         "a ticket cannot be merged into itself", 2),
        (["reply", "SUP-1001", " ", "--as", "eng-chen"], "write something to send", 2),
        (["take", "SUP-1001"], "Missing option '--as'", 2),
    ],
)  # fmt: skip
def test_errors_are_one_line(cli_ctx: AppContext, args: list[str], message: str, code: int) -> None:
    _open(cli_ctx)
    result = run(*args)
    assert result.exit_code == code, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and message in line, line


def test_a_second_acknowledge_or_take_is_refused_and_changes_nothing(cli_ctx: AppContext) -> None:
    key = _open(cli_ctx)
    assert run("take", key, "--as", "eng-chen").exit_code == 0
    events = len(cli_ctx.tickets.events(cli_ctx.tickets.get(key).id))
    again = run("ack", key, "--as", "eng-li")
    assert again.exit_code == 2 and "already acknowledged by Chen Hao at " in again.stderr
    mine = run("take", key, "--as", "eng-chen")
    assert mine.exit_code == 2 and f"{key} is yours already" in mine.stderr
    assert len(cli_ctx.tickets.events(cli_ctx.tickets.get(key).id)) == events
