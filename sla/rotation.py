"""Who is on call: an ordered rotation with a handover time, plus overrides.

Handovers happen at ``handover_time`` (wall clock in ``timezone``) every day (``daily``) or on
``handover_weekday`` each week (``weekly``). ``anchor`` is a date on which ``people[0]`` takes
over; for weekly rotations it is moved forward to the first ``handover_weekday`` on or after
it. Handovers follow the wall clock, so DST does not shift them.

Overrides ``(person, start, end)`` cover ``[start, end)``; when several cover ``now``, the one
listed last wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sla.calendar import UTC, require_aware, zone

Period = Literal["daily", "weekly"]
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OnCallOverride:
    person: str
    start: dt.datetime
    end: dt.datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "override start")
        require_aware(self.end, "override end")
        if self.end <= self.start:
            raise ValueError(f"on-call override for {self.person!r} must end after it starts")


class Rotation:
    """A pure on-call resolver; :meth:`on_call` answers for any ``now``."""

    def __init__(
        self,
        *,
        people: Sequence[str],
        period: Period = "weekly",
        handover_time: dt.time = dt.time(10),
        handover_weekday: int = 0,
        timezone: str | dt.tzinfo = "Asia/Shanghai",
        anchor: dt.date = dt.date(2026, 1, 5),
        overrides: Iterable[OnCallOverride] = (),
    ) -> None:
        if not people:
            raise ValueError("a rotation needs at least one person")
        if period not in ("daily", "weekly"):
            raise ValueError(f"period must be 'daily' or 'weekly', got {period!r}")
        if not 0 <= handover_weekday <= 6:
            raise ValueError("handover_weekday is 0 (Monday) to 6 (Sunday)")
        self.people = tuple(people)
        self.period: Period = period
        self.handover_time = handover_time
        self.tz = zone(timezone)
        self.overrides = tuple(overrides)
        self.days = 1 if period == "daily" else 7
        if period == "weekly":
            anchor += dt.timedelta(days=(handover_weekday - anchor.weekday()) % 7)
        self.anchor = anchor

    def _index(self, now: dt.datetime) -> int:
        local = now.astimezone(self.tz).replace(tzinfo=None)
        day = (
            local.date()
            if local.time() >= self.handover_time
            else local.date() - dt.timedelta(days=1)
        )
        return (day - self.anchor).days // self.days

    def scheduled(self, now: dt.datetime) -> str:
        """The person the rotation puts on call at ``now``, ignoring overrides."""
        require_aware(now, "now")
        return self.people[self._index(now) % len(self.people)]

    def on_call(self, now: dt.datetime) -> str:
        """The person on call at ``now`` (overrides first)."""
        require_aware(now, "now")
        instant = now.astimezone(UTC)
        for override in reversed(self.overrides):
            if override.start.astimezone(UTC) <= instant < override.end.astimezone(UTC):
                return override.person
        return self.scheduled(now)

    def next_handover(self, now: dt.datetime) -> dt.datetime:
        """The next scheduled handover after ``now``, in the rotation's zone."""
        require_aware(now, "now")
        k = self._index(now) + 1
        day = self.anchor + dt.timedelta(days=k * self.days)
        return dt.datetime.combine(day, self.handover_time, tzinfo=self.tz)


def parse_handover(text: str) -> tuple[int, dt.time]:
    """``"mon 10:00"`` -> (0, 10:00); ``"10:00"`` -> (0, 10:00) (weekday unused when daily)."""
    parts = text.strip().lower().split()
    try:
        if len(parts) == 2 and parts[0][:3] in _DAYS:
            weekday, clock = _DAYS.index(parts[0][:3]), parts[1]
        elif len(parts) == 1:
            weekday, clock = 0, parts[0]
        else:
            raise ValueError
        hours, minutes = (int(x) for x in clock.split(":"))
        return weekday, dt.time(hours, minutes)
    except ValueError:
        raise ValueError(f"handover {text!r}: write 'mon 10:00' or '10:00'") from None
