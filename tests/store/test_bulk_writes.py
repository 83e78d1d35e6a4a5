"""Bulk writes and recording many escalation steps at once (both databases)."""

from __future__ import annotations

import datetime as dt
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table
from sqlalchemy.exc import IntegrityError

from bot.context import AppContext
from bot.store.bulk import insert_rows, update_rows
from bot.store.models import SlaClockRow
from bot.store.notifications import Delivery, StepRecord, record_steps
from tests.conftest import NOW
from tests.store.steps import open_ticket as _open
from tests.store.steps import step as _step

M = dt.timedelta(minutes=1)


def test_record_steps_skips_a_fired_step_without_failing_the_others(ctx: AppContext) -> None:
    ticket = _open(ctx)
    assert ctx.notifications.fire(_step(ticket, 0), [], now=NOW, late=False) is not None
    log = (Delivery("log", "escalations", {"n": 1}),)
    with ctx.db.session() as session:
        out = record_steps(
            session,
            [
                StepRecord(_step(ticket, 0), log, False),  # fired before
                StepRecord(_step(ticket, 1), log, True),
                StepRecord(_step(ticket, 1), log, True),  # twice in one call
            ],
            now=NOW + 50 * M,
        )
    assert out[0] is None and out[2] is None
    assert out[1] is not None and out[1].level == 1 and out[1].late and out[1].id > 0
    assert [(e.level, e.fired_at) for e in ctx.notifications.escalations(ticket.id)] == [
        (0, NOW),
        (1, NOW + 50 * M),
    ]
    items = ctx.notifications.items()
    assert [(i.escalation_id, i.ticket_id) for i in items] == [(out[1].id, ticket.id)]


def test_bulk_writes_keep_instants_and_json_on_each_backend(ctx: AppContext) -> None:
    ticket = _open(ctx)
    table = cast(Table, SlaClockRow.__table__)
    shanghai = dt.datetime(2026, 11, 18, 18, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    state = {"steps": [{"level": 0, "fired": True}], "note": "引き継ぎ ✓"}
    with ctx.db.session() as s:
        update_rows(
            s,
            table,
            [{"ticket_id": ticket.id, "name": "resolution", "next_escalation_at": shanghai,
              "state": state, "paused": True}],
            key=("ticket_id", "name"),
        )  # fmt: skip
    resolution = ctx.tickets.get(ticket.id).clock("resolution")
    assert resolution is not None and resolution.paused and resolution.state == state
    assert resolution.next_escalation_at == shanghai  # the same instant, stored as UTC
    assert resolution.next_escalation_at.tzinfo == dt.UTC
    with ctx.db.session() as s:
        rows = insert_rows(
            s,
            table,
            [{"ticket_id": ticket.id, "name": "extra", "calendar": "24x7", "started_at": shanghai,
              "paused": False, "breached": False, "cycle": 0, "state": {}}],
            returning=("ticket_id", "started_at"),
        )  # fmt: skip
    assert [(r.ticket_id, r.started_at) for r in rows] == [(ticket.id, shanghai)]
    duplicate = {"ticket_id": ticket.id, "name": "extra", "calendar": "x", "started_at": NOW,
                 "paused": False, "breached": False, "cycle": 0, "state": {}}  # fmt: skip
    with pytest.raises(IntegrityError), ctx.db.session() as s:
        insert_rows(s, table, [duplicate])
    with ctx.db.session() as s:
        assert insert_rows(
            s,
            table,
            [duplicate],
            skip_conflicts_on=("ticket_id", "name"),
            returning=("name",),
        ) == []  # fmt: skip
