"""``/support status`` and App Home that can be acted on: who has it, the last action, what is
due in the reader's zone and language, recently resolved tickets; the engineers' queue with
buttons, the CSM's accounts by risk."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient

from bot.context import AppContext
from bot.store.records import NewTicket
from tests.conftest import NOW
from tests.slack.conftest import post_event, post_form
from tests.slack.stub import SlackStub
from tests.slack.test_forms import _command


def _open(
    ctx: AppContext, account: str, subject: str, *, priority: str = "P2", **extra: str
) -> str:
    new = NewTicket(account_id=account, kind="bug", priority=priority, subject=subject,
                    requester="U0DEV1", channel="slack", **extra)  # type: ignore[arg-type]  # fmt: skip
    return ctx.desk.open(new, now=NOW).key


def test_status_in_a_dm_lists_every_account_with_who_and_when(
    slack_client: TestClient, ctx: AppContext
) -> None:
    streamly = _open(ctx, "streamly", "Echo on Android")
    acme = _open(ctx, "acme-games", "Calls drop")
    ticket = ctx.tickets.get(acme)
    ctx.desk.acknowledge(ticket, agent="eng-li", now=NOW + dt.timedelta(minutes=5))
    done = _open(ctx, "acme-games", "Old crash")
    ctx.desk.resolve(ctx.tickets.get(done), by="eng-chen", now=NOW + dt.timedelta(minutes=9))

    text = post_form(slack_client, _command("status", channel="D0DEV1")).json()["text"]
    assert streamly in text and acme in text, "a DM is not one account's channel"
    assert "Li Na is on it" in text
    assert "America/New_York" in text and "Asia/Shanghai" in text  # each account's zone
    assert "Resolved recently" in text and done in text and "Chen Hao" in text
    assert text.index(acme) < text.index("Resolved recently") < text.index(done)


def test_status_speaks_the_conversations_language(
    slack_client: TestClient, ctx: AppContext
) -> None:
    conv = ctx.conversations.open("slack", "C0STREAMLY:1.1", now=NOW, account_id="streamly")
    ctx.conversations.update(conv.id, now=NOW, state={"version": 2, "lang": "zh"})
    key = _open(ctx, "streamly", "安卓加入房间崩溃", conversation_id=conv.id)
    ctx.conversations.update(conv.id, now=NOW, ticket_id=ctx.tickets.get(key).id)
    text = post_form(slack_client, _command("status")).json()["text"]
    assert key in text and "您的工单" in text and "预计" in text


def test_engineer_home_shows_the_unassigned_queue_with_buttons(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open(ctx, "acme-games", "Calls drop")
    post_event(slack_client, {"type": "app_home_opened", "user": "U0ENGCHEN", "tab": "home"})
    view = slack_stub.wait_for("views.publish")[0]["view"]
    text = json.dumps(view)
    assert "Unassigned \\u2014 you are on call" in text and key in text
    actions = [b for b in view["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]][:2] == ["deskbot_ack", "deskbot_take"]
    # Taking it from Home: the ticket is his and Home is published again.
    click = {
        "type": "block_actions", "team": {"id": "T0TEAM"}, "user": {"id": "U0ENGCHEN"},
        "api_app_id": "A0DESKBOT", "trigger_id": "trig-home",
        "container": {"type": "view", "view_id": "V0VIEW"}, "view": {"id": "V0VIEW"},
        "actions": [{"action_id": "deskbot_take", "value": key, "type": "button"}],
    }  # fmt: skip
    post_form(slack_client, {"payload": json.dumps(click)})
    again = slack_stub.wait_for("views.publish", count=2)[1]["view"]
    assert ctx.tickets.get(key).assignee_id == "eng-chen"
    assert "Assigned to you" in json.dumps(again) and key in json.dumps(again["blocks"][2])


def test_csm_home_ranks_accounts_by_risk(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    _open(ctx, "pixelpals", "Login slow")
    _open(ctx, "acme-games", "Calls drop", priority="P1")  # a 15-minute first response
    slack_client.app.state.slack.runtime.clock = lambda: NOW + dt.timedelta(hours=3)  # type: ignore[attr-defined]
    post_event(slack_client, {"type": "app_home_opened", "user": "U0CSMWANG", "tab": "home"})
    view = json.dumps(slack_stub.wait_for("views.publish")[0]["view"])
    assert "Your accounts, riskiest first" in view
    assert view.index("Acme Games") < view.index("PixelPals Studio")
    assert "1 breached" in view


def test_customer_home_links_each_ticket(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = _open(ctx, "streamly", "Echo", channel_ref="C0STREAMLY", thread_ref="1763431000.000100")
    post_event(slack_client, {"type": "app_home_opened", "user": "U0DEV1", "tab": "home"})
    view = slack_stub.wait_for("views.publish")[0]["view"]
    (section,) = [b for b in view["blocks"] if key in json.dumps(b)]
    assert section["accessory"]["url"].startswith("https://nimbus.slack.com/archives/C0STREAMLY/")
