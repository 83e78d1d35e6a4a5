"""Which dates are days off and which weekend dates are working days, per country.

Public holidays come from the ``holidays`` package. Countries that move working days onto
weekends (China's 调休, also Vietnam and others) publish those *make-up working days*; the
package records them twice: as the ``weekend_workdays`` attribute and in the names of the
matching days off ("Day off (substituted from 02/14/2026)"). Both are read, so a make-up day is
found whichever way a package version exposes it. Nothing is hard-coded here.

Precedence for one date, highest first:

1. a configured extra holiday            -> day off
2. a configured make-up working day      -> working day
3. a public holiday of the package       -> day off
4. a make-up working day of the package  -> working day
5. otherwise the weekly pattern decides  (``None`` here)
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache

_PROBE_YEAR = 2026
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


@lru_cache(maxsize=256)
def _package_year(
    country: str, subdiv: str | None, year: int
) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(public holidays, make-up working days) of one country and year, from the package.

    Cached per (country, subdivision, year): building a country's table costs milliseconds.
    A make-up day can belong to the next year's holiday (the Sunday before New Year), so the
    next year's table is read too and only dates inside ``year`` are kept.
    """
    import holidays  # imported lazily: the package is large and only calendars need it

    off: set[dt.date] = set()
    makeup: set[dt.date] = set()
    for table_year in (year, year + 1):
        try:
            table = holidays.country_holidays(country, subdiv=subdiv, years=table_year)
        except NotImplementedError as exc:
            raise ValueError(f"the holidays package does not know country {country!r}") from exc
        for day, name in table.items():
            if day.year == year and table_year == year:
                off.add(day)
            for part in str(name).split(";"):
                match = _SUBSTITUTED.search(part)
                if match:
                    month, mday, myear = (int(g) for g in match.groups())
                    makeup.add(dt.date(myear, month, mday))
        makeup.update(getattr(table, "weekend_workdays", ()) or ())
    makeup = {day for day in makeup if day.year == year}
    return frozenset(off), frozenset(makeup - off)


class HolidayRules:
    """Day-level exceptions to a weekly pattern: holidays off, make-up days on.

    ``country`` None means no public holidays (and no package make-up days). Set
    ``package_makeup_days=False`` to ignore the package's make-up working days.
    """

    def __init__(
        self,
        *,
        country: str | None = None,
        subdiv: str | None = None,
        extra_holidays: Iterable[dt.date] = (),
        makeup_workdays: Iterable[dt.date] = (),
        package_makeup_days: bool = True,
    ) -> None:
        self.country = country.upper() if country else None
        self.subdiv = subdiv
        self.extra_holidays = frozenset(extra_holidays)
        self.makeup_workdays = frozenset(makeup_workdays)
        self.package_makeup_days = package_makeup_days
        if self.country is not None:
            # fail fast on an unknown country or subdivision (any year will do)
            _package_year(self.country, subdiv, _PROBE_YEAR)

    def override(self, day: dt.date) -> bool | None:
        """True: a working day whatever the weekday; False: a day off; None: weekly pattern."""
        if day in self.extra_holidays:
            return False
        if day in self.makeup_workdays:
            return True
        if self.country is None:
            return None
        off, makeup = _package_year(self.country, self.subdiv, day.year)
        if day in off:
            return False
        if self.package_makeup_days and day in makeup:
            return True
        return None

    def holidays_in(self, year: int) -> frozenset[dt.date]:
        """Every day off of ``year`` (package and configured), for display and tests."""
        off: set[dt.date] = {d for d in self.extra_holidays if d.year == year}
        if self.country is not None:
            off |= _package_year(self.country, self.subdiv, year)[0] - self.makeup_workdays
        return frozenset(off)

    def makeup_days_in(self, year: int) -> frozenset[dt.date]:
        """Every make-up working day of ``year`` (package and configured)."""
        on: set[dt.date] = {d for d in self.makeup_workdays if d.year == year}
        if self.country is not None and self.package_makeup_days:
            on |= _package_year(self.country, self.subdiv, year)[1]
        return frozenset(on - self.extra_holidays)
