"""The Slack notifier against the Web API stub: rendering, DMs and channels, and failures
mapped to DeliveryError (429 with Retry-After, 5xx, permanent), alone and via the outbox."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.context import AppContext
from bot.notify import DeliveryError
from bot.notify.channel import CustomerMessage, CustomerTransport
from bot.slack.client import web_client
from bot.slack.notifier import SlackNotifier
from bot.store.notifications import Delivery
from bot.store.records import NewTicket, Ticket
from tests.conftest import NOW
from tests.slack.stub import SlackStub


def _ticket(ctx: AppContext) -> Ticket:
    """A ticket straight in the store (the desk would announce it: not what these test)."""
    return ctx.tickets.create(
        NewTicket(
            account_id="acme-games", kind="outage", priority="P1", subject="Calls drop in EU",
            requester="U0DEV9", priority_reason="production down", channel="slack",
            channel_ref="C0ACMEGAMES", thread_ref="1763431000.000100",
        ),
        now=NOW, recompute=ctx.desk.keeper.clocks,
    )  # fmt: skip


def _notifier(ctx: AppContext, *, at: dt.datetime) -> SlackNotifier:
    return SlackNotifier(
        client=web_client(ctx.settings), config=ctx.config, tickets=ctx.tickets,
        clock=lambda: at, public_url=ctx.settings.public_url,
    )  # fmt: skip


def _escalation(ticket: Ticket, **extra: object) -> dict[str, object]:
    return {"kind": "escalation", "ticket": ticket.key, "clock": "first_response", "level": 1,
            "fraction": 0.8, "recipient": "csm", **extra}  # fmt: skip


def test_escalation_dm_carries_the_facts_a_link_and_acknowledge(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    ticket = _ticket(ctx)  # a 15-minute first response: the 80% step is at 12 minutes
    due = NOW + dt.timedelta(minutes=15)
    item = ctx.notifications.enqueue(
        Delivery("slack", "U0CSMWANG", _escalation(ticket, due_at=due.isoformat())), now=NOW
    )
    _notifier(ctx, at=NOW + dt.timedelta(minutes=12)).deliver(item)

    assert slack_stub.calls_to("conversations.open") == [{"users": "U0CSMWANG"}]
    (post,) = slack_stub.calls_to("chat.postMessage")
    assert post["channel"] == "D0CSMWANG"
    rendered = json.dumps(post["blocks"])
    for fact in ("Acme Games", "enterprise", "P1", "first response", "due in 3 min", "80%"):
        assert fact in rendered, fact
    assert "https://nimbus.slack.com/archives/C0ACMEGAMES/p1763431000000100" in rendered
    assert f"http://127.0.0.1:8000/staff/tickets/{ticket.key}|" in rendered
    actions = [b for b in post["blocks"] if b["type"] == "actions"]
    buttons = [e["action_id"] for b in actions for e in b["elements"]]
    assert buttons[0] == "deskbot_ack"


def test_new_ticket_card_names_the_reporter(ctx: AppContext, slack_stub: SlackStub) -> None:
    notifier = _notifier(ctx, at=NOW)
    slack = _ticket(ctx)
    _, blocks = notifier.render({"kind": "new_ticket", "ticket": slack.key})
    assert blocks[0]["text"]["text"].endswith("\nReported by <@U0DEV9>")
    # Not a Slack user: the name, as plain (escaped) text; without a name, the id.
    web = ctx.desk.open(
        NewTicket(account_id="acme-games", kind="bug", priority="P2", subject="Crash",
                  requester="web-3f2a", requester_name="Dana <Lee>"),
        now=NOW,
    )  # fmt: skip
    _, blocks = notifier.render({"kind": "new_ticket", "ticket": web.key})
    assert blocks[0]["text"]["text"].endswith("\nReported by Dana &lt;Lee&gt;")
    anonymous = ctx.desk.open(
        NewTicket(account_id="acme-games", kind="question", priority="P3", subject="Hi",
                  requester="anonymous"),
        now=NOW,
    )  # fmt: skip
    _, blocks = notifier.render({"kind": "new_ticket", "ticket": anonymous.key})
    assert blocks[0]["text"]["text"].endswith("\nReported by anonymous")


def test_breach_in_a_channel_says_how_late(ctx: AppContext, slack_stub: SlackStub) -> None:
    ticket = _ticket(ctx)
    due = NOW + dt.timedelta(minutes=15)
    payload = _escalation(ticket, fraction=1.0, late=True, due_at=due.isoformat(),
                          recipients=["csm-wang", "mgr-lin", "C0ESCALATE"])  # fmt: skip
    item = ctx.notifications.enqueue(Delivery("slack", "C0ESCALATE", payload), now=NOW)
    _notifier(ctx, at=due + dt.timedelta(hours=1, minutes=5)).deliver(item)
    (post,) = slack_stub.calls_to("chat.postMessage")
    assert post["channel"] == "C0ESCALATE" and not slack_stub.calls_to("conversations.open")
    assert "breached 1 h 5 min ago" in post["text"]
    assert "elapsed" not in post["text"] and "left" not in post["text"]
    rendered = json.dumps(post["blocks"])
    assert "Sent late" in rendered
    # The people it is for, by mention: the CSM, the manager and the on-call engineer.
    head = post["blocks"][0]["text"]["text"].splitlines()[0]
    assert head == "<@U0CSMWANG> <@U0MGRLIN> <@U0ENGCHEN>"


def test_person_id_targets_and_plain_messages(ctx: AppContext, slack_stub: SlackStub) -> None:
    item = ctx.notifications.enqueue(
        Delivery("slack", "mgr-lin", {"kind": "message", "text": "Daily digest"}), now=NOW
    )
    _notifier(ctx, at=NOW).deliver(item)
    assert slack_stub.calls_to("conversations.open") == [{"users": "U0MGRLIN"}]
    assert slack_stub.calls_to("chat.postMessage")[0]["text"] == "Daily digest"


@pytest.mark.parametrize(
    ("failure", "permanent", "retry_after"),
    [
        ({"status": 429, "retry_after": 7}, False, 7.0),
        ({"status": 500}, False, None),
        ({"status": 503}, False, None),
        ({"status": 200, "error": "channel_not_found"}, True, None),
        ({"status": 200, "error": "internal_error"}, False, None),
    ],
)
def test_failures_map_to_delivery_errors(
    ctx: AppContext,
    slack_stub: SlackStub,
    failure: dict[str, object],
    permanent: bool,
    retry_after: float | None,
) -> None:
    ticket = _ticket(ctx)
    item = ctx.notifications.enqueue(Delivery("slack", "C0ESCALATE", _escalation(ticket)), now=NOW)
    slack_stub.fail("chat.postMessage", **failure)  # type: ignore[arg-type]
    with pytest.raises(DeliveryError) as caught:
        _notifier(ctx, at=NOW).deliver(item)
    assert caught.value.permanent is permanent
    assert caught.value.retry_after == retry_after


def test_unknown_target_or_ticket_is_permanent(ctx: AppContext, slack_stub: SlackStub) -> None:
    ticket = _ticket(ctx)
    for target, payload in [
        ("nobody-here", _escalation(ticket)),
        ("C0ESCALATE", {"kind": "escalation", "ticket": "SUP-9999"}),
        ("C0ESCALATE", {"kind": "telegram"}),
    ]:
        item = ctx.notifications.enqueue(Delivery("slack", target, payload), now=NOW)
        with pytest.raises(DeliveryError) as caught:
            _notifier(ctx, at=NOW).deliver(item)
        assert caught.value.permanent
    assert slack_stub.calls_to("chat.postMessage") == []


def test_rate_limited_escalation_is_delivered_after_retry_after_via_the_outbox(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    outbox = pytest.importorskip("bot.notify.outbox")
    ticket = _ticket(ctx)
    ctx.notifications.enqueue(Delivery("slack", "U0ENGCHEN", _escalation(ticket)), now=NOW)
    slack_stub.fail("chat.postMessage", status=429, retry_after=30)
    worker = outbox.OutboxWorker(ctx.notifications, {"slack": _notifier(ctx, at=NOW)})

    assert worker.deliver_due(NOW) == 0
    (item,) = ctx.notifications.items()
    assert item.status == "pending" and item.next_attempt_at == NOW + dt.timedelta(seconds=30)
    assert "rate limited" in (item.last_error or "")
    assert worker.deliver_due(NOW + dt.timedelta(seconds=29)) == 0
    assert len(slack_stub.calls_to("chat.postMessage")) == 1  # not retried early
    assert worker.deliver_due(NOW + dt.timedelta(seconds=30)) == 1
    (item,) = ctx.notifications.items()
    assert item.status == "sent" and len(slack_stub.calls_to("chat.postMessage")) == 2


def test_later_pings_thread_under_the_card_and_mention_their_person(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    ticket = _ticket(ctx)
    notifier = _notifier(ctx, at=NOW + dt.timedelta(minutes=8))
    card = ctx.notifications.enqueue(
        Delivery("slack", "U0ENGCHEN", {"kind": "new_ticket", "ticket": ticket.key}), now=NOW
    )
    notifier.deliver(card)
    ping = ctx.notifications.enqueue(
        Delivery("slack", "eng-chen", _escalation(ticket, fraction=0.5, level=0)), now=NOW
    )
    notifier.deliver(ping)
    first, second = slack_stub.calls_to("chat.postMessage")
    assert first["channel"] == second["channel"] == "D0ENGCHEN"
    assert "thread_ts" not in first and second["thread_ts"] == first["posted_ts"]
    assert second["text"].startswith(f"{ticket.key} P1 · first response due in 7 min")
    assert "<@U0ENGCHEN>" in json.dumps(second["blocks"])
    # The card above it was brought up to date in the same go, and a repeated new-ticket post
    # for the same DM makes nothing new.
    assert slack_stub.calls_to("chat.update")[-1]["ts"] == first["posted_ts"]
    notifier.deliver(card)
    assert len(slack_stub.calls_to("chat.postMessage")) == 2


def test_the_customer_hears_of_a_missed_promise_only_while_it_is_true(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    ticket = _ticket(ctx)  # acme-games P1: a first response within 15 minutes
    late = CustomerMessage(ticket.key, "", "late", ref=f"{ticket.key}#late", clock="first_response")
    item = ctx.notifications.enqueue(Delivery("customer", ticket.key, late.payload()), now=NOW)

    def customer(at: dt.datetime) -> CustomerTransport:
        return CustomerTransport(
            tickets=ctx.tickets, channels=ctx.channels, config=ctx.config,
            conversations=ctx.conversations, clock=lambda: at,
        )  # fmt: skip

    customer(NOW + 16 * MINUTE).deliver(item)
    (told,) = slack_stub.calls_to("chat.postMessage")
    assert told["channel"] == "C0ACMEGAMES" and told["thread_ts"] == "1763431000.000100"
    assert "We're late on" in told["text"] and "Chen Hao is on it" in told["text"]
    assert "Asia/Shanghai" in told["text"]
    ctx.desk.acknowledge(ctx.tickets.get(ticket.key), agent="eng-li", now=NOW + 17 * MINUTE)
    customer(NOW + 18 * MINUTE).deliver(item)
    apologies = [c for c in slack_stub.calls_to("chat.postMessage") if "late" in c["text"]]
    assert len(apologies) == 1, "answered meanwhile: no apology"


MINUTE = dt.timedelta(minutes=1)
