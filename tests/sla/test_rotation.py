"""On-call rotation: who is on call at a given now."""

from __future__ import annotations

import datetime as dt

import pytest

from sla import OnCallOverride, Rotation, parse_handover
from tests.sla.conftest import at

PEOPLE = ["chen", "li", "park"]


def weekly() -> Rotation:
    # anchor Monday 2026-01-05 10:00 Asia/Shanghai: chen's first week
    return Rotation(people=PEOPLE, handover_time=dt.time(10), handover_weekday=0)


@pytest.mark.parametrize(
    ("now", "person"),
    [
        ("2026-01-05T10:00+08:00", "chen"),
        ("2026-01-12T09:59+08:00", "chen"),
        ("2026-01-12T10:00+08:00", "li"),
        ("2026-01-12T02:00+00:00", "li"),  # 10:00 in Shanghai
        ("2026-01-19T10:00+08:00", "park"),
        ("2026-01-26T10:00+08:00", "chen"),
        ("2026-01-05T09:00+08:00", "park"),  # before the anchor: the rotation runs backwards
        ("2026-11-23T12:00+08:00", "li"),  # 46 weeks after the anchor: 46 % 3 = 1
    ],
)
def test_weekly(now: str, person: str) -> None:
    assert weekly().on_call(at(now)) == person


def test_daily_and_anchor_alignment() -> None:
    daily = Rotation(
        people=PEOPLE, period="daily", handover_time=dt.time(9), anchor=dt.date(2026, 3, 1)
    )
    assert daily.on_call(at("2026-03-01T09:00+08:00")) == "chen"
    assert daily.on_call(at("2026-03-02T08:59+08:00")) == "chen"
    assert daily.on_call(at("2026-03-02T09:00+08:00")) == "li"
    assert daily.on_call(at("2026-03-03T23:00+08:00")) == "park"
    # a Friday handover with a Monday anchor starts on the first Friday after it
    friday = Rotation(people=PEOPLE, handover_weekday=4, anchor=dt.date(2026, 1, 5))
    assert friday.anchor == dt.date(2026, 1, 9)
    assert friday.on_call(at("2026-01-09T10:00+08:00")) == "chen"


def test_handover_follows_the_wall_clock_across_dst() -> None:
    ny = Rotation(people=["a", "b"], timezone="America/New_York", anchor=dt.date(2026, 3, 2))
    assert ny.on_call(at("2026-03-09T09:59-04:00")) == "a"
    assert ny.on_call(at("2026-03-09T10:00-04:00")) == "b"
    assert ny.next_handover(at("2026-03-03T12:00-05:00")).isoformat() == "2026-03-09T10:00:00-04:00"


def test_overrides_win_and_the_last_listed_wins() -> None:
    rotation = Rotation(
        people=PEOPLE,
        overrides=[
            OnCallOverride("park", at("2026-01-06T00:00+08:00"), at("2026-01-08T00:00+08:00")),
            OnCallOverride("li", at("2026-01-07T00:00+08:00"), at("2026-01-07T12:00+08:00")),
        ],
    )
    assert rotation.on_call(at("2026-01-06T12:00+08:00")) == "park"
    assert rotation.on_call(at("2026-01-07T06:00+08:00")) == "li"
    assert rotation.on_call(at("2026-01-07T12:00+08:00")) == "park"
    assert rotation.on_call(at("2026-01-08T00:00+08:00")) == "chen"
    assert rotation.scheduled(at("2026-01-06T12:00+08:00")) == "chen"


def test_parse_handover() -> None:
    assert parse_handover("mon 10:00") == (0, dt.time(10))
    assert parse_handover("Friday 17:30") == (4, dt.time(17, 30))
    assert parse_handover("09:00") == (0, dt.time(9))
    with pytest.raises(ValueError, match="mon 10:00"):
        parse_handover("someday 25:00")


def test_bad_rotations() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Rotation(people=[])
    with pytest.raises(ValueError, match="no time zone"):
        weekly().on_call(dt.datetime(2026, 1, 5, 10))
    with pytest.raises(ValueError, match="end after"):
        OnCallOverride("li", at("2026-01-07T00:00+08:00"), at("2026-01-06T00:00+08:00"))
