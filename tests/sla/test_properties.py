"""Property tests of business-time arithmetic on several calendars (hypothesis)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from sla import AlwaysOpen, Calendar, ClockState
from tests.sla.conftest import cn_calendar, new_york_calendar, split_shift_calendar

CALENDARS: dict[str, Calendar] = {
    "cn": cn_calendar(),
    "new_york": new_york_calendar(),
    "split_berlin": split_shift_calendar(),
    "24x7": AlwaysOpen(),
}
ZONES = [
    dt.UTC,
    dt.timezone(dt.timedelta(hours=8)),
    dt.timezone(dt.timedelta(hours=-5)),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Shanghai"),
    ZoneInfo("Europe/Berlin"),
]
TICK = dt.timedelta(microseconds=1)

calendars = st.sampled_from(sorted(CALENDARS)).map(lambda name: CALENDARS[name])
instants = st.builds(
    lambda minutes, tz: (
        dt.datetime(2025, 12, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=minutes)
    ).astimezone(tz),
    st.integers(min_value=0, max_value=2 * 366 * 24 * 60),
    st.sampled_from(ZONES),
)
durations = st.integers(min_value=0, max_value=120 * 60).map(lambda m: dt.timedelta(minutes=m))
common = settings(max_examples=300, deadline=None)


@common
@given(calendars, instants, durations)
def test_adding_then_measuring_gives_the_duration_back(
    calendar: Calendar, start: dt.datetime, duration: dt.timedelta
) -> None:
    assert calendar.elapsed(start, calendar.add(start, duration)) == duration


@common
@given(calendars, instants, instants, durations)
def test_due_time_is_monotonic_in_the_start(
    calendar: Calendar, a: dt.datetime, b: dt.datetime, duration: dt.timedelta
) -> None:
    first, second = sorted((a, b))
    assert calendar.add(first, duration) <= calendar.add(second, duration)


@common
@given(calendars, instants, durations, durations)
def test_due_time_is_monotonic_in_the_duration(
    calendar: Calendar, start: dt.datetime, d1: dt.timedelta, d2: dt.timedelta
) -> None:
    short, long = sorted((d1, d2))
    assert calendar.add(start, short) <= calendar.add(start, long)


@common
@given(calendars, instants, durations)
def test_never_lands_outside_working_time(
    calendar: Calendar, start: dt.datetime, duration: dt.timedelta
) -> None:
    due = calendar.add(start, duration)
    assert due >= start
    if duration:
        # the instant just before the due time was working time (a due time may be a closing)
        assert calendar.is_open(due - TICK)
    else:
        assert calendar.is_open(due)


@common
@given(calendars, instants, durations)
def test_due_time_keeps_the_start_zone(
    calendar: Calendar, start: dt.datetime, duration: dt.timedelta
) -> None:
    due = calendar.add(start, duration)
    assert due.tzinfo is start.tzinfo


@common
@given(calendars, instants, instants, instants)
def test_elapsed_is_additive(
    calendar: Calendar, a: dt.datetime, b: dt.datetime, c: dt.datetime
) -> None:
    x, y, z = sorted((a, b, c))
    assert calendar.elapsed(x, z) == calendar.elapsed(x, y) + calendar.elapsed(y, z)


@common
@given(calendars, instants)
def test_next_open_is_open_and_nothing_opens_before_it(
    calendar: Calendar, start: dt.datetime
) -> None:
    opening = calendar.next_open(start)
    assert opening >= start
    assert calendar.is_open(opening)
    assert calendar.elapsed(start, opening) == dt.timedelta(0)


@common
@given(
    st.sampled_from(["cn", "new_york", "24x7"]),
    instants,
    st.lists(st.integers(min_value=1, max_value=3 * 24 * 60), min_size=0, max_size=6),
    st.integers(min_value=1, max_value=60 * 60),
)
def test_resolution_due_is_where_elapsed_working_time_reaches_the_target(
    name: str, opened: dt.datetime, gaps: list[int], target_minutes: int
) -> None:
    """Random wait/resume histories: at due_at the clock has used exactly its target."""
    from sla import DEFAULT_POLICY, Event, Target, compute_clocks, override_policy

    target = Target(dt.timedelta(minutes=target_minutes), "24x7" if name == "24x7" else "business")
    policy = override_policy(DEFAULT_POLICY, "basic", {"P3": {"resolution": target}})
    events = [Event("opened", opened, priority="P3")]
    cursor = opened
    for i, gap in enumerate(gaps):
        cursor = cursor + dt.timedelta(minutes=gap)
        kind_i = "waiting_on_customer" if i % 2 == 0 else "customer_reply"
        events.append(Event(kind_i, cursor))
    if len(gaps) % 2:  # end resumed, so the clock runs
        cursor = cursor + dt.timedelta(minutes=5)
        events.append(Event("customer_reply", cursor))
    calendar = CALENDARS[name] if name != "24x7" else CALENDARS["cn"]

    def at(now: dt.datetime) -> ClockState:
        return compute_clocks(
            events, tier="basic", business=calendar, now=now, policy=policy
        ).resolution

    probe = at(cursor)
    due = probe.due_at
    assert due is not None
    assert due.tzinfo is opened.tzinfo
    state = at(max(due, cursor))
    if due >= cursor:
        assert state.elapsed == target.duration
        assert not state.breached
        assert at(due + TICK).breached
    else:
        assert state.breached and state.elapsed >= target.duration
