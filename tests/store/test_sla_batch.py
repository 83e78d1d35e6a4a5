"""The batch store under the SLA scan: one transaction for many tickets (both databases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.context import AppContext
from bot.sla_clocks import SlaClockKeeper
from bot.store.notifications import Delivery
from bot.store.records import Ticket
from bot.store.sla_batch import DueTicket, Firing, SlaBatchStore
from bot.store.tickets import EventSpec
from tests.conftest import NOW
from tests.store.steps import open_ticket as _open
from tests.store.steps import step as _step

M = dt.timedelta(minutes=1)


def _firing(ticket: Ticket, level: int, at: dt.datetime) -> Firing:
    audit = EventSpec("escalated", at, "system", "deskbot", data={"level": level})
    return Firing(
        _step(ticket, level), (Delivery("log", "escalations", {"level": level}),), False, audit
    )


def test_a_batch_treats_a_step_fired_elsewhere_as_fired_and_a_bad_plan_as_one_failure(
    ctx: AppContext,
) -> None:
    good, stale, broken = _open(ctx), _open(ctx), _open(ctx)
    ctx.notifications.fire(_step(stale, 0), [], now=NOW + 30 * M, late=False)
    at = NOW + 31 * M

    def plan(due: DueTicket) -> Sequence[Firing]:
        if due.ticket.id == broken.id:
            raise ValueError("unreadable history")
        # Deliberately ignores due.fired: the store must not fire a step twice anyway.
        return [_firing(due.ticket, 0, at)]

    keeper = SlaClockKeeper(ctx.config)
    result = SlaBatchStore(ctx.db).fire(
        [broken.id, stale.id, good.id],
        now=at,
        plan=plan,
        derive=lambda ticket, events, fired, when: keeper.derive(ticket, events, fired, at=when),
    )
    assert list(result.failed) == [broken.id] and "unreadable" in str(result.failed[broken.id])
    outcomes = {o.ticket.id: o for o in result.outcomes}
    assert sorted(outcomes) == sorted([good.id, stale.id])
    assert [f.key for f, _ in outcomes[good.id].fired] == [("first_response", 0)]
    assert outcomes[stale.id].fired == () and len(outcomes[stale.id].already_fired) == 1
    for ticket_id in (good.id, stale.id):  # both have the 50% step behind them now
        first = ctx.tickets.get(ticket_id).clock("first_response")
        assert first is not None and first.next_escalation_at == NOW + 45 * M
        assert outcomes[ticket_id].ticket.clock("first_response") == first
    assert [e.kind for e in ctx.tickets.events(good.id)] == ["opened", "escalated"]
    assert [e.kind for e in ctx.tickets.events(stale.id)] == ["opened"]
    assert ctx.tickets.get(good.id).updated_at == at
    assert ctx.tickets.get(stale.id).updated_at == NOW
    untouched = ctx.tickets.get(broken.id).clock("first_response")
    assert untouched is not None and untouched.next_escalation_at == NOW + 30 * M
    assert [i.ticket_id for i in ctx.notifications.items()] == [good.id]
