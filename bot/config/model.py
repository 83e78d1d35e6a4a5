"""Pydantic models of ``deskbot.yaml``. Cross-references are checked after parsing.

Durations of SLA targets stay strings here ("30m 24x7", "4 bh", "none"); the ``sla`` library
parses them, so the grammar lives in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from bot.config.channels import (
    DocsSource,
    EmailChannel,
    NotificationsConfig,
    WebConfig,
)
from bot.config.channels import Strict as _Strict

Tier = Literal["free", "basic", "pro", "enterprise"]
Priority = Literal["P1", "P2", "P3", "P4"]
Role = Literal["engineer", "csm", "manager", "admin"]
Recipient = Literal["assignee", "oncall", "csm", "manager", "channel"]
TIERS: tuple[Tier, ...] = ("free", "basic", "pro", "enterprise")

_ID = r"^[a-z0-9][a-z0-9_.-]*$"
_WINDOW = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class RefError(ValueError):
    """A cross-reference problem, with the YAML path it belongs to (for line numbers)."""

    def __init__(self, message: str, loc: tuple[str | int, ...]) -> None:
        super().__init__(message)
        self.loc = loc


def _check_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name like Asia/Shanghai)"
        ) from None
    return value


class CalendarSpec(_Strict):
    """Working hours. Empty ``timezone``/``country`` mean: take the account's."""

    timezone: str | None = None
    hours: dict[str, list[str]] = Field(
        default_factory=lambda: {"mon-fri": ["09:00-17:30"]},
        description="Day or day range -> list of HH:MM-HH:MM windows.",
    )
    holidays_country: str | None = Field(default=None, description="ISO country, e.g. CN, US.")
    extra_holidays: list[dt.date] = Field(default_factory=list)
    makeup_workdays: list[dt.date] = Field(default_factory=list)
    always_open: bool = False

    _tz = field_validator("timezone")(lambda cls, v: v if v is None else _check_zone(v))

    @field_validator("hours")
    @classmethod
    def _windows(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for days, windows in value.items():
            for part in days.split(","):
                ends = part.strip().split("-")
                if not ends or any(end not in _DAYS for end in ends) or len(ends) > 2:
                    raise ValueError(f"{days!r}: days are mon..sun, ranges like mon-fri")
            for window in windows:
                match = _WINDOW.match(window)
                if not match:
                    raise ValueError(f"{window!r}: a window is HH:MM-HH:MM")
                h1, m1, h2, m2 = (int(g) for g in match.groups())
                if not (h1 * 60 + m1 < h2 * 60 + m2 <= 24 * 60) or m1 > 59 or m2 > 59:
                    raise ValueError(f"{window!r}: the window must end after it starts")
        return value

    def weekly_windows(self) -> dict[int, list[tuple[dt.time, dt.time | None]]]:
        """Weekday (0=Mon) -> windows; an end of None means midnight (24:00)."""
        out: dict[int, list[tuple[dt.time, dt.time | None]]] = {}
        for days, windows in self.hours.items():
            for part in days.split(","):
                ends = part.strip().split("-")
                first, last = _DAYS.index(ends[0]), _DAYS.index(ends[-1])
                span = (
                    range(first, last + 1)
                    if first <= last
                    else [*range(first, 7), *range(last + 1)]
                )
                for day in span:
                    for window in windows:
                        h1, m1, h2, m2 = (int(g) for g in _WINDOW.match(window).groups())  # type: ignore[union-attr]
                        end = None if h2 == 24 else dt.time(h2, m2)
                        out.setdefault(day, []).append((dt.time(h1, m1), end))
        return {day: sorted(ws, key=lambda w: w[0]) for day, ws in out.items()}


def _check_target(value: str | None) -> str | None:
    """A target spec the ``sla`` grammar reads ("30m 24x7", "4 bh", "none"), kept as text."""
    if value is None:
        return None
    from sla.durations import parse_target

    parse_target(value)  # ValueError: "'fifteen' is not a duration: write e.g. ..."
    return value


class TargetOverride(_Strict):
    first_response: str | None = None
    resolution: str | None = None

    _specs = field_validator("first_response", "resolution", mode="before")(
        lambda cls, v: _check_target(None if v is None else str(v))
    )


class EscalationStep(_Strict):
    at: float = Field(gt=0, le=2, description="Fraction of the target (0.5 = half elapsed).")
    notify: list[Recipient]


DEFAULT_LADDER = (
    EscalationStep(at=0.5, notify=["assignee"]),
    EscalationStep(at=0.8, notify=["csm", "oncall"]),
    EscalationStep(at=1.0, notify=["csm", "manager", "channel"]),
)


COMMERCIAL_LADDER = (
    EscalationStep(at=0.5, notify=["assignee"]),
    EscalationStep(at=1.0, notify=["csm", "manager"]),
)


class Commercial(_Strict):
    """Commercial requests (pricing, discounts, contracts, invoices, plan changes): the
    account's CSM answers them on their own clock, never the engineering on-call queue."""

    first_response: str = Field(
        default="8h business", description="Target for the account team's first reply."
    )
    escalation: list[EscalationStep] = Field(default_factory=lambda: list(COMMERCIAL_LADDER))


class Plan(_Strict):
    """Per-tier overrides of the built-in policy."""

    name: str | None = None
    targets: dict[Priority, TargetOverride] = Field(default_factory=dict)
    escalation: list[EscalationStep] | None = None
    channels: list[str] = Field(default_factory=list, description="Support channels offered.")


class Person(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    roles: list[Role] = Field(min_length=1)
    email: str | None = None
    slack_user: str | None = None
    timezone: str = "Asia/Shanghai"
    country: str | None = Field(
        default=None,
        description="ISO country whose public holidays (and make-up working days) are the "
        "person's days off, e.g. for the CSM digest; none: weekends only.",
    )
    password_hash: str | None = Field(default=None, description="Staff web sign-in (scrypt$...).")
    language: Literal["en", "zh"] = Field(
        default="en", description="What the person reads deskbot in, e.g. the CSM digest."
    )

    _tz = field_validator("timezone")(lambda cls, v: _check_zone(v))


class OnCallOverride(_Strict):
    person: str
    start: dt.datetime
    end: dt.datetime


class OnCall(_Strict):
    rotation: list[str] = Field(min_length=1, description="Person ids, in order.")
    period: Literal["daily", "weekly"] = "weekly"
    handover: str = Field(default="mon 10:00", description="'mon 10:00' (weekly) or '10:00'.")
    timezone: str = "Asia/Shanghai"
    anchor: dt.date = Field(
        default=dt.date(2026, 1, 5), description="A handover date when rotation[0] starts."
    )
    overrides: list[OnCallOverride] = Field(default_factory=list)

    _tz = field_validator("timezone")(lambda cls, v: _check_zone(v))

    @field_validator("handover")
    @classmethod
    def _handover(cls, value: str) -> str:
        from sla.rotation import parse_handover

        parse_handover(value)  # ValueError: "handover 'x': write 'mon 10:00' or '10:00'"
        return value


class Account(_Strict):
    id: str = Field(pattern=_ID)
    name: str
    tier: Tier
    timezone: str = "Asia/Shanghai"
    country: str = "CN"
    calendar: str = "business"
    csm: str | None = None
    slack_channels: list[str] = Field(default_factory=list)
    internal_channel: str | None = None
    web_keys: list[str] = Field(default_factory=list)
    email_domains: list[str] = Field(
        default_factory=list, description="Senders at these domains write for this account."
    )
    emails: list[str] = Field(default_factory=list, description="Single sender addresses.")
    targets: dict[Priority, TargetOverride] = Field(default_factory=dict)

    _tz = field_validator("timezone")(lambda cls, v: _check_zone(v))


class Organisation(_Strict):
    name: str = "deskbot"
    ticket_prefix: str = Field(default="SUP", pattern=r"^[A-Z][A-Z0-9]{1,9}$")
    first_ticket_number: int = Field(default=1001, ge=1)
    default_account: str | None = None
    escalation_channel: str | None = None
    support_manager: str | None = None
    digest_time: str = Field(default="09:00", pattern=r"^\d{2}:\d{2}$")
    csm_acknowledges_engineering: bool = Field(
        default=False,
        description="CSMs may acknowledge, take, park and resolve engineering tickets too.",
    )


class OrgConfig(_Strict):
    organisation: Organisation = Field(default_factory=Organisation)
    calendars: dict[str, CalendarSpec] = Field(default_factory=dict)
    plans: dict[Tier, Plan] = Field(default_factory=dict)
    escalation: list[EscalationStep] = Field(default_factory=lambda: list(DEFAULT_LADDER))
    commercial: Commercial = Field(default_factory=Commercial)
    people: list[Person] = Field(default_factory=list)
    oncall: OnCall | None = None
    accounts: list[Account] = Field(default_factory=list)
    web: WebConfig = Field(default_factory=WebConfig)
    docs: list[DocsSource] = Field(default_factory=list)
    notifications: NotificationsConfig = Field(default_factory=NotificationsConfig)
    email: EmailChannel | None = None

    @model_validator(mode="after")
    def _references(self) -> OrgConfig:
        people = {p.id: p for p in self.people}
        for i, person in enumerate(self.people):
            if [p.id for p in self.people].index(person.id) != i:
                raise RefError(f"duplicate person id {person.id!r}", ("people", i, "id"))
        ids = [a.id for a in self.accounts]
        seen: dict[str, str] = {}
        senders: dict[str, str] = {}  # e-mail domains and addresses, lower case
        keys: set[str] = set()
        for i, account in enumerate(self.accounts):
            at = ("accounts", i)
            if ids.index(account.id) != i:
                raise RefError(f"duplicate account id {account.id!r}", (*at, "id"))
            for j, channel in enumerate(account.slack_channels):
                if channel in seen:
                    raise RefError(
                        f"channel {channel!r} is already mapped to account {seen[channel]!r}",
                        (*at, "slack_channels", j),
                    )
                seen[channel] = account.id
            if account.csm is not None:
                if account.csm not in people:
                    raise RefError(f"no person with id {account.csm!r}", (*at, "csm"))
                if "csm" not in people[account.csm].roles:
                    raise RefError(f"{account.csm!r} does not have the csm role", (*at, "csm"))
            if account.calendar not in self.calendars and account.calendar not in {
                "business",
                "24x7",
            }:
                raise RefError(f"unknown calendar {account.calendar!r}", (*at, "calendar"))
            for j, domain in enumerate(account.email_domains):
                if domain.lower() in senders:
                    raise RefError(
                        f"{domain!r} already belongs to account {senders[domain.lower()]!r}",
                        (*at, "email_domains", j),
                    )
                senders[domain.lower()] = account.id
            for j, address in enumerate(account.emails):
                if address.lower() in senders:
                    raise RefError(
                        f"{address!r} already belongs to account {senders[address.lower()]!r}",
                        (*at, "emails", j),
                    )
                senders[address.lower()] = account.id
            for j, key in enumerate(account.web_keys):
                if key in keys:
                    raise RefError("this web key is given to another account", (*at, "web_keys", j))
                keys.add(key)
        org = self.organisation
        if org.default_account is not None and org.default_account not in ids:
            raise RefError(
                f"no account {org.default_account!r}", ("organisation", "default_account")
            )
        if org.support_manager is not None and org.support_manager not in people:
            raise RefError(
                f"no person {org.support_manager!r}", ("organisation", "support_manager")
            )
        if self.oncall is not None:
            for j, person_id in enumerate(self.oncall.rotation):
                if person_id not in people:
                    raise RefError(f"no person with id {person_id!r}", ("oncall", "rotation", j))
            for j, override in enumerate(self.oncall.overrides):
                if override.person not in people:
                    raise RefError(
                        f"no person with id {override.person!r}", ("oncall", "overrides", j)
                    )
        return self

    # Lookups used across the app; the lists are small, so linear scans are fine.
    def account(self, account_id: str) -> Account | None:
        return next((a for a in self.accounts if a.id == account_id), None)

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def account_for_channel(self, channel: str) -> Account | None:
        return next((a for a in self.accounts if channel in a.slack_channels), None)

    def account_for_web_key(self, key: str) -> Account | None:
        import hmac

        return next(
            (a for a in self.accounts for k in a.web_keys if hmac.compare_digest(k, key)), None
        )

    def account_for_email(self, address: str) -> Account | None:
        """The account a sender writes for: by address first, then by domain."""
        address = address.strip().lower()
        domain = address.rpartition("@")[2]
        by_address = next(
            (a for a in self.accounts if address in (e.lower() for e in a.emails)), None
        )
        return by_address or next(
            (a for a in self.accounts if domain in (d.lower() for d in a.email_domains)), None
        )

    def person_for_email(self, address: str) -> Person | None:
        address = address.strip().lower()
        return next((p for p in self.people if p.email and p.email.lower() == address), None)

    def person_for_slack_user(self, user_id: str) -> Person | None:
        return next((p for p in self.people if p.slack_user == user_id), None)

    def ladder_for(self, tier: Tier) -> list[EscalationStep]:
        plan = self.plans.get(tier)
        return list(plan.escalation) if plan and plan.escalation else list(self.escalation)
