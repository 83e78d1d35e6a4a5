"""Hand-computed business-time cases; each was worked out on paper from the calendar rules."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from sla import AlwaysOpen, BusinessCalendar, HolidayRules, default_calendar
from tests.sla.conftest import at, new_york_calendar, split_shift_calendar

H = dt.timedelta(hours=1)
NY = ZoneInfo("America/New_York")

# (case, opened, business hours to add, expected due) on Mon–Fri 09:00–17:30 Asia/Shanghai + CN
CN_CASES = [
    ("Saturday", "2026-11-21T10:00+08:00", 4, "2026-11-23T13:00:00+08:00"),
    ("Wednesday evening", "2026-11-18T20:00+08:00", 1, "2026-11-19T10:00:00+08:00"),
    ("opened exactly at 17:30", "2026-11-20T17:30+08:00", 4, "2026-11-23T13:00:00+08:00"),
    ("ends exactly at closing", "2026-11-20T13:30+08:00", 4, "2026-11-20T17:30:00+08:00"),
    ("a whole day ends at closing", "2026-11-19T09:00+08:00", 8.5, "2026-11-19T17:30:00+08:00"),
    ("before opening", "2026-11-19T07:00+08:00", 8, "2026-11-19T17:00:00+08:00"),
    ("Friday into the weekend", "2026-11-20T16:00+08:00", 4, "2026-11-23T11:30:00+08:00"),
    ("into make-up Saturday 02-14", "2026-02-13T16:00+08:00", 4, "2026-02-14T11:30:00+08:00"),
    ("over Spring Festival", "2026-02-14T16:00+08:00", 4, "2026-02-24T11:30:00+08:00"),
    ("opened on Spring Festival", "2026-02-17T10:00+08:00", 8, "2026-02-24T17:00:00+08:00"),
    ("into make-up Saturday 02-28", "2026-02-27T17:00+08:00", 1, "2026-02-28T09:30:00+08:00"),
    ("over National Day", "2026-09-30T10:00+08:00", 24, "2026-10-09T17:00:00+08:00"),
    ("into make-up Sunday 09-20", "2026-09-19T12:00+08:00", 2, "2026-09-20T11:00:00+08:00"),
    ("into make-up Saturday 10-10", "2026-10-09T17:00+08:00", 1, "2026-10-10T09:30:00+08:00"),
    ("New Year 2026, make-up Sun 01-04", "2025-12-31T16:00+08:00", 4, "2026-01-04T11:30:00+08:00"),
    ("New Year 2027", "2026-12-31T16:00+08:00", 4, "2027-01-04T11:30:00+08:00"),
    ("opened in UTC", "2026-11-20T08:00+00:00", 4, "2026-11-23T03:30:00+00:00"),
    ("opened in UTC after hours", "2026-11-20T10:00+00:00", 1, "2026-11-23T02:00:00+00:00"),
    ("opened at -05:00", "2026-11-20T03:00-05:00", 4, "2026-11-22T22:30:00-05:00"),
    ("48 bh over a week", "2026-11-20T16:00+08:00", 48, "2026-11-30T13:00:00+08:00"),
]


@pytest.mark.parametrize(("case", "opened", "hours", "due"), CN_CASES, ids=[c[0] for c in CN_CASES])
def test_cn_business_hours(
    cn: BusinessCalendar, case: str, opened: str, hours: float, due: str
) -> None:
    result = cn.add(at(opened), hours * H)
    assert result.isoformat() == due
    assert cn.elapsed(at(opened), result) == hours * H


def test_results_keep_the_input_offset(cn: BusinessCalendar) -> None:
    result = cn.add(at("2026-11-20T03:00-05:00"), 4 * H)
    assert result.utcoffset() == dt.timedelta(hours=-5)


NY_CASES = [
    # DST starts Sunday 2026-03-08: Friday is EST (-05:00), Monday EDT (-04:00)
    (
        "across the March change",
        dt.datetime(2026, 3, 6, 16, tzinfo=NY),
        4,
        "2026-03-09T11:30:00-04:00",
    ),
    # DST ends Sunday 2026-11-01
    (
        "across the November change",
        dt.datetime(2026, 10, 30, 16, tzinfo=NY),
        4,
        "2026-11-02T11:30:00-05:00",
    ),
    ("Thanksgiving", dt.datetime(2026, 11, 25, 16, tzinfo=NY), 4, "2026-11-27T11:30:00-05:00"),
    (
        "fixed offset across the change",
        at("2026-03-06T16:00-05:00"),
        4,
        "2026-03-09T10:30:00-05:00",
    ),
]


@pytest.mark.parametrize(("case", "opened", "hours", "due"), NY_CASES, ids=[c[0] for c in NY_CASES])
def test_new_york_dst(case: str, opened: dt.datetime, hours: float, due: str) -> None:
    ny = new_york_calendar()
    result = ny.add(opened, hours * H)
    assert result.isoformat() == due
    assert ny.elapsed(opened, result) == hours * H


def test_dst_night_is_not_working_time() -> None:
    ny = new_york_calendar()
    friday_close = dt.datetime(2026, 3, 6, 17, 30, tzinfo=NY)
    monday_open = dt.datetime(2026, 3, 9, 9, tzinfo=NY)
    assert ny.elapsed(friday_close, monday_open) == dt.timedelta(0)
    assert ny.next_open(friday_close) == monday_open


SPLIT_CASES = [
    ("across lunch", "2026-11-23T11:00+01:00", 2, "2026-11-23T14:00:00+01:00"),
    ("into the evening shift", "2026-11-20T17:00+01:00", 3, "2026-11-20T22:00:00+01:00"),
    ("evening shift ends at midnight", "2026-11-20T20:00+01:00", 4, "2026-11-21T00:00:00+01:00"),
    ("into Saturday morning", "2026-11-20T23:00+01:00", 2, "2026-11-21T11:00:00+01:00"),
    ("lunch start is not working", "2026-11-23T12:00+01:00", 1, "2026-11-23T14:00:00+01:00"),
]


@pytest.mark.parametrize(
    ("case", "opened", "hours", "due"), SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES]
)
def test_split_shifts(case: str, opened: str, hours: float, due: str) -> None:
    cal = split_shift_calendar()
    assert cal.add(at(opened), hours * H).isoformat() == due


def test_24x7_is_wall_clock_time(wall: AlwaysOpen) -> None:
    assert (
        wall.add(at("2026-11-21T03:00+08:00"), 0.5 * H).isoformat() == "2026-11-21T03:30:00+08:00"
    )
    # 24 real hours across the spring-forward night land at 23:00 local
    start = dt.datetime(2026, 3, 7, 22, tzinfo=NY)
    assert wall.add(start, 24 * H).isoformat() == "2026-03-08T23:00:00-04:00"
    assert wall.elapsed(start, dt.datetime(2026, 3, 8, 23, tzinfo=NY)) == 24 * H
    assert wall.is_open(start) and wall.next_open(start) == start


def test_elapsed_over_spring_festival(cn: BusinessCalendar) -> None:
    # Fri 13th 8.5 + make-up Sat 14th 8.5 + Tue–Fri 24–27 4×8.5 + make-up Sat 28th 8.5
    assert cn.elapsed(at("2026-02-13T09:00+08:00"), at("2026-02-28T17:30+08:00")) == 59.5 * H


def test_elapsed_is_zero_backwards(cn: BusinessCalendar) -> None:
    assert cn.elapsed(at("2026-11-20T12:00+08:00"), at("2026-11-20T10:00+08:00")) == dt.timedelta(0)


@pytest.mark.parametrize(
    ("instant", "open_"),
    [
        ("2026-02-14T10:00+08:00", True),  # make-up Saturday
        ("2026-09-20T10:00+08:00", True),  # make-up Sunday
        ("2026-02-21T10:00+08:00", False),  # ordinary Saturday
        ("2026-02-17T10:00+08:00", False),  # Spring Festival
        ("2026-10-05T10:00+08:00", False),  # National Day week
        ("2026-11-20T09:00+08:00", True),
        ("2026-11-20T17:29:59+08:00", True),
        ("2026-11-20T17:30+08:00", False),
        ("2026-11-20T01:00+00:00", True),  # 09:00 in Shanghai
    ],
)
def test_is_open(cn: BusinessCalendar, instant: str, open_: bool) -> None:
    assert cn.is_open(at(instant)) is open_


def test_next_open(cn: BusinessCalendar) -> None:
    assert cn.next_open(at("2026-11-20T17:30+08:00")).isoformat() == "2026-11-23T09:00:00+08:00"
    assert cn.next_open(at("2026-11-20T10:00+08:00")).isoformat() == "2026-11-20T10:00:00+08:00"
    assert cn.next_open(at("2026-02-15T12:00+00:00")).isoformat() == "2026-02-24T01:00:00+00:00"


def test_zero_duration_starts_at_the_next_opening(cn: BusinessCalendar) -> None:
    assert cn.add(at("2026-11-21T10:00+08:00"), dt.timedelta(0)).isoformat() == (
        "2026-11-23T09:00:00+08:00"
    )


def test_makeup_days_come_from_the_package() -> None:
    rules = HolidayRules(country="CN")
    assert rules.makeup_days_in(2026) == {
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    }
    assert dt.date(2026, 2, 17) in rules.holidays_in(2026)


def test_package_makeup_days_can_be_switched_off() -> None:
    cal = BusinessCalendar(rules=HolidayRules(country="CN", package_makeup_days=False))
    assert not cal.is_open(at("2026-02-14T10:00+08:00"))


def test_configured_days_take_precedence() -> None:
    rules = HolidayRules(
        country="CN",
        extra_holidays=[dt.date(2026, 12, 31), dt.date(2026, 2, 14)],
        makeup_workdays=[dt.date(2026, 2, 17), dt.date(2026, 11, 21)],
    )
    cal = BusinessCalendar(rules=rules)
    assert not cal.is_open(at("2026-12-31T10:00+08:00"))  # extra holiday
    assert not cal.is_open(at("2026-02-14T10:00+08:00"))  # extra holiday beats package make-up
    assert cal.is_open(at("2026-02-17T10:00+08:00"))  # configured make-up beats the package
    assert cal.is_open(at("2026-11-21T10:00+08:00"))  # a configured Saturday


def test_no_country_means_no_holidays() -> None:
    cal = BusinessCalendar(rules=HolidayRules(country=None))
    assert cal.is_open(at("2026-10-01T10:00+08:00"))
    assert not cal.is_open(at("2026-02-14T10:00+08:00"))


def test_us_calendar_has_no_makeup_days() -> None:
    assert HolidayRules(country="US").makeup_days_in(2026) == frozenset()


@pytest.mark.parametrize("method", ["add", "elapsed", "is_open", "next_open"])
@pytest.mark.parametrize("calendar", [default_calendar(), AlwaysOpen()], ids=["business", "24x7"])
def test_naive_datetimes_are_rejected(calendar: object, method: str) -> None:
    naive = dt.datetime(2026, 11, 20, 10)
    aware = at("2026-11-20T10:00+08:00")
    args = {
        "add": (naive, H),
        "elapsed": (aware, naive),
        "is_open": (naive,),
        "next_open": (naive,),
    }[method]
    with pytest.raises(ValueError, match="no time zone"):
        getattr(calendar, method)(*args)


def test_bad_calendars_are_rejected() -> None:
    with pytest.raises(ValueError, match="time zone"):
        BusinessCalendar(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="working window"):
        BusinessCalendar(hours={})
    with pytest.raises(ValueError, match="end after"):
        BusinessCalendar(hours={0: ((dt.time(12), dt.time(9)),)})
    with pytest.raises(ValueError, match="country"):
        HolidayRules(country="XX")
    with pytest.raises(ValueError, match="negative"):
        default_calendar().add(at("2026-11-20T10:00+08:00"), -H)


def test_a_calendar_that_never_opens_fails_instead_of_looping() -> None:
    mondays_off = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(200)]
    only_mondays = {0: ((dt.time(9), dt.time(10)),)}
    cal = BusinessCalendar(hours=only_mondays, rules=HolidayRules(extra_holidays=mondays_off))
    with pytest.raises(ValueError, match="no working time"):
        cal.add(at("2026-01-01T00:00+08:00"), H)
    # 100 Mondays off is a long gap, not an endless one
    cal = BusinessCalendar(hours=only_mondays, rules=HolidayRules(extra_holidays=mondays_off[:100]))
    assert cal.add(at("2026-01-01T00:00+08:00"), H).isoformat() == "2027-12-06T10:00:00+08:00"
