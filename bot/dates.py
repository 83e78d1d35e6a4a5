"""Times as deskbot shows them: one format, one named zone, in the reader's language.

``when_text`` is the format every page uses ("Wed 18 Nov, 14:00" / "11月18日 周三 14:00"); the
zone is named once per page ("Times are in Asia/Shanghai (CST)") rather than after every time.
``span_text`` is the coarse length used for "3h 10m left".
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

_ZH_DAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def aware(when: dt.datetime) -> dt.datetime:
    """SQLite may hand back naive UTC."""
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def local(when: dt.datetime, tz: str) -> dt.datetime:
    return aware(when).astimezone(ZoneInfo(tz))


def when_text(
    when: dt.datetime, tz: str, lang: str = "en", *, now: dt.datetime | None = None
) -> str:
    """'Wed 18 Nov, 14:00' (the year too when it is not this year's) in ``tz``."""
    at = local(when, tz)
    this_year = now is None or local(now, tz).year == at.year
    if lang == "zh":
        year = "" if this_year else f"{at.year}年"
        return f"{year}{at.month}月{at.day}日 {_ZH_DAYS[at.weekday()]} {at:%H:%M}"
    year = "" if this_year else f" {at.year}"
    return f"{at:%a %d %b}{year}, {at:%H:%M}"


def zone_text(tz: str, *, now: dt.datetime | None = None) -> str:
    """'Asia/Shanghai (CST)': the zone's name and its abbreviation now."""
    abbreviation = local(now or dt.datetime.now(dt.UTC), tz).strftime("%Z")
    return tz if not abbreviation or abbreviation == tz else f"{tz} ({abbreviation})"


def span_text(seconds: float, lang: str = "en") -> str:
    """'2d 3h', '4h 05m', '12m' (天/小时/分钟 in Chinese) — coarse on purpose."""
    seconds = abs(int(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if lang == "zh":
        if days:
            return f"{days}天{hours}小时"
        if hours:
            return f"{hours}小时{minutes:02d}分" if minutes else f"{hours}小时"
        return f"{minutes}分钟"
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {minutes:02d}m" if minutes else f"{hours}h"
    return f"{minutes}m"


def due_text(
    when: dt.datetime, tz: str, lang: str = "en", *, now: dt.datetime | None = None
) -> str:
    """A due time with its zone's abbreviation: 'Wed 18 Nov, 14:00 CST' /
    '11月18日 周三 14:00 CST' (the zone's name where it has no abbreviation)."""
    abbreviation = local(when, tz).strftime("%Z")
    if not abbreviation or abbreviation[0] in "+-":
        abbreviation = tz
    return f"{when_text(when, tz, lang, now=now)} {abbreviation}".strip()
