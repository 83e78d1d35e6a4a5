"""SLA targets written as text: ``"30m 24x7"``, ``"4 bh"``, ``"4h business"``, ``"none"``.

Grammar (case-insensitive, spaces optional between a number and its unit)::

    spec      := "none" | "no" | "-" | "" | amount+ [calendar]
    amount    := number unit                 e.g. 30m, 1.5h, 90 min, 1h30m
    number    := digits ["." digits]
    unit      := s | sec | seconds
               | m | min | mins | minute | minutes
               | h | hr | hrs | hour | hours
               | bh | business hours          business hours (implies the business calendar)
               | d | day | days              24 hours; 24x7 targets only
    calendar  := "24x7" | "24/7" | "wall"    wall-clock time, nights and holidays included
               | "bh" | "business" | "business hours"   the account's business calendar

Without a calendar word the target runs on ``default_calendar`` (*business* unless the caller
says otherwise; a policy override passes the calendar of the target it replaces).
Amounts add up; the total must be positive. ``"none"`` means: no target.

Examples: ``"30m 24x7"`` → 30 min wall-clock; ``"4 bh"`` → 4 business hours; ``"8h"`` →
8 business hours; ``"1h30m business"``; ``"2d 24x7"`` → 48 h wall-clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

CalendarKind = Literal["business", "24x7"]
CALENDAR_KINDS: tuple[CalendarKind, ...] = ("business", "24x7")

_NONE = {"", "none", "no", "-", "null", "n/a"}
_CAL_WORDS: dict[str, CalendarKind] = {
    "24x7": "24x7",
    "24/7": "24x7",
    "wall": "24x7",
    "bh": "business",
    "business": "business",
    "business hours": "business",
    "business hour": "business",
}
_UNITS: dict[str, tuple[float, CalendarKind | None]] = {}
_unit_table: tuple[tuple[tuple[str, ...], float, CalendarKind | None], ...] = (
    (("m", "min", "mins", "minute", "minutes"), 1, None),
    (("h", "hr", "hrs", "hour", "hours"), 60, None),
    (("bh",), 60, "business"),
    (("d", "day", "days"), 24 * 60, None),
    (("s", "sec", "secs", "second", "seconds"), 1 / 60, None),
)
for _names, _minutes, _cal in _unit_table:
    for _name in _names:
        _UNITS[_name] = (_minutes, _cal)

_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_CAL_SUFFIX = re.compile(r"\s*(24x7|24/7|wall|business hours?|business|bh)\s*$")


@dataclass(frozen=True)
class Target:
    """A promised duration and the calendar it is measured on."""

    duration: dt.timedelta
    calendar: CalendarKind = "business"

    def __post_init__(self) -> None:
        if self.duration <= dt.timedelta(0):
            raise ValueError(f"a target must be positive, got {self.duration}")
        if self.calendar not in CALENDAR_KINDS:
            raise ValueError(f"calendar must be 'business' or '24x7', got {self.calendar!r}")

    def __str__(self) -> str:
        return format_target(self)


def parse_target(spec: str | None, *, default_calendar: CalendarKind = "business") -> Target | None:
    """Parse a target spec (grammar in the module docstring); ``None`` means no target.

    Raises ValueError with the offending text on anything else.
    """
    if spec is None:
        return None
    text = " ".join(str(spec).strip().lower().split())
    if text in _NONE:
        return None
    calendar: CalendarKind | None = None
    suffix = _CAL_SUFFIX.search(text)
    if suffix:
        head = text[: suffix.start()].strip()
        word = suffix.group(1)
        if re.fullmatch(r"\d+(?:\.\d+)?", head) and word in {
            "bh",
            "business hour",
            "business hours",
        }:
            text = f"{head}bh"  # "4 bh", "4 business hours": the word is the unit
        else:
            calendar = _CAL_WORDS[word]
            text = head
    body = text.replace(" ", "")
    pos = 0
    minutes = 0.0
    unit_calendar: CalendarKind | None = None
    has_days = False
    for match in _AMOUNT.finditer(body):
        if match.start() != pos:
            break
        number, unit = match.groups()
        if unit not in _UNITS:
            raise ValueError(f"{spec!r}: unknown unit {unit!r} (use m, h, bh or d)")
        scale, implied = _UNITS[unit]
        minutes += float(number) * scale
        has_days = has_days or scale == 24 * 60
        unit_calendar = implied or unit_calendar
        pos = match.end()
    if pos == 0 or pos != len(body):
        raise ValueError(
            f"{spec!r} is not a duration: write e.g. '30m 24x7', '4 bh', '8h business' or 'none'"
        )
    if calendar is not None and unit_calendar is not None and calendar != unit_calendar:
        raise ValueError(f"{spec!r}: 'bh' is business hours; it cannot be {calendar}")
    kind = calendar or unit_calendar or default_calendar
    if has_days and kind == "business":
        raise ValueError(f"{spec!r}: write business targets in hours ('16 bh'), not days")
    if minutes <= 0:
        raise ValueError(f"{spec!r}: a target must be positive (or 'none')")
    return Target(dt.timedelta(minutes=minutes), kind)


def format_target(target: Target | None) -> str:
    """The canonical spec of a target: ``"30m 24x7"``, ``"4h business"``, ``"none"``."""
    if target is None:
        return "none"
    seconds = int(target.duration.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else ""]
    if secs:
        parts.append(f"{secs}s")
    amount = "".join(parts) or "0m"
    return f"{amount} {target.calendar}"


def format_duration(value: dt.timedelta) -> str:
    """A short human form: ``"2h05m"``, ``"45m"``, ``"0m"`` (seconds are dropped)."""
    minutes = int(value.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours}h{mins:02d}m" if hours else f"{sign}{mins}m"
