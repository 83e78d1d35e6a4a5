"""Escalation ladders: which steps are due at a given now, and when the next one fires."""

from __future__ import annotations

import pytest

from sla import (
    DEFAULT_LADDER,
    BusinessCalendar,
    Event,
    Ladder,
    LadderStatus,
    LadderStep,
    compute_clocks,
    ladder_from_data,
    ladder_status,
)
from tests.sla.conftest import at

OPENED = at("2026-11-23T10:00+08:00")  # Monday; basic P1: first response 4 bh, resolution 24 bh


def status(
    cal: BusinessCalendar, events: list[Event], now: str, ladder: Ladder = DEFAULT_LADDER
) -> LadderStatus:
    clocks = compute_clocks(events, tier="basic", business=cal, now=at(now))
    return ladder_status(clocks, at(now), ladder)


def test_steps_fire_at_fractions_of_working_time(cn: BusinessCalendar) -> None:
    st = status(cn, [Event("opened", OPENED, priority="P1")], "2026-11-23T10:30+08:00")
    assert st.due == ()
    assert st.next is not None
    assert (st.next.key, st.next.fire_at) == ("first_response:0", at("2026-11-23T12:00+08:00"))
    assert st.next.recipients == ("assignee",)


def test_due_steps_at_a_given_now(cn: BusinessCalendar) -> None:
    # 13:30: first response 50% (12:00) and 80% (13:12) passed; resolution 50% = 12 bh is Tue
    st = status(cn, [Event("opened", OPENED, priority="P1")], "2026-11-23T13:30+08:00")
    assert [(s.key, s.fire_at) for s in st.due] == [
        ("first_response:0", at("2026-11-23T12:00+08:00")),
        ("first_response:1", at("2026-11-23T13:12+08:00")),
    ]
    assert st.due[1].recipients == ("csm", "oncall") and st.due[1].fraction == 0.8
    assert st.next is not None and st.next.key == "first_response:2"
    assert st.next.fire_at == at("2026-11-23T14:00+08:00") and st.next.is_breach


def test_the_next_step_crosses_the_night(cn: BusinessCalendar) -> None:
    events = [
        Event("opened", OPENED, priority="P1"),
        Event("agent_reply", at("2026-11-23T11:00+08:00")),
    ]
    st = status(cn, events, "2026-11-23T15:00+08:00")
    assert st.due == ()  # the first response stopped; the resolution clock is at 5 h of 24
    assert st.next is not None and st.next.key == "resolution:0"
    assert st.next.fire_at == at("2026-11-24T13:30+08:00")  # 12 bh: Mon 7.5 + Tue 4.5


def test_pauses_push_steps_back_and_paused_clocks_do_not_escalate(cn: BusinessCalendar) -> None:
    base = [
        Event("opened", OPENED, priority="P1"),
        Event("agent_reply", at("2026-11-23T11:00+08:00")),
        Event("waiting_on_customer", at("2026-11-23T12:00+08:00")),
    ]
    paused = status(cn, base, "2026-11-25T12:00+08:00")
    assert paused.due == () and paused.next is None
    resumed = status(
        cn, [*base, Event("customer_reply", at("2026-11-24T12:00+08:00"))], "2026-11-24T12:00+08:00"
    )
    assert resumed.next is not None
    # 2 h before the pause, 10 h more from Tue 12:00: Tue 5.5 + Wed 4.5
    assert resumed.next.fire_at == at("2026-11-25T13:30+08:00")


def test_stopped_clocks_never_escalate(cn: BusinessCalendar) -> None:
    events = [
        Event("opened", OPENED, priority="P1"),
        Event("resolved", at("2026-11-23T10:05+08:00")),
    ]
    st = status(cn, events, "2026-12-30T10:00+08:00")
    assert st.due == () and st.next is None


def test_keys_are_stable_across_a_reopen(cn: BusinessCalendar) -> None:
    events = [
        Event("opened", OPENED, priority="P1"),
        Event("agent_reply", at("2026-11-23T10:30+08:00")),
        Event("resolved", at("2026-11-23T11:00+08:00")),
        Event("reopened", at("2026-11-27T10:00+08:00")),
    ]
    st = status(cn, events, "2026-11-27T10:00+08:00")
    assert st.next is not None and st.next.key == "resolution:0"
    assert st.next.fire_at == at("2026-11-30T13:30+08:00")  # 12 bh from the reopening


def test_a_plan_ladder(cn: BusinessCalendar) -> None:
    ladder = ladder_from_data([{"at": 1.0, "notify": ["channel"]}, {"at": 0.75, "notify": "csm"}])
    assert ladder.steps == (LadderStep(0.75, ("csm",)), LadderStep(1.0, ("channel",)))
    st = status(cn, [Event("opened", OPENED, priority="P1")], "2026-11-23T13:00+08:00", ladder)
    assert [(s.key, s.fire_at) for s in st.due] == [
        ("first_response:0", at("2026-11-23T13:00+08:00"))
    ]


def test_ladder_from_objects_and_default() -> None:
    class Step:
        def __init__(self, at: float, notify: list[str]) -> None:
            self.at, self.notify = at, notify

    assert ladder_from_data(None) is DEFAULT_LADDER
    assert ladder_from_data([Step(0.5, ["assignee"])]).steps == (LadderStep(0.5, ("assignee",)),)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"at": 0.5, "notify": ["ceo"]}], "recipients"),
        ([{"at": 0, "notify": ["csm"]}], "fraction"),
        ([{"notify": ["csm"]}], "needs 'at'"),
        ([{"at": 0.5, "notify": ["csm"]}, {"at": 0.5, "notify": ["oncall"]}], "increase"),
    ],
)
def test_bad_ladders(data: list[dict[str, object]], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ladder_from_data(data)


def test_24x7_steps_count_nights(cn: BusinessCalendar) -> None:
    events = [Event("opened", at("2026-11-21T23:00+08:00"), priority="P1")]
    clocks = compute_clocks(
        events, tier="enterprise", business=cn, now=at("2026-11-21T23:20+08:00")
    )
    st = ladder_status(clocks, at("2026-11-21T23:20+08:00"))
    assert [s.key for s in st.due] == ["first_response:0"]  # 15 of 30 minutes
    assert st.next is not None and st.next.fire_at == at("2026-11-21T23:24+08:00")
