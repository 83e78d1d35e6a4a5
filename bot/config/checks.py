"""What ``deskbot config check`` says beyond a valid file: builds and warnings.

A file can be valid YAML of the right shape and still surprise its author: a target without a
calendar word, an on-call anchor on the wrong weekday. :func:`review` finds those as
:class:`Finding` values with the YAML path they belong to, so the loader can add the line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.config.model import OrgConfig, Priority, TargetOverride

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_CALENDAR_WORD = re.compile(r"(24x7|24/7|wall|business|bh)\b", re.IGNORECASE)
_NONE = {"", "none", "no", "-", "null", "n/a"}
Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """One warning: where in the file (a path of keys) and what to know."""

    loc: Loc
    message: str


def review(config: OrgConfig, *, today: dt.date | None = None) -> list[Finding]:
    """Warnings about a valid config, as of ``today``: nothing here stops the service."""
    day = today or dt.date.today()
    return [*_target_bases(config), *_anchor(config), *_makeup_days(config, day)]


def build_all(config: OrgConfig) -> None:
    """Build every calendar, policy, ladder and the rotation as the service would, so a
    mistake that only the ``sla`` library sees fails ``config check`` rather than a ticket.
    Raises :class:`~bot.errors.ConfigError`."""
    from bot.sla_setup import account_calendar, account_policy, ladder_for, rotation_for

    for tier in ("free", "basic", "pro", "enterprise"):
        ladder_for(config, tier)
    for account in config.accounts:
        account_calendar(config, account)
        account_policy(config, account)
    rotation_for(config)


def _target_bases(config: OrgConfig) -> list[Finding]:
    """Targets that name no calendar run on the basis of the target they replace: say which."""
    from bot.sla_setup import plan_policy
    from sla import DEFAULT_POLICY, Policy

    out: list[Finding] = []

    def check(at: Loc, tier: str, targets: Mapping[Priority, TargetOverride], base: Policy) -> None:
        for priority, override in targets.items():
            for clock in ("first_response", "resolution"):
                spec = getattr(override, clock)
                if spec is None or _CALENDAR_WORD.search(spec) or spec.strip().lower() in _NONE:
                    continue
                current = base.targets(tier, priority).get(clock)
                basis = current.calendar if current is not None else "business"
                word = "24x7" if basis == "24x7" else "bh"
                out.append(
                    Finding(
                        (*at, "targets", priority, clock),
                        f"{spec!r} names no calendar; it runs on {basis} time like the "
                        f"{tier} {priority} {clock.replace('_', ' ')} target it replaces "
                        f"(write '{spec} {word}' to say so)",
                    )
                )

    for tier, plan in config.plans.items():
        check(("plans", tier), tier, plan.targets, DEFAULT_POLICY)
    for i, account in enumerate(config.accounts):
        if account.targets:
            policy = plan_policy(config, account.tier)
            check(("accounts", i), account.tier, account.targets, policy)
    return out


def _anchor(config: OrgConfig) -> list[Finding]:
    oncall = config.oncall
    if oncall is None or oncall.period != "weekly":
        return []
    from sla.rotation import parse_handover

    weekday, _ = parse_handover(oncall.handover)
    if oncall.anchor.weekday() == weekday:
        return []
    start = oncall.anchor + dt.timedelta(days=(weekday - oncall.anchor.weekday()) % 7)
    return [
        Finding(
            ("oncall", "anchor"),
            f"{oncall.anchor} is a {_DAYS[oncall.anchor.weekday()]} but the handover is "
            f"{oncall.handover!r}: {oncall.rotation[0]}'s first week starts on {_DAYS[weekday]} "
            f"{start}; set the anchor to that date if that is what you mean",
        )
    ]


def _makeup_days(config: OrgConfig, today: dt.date) -> list[Finding]:
    """A country that moves working days onto weekends (China's 调休) publishes them once a
    year, late in the year before. A year the ``holidays`` package does not have them for, and
    the config does not list them, counts those Saturdays and Sundays as days off: business-hour
    clocks then run late. Warned for this year, and from November for the next."""
    from sla.holidays import HolidayRules

    uses: dict[str, list[Loc]] = {}  # country -> where it is used
    configured: dict[str, set[dt.date]] = {}
    for i, account in enumerate(config.accounts):
        spec = config.calendars.get(account.calendar)
        if account.calendar == "24x7" or (spec is not None and spec.always_open):
            continue
        country = ((spec.holidays_country if spec else None) or account.country).upper()
        where: Loc = ("calendars", account.calendar) if spec else ("accounts", i, "country")
        uses.setdefault(country, []).append(where)
        if spec is not None:
            configured.setdefault(country, set()).update(spec.makeup_workdays)
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    out: list[Finding] = []
    for country, places in uses.items():
        rules = HolidayRules(country=country)
        if not any(rules.makeup_days_in(y) for y in range(today.year - 10, today.year)):
            continue  # the country does not move working days
        for year in years:
            if rules.makeup_days_in(year) or any(
                d.year == year for d in configured.get(country, ())
            ):
                continue
            out.append(
                Finding(
                    places[0],
                    f"{country}'s make-up working days for {year} are not in the installed "
                    "holidays package and not in this file: business-hour clocks will count "
                    "those weekend working days as days off. List them under a calendar's "
                    "makeup_workdays (and any changed days off under extra_holidays) once they "
                    "are published, or upgrade the holidays package",
                )
            )
    return out
