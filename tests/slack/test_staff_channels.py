"""Staff act from anywhere, the customer hears it in their Slack thread: a reply on the web
staff page and one from ``deskbot tickets reply`` reach the thread (through the Web API stub),
as a click on a card does — one desk, one audience."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from bot.cli.main import app
from bot.context import AppContext
from bot.settings import EXAMPLE_CONFIG
from tests.slack.conftest import SECRET, SUPPORT_CHANNEL, wait_until
from tests.slack.stub import SlackStub
from tests.slack.test_cards import THREAD, open_ticket


def in_thread(stub: SlackStub, needle: str) -> list[dict]:
    return [
        p
        for p in stub.calls_to("chat.postMessage", ok=True)
        if p["channel"] == SUPPORT_CHANNEL and p.get("thread_ts") == THREAD and needle in p["text"]
    ]


def test_a_reply_on_the_web_staff_page_reaches_the_customers_slack_thread(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    staff = TestClient(slack_client.app, follow_redirects=False)
    staff.post("/staff/login", data={"login": "mgr-lin", "password": "deskbot-demo"})
    page = staff.get(f"/staff/tickets/{key}").text
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    assert csrf
    said = "Fixed in 4.2.2 — please upgrade and tell us."
    r = staff.post(f"/staff/tickets/{key}/reply", data={"csrf": csrf.group(1), "body": said})
    assert r.status_code == 303, r.text
    (posted,) = wait_until(lambda: in_thread(slack_stub, "Fixed in 4.2.2"))
    assert posted["text"].startswith(f"*Lin Qiang* ({key})")
    assert ctx.tickets.get(key).first_response_at is not None
    # An internal note from the same page stays internal.
    r = staff.post(
        f"/staff/tickets/{key}/note", data={"csrf": csrf.group(1), "body": "QA repro'd it"}
    )
    assert r.status_code == 303 and not in_thread(slack_stub, "QA repro'd")


def test_the_command_line_acts_like_the_buttons(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    env = {
        "DESKBOT_HOME": str(ctx.settings.home), "DESKBOT_CONFIG": str(EXAMPLE_CONFIG),
        "DESKBOT_DATABASE_URL": ctx.db.url, "DESKBOT_SLACK_API_URL": slack_stub.api_url,
        "SLACK_BOT_TOKEN": slack_stub.token, "SLACK_SIGNING_SECRET": SECRET,
    }  # fmt: skip
    cli = CliRunner()
    taken = cli.invoke(app, ["tickets", "take", key, "--as", "eng-li", "--json"], env=env)
    assert taken.exit_code == 0, taken.output
    doc = json.loads(taken.stdout)
    assert doc["ticket"]["assignee"] == "eng-li" and doc["ticket"]["first_response_at"]
    told = [(n["transport"], n["kind"], n["status"]) for n in doc["notified"]]
    assert ("customer", "picked_up", "sent") in told
    assert in_thread(slack_stub, "Li Na from the support team has picked up")
    said = cli.invoke(app, ["tickets", "reply", key, "Try 4.2.2, please.", "--as", "eng-li"],
                      env=env)  # fmt: skip
    assert said.exit_code == 0, said.output
    assert in_thread(slack_stub, "Try 4.2.2, please.")[0]["text"].startswith(f"*Li Na* ({key})")
    # The second acknowledgement is refused, with who did it, in one line.
    again = cli.invoke(app, ["tickets", "ack", key, "--as", "eng-chen"], env=env)
    assert again.exit_code == 2
    assert re.fullmatch(
        rf"error: {key} was already acknowledged by Li Na at [0-9-]+ [0-9:]+ UTC\n",
        again.stderr,
    ), again.stderr
