"""The ticket store and lifecycle desk, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pytest

from bot.context import AppContext
from bot.desk import Change
from bot.errors import AccessDenied, InvalidInput, NotFound
from bot.store.records import ClockRecord, NewTicket, Ticket, TicketEvent
from tests.conftest import NOW

H = dt.timedelta(hours=1)


def _new(account: str = "acme-games", **extra: object) -> NewTicket:
    fields = {
        "account_id": account,
        "kind": "bug",
        "priority": "P2",
        "subject": "Android client crashes on leave",
        "requester": "U123",
        "body": "it crashes",
    }
    fields.update(extra)
    return NewTicket(**fields)  # type: ignore[arg-type]


def test_ticket_numbers_are_human_friendly_and_sequential(ctx: AppContext) -> None:
    first = ctx.desk.open(_new(), now=NOW)
    second = ctx.desk.open(_new(account="streamly"), now=NOW + H)
    assert (first.key, second.key) == ("SUP-1001", "SUP-1002")
    assert ctx.tickets.get("sup-1002").id == second.id
    assert ctx.tickets.get("1001").key == "SUP-1001"


def test_another_accounts_ticket_looks_like_a_missing_one(ctx: AppContext) -> None:
    ticket = ctx.desk.open(_new(account="acme-games"), now=NOW)
    with pytest.raises(AccessDenied) as denied:
        ctx.tickets.get(ticket.key, account_id="streamly")
    with pytest.raises(NotFound) as missing:
        ctx.tickets.get("SUP-9999", account_id="streamly")
    assert str(denied.value) == f"no ticket {ticket.key}"
    assert str(missing.value) == "no ticket SUP-9999"


def test_lifecycle_appends_history_and_sets_response_time(ctx: AppContext) -> None:
    ticket = ctx.desk.open(_new(), now=NOW)
    ticket = ctx.desk.bot_reply(ticket, body="Thanks, looking", now=NOW + dt.timedelta(minutes=1))
    assert ticket.first_response_at is None, "a bot reply is not a response"
    ticket = ctx.desk.acknowledge(ticket, agent="eng-chen", now=NOW + H)
    assert ticket.first_response_at == NOW + H
    assert ticket.assignee_id == "eng-chen"
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-chen", now=NOW + 2 * H)
    assert ticket.status == "waiting_on_customer"
    ticket = ctx.desk.customer_reply(ticket, author="U123", body="logs attached", now=NOW + 3 * H)
    assert ticket.status == "open"
    ticket = ctx.desk.change_priority(
        ticket, priority="P1", reason="all users", by="eng-chen", now=NOW + 4 * H
    )
    ticket = ctx.desk.resolve(ticket, by="eng-chen", now=NOW + 5 * H)
    assert (ticket.status, ticket.resolved_at) == ("resolved", NOW + 5 * H)
    with pytest.raises(InvalidInput):
        ctx.desk.resolve(ticket, by="eng-chen", now=NOW + 6 * H)
    ticket = ctx.desk.reopen(ticket, by="U123", now=NOW + 7 * H)
    kinds = [e.kind for e in ctx.tickets.events(ticket.id)]
    assert kinds == [
        "opened", "message", "acknowledged", "waiting_on_customer", "message", "resumed",
        "priority_changed", "resolved", "reopened",
    ]  # fmt: skip
    assert ticket.priority == "P1" and ticket.status == "open" and ticket.resolved_at is None


def test_a_customer_reply_racing_a_resolve_leaves_the_ticket_resolved(ctx: AppContext) -> None:
    """The customer answers a ticket that waits on them just as an engineer resolves it: the
    reply is recorded, and the resolution stands (no stale "resumed" reopens it)."""
    ticket = ctx.desk.open(_new(), now=NOW)
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-chen", now=NOW + H)

    def resolve_meanwhile(change: Change) -> None:
        if change.kind == "message" and change.actor_kind == "customer":
            ctx.desk.listeners.remove(resolve_meanwhile)
            ctx.desk.resolve(change.ticket, by="eng-chen", now=NOW + 2 * H)

    ctx.desk.listeners.append(resolve_meanwhile)
    after = ctx.desk.customer_reply(ticket, author="U123", body="logs attached", now=NOW + 2 * H)
    assert after.status == "resolved" and after.resolved_at == NOW + 2 * H
    kinds = [e.kind for e in ctx.tickets.events(ticket.id)]
    assert kinds[-2:] == ["message", "resolved"]


class CountingKeeper:
    """A clock keeper that records what it was given and derives one clock."""

    def __init__(self) -> None:
        self.seen: list[list[str]] = []

    def clocks(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Sequence[ClockRecord]:
        self.seen.append([e.kind for e in events])
        paused = ticket.status == "waiting_on_customer"
        return [
            ClockRecord(
                name="resolution",
                calendar="24x7",
                started_at=ticket.opened_at,
                target_seconds=3600,
                due_at=None if paused else ticket.opened_at + H,
                paused=paused,
                next_escalation_at=None if paused else ticket.opened_at + H / 2,
            )
        ]


def test_clocks_are_rederived_from_history_on_every_change(ctx: AppContext) -> None:
    keeper = CountingKeeper()
    ctx.desk.keeper = keeper
    ticket = ctx.desk.open(_new(), now=NOW)
    assert keeper.seen == [["opened"]]
    assert ticket.clock("resolution") is not None
    assert ctx.tickets.due_clocks(NOW + H) == [(ticket.id, "resolution")]
    assert ctx.tickets.next_wakeup() == NOW + H / 2
    ticket = ctx.desk.wait_on_customer(ticket, agent="eng-li", now=NOW + dt.timedelta(minutes=5))
    clock = ticket.clock("resolution")
    assert clock is not None and clock.paused and clock.due_at is None
    assert ctx.tickets.due_clocks(NOW + H) == []


def test_escalation_steps_fire_once(ctx: AppContext) -> None:
    from bot.store.notifications import Delivery, EscalationStep

    ticket = ctx.desk.open(_new(), now=NOW)
    step = EscalationStep(ticket.id, "first_response", 0, 0.5, NOW + H, ["assignee"])
    fired = ctx.notifications.fire(
        step, [Delivery("log", "eng-chen", {"text": "50%"})], now=NOW + H, late=False
    )
    again = ctx.notifications.fire(
        step, [Delivery("log", "eng-chen", {"text": "50%"})], now=NOW + H, late=True
    )
    assert fired is not None and again is None
    assert [i.target for i in ctx.notifications.due(NOW + H)] == ["eng-chen"]
    item = ctx.notifications.due(NOW + H)[0]
    ctx.notifications.mark_retry(item.id, error="429", retry_at=NOW + 2 * H, give_up=False)
    assert ctx.notifications.due(NOW + H) == []
    assert [i.id for i in ctx.notifications.due(NOW + 2 * H)] == [item.id]
    ctx.notifications.mark_sent(item.id, now=NOW + 2 * H)
    assert ctx.notifications.counts() == {"sent": 1}


def test_conversations_messages_and_state(ctx: AppContext) -> None:
    conv = ctx.conversations.open(
        "slack", "C0ACMEGAMES:1700000000.1", now=NOW, account_id="acme-games"
    )
    same = ctx.conversations.open("slack", "C0ACMEGAMES:1700000000.1", now=NOW + H)
    assert same.id == conv.id
    ctx.conversations.add_message(conv.id, "user", "how do I rotate tokens?", now=NOW)
    ctx.conversations.add_message(
        conv.id, "bot", "Use renewToken [1]", now=NOW, data={"citations": 1}
    )
    ctx.conversations.update(conv.id, now=NOW, state={"intake": {"round": 1}})
    loaded = ctx.conversations.get(conv.id)
    assert [m.role for m in loaded.messages] == ["user", "bot"]
    assert loaded.state == {"intake": {"round": 1}}
    with pytest.raises(NotFound):
        ctx.conversations.get(conv.id, account_id="streamly")


def test_knowledge_gaps_group_the_same_question(ctx: AppContext) -> None:
    for text in ["Does the SDK support WebTransport?", "does the SDK  support webtransport?"]:
        ctx.gaps.record(text, now=NOW, channel="web", account_id="streamly")
    ctx.gaps.record("Is there a Unity SDK?", now=NOW, channel="slack")
    assert ctx.gaps.top(limit=1) == [("does the sdk support webtransport?", 2)]
    assert len(ctx.gaps.recent(account_ids=["streamly"])) == 2


def test_attachments_keep_bytes_under_the_home(ctx: AppContext) -> None:
    ticket = ctx.desk.open(_new(), now=NOW)
    saved = ctx.attachments.save(
        b"E/Nimbus: crash\n",
        filename="../../etc/passwd log.txt",
        content_type="text/plain",
        now=NOW,
    )
    ctx.attachments.link([saved.id], ticket.id)
    (stored,) = ctx.attachments.for_ticket(ticket.id)
    assert ctx.attachments.read(stored) == b"E/Nimbus: crash\n"
    path = (ctx.settings.files_dir / stored.path).resolve()
    assert path.is_relative_to(ctx.settings.files_dir.resolve())
    assert ".." not in stored.path


def test_lease_is_held_by_one_process_until_it_expires(ctx: AppContext) -> None:
    ttl = dt.timedelta(seconds=60)
    assert ctx.leases.acquire("scheduler", "worker-a", now=NOW, ttl=ttl)
    assert not ctx.leases.acquire(
        "scheduler", "worker-b", now=NOW + dt.timedelta(seconds=30), ttl=ttl
    )
    assert ctx.leases.acquire("scheduler", "worker-a", now=NOW + dt.timedelta(seconds=30), ttl=ttl)
    assert ctx.leases.acquire("scheduler", "worker-b", now=NOW + dt.timedelta(seconds=120), ttl=ttl)
    assert ctx.leases.holder("scheduler", now=NOW + dt.timedelta(seconds=121)) == "worker-b"


def test_deliveries_and_daily_runs_happen_once(ctx: AppContext) -> None:
    assert ctx.inbound.first_time("slack", "Ev01", now=NOW)
    assert not ctx.inbound.first_time("slack", "Ev01", now=NOW)
    # a claim whose work failed is given back; another source's id is untouched
    assert ctx.inbound.first_time("other", "Ev01", now=NOW)
    ctx.inbound.forget("slack", "Ev01")
    assert ctx.inbound.first_time("slack", "Ev01", now=NOW)
    assert not ctx.inbound.first_time("other", "Ev01", now=NOW)
    day = dt.date(2026, 11, 18)
    assert ctx.daily_runs.claim("csm-wang", day, now=NOW)
    assert not ctx.daily_runs.claim("csm-wang", day, now=NOW + H)
    assert ctx.daily_runs.claim("csm-miller", day, now=NOW)


def test_accounts_are_synced_from_config(ctx: AppContext) -> None:
    from sqlalchemy import select

    from bot.store.models import AccountRow

    with ctx.db.session() as session:
        tiers = {r.id: r.tier for r in session.scalars(select(AccountRow))}
    assert tiers["acme-games"] == "enterprise" and len(tiers) == len(ctx.config.accounts)


def test_store_rejects_naive_datetimes(ctx: AppContext) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        ctx.desk.open(_new(), now=dt.datetime(2026, 1, 1, 9, 0))
