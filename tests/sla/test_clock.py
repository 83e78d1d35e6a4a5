"""Clocks replayed from ticket events, on the default CN business calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from sla import (
    AlwaysOpen,
    BusinessCalendar,
    Event,
    Pause,
    TicketClocks,
    clocks_due,
    compute_clocks,
)
from tests.sla.conftest import at

H = dt.timedelta(hours=1)
OPENED = at("2026-11-23T10:00+08:00")  # a Monday


def opened(priority: str = "P3", when: dt.datetime = OPENED) -> Event:
    return Event("opened", when, priority=priority)


def replay(
    cal: BusinessCalendar, events: list[Event], now: str, tier: str = "basic"
) -> TicketClocks:
    return compute_clocks(events, tier=tier, business=cal, now=at(now))


def test_fresh_ticket(cn: BusinessCalendar) -> None:
    clocks = replay(cn, [opened()], "2026-11-23T11:00+08:00")
    fr, res = clocks.clocks
    assert fr.due_at == at("2026-11-24T09:30+08:00")  # 8 bh: Mon 7.5 h + Tue 0.5 h
    assert res.due_at == at("2026-11-30T15:30+08:00")  # 48 bh
    assert fr.elapsed == H and fr.remaining == 7 * H
    assert fr.running and not fr.breached and not fr.met
    assert fr.calendar is cn and res.pauses == ()


def test_bot_replies_do_not_stop_the_first_response(cn: BusinessCalendar) -> None:
    events = [
        opened(),
        Event("reply", at("2026-11-23T10:00:05+08:00"), author="bot"),
        Event("bot_reply", at("2026-11-23T10:01+08:00")),
        Event("acknowledged", at("2026-11-23T10:02+08:00"), author="bot"),
        Event("reply", at("2026-11-23T10:03+08:00"), author="system"),
        Event("customer_reply", at("2026-11-23T10:04+08:00")),
    ]
    fr = replay(cn, events, "2026-11-23T12:00+08:00").first_response
    assert fr.stopped_at is None and fr.elapsed == 2 * H


@pytest.mark.parametrize(
    "event",
    [
        Event("agent_reply", at("2026-11-23T11:00+08:00")),
        Event("acknowledged", at("2026-11-23T11:00+08:00")),
    ],
)
def test_a_human_reply_or_acknowledge_stops_the_first_response(
    cn: BusinessCalendar, event: Event
) -> None:
    events = [opened(), event, Event("agent_reply", at("2026-11-23T11:30+08:00"))]
    fr = replay(cn, events, "2026-11-25T12:00+08:00").first_response
    assert fr.stopped_at == at("2026-11-23T11:00+08:00")
    assert fr.met and not fr.breached and fr.elapsed == H and not fr.running


def test_first_response_breach(cn: BusinessCalendar) -> None:
    late = replay(cn, [opened()], "2026-11-24T10:00+08:00").first_response
    assert late.breached and late.remaining == dt.timedelta(0) and not late.met
    replied_late = replay(
        cn, [opened(), Event("agent_reply", at("2026-11-24T09:45+08:00"))], "2026-11-25T10:00+08:00"
    ).first_response
    assert replied_late.breached and not replied_late.met


def test_reply_after_closing_on_a_closing_due_time_is_late(cn: BusinessCalendar) -> None:
    # due exactly at 17:30; no working time passes after it, but 17:31 is still late
    events = [opened(when=at("2026-11-23T13:30+08:00"), priority="P1")]
    fr = replay(
        cn, [*events, Event("agent_reply", at("2026-11-23T17:31+08:00"))], "2026-11-23T18:00+08:00"
    ).first_response
    assert fr.due_at == at("2026-11-23T17:30+08:00")
    assert fr.breached and not fr.met
    on_time = replay(
        cn, [*events, Event("agent_reply", at("2026-11-23T17:30+08:00"))], "2026-11-23T18:00+08:00"
    ).first_response
    assert on_time.met and not on_time.breached


PAUSE = [
    opened(),
    Event("agent_reply", at("2026-11-23T11:00+08:00")),
    Event("waiting_on_customer", at("2026-11-23T12:00+08:00")),
]


def test_while_paused_nothing_is_due(cn: BusinessCalendar) -> None:
    res = replay(cn, PAUSE, "2026-11-23T15:00+08:00").resolution
    assert res.paused and not res.running
    assert res.due_at is None
    assert res.pauses == (Pause(at("2026-11-23T12:00+08:00"), None),)
    assert res.elapsed == 2 * H
    # as if the customer answered now (Mon 15:00): 46 bh left -> Tue Dec 1 10:00
    assert res.projected_due_at == at("2026-12-01T10:00+08:00")


def test_pause_and_resume_move_the_due_time_by_the_paused_working_time(
    cn: BusinessCalendar,
) -> None:
    events = [*PAUSE, Event("customer_reply", at("2026-11-24T12:00+08:00"))]
    res = replay(cn, events, "2026-11-24T13:00+08:00").resolution
    unpaused = replay(cn, [opened()], "2026-11-24T13:00+08:00").resolution
    paused_working = cn.elapsed(at("2026-11-23T12:00+08:00"), at("2026-11-24T12:00+08:00"))
    assert paused_working == 8.5 * H
    assert unpaused.due_at is not None
    assert res.due_at == cn.add(unpaused.due_at, paused_working) == at("2026-12-01T15:30+08:00")
    assert res.pauses == (Pause(at("2026-11-23T12:00+08:00"), at("2026-11-24T12:00+08:00")),)
    assert res.elapsed == 3 * H and not res.paused
    assert res.projected_due_at == res.due_at


def test_agent_reply_does_not_resume_and_repeated_waits_are_one_pause(cn: BusinessCalendar) -> None:
    events = [
        *PAUSE,
        Event("agent_reply", at("2026-11-23T13:00+08:00")),
        Event("waiting_on_customer", at("2026-11-23T14:00+08:00")),
    ]
    res = replay(cn, events, "2026-11-23T16:00+08:00").resolution
    assert res.paused and len(res.pauses) == 1


def test_resolve_stops_both_clocks_and_closes_the_pause(cn: BusinessCalendar) -> None:
    events = [
        opened(),
        Event("waiting_on_customer", at("2026-11-23T12:00+08:00")),
        Event("resolved", at("2026-11-24T10:00+08:00")),
    ]
    clocks = replay(cn, events, "2026-12-10T10:00+08:00")
    assert clocks.resolution.stopped_at == at("2026-11-24T10:00+08:00")
    assert clocks.resolution.pauses[-1].end == at("2026-11-24T10:00+08:00")
    assert clocks.resolution.met and clocks.resolution.elapsed == 2 * H
    assert clocks.first_response.stop_reason == "resolved"
    assert clocks.first_response.breached  # resolved after the 8 bh first-response target


def test_reopen_restarts_the_resolution_clock(cn: BusinessCalendar) -> None:
    events = [
        opened(),
        Event("agent_reply", at("2026-11-23T11:00+08:00")),
        Event("resolved", at("2026-11-24T10:00+08:00")),
        Event("reopened", at("2026-11-26T10:00+08:00")),
    ]
    clocks = replay(cn, events, "2026-11-26T11:00+08:00")
    res = clocks.resolution
    assert res.started_at == at("2026-11-26T10:00+08:00") and res.stopped_at is None
    assert res.restarts == (at("2026-11-26T10:00+08:00"),)
    assert res.elapsed == H
    assert res.due_at == at("2026-12-03T15:30+08:00")  # a full 48 bh from the reopening
    # the first response was answered once; reopening does not restart it
    assert clocks.first_response.stopped_at == at("2026-11-23T11:00+08:00")


def test_priority_change_retargets_from_the_original_start(cn: BusinessCalendar) -> None:
    events = [opened("P3"), Event("priority_changed", at("2026-11-23T11:00+08:00"), priority="P1")]
    clocks = replay(cn, events, "2026-11-23T12:00+08:00")
    assert clocks.priority == "P1"
    assert clocks.first_response.due_at == at("2026-11-23T14:00+08:00")  # 4 bh from 10:00
    assert clocks.resolution.due_at == at("2026-11-25T17:00+08:00")  # 24 bh from 10:00
    assert clocks.resolution.started_at == OPENED


def test_priority_change_after_first_response_keeps_its_target(cn: BusinessCalendar) -> None:
    events = [
        opened("P3"),
        Event("agent_reply", at("2026-11-23T11:00+08:00")),
        Event("priority_changed", at("2026-11-23T12:00+08:00"), priority="P1"),
    ]
    clocks = replay(cn, events, "2026-11-23T13:00+08:00")
    assert clocks.first_response.priority == "P3"
    assert clocks.first_response.target is not None
    assert clocks.first_response.target.duration == 8 * H
    assert clocks.resolution.priority == "P1"


def test_breach_before_a_pause_stays_a_breach(cn: BusinessCalendar) -> None:
    events = [opened("P1", at("2026-11-23T13:30+08:00"))]
    # 24 bh from Mon 13:30 fall due Thu 12:00; the ticket waits on the customer from 13:00
    pause = Event("waiting_on_customer", at("2026-11-26T13:00+08:00"))
    res = replay(cn, [*events, pause], "2026-11-26T15:00+08:00", tier="basic").resolution
    assert res.paused and res.breached and res.due_at is None


def test_events_after_now_are_ignored_and_order_does_not_matter(cn: BusinessCalendar) -> None:
    events = [Event("agent_reply", at("2026-11-23T11:00+08:00")), opened()]
    assert replay(cn, events, "2026-11-23T10:30+08:00").first_response.stopped_at is None
    assert replay(cn, events, "2026-11-23T11:30+08:00").first_response.stopped_at is not None


def test_no_target_means_never_due(cn: BusinessCalendar) -> None:
    res = replay(cn, [opened("P1")], "2027-01-01T00:00+08:00", tier="free").resolution
    assert res.target is None and res.due_at is None and res.remaining is None
    assert not res.breached and not res.met


def test_24x7_targets_run_on_wall_clock_time(cn: BusinessCalendar) -> None:
    saturday = at("2026-11-21T10:00+08:00")
    events = [
        opened("P2", saturday),
        Event("waiting_on_customer", at("2026-11-21T11:00+08:00")),
        Event("customer_reply", at("2026-11-21T13:00+08:00")),
    ]
    clocks = replay(cn, events, "2026-11-21T14:00+08:00", tier="enterprise")
    assert isinstance(clocks.first_response.calendar, AlwaysOpen)
    assert clocks.first_response.due_at == at("2026-11-21T11:00+08:00")
    assert clocks.resolution.due_at == at("2026-11-21T20:00+08:00")  # 8 h + 2 h paused


def test_fast_path_agrees_with_the_replay(cn: BusinessCalendar) -> None:
    for tier in ("free", "basic", "pro", "enterprise"):
        for priority in ("P1", "P2", "P3", "P4"):
            clocks = compute_clocks([opened(priority)], tier=tier, business=cn, now=OPENED)
            fast = clocks_due(tier=tier, priority=priority, opened=OPENED, business=cn)
            assert fast == (clocks.first_response.due_at, clocks.resolution.due_at)


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ([], "no 'opened' event"),
        ([Event("opened", OPENED)], "needs a priority"),
    ],
)
def test_bad_histories(cn: BusinessCalendar, events: list[Event], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compute_clocks(events, tier="basic", business=cn, now=OPENED)


def test_bad_events() -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        Event("escalated", OPENED)
    with pytest.raises(ValueError, match="author"):
        Event("reply", OPENED)
    with pytest.raises(ValueError, match="new priority"):
        Event("priority_changed", OPENED)
    with pytest.raises(ValueError, match="priority"):
        Event("opened", OPENED, priority="P9")
    with pytest.raises(ValueError, match="no time zone"):
        Event("opened", dt.datetime(2026, 11, 23, 10), priority="P1")
