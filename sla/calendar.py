"""Calendars: when the clock of a target runs, and arithmetic on working time.

Every calendar answers four questions about timezone-aware instants:

- ``add(start, duration)``: the instant at which ``duration`` of working time has passed
  since ``start``. A start outside working time begins at the next opening; a duration that
  runs out exactly at a closing time ends *at* that closing time.
- ``elapsed(start, end)``: working time between two instants (zero if ``end <= start``).
- ``is_open(at)``: is ``at`` inside working time (windows are half-open: ``[open, close)``).
- ``next_open(at)``: ``at`` itself if open, else the next opening.

Arithmetic runs on absolute (UTC) instants, so days with a DST change have their real length;
working windows are wall-clock times of the calendar's zone on each date. Results are given
in the time zone (or fixed offset) of the ``start``/``at`` argument. Naive datetimes are
rejected with ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sla.holidays import HolidayRules

UTC = dt.UTC
ZERO = dt.timedelta(0)
ONE_DAY = dt.timedelta(days=1)

# weekday (0 = Monday) -> windows of (open, close) wall times; close None = midnight (24:00)
WeeklyHours = Mapping[int, Sequence[tuple[dt.time, dt.time | None]]]

MON_FRI_0900_1730: WeeklyHours = {day: ((dt.time(9), dt.time(17, 30)),) for day in range(5)}

# A calendar must open at least once in this many days, or add() gives up.
_MAX_GAP_DAYS = 366 * 3


@runtime_checkable
class Calendar(Protocol):
    """Working time of a target; see the module docstring for the contract."""

    name: str

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime: ...

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta: ...

    def is_open(self, at: dt.datetime) -> bool: ...

    def next_open(self, at: dt.datetime) -> dt.datetime: ...


def require_aware(value: dt.datetime, what: str = "datetime") -> dt.datetime:
    """Return ``value`` or raise ValueError if it carries no UTC offset."""
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} {value.isoformat()} has no time zone; give an offset or a zone")
    return value


def zone(name: str | dt.tzinfo) -> dt.tzinfo:
    """A tzinfo from an IANA name (or pass one through); ValueError if unknown."""
    if isinstance(name, dt.tzinfo):
        return name
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {name!r} (use an IANA name like Asia/Shanghai)"
        ) from None


def _check_duration(duration: dt.timedelta) -> None:
    if duration < ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")


class AlwaysOpen:
    """The 24x7 calendar: working time is wall-clock (absolute) time."""

    def __init__(self, *, name: str = "24x7") -> None:
        self.name = name

    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        require_aware(start, "start")
        _check_duration(duration)
        # via UTC: aware + timedelta on a ZoneInfo datetime would add wall time across DST
        return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        require_aware(start, "start")
        require_aware(end, "end")
        return max(ZERO, end.astimezone(UTC) - start.astimezone(UTC))

    def is_open(self, at: dt.datetime) -> bool:
        require_aware(at, "at")
        return True

    def next_open(self, at: dt.datetime) -> dt.datetime:
        return require_aware(at, "at")

    def __repr__(self) -> str:
        return f"AlwaysOpen(name={self.name!r})"


class BusinessCalendar:
    """Weekly working windows in a time zone, with holidays and make-up working days.

    ``hours`` maps weekday (0 = Monday) to windows; several windows a day are allowed (split
    shifts, lunch breaks) and overlapping or touching ones are merged. A make-up working day
    uses ``makeup_hours`` (default: the windows of the first weekday that has any).
    """

    def __init__(
        self,
        *,
        timezone: str | dt.tzinfo = "Asia/Shanghai",
        hours: WeeklyHours = MON_FRI_0900_1730,
        rules: HolidayRules | None = None,
        makeup_hours: Sequence[tuple[dt.time, dt.time | None]] | None = None,
        name: str = "business",
    ) -> None:
        self.name = name
        self.tz = zone(timezone)
        self.rules = rules if rules is not None else HolidayRules()
        self.hours: dict[int, tuple[tuple[dt.time, dt.time | None], ...]] = {}
        for day, windows in hours.items():
            if not 0 <= day <= 6:
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {day}")
            self.hours[day] = _normalise(windows)
        if makeup_hours is None:
            first = next((self.hours[d] for d in range(7) if self.hours.get(d)), ())
            self.makeup_hours = first
        else:
            self.makeup_hours = _normalise(makeup_hours)
        if not any(self.hours.values()) and not self.makeup_hours:
            raise ValueError("a business calendar needs at least one working window")
        self._day = lru_cache(maxsize=4096)(self._compute_day)

    def __repr__(self) -> str:
        return f"BusinessCalendar(name={self.name!r}, timezone={self.tz!s})"

    # --- one local date -> its working intervals as UTC instants -------------------------
    def windows_on(self, day: dt.date) -> tuple[tuple[dt.time, dt.time | None], ...]:
        """The wall-clock windows that apply on ``day`` (empty on a day off)."""
        override = self.rules.override(day)
        if override is False:
            return ()
        if override is True:
            return self.hours.get(day.weekday()) or self.makeup_hours
        return self.hours.get(day.weekday(), ())

    def _compute_day(self, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        out: list[tuple[dt.datetime, dt.datetime]] = []
        for opens, closes in self.windows_on(day):
            a = dt.datetime.combine(day, opens, tzinfo=self.tz).astimezone(UTC)
            if closes is None:
                b = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
            else:
                b = dt.datetime.combine(day, closes, tzinfo=self.tz)
            b = b.astimezone(UTC)
            if b <= a:  # a window swallowed by a DST gap
                continue
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(out[-1][1], b))
            else:
                out.append((a, b))
        return tuple(out)

    def _local_date(self, instant_utc: dt.datetime) -> dt.date:
        return instant_utc.astimezone(self.tz).date()

    # --- the Calendar protocol -------------------------------------------------------------
    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        require_aware(start, "start")
        _check_duration(duration)
        cursor = start.astimezone(UTC)
        remaining = duration
        day = self._local_date(cursor)
        idle_days = 0
        while idle_days <= _MAX_GAP_DAYS:
            idle_days += 1
            for opens, closes in self._day(day):
                if closes <= cursor:
                    continue
                idle_days = 0
                begin = max(opens, cursor)
                available = closes - begin
                if remaining <= available:
                    return (begin + remaining).astimezone(start.tzinfo)
                remaining -= available
                cursor = closes
            day += ONE_DAY
        raise ValueError(f"calendar {self.name!r} has no working time within {_MAX_GAP_DAYS} days")

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        require_aware(start, "start")
        require_aware(end, "end")
        s, e = start.astimezone(UTC), end.astimezone(UTC)
        if e <= s:
            return ZERO
        total = ZERO
        day = self._local_date(s)
        last = self._local_date(e)
        while day <= last:
            for opens, closes in self._day(day):
                lo, hi = max(opens, s), min(closes, e)
                if hi > lo:
                    total += hi - lo
            day += ONE_DAY
        return total

    def is_open(self, at: dt.datetime) -> bool:
        require_aware(at, "at")
        instant = at.astimezone(UTC)
        day = self._local_date(instant)
        return any(opens <= instant < closes for opens, closes in self._day(day))

    def next_open(self, at: dt.datetime) -> dt.datetime:
        require_aware(at, "at")
        instant = at.astimezone(UTC)
        day = self._local_date(instant)
        for _ in range(_MAX_GAP_DAYS):
            for opens, closes in self._day(day):
                if closes > instant:
                    return max(opens, instant).astimezone(at.tzinfo)
            day += ONE_DAY
        raise ValueError(f"calendar {self.name!r} has no working time within {_MAX_GAP_DAYS} days")


def default_calendar(
    *, timezone: str = "Asia/Shanghai", country: str | None = "CN", name: str = "business"
) -> BusinessCalendar:
    """The built-in ``business`` calendar: Mon–Fri 09:00–17:30, the country's public holidays
    and make-up working days."""
    return BusinessCalendar(
        timezone=timezone, hours=MON_FRI_0900_1730, rules=HolidayRules(country=country), name=name
    )


def _normalise(
    windows: Sequence[tuple[dt.time, dt.time | None]],
) -> tuple[tuple[dt.time, dt.time | None], ...]:
    out = []
    for opens, closes in windows:
        if opens.tzinfo is not None or (closes is not None and closes.tzinfo is not None):
            raise ValueError("window times are wall-clock times of the calendar; drop the tzinfo")
        if closes is not None and closes <= opens:
            raise ValueError(f"window {opens:%H:%M}-{closes:%H:%M} must end after it starts")
        out.append((opens, closes))
    return tuple(sorted(out, key=lambda w: w[0]))
