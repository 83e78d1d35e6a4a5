"""Turn the organisation config into ``sla`` objects: calendars, policies, ladders, rotation.

The ``sla`` library knows nothing of YAML or pydantic; this module is the only bridge. Every
``ValueError`` of the library is translated into :class:`~bot.errors.ConfigError` naming the
config key, so a bad file fails with one clear line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from bot.errors import ConfigError, InvalidInput
from sla import DEFAULT_POLICY as BUILTIN_POLICY
from sla import (
    AlwaysOpen,
    BusinessCalendar,
    Calendar,
    HolidayRules,
    Ladder,
    OnCallOverride,
    Policy,
    Rotation,
    check_tier,
    default_calendar,
    ladder_from_data,
    override_policy,
    parse_handover,
    parse_target,
    uniform_policy,
)

if TYPE_CHECKING:
    from bot.config import Account, CalendarSpec, OrgConfig

T = TypeVar("T")

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_COUNTRY = "CN"
BUILTIN_CALENDARS = ("business", "24x7")


def _config_errors(where: str, build: Callable[[], T]) -> T:
    try:
        return build()
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def calendar_from_spec(
    spec: CalendarSpec, *, name: str, timezone: str, country: str | None
) -> Calendar:
    """A calendar from one ``calendars:`` entry; the account's zone/country fill the gaps."""
    if spec.always_open:
        return AlwaysOpen(name=name)
    return _config_errors(
        f"calendars.{name}",
        lambda: BusinessCalendar(
            name=name,
            timezone=spec.timezone or timezone,
            hours=spec.weekly_windows(),
            rules=HolidayRules(
                country=spec.holidays_country or country,
                extra_holidays=spec.extra_holidays,
                makeup_workdays=spec.makeup_workdays,
            ),
        ),
    )


def named_calendar(
    config: OrgConfig | None,
    name: str,
    *,
    timezone: str = DEFAULT_TIMEZONE,
    country: str | None = DEFAULT_COUNTRY,
) -> Calendar:
    """The calendar called ``name``: from ``config.calendars``, else built in (``business``,
    ``24x7``). Raises InvalidInput for an unknown name."""
    if config is not None and name in config.calendars:
        return calendar_from_spec(
            config.calendars[name], name=name, timezone=timezone, country=country
        )
    if name == "24x7":
        return AlwaysOpen()
    if name == "business":
        return _config_errors(
            "calendar business",
            lambda: default_calendar(timezone=timezone, country=country),
        )
    known = sorted({*BUILTIN_CALENDARS, *(config.calendars if config else ())})
    raise InvalidInput(f"unknown calendar {name!r}; known: {', '.join(known)}")


def account_calendar(config: OrgConfig, account: Account, *, name: str | None = None) -> Calendar:
    """The business calendar of ``account`` (or the calendar ``name`` in its zone/country)."""
    return named_calendar(
        config, name or account.calendar, timezone=account.timezone, country=account.country
    )


def plan_policy(config: OrgConfig | None, tier: str, *, base: Policy = BUILTIN_POLICY) -> Policy:
    """The built-in policy with the plan overrides of ``tier`` applied."""
    checked = _invalid_input(lambda: check_tier(tier))
    plan = config.plans.get(checked) if config is not None else None
    if plan is None or not plan.targets:
        return base
    return _config_errors(
        f"plans.{tier}.targets", lambda: override_policy(base, checked, plan.targets)
    )


def account_policy(config: OrgConfig, account: Account, *, tier: str | None = None) -> Policy:
    """Built-in policy + plan overrides + the account's own overrides, for its tier (or
    ``tier`` when given, e.g. to preview an upgrade)."""
    use_tier = tier or account.tier
    policy = plan_policy(config, use_tier)
    if not account.targets:
        return policy
    return _config_errors(
        f"accounts.{account.id}.targets",
        lambda: override_policy(policy, use_tier, account.targets),
    )


def ladder_for(config: OrgConfig | None, tier: str) -> Ladder:
    """The escalation ladder of a plan: the plan's own, else the config's default."""
    if config is None:
        return ladder_from_data(None)
    steps = config.ladder_for(_invalid_input(lambda: check_tier(tier)))
    return _config_errors(f"plans.{tier}.escalation", lambda: ladder_from_data(steps))


def commercial_sla(config: OrgConfig) -> tuple[Policy, Ladder]:
    """The commercial requests' clock (first response only) and ladder."""
    commercial = config.commercial
    target = _config_errors(
        "commercial.first_response", lambda: parse_target(commercial.first_response)
    )
    ladder = _config_errors(
        "commercial.escalation", lambda: ladder_from_data(commercial.escalation)
    )
    return uniform_policy(target), ladder


def rotation_for(config: OrgConfig) -> Rotation | None:
    """The on-call rotation, or None when the config has none."""
    oncall = config.oncall
    if oncall is None:
        return None

    def build() -> Rotation:
        weekday, at = parse_handover(oncall.handover)
        return Rotation(
            people=oncall.rotation,
            period=oncall.period,
            handover_time=at,
            handover_weekday=weekday,
            timezone=oncall.timezone,
            anchor=oncall.anchor,
            overrides=[OnCallOverride(o.person, o.start, o.end) for o in oncall.overrides],
        )

    return _config_errors("oncall", build)


def find_account(config: OrgConfig, account_id: str) -> Account:
    account = config.account(account_id)
    if account is None:
        known = ", ".join(a.id for a in config.accounts) or "none configured"
        raise InvalidInput(f"unknown account {account_id!r} (known: {known})")
    return account


def _invalid_input(build: Callable[[], T]) -> T:
    try:
        return build()
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
