"""Shared calendars for the sla tests."""

from __future__ import annotations

import datetime as dt

import pytest

from sla import AlwaysOpen, BusinessCalendar, HolidayRules, default_calendar

MON_FRI = range(5)


def cn_calendar() -> BusinessCalendar:
    return default_calendar()


def new_york_calendar() -> BusinessCalendar:
    return BusinessCalendar(
        timezone="America/New_York",
        hours={d: ((dt.time(9), dt.time(17, 30)),) for d in MON_FRI},
        rules=HolidayRules(country="US"),
        name="us",
    )


def split_shift_calendar() -> BusinessCalendar:
    """Lunch break and an evening shift; Saturday mornings; Europe/Berlin (DST)."""
    day = ((dt.time(9), dt.time(12)), (dt.time(13), dt.time(18)), (dt.time(20), None))
    hours = {d: day for d in MON_FRI} | {5: ((dt.time(10), dt.time(13)),)}
    return BusinessCalendar(
        timezone="Europe/Berlin", hours=hours, rules=HolidayRules(country="DE"), name="split"
    )


@pytest.fixture
def cn() -> BusinessCalendar:
    return cn_calendar()


@pytest.fixture
def ny() -> BusinessCalendar:
    return new_york_calendar()


@pytest.fixture
def wall() -> AlwaysOpen:
    return AlwaysOpen()


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)
