"""``deskbot digest``, ``deskbot stats`` and ``deskbot demo seed`` end to end (CliRunner)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli.main import app
from bot.config import OrgConfig
from bot.context import AppContext, build_context
from bot.settings import EXAMPLE_CONFIG, Settings
from bot.store.tickets import TicketFilter

Invoke = Callable[..., Result]
NOW = "2026-11-18T01:30:00+00:00"  # 09:30 in Shanghai, 20:30 the day before in New York


@pytest.fixture
def run(ctx: AppContext, tmp_path: Path) -> Invoke:
    """Invoke the CLI on the same database as ``ctx`` (SQLite or PostgreSQL)."""
    env = {
        "DESKBOT_HOME": str(tmp_path / "cli-home"),
        "DESKBOT_CONFIG": str(EXAMPLE_CONFIG),
        "DESKBOT_DATABASE_URL": ctx.db.url,
    }
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args), env=env)

    return invoke


@pytest.mark.slow
def test_demo_seed_goes_through_the_desk_and_refuses_twice(run: Invoke, ctx: AppContext) -> None:
    result = run("demo", "seed", "--days", "2", "--now", NOW, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    tickets = ctx.tickets.query(TicketFilter(limit=1000))
    assert len(tickets) == len(summary["tickets"]) > 3
    assert summary["open"] == sum(t.is_open for t in tickets)
    histories = [[e.kind for e in ctx.tickets.events(t.id)] for t in tickets]
    assert all(h[0] == "opened" for h in histories)
    assert any("acknowledged" in h for h in histories)
    assert any(t.clocks for t in tickets), "the real SLA keeper derived clocks"
    assert all(t.opened_at < dt.datetime.fromisoformat(NOW) for t in tickets)
    again = run("demo", "seed", "--days", "2", "--now", NOW)
    assert again.exit_code == 2 and "already exists" in again.stderr
    forced = run("demo", "seed", "--days", "1", "--now", NOW, "--force")
    assert forced.exit_code == 0 and "seeded" in forced.stdout


@pytest.mark.slow
def test_digest_renders_every_csm_or_one(run: Invoke, ctx: AppContext) -> None:
    assert run("demo", "seed", "--days", "2", "--now", NOW).exit_code == 0
    both = run("digest", "--now", NOW)
    assert both.exit_code == 0, both.output
    # Wang Fang reads Chinese (language: zh in the example organisation); Sarah Miller English.
    assert "# Wang Fang 的日报 — 2026年11月18日 周三" in both.stdout
    assert "# Morning digest for Sarah Miller — Tue 17 Nov 2026" in both.stdout
    one = run("digest", "--csm", "csm-miller", "--date", "2026-11-17", "--now", NOW, "--json")
    assert one.exit_code == 0, one.output
    (digest,) = json.loads(one.stdout)["digests"]
    assert digest["csm_id"] == "csm-miller"
    assert digest["as_of"] == "2026-11-17T14:00:00+00:00", "09:00 in New York that day"
    assert [a["account_id"] for a in digest["accounts"]] == ["streamly"]
    assert digest["day"] == "2026-11-17" and digest["since"] == "2026-11-16T14:00:00+00:00"


def test_digest_send_claims_once(run: Invoke, ctx: AppContext) -> None:
    first = run("digest", "--csm", "csm-wang", "--send", "--now", NOW)
    # Slack is off here: the digest goes to the log, and is really sent
    assert first.exit_code == 0 and "for 2026-11-18 sent via log to csm-wang" in first.stdout
    second = run("digest", "--csm", "csm-wang", "--send", "--now", NOW, "--json")
    assert json.loads(second.stdout) == {
        "sent": [{"csm": "csm-wang", "day": "2026-11-18", "sent": False}]
    }
    again = run("digest", "--csm", "csm-wang", "--send", "--force", "--now", NOW)
    assert again.exit_code == 0 and "sent via log" in again.stdout
    items = ctx.notifications.items()
    assert [(i.transport, i.target, i.status) for i in items] == [("log", "csm-wang", "sent")] * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["digest", "--date", "2026-13-01"], "--date must be a date"),
        (["digest", "--csm", "nobody"], "no CSM 'nobody'"),
        (["stats", "--since", "last tuesday"], "--since must be like"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(run: Invoke, args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr and "Traceback" not in result.output


def test_stats_json_and_text(run: Invoke, ctx: AppContext) -> None:
    assert run("demo", "seed", "--days", "2", "--now", NOW).exit_code == 0
    result = run("stats", "--since", "7d", "--now", NOW, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    opened = ctx.tickets.query(TicketFilter(limit=1000))
    assert data["tickets"] == len(opened)
    assert sum(data["by_priority"].values()) == len(opened)
    assert data["since"] == "2026-11-11T01:30:00+00:00"
    text = run("stats", "--since", "2026-11-16", "--now", NOW)
    assert text.exit_code == 0 and "bot deflection:" in text.stdout


@pytest.mark.slow
def test_demo_is_deterministic(tmp_path: Path, example_config: OrgConfig) -> None:
    from bot.digest.demo import seed_demo

    now = dt.datetime.fromisoformat(NOW)
    runs = []
    for name in ("a", "b"):
        settings = Settings(home=tmp_path / name, config=EXAMPLE_CONFIG)
        ctx = build_context(settings, config=example_config, now=now)
        seed_demo(ctx, now=now, days=3)
        runs.append(
            [
                (t.key, t.account_id, t.priority, t.status, t.subject, t.opened_at)
                for t in ctx.tickets.query(TicketFilter(limit=1000))
            ]
        )
        ctx.close()
    assert runs[0] == runs[1] and len(runs[0]) > 5


def test_digest_send_delivers_now_whatever_the_hour(ctx: AppContext, tmp_path: Path) -> None:
    from tests.slack.stub import SlackStub

    stub = SlackStub().start()
    try:
        env = {
            "DESKBOT_HOME": str(tmp_path / "cli-home"),
            "DESKBOT_CONFIG": str(EXAMPLE_CONFIG),
            "DESKBOT_DATABASE_URL": ctx.db.url,
            "DESKBOT_SLACK_API_URL": stub.api_url,
            "SLACK_BOT_TOKEN": stub.token,
            "SLACK_SIGNING_SECRET": "test-signing-secret-0123456789",
        }
        evening = "2026-11-18T13:21:00+00:00"  # 21:21 in Shanghai: not digest time, but asked
        result = CliRunner().invoke(
            app, ["digest", "--csm", "csm-wang", "--send", "--now", evening], env=env
        )
        assert result.exit_code == 0, result.output
        assert "1 message(s) for 2026-11-18 sent via slack" in result.stdout
        (post,) = stub.calls_to("chat.postMessage")
        assert post["channel"] == "D0CSMWANG" and post["text"].startswith("Wang Fang 的日报")
        assert [i.status for i in ctx.notifications.items()] == ["sent"]
    finally:
        stub.stop()
