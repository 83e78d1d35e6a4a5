"""Processed Slack delivery ids (for once-only handling of retries) are pruned: old ones go,
recent ones stay — on every database backend."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.context import AppContext
from bot.service.app import create_app
from bot.slack.client import web_client
from bot.slack.runtime import SlackRuntime
from bot.store.models import InboundEventRow
from tests.conftest import NOW
from tests.slack.stub import SlackStub

DAY = dt.timedelta(days=1)


def _kept(ctx: AppContext) -> set[tuple[str, str]]:
    with ctx.db.session() as session:
        return {(r.source, r.event_id) for r in session.scalars(select(InboundEventRow))}


def _seed(ctx: AppContext) -> None:
    assert ctx.inbound.first_time("slack", "Ev0OLD", now=NOW - 8 * DAY)
    assert ctx.inbound.first_time("slack", "Ev0RECENT", now=NOW - 6 * DAY)
    # Once-per-ticket markers are not Slack retries: pruning Slack deliveries keeps them.
    assert ctx.inbound.first_time("new-ticket", "SUP-1001", now=NOW - 30 * DAY)


def test_forget_before_drops_old_ids_of_one_source_or_all(ctx: AppContext) -> None:
    _seed(ctx)
    assert ctx.inbound.forget_before(NOW - 7 * DAY, source="slack") == 1
    assert _kept(ctx) == {("slack", "Ev0RECENT"), ("new-ticket", "SUP-1001")}
    # A forgotten id counts as new again; a kept one is still a duplicate.
    assert ctx.inbound.first_time("slack", "Ev0OLD", now=NOW)
    assert not ctx.inbound.first_time("slack", "Ev0RECENT", now=NOW)
    assert ctx.inbound.forget_before(NOW - 7 * DAY) == 1
    assert ("new-ticket", "SUP-1001") not in _kept(ctx)


def test_every_few_hundred_deliveries_the_old_ids_are_pruned(
    ctx: AppContext, slack_stub: SlackStub
) -> None:
    _seed(ctx)
    rt = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW, prune_every=3)
    assert rt.first_delivery("Ev1") and rt.first_delivery("Ev2")
    assert not rt.first_delivery("Ev2")  # a retry: not counted, not processed
    assert ("slack", "Ev0OLD") in _kept(ctx)
    assert rt.first_delivery("Ev3")  # the third new delivery prunes
    assert _kept(ctx) == {
        ("slack", "Ev0RECENT"),
        ("slack", "Ev1"),
        ("slack", "Ev2"),
        ("slack", "Ev3"),
        ("new-ticket", "SUP-1001"),
    }


def test_slack_start_prunes_old_ids(ctx: AppContext, slack_stub: SlackStub) -> None:
    _seed(ctx)
    runtime = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW)
    app = create_app(ctx.settings, context=ctx, start=("slack",), slack=runtime)
    with TestClient(app):
        assert ("slack", "Ev0OLD") not in _kept(ctx)
        assert ("slack", "Ev0RECENT") in _kept(ctx)


def test_a_failed_prune_does_not_cost_the_delivery(
    ctx: AppContext, slack_stub: SlackStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = SlackRuntime(ctx=ctx, client=web_client(ctx.settings), clock=lambda: NOW, prune_every=1)

    def broken(cutoff: dt.datetime, *, source: str | None = None) -> int:
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(ctx.inbound, "forget_before", broken)
    assert rt.first_delivery("Ev1")
    assert not rt.first_delivery("Ev1")
