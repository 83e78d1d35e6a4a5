"""Support analytics on seeded data, against figures computed by hand."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from bot.analytics import (
    StatsCollector,
    bar_chart,
    collect,
    first_response_chart,
    percentile,
    render_html,
)
from bot.analytics.model import Stats
from bot.context import AppContext
from bot.store.notifications import EscalationStep
from tests.digest.conftest import D, H, open_ticket

S = dt.datetime(2026, 11, 10, 0, 0, tzinfo=dt.UTC)  # start of the period
NOW = S + 3 * D
M = dt.timedelta(minutes=1)


def _seed(ctx: AppContext) -> None:
    desk = ctx.desk
    # T1 enterprise P1: response after 30 min, resolved after 4 h.
    t1 = open_ticket(ctx, "acme-games", at=S, priority="P1", kind="outage", fr_hours=1)
    t1 = desk.acknowledge(t1, agent="eng-chen", now=S + 30 * M)
    desk.resolve(t1, by="eng-chen", now=S + 4 * H)
    # T2 enterprise P2: response after 2 h (breached its 1 h target); still open.
    t2 = open_ticket(ctx, "acme-games", at=S + H, priority="P2", fr_hours=1)
    desk.acknowledge(t2, agent="eng-li", now=S + 3 * H)
    # T3 basic P3: response after 1 h, resolved after 10 h.
    t3 = open_ticket(ctx, "pixelpals", at=S + 2 * H, priority="P3", fr_hours=4)
    t3 = desk.agent_reply(t3, agent="eng-park", body="hi", now=S + 3 * H)
    desk.resolve(t3, by="eng-park", now=S + 12 * H)
    # T4 pro P4 question: never answered, its 2 h target long past.
    open_ticket(ctx, "streamly", at=S + 3 * H, priority="P4", kind="question", fr_hours=2)
    # T5 opened before the period, resolved inside it after 3 days.
    t5 = open_ticket(ctx, "pixelpals", at=S - 2 * D, priority="P3")
    desk.resolve(t5, by="eng-park", now=S + D)
    # Escalations: two in the period (one late), one before it.
    for level, at, late in ((0, S + 30 * M, False), (1, S + 2 * H, True), (2, S - D, False)):
        ctx.notifications.fire(
            EscalationStep(t2.id, "first_response", level, 0.5, at, ["assignee"]), [],
            now=at, late=late,
        )  # fmt: skip
    # Bot answers: solved; no ticket within 24 h; followed by T2; a hand-off; too recent.
    convs = [ctx.conversations.open("web", f"c{n}", now=S, account_id="acme-games")
             for n in range(5)]  # fmt: skip
    answer = {"kind": "answer", "handoff": False}
    add = ctx.conversations.add_message
    add(convs[0].id, "bot", "a", now=S + H, data=answer)
    add(convs[0].id, "user", "", now=S + H + M, data={"action": "solved"})
    add(convs[1].id, "bot", "a", now=S + 2 * H, data=answer)
    add(convs[2].id, "bot", "a", now=S + 30 * M, data=answer)
    ctx.conversations.update(convs[2].id, now=S + H, ticket_id=t2.id)
    add(convs[3].id, "bot", "sorry", now=S + 4 * H, data={"kind": "handoff", "handoff": True})
    add(convs[4].id, "bot", "a", now=NOW - H, data=answer)
    for question, at in (("Unity SDK?", S + H), ("unity  sdk?", S + 2 * H),
                         ("WebTransport?", S + 3 * H), ("Old", S - D)):  # fmt: skip
        ctx.gaps.record(question, now=at, channel="web")


@pytest.fixture
def stats(desk_ctx: AppContext) -> Stats:
    _seed(desk_ctx)
    return collect(desk_ctx, NOW, since=S)


def test_counts_by_kind_priority_and_account(stats: Stats) -> None:
    assert stats.tickets == 4
    assert stats.by_priority == {"P1": 1, "P2": 1, "P3": 1, "P4": 1}
    assert stats.by_kind == {"bug": 2, "outage": 1, "question": 1}
    assert stats.by_account == {"acme-games": 2, "pixelpals": 1, "streamly": 1}
    assert stats.open_by_priority == {"P2": 1, "P4": 1}


def test_first_response_and_resolution_by_tier(stats: Stats) -> None:
    fr = stats.first_response
    assert (fr["enterprise"].count, fr["enterprise"].median, fr["enterprise"].p90) == (
        2, 4500.0, 7200.0,
    )  # fmt: skip
    assert (fr["basic"].median, fr["basic"].p90) == (3600.0, 3600.0)
    assert (fr["all"].count, fr["all"].median, fr["all"].p90) == (3, 3600.0, 7200.0)
    assert "pro" not in fr, "the unanswered ticket has no response time"
    res = stats.resolution
    assert (res["enterprise"].median, res["basic"].median, res["basic"].p90) == (
        14400.0, 147600.0, 259200.0,
    )  # fmt: skip
    assert (res["all"].count, res["all"].median) == (3, 36000.0)


def test_sla_attainment_and_breaches(stats: Stats) -> None:
    fr = stats.sla["first_response"]
    assert (fr["all"].met, fr["all"].breached, fr["all"].running) == (2, 2, 0)
    assert fr["all"].rate == 0.5
    assert (fr["tier:enterprise"].met, fr["tier:enterprise"].breached) == (1, 1)
    assert (fr["priority:P4"].met, fr["priority:P4"].breached) == (0, 1)
    assert fr["tier:basic"].rate == 1.0


def test_escalations_deflection_and_gaps(stats: Stats) -> None:
    assert stats.escalations == {"total": 2, "late": 1, "level:0": 1, "level:1": 1}
    d = stats.deflection
    assert (d.answers, d.solved, d.no_ticket, d.followed_by_ticket, d.pending, d.handoffs) == (
        4, 1, 1, 1, 1, 1,
    )  # fmt: skip
    assert d.rate == 0.5
    # Grouped, in the phrasing asked most, as asked.
    assert stats.top_gaps == [("Unity SDK?", 2), ("WebTransport?", 1)]


def test_json_html_and_prometheus_agree(desk_ctx: AppContext, stats: Stats) -> None:
    data: Any = stats.as_json()
    assert data["deflection"]["rate"] == 0.5 and data["sla"]["first_response"]["all"]["rate"] == 0.5
    html = render_html(stats)
    assert (
        "<svg" in html
        and "50%" in html
        and "http" not in html.replace("http://www.w3.org/2000/svg", "")
    ), "charts are inline, no external assets"
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry()
    registry.register(StatsCollector(desk_ctx, window=NOW - S, clock=lambda: NOW))
    text = generate_latest(registry).decode()
    assert "deskbot_stats_deflection_rate 0.5" in text
    assert 'deskbot_stats_first_response_seconds{quantile="0.5",tier="enterprise"} 4500.0' in text
    assert 'deskbot_stats_sla_breaches{clock="first_response",group="all"} 2.0' in text


def test_charts_are_well_formed_svg() -> None:
    svg = bar_chart("Tickets by priority", {"P1": 3, "P2": 7, "<P3>": 0})
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "&lt;P3&gt;" in svg
    empty = ET.fromstring(first_response_chart(Stats(since=S, until=NOW)))
    assert "no data" in ET.tostring(empty, encoding="unicode")


def test_percentile_is_nearest_rank() -> None:
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    assert percentile([5], 0.9) == 5
    assert percentile([1, 100], 0.5) == 1


def test_a_failing_database_does_not_break_the_metrics_page(desk_ctx: AppContext) -> None:
    from prometheus_client import CollectorRegistry, generate_latest

    class BrokenTickets:
        def query(self, *_args: object, **_kwargs: object) -> list[object]:
            raise RuntimeError("database restarting")

    desk_ctx.tickets = BrokenTickets()  # type: ignore[assignment]
    registry = CollectorRegistry()
    registry.register(StatsCollector(desk_ctx, clock=lambda: NOW))
    assert "deskbot_stats_up 0.0" in generate_latest(registry).decode()
