"""The thread is the ticket, both ways: a reply after resolve reopens it; waiting on the customer
tells them, and their answer reaches the engineer; staff notes under the card stay internal
until sent with one click; a resolved ticket asks for a rating, counted in analytics."""

from __future__ import annotations

import datetime as dt
import json

from fastapi.testclient import TestClient

from bot.analytics import collect
from bot.context import AppContext
from bot.store.csat import CsatStore
from tests.conftest import NOW
from tests.slack.conftest import SUPPORT_CHANNEL, message, post_event, post_interaction, wait_until
from tests.slack.stub import SlackStub
from tests.slack.test_cards import DM, INTERNAL, THREAD, card_ts, click, open_ticket


def in_thread(stub: SlackStub, needle: str) -> list[dict]:
    return [
        p
        for p in stub.calls_to("chat.postMessage", ok=True)
        if p["channel"] == SUPPORT_CHANNEL and needle in p["text"]
    ]


def resolve(client: TestClient, stub: SlackStub, ctx: AppContext, key: str) -> None:
    dm = card_ts(stub, DM)
    post_interaction(client, click("deskbot_take", key, user="U0ENGCHEN", channel=DM, ts=dm))
    wait_until(lambda: ctx.tickets.get(key).assignee_id)
    post_interaction(
        client, click("deskbot_resolve", key, user="U0ENGCHEN", channel=DM, ts=dm, n=2)
    )
    wait_until(lambda: ctx.tickets.get(key).status == "resolved")


def test_a_reply_after_resolve_reopens_the_ticket_and_is_recorded(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    resolve(slack_client, slack_stub, ctx, key)
    wait_until(lambda: in_thread(slack_stub, "marked resolved by Chen Hao"))
    asked = len(slack_stub.calls_to("chat.postMessage"))

    still = message("it is still black on 2.14.1", ts="1763431000.000200", thread_ts=THREAD)
    post_event(slack_client, still)
    ticket = wait_until(lambda: (t := ctx.tickets.get(key)).is_open and t)
    assert ticket.stage == "reopened"
    events = wait_until(lambda: (ev := ctx.tickets.events(ticket.id))[-1].kind == "message" and ev)
    assert [e.kind for e in events[-2:]] == ["reopened", "message"]
    assert events[-1].body == "it is still black on 2.14.1"
    told = wait_until(lambda: in_thread(slack_stub, "open again"))
    assert "Chen Hao" in told[0]["text"]
    # Chen Hao hears it, threaded under the ticket's card in his DM.
    dm = card_ts(slack_stub, DM)
    heard = slack_stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == DM and "reopened" in a["text"]
    )[0]
    assert heard["thread_ts"] == dm and "still black" in heard["text"]
    # The bot did not answer it from the docs.
    later = slack_stub.calls_to("chat.postMessage")[asked:]
    assert not [p for p in later if "Looking" in p["text"]]


def test_thanks_after_resolve_does_not_reopen(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    resolve(slack_client, slack_stub, ctx, key)
    post_event(slack_client, message("thanks!", ts="1763431000.000200", thread_ts=THREAD))
    slack_stub.wait_for("chat.postMessage", where=lambda a: "Looking" in a["text"], count=3)
    assert ctx.tickets.get(key).status == "resolved"


def test_waiting_on_the_customer_tells_them_and_their_answer_reaches_the_engineer(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    dm = card_ts(slack_stub, DM)
    post_interaction(slack_client, click("deskbot_take", key, user="U0ENGCHEN", channel=DM, ts=dm))
    wait_until(lambda: ctx.tickets.get(key).assignee_id)
    post_interaction(
        slack_client, click("deskbot_wait", key, user="U0ENGCHEN", channel=DM, ts=dm, n=2)
    )
    wait_until(lambda: ctx.tickets.get(key).status == "waiting_on_customer")
    asked = wait_until(lambda: in_thread(slack_stub, "needs more information"))
    assert "Chen Hao" in asked[0]["text"] and asked[0]["thread_ts"] == THREAD

    answer = message("Here is the adb log excerpt: NR-1203 at join", ts="1763431000.000300",
                     thread_ts=THREAD)  # fmt: skip
    post_event(slack_client, answer)
    heard = slack_stub.wait_for(
        "chat.postMessage", where=lambda a: a["channel"] == DM and "answered" in a["text"]
    )[0]
    assert heard["thread_ts"] == dm and "NR-1203" in heard["text"]
    assert "<@U0ENGCHEN>" in heard["text"]
    assert wait_until(lambda: ctx.tickets.get(key).status == "open")


def test_a_staff_note_under_the_card_stays_internal_until_sent(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    internal = card_ts(slack_stub, INTERNAL)
    said = "Repro'd on Pixel 8: please try 4.2.2, it has the fix."
    note = message(said, user="U0ENGLINA", ts="1763431500.000001", thread_ts=internal,
                   channel=INTERNAL)  # fmt: skip
    post_event(slack_client, note)
    offer = slack_stub.wait_for("chat.postEphemeral", where=lambda a: a["user"] == "U0ENGLINA")[0]
    assert "internal note" in offer["text"]
    ticket = ctx.tickets.get(key)
    assert ctx.tickets.events(ticket.id)[-1].kind == "note"
    assert ticket.first_response_at is None and not in_thread(slack_stub, "4.2.2")

    send = {
        "type": "block_actions", "team": {"id": "T0TEAM"}, "user": {"id": "U0ENGLINA"},
        "api_app_id": "A0DESKBOT", "trigger_id": "trig-send", "channel": {"id": INTERNAL},
        "container": {"type": "message", "channel_id": INTERNAL, "message_ts": "1.1"},
        "actions": [{"action_id": "deskbot_send", "value": json.loads(
            json.dumps(offer["blocks"]))[1]["elements"][0]["value"], "type": "button"}],
    }  # fmt: skip
    post_interaction(slack_client, send)
    sent = wait_until(lambda: in_thread(slack_stub, "4.2.2"))
    assert sent[0]["thread_ts"] == THREAD and sent[0]["text"].startswith(f"*Li Na* ({key})")
    ticket = wait_until(lambda: (t := ctx.tickets.get(key)).first_response_at and t)
    assert ctx.tickets.events(ticket.id)[-1].kind == "message"
    post_interaction(slack_client, {**send, "trigger_id": "trig-send-2"})
    wait_until(
        lambda: [e for e in slack_stub.calls_to("chat.postEphemeral") if "already" in e["text"]]
    )
    assert len(in_thread(slack_stub, "4.2.2")) == 1


def test_a_resolved_ticket_asks_for_a_rating_and_analytics_count_it(
    slack_client: TestClient, slack_stub: SlackStub, ctx: AppContext
) -> None:
    key = open_ticket(slack_client, slack_stub, ctx)
    resolve(slack_client, slack_stub, ctx, key)
    request = wait_until(lambda: in_thread(slack_stub, "How did we do"))[0]
    faces = [e["value"] for e in request["blocks"][1]["elements"]]
    assert faces == [f"{key}:{n}" for n in range(1, 6)]
    rate = {
        "type": "block_actions", "team": {"id": "T0TEAM"}, "user": {"id": "U0DEV1"},
        "api_app_id": "A0DESKBOT", "trigger_id": "trig-rate", "channel": {"id": SUPPORT_CHANNEL},
        "container": {"type": "message", "channel_id": SUPPORT_CHANNEL,
                      "message_ts": request["posted_ts"], "thread_ts": THREAD},
        "message": {"ts": request["posted_ts"], "thread_ts": THREAD, "text": request["text"]},
        "actions": [{"action_id": "deskbot_csat_4", "value": f"{key}:4", "type": "button"}],
    }  # fmt: skip
    post_interaction(slack_client, rate)
    thanks = slack_stub.wait_for(
        "chat.update", where=lambda a: a["ts"] == request["posted_ts"] and "4/5" in a["text"]
    )[0]
    assert "actions" not in json.dumps(thanks["blocks"])
    (rating,) = CsatStore(ctx.db).between(NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=1))
    assert rating.score == 4 and rating.rater == "U0DEV1"
    stats = collect(ctx, NOW + dt.timedelta(hours=1), since=NOW - dt.timedelta(days=1))
    assert stats.csat.ratings == 1 and stats.csat.average == 4.0 and stats.csat.satisfied == 1
    # Only once per resolution.
    assert len(in_thread(slack_stub, "How did we do")) == 1
